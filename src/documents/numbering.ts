// Số văn bản (Decree 30/2020 art. 15, Phụ lục I): one series per agency, register book and calendar year (Vietnam
// time), from 01 on 1 January; secret documents have a series of their own; the number is taken inside the
// transaction that issues (or registers) the document, so a rolled-back issue gives it back and none is skipped.
import type { Queryable } from '../db/index.ts';
import type { DocumentRegisterNumbersRow, DocumentTypesRow } from '../db/schema.ts';
import { badRequest } from '../shared/errors.ts';
import { vietnamYear } from '../shared/time.ts';

/** The register books (sổ đăng ký): outgoing, outgoing secret (its own series), incoming (số đến). */
export const BOOKS = {
  outgoing: 'Sổ đăng ký văn bản đi',
  outgoing_secret: 'Sổ đăng ký văn bản đi (mật)',
  incoming: 'Sổ đăng ký văn bản đến',
} as const;
export type Book = keyof typeof BOOKS;

export async function nextNumber(tx: Queryable, agencyId: string, book: Book, at: Date): Promise<{ year: number; number: number }> {
  const year = vietnamYear(at);
  const [{ last }] = await tx.query<Pick<DocumentRegisterNumbersRow, 'last'>>(
    `INSERT INTO document_register_numbers (agency_id, book, year, last) VALUES ($1, $2, $3, 1)
     ON CONFLICT (agency_id, book, year) DO UPDATE SET last = document_register_numbers.last + 1 RETURNING last`,
    [agencyId, book, year],
  );
  return { year, number: Number(last) };
}

/** Numbers below 10 take a leading zero ("01"). */
export const formatNumber = (n: number) => String(n).padStart(2, '0');

/**
 * Ký hiệu after the number: the type's abbreviation and the agency's ("QĐ-UBND"); a công văn has no type code and
 * names the drafting unit instead ("UBND-VP"), or only the agency when the unit has no abbreviation.
 */
export function notationOf(typeAbbreviation: string | null, agency: string, unit: string | null): string {
  if (typeAbbreviation) return `${typeAbbreviation}-${agency}`;
  return unit ? `${agency}-${unit}` : agency;
}

export type DocumentType = { code: string; name: string; abbreviation: string | null };

/** The 29 document types of art. 7, in the decree's order. */
export async function documentTypes(db: Queryable): Promise<DocumentType[]> {
  return db.query<Pick<DocumentTypesRow, 'code' | 'name' | 'abbreviation'>>('SELECT code, name, abbreviation FROM document_types ORDER BY ordinal');
}

export async function documentType(db: Queryable, code: string): Promise<DocumentType> {
  const [t] = await db.query<Pick<DocumentTypesRow, 'code' | 'name' | 'abbreviation'>>('SELECT code, name, abbreviation FROM document_types WHERE code = $1', [
    code,
  ]);
  if (!t) throw badRequest('UNKNOWN_DOCUMENT_TYPE', `Không có loại văn bản mã "${code}" (29 loại văn bản hành chính theo Nghị định 30/2020/NĐ-CP).`);
  return t;
}
