// Tìm kiếm văn bản: số/ký hiệu, trích yếu, nơi gửi and the text of the PDF, without diacritics, for the staff member who
// may see each document (canSee, as getDocument), a secret one's words never matching for anyone not named on it.
//
// The folded texts are written by the documents.index job, not in the write that changes the document: pdftotext runs
// as a separate process for up to seconds on a large PDF, and the writes that give a document its file or number
// (arrival, issue) hold the agency's gap-free number row and the exchange's outbox in their transaction, so it must not
// wait there. A document is searchable within the job's period (a minute) of its change; the job reads a PDF once per
// file (content_sha256), and a change racing the job is indexed again at the next run (indexed_revision).
import { execFile } from 'node:child_process';
import type { Database, Queryable } from '../db/index.ts';
import type { DocumentsRow } from '../db/schema.ts';
import { organisationOf } from '../agencies/service.ts';
import type { Actor } from '../shared/actor.ts';
import { badRequest } from '../shared/errors.ts';
import { fold } from '../shared/text.ts';
import { formatNumber } from './numbering.ts';
import { canSee, summaryOf } from './workflow.ts';

/** The folded PDF text kept per document: enough for any administrative document, bounded for a 500-page annex. */
const MAX_CONTENT_CHARS = 200_000;
const PDFTOTEXT_TIMEOUT_MS = 30_000;

/** The text of a PDF (poppler's pdftotext, the file on stdin); empty for a scan without a text layer or a broken file. */
export function pdfText(content: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const child = execFile(
      'pdftotext',
      ['-q', '-enc', 'UTF-8', '-', '-'],
      { timeout: PDFTOTEXT_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      // A PDF pdftotext cannot read is still found by its số, ký hiệu and trích yếu.
      (err, stdout) => resolve(err ? '' : stdout),
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(content);
  });
}

/** Số/ký hiệu, trích yếu, loại, nơi gửi: what a document is found by besides its text. */
function metadataText(row: DocumentsRow, typeName: string): string {
  const notation = row.direction === 'outgoing' && row.number !== null ? `${formatNumber(row.number)}/${row.notation}` : '';
  return fold([notation, row.source_notation, row.subject, typeName, row.from_name].filter(Boolean).join(' '));
}

/** The file whose text a document is found by: the issued one, else the signed, else the main file or the scan. */
async function textFile(db: Queryable, row: DocumentsRow) {
  const [f] = await db.query<{ sha256: string; content: Uint8Array }>(
    `SELECT sha256, content FROM document_files
      WHERE document_id = $1 AND mime = 'application/pdf' AND kind IN ('issued', 'signed', 'main', 'scan')
      ORDER BY array_position(ARRAY['issued', 'signed', 'main', 'scan'], kind), version DESC, created_at DESC LIMIT 1`,
    [row.id],
  );
  return f;
}

/** Indexes the documents changed since they were last indexed (the documents.index job); how many it indexed. */
export async function indexDocuments(db: Database, limit = 100): Promise<{ indexed: number }> {
  const rows = await db.query<DocumentsRow>(`SELECT * FROM documents WHERE indexed_revision IS DISTINCT FROM revision ORDER BY updated_at LIMIT $1`, [limit]);
  const types = new Map((await db.query<{ code: string; name: string }>('SELECT code, name FROM document_types')).map((t) => [t.code, t.name]));
  let indexed = 0;
  for (const row of rows) {
    const file = await textFile(db, row);
    const sameFile = file?.sha256 === row.content_sha256;
    const content = !file ? null : sameFile ? row.content_text : fold(await pdfText(Buffer.from(file.content))).slice(0, MAX_CONTENT_CHARS);
    // Written only if the document did not change meanwhile (else the next run reads it again); not a change of the
    // case itself, so neither its revision nor updated_at moves.
    const done = await db.query(
      `UPDATE documents SET search_text = $3, content_text = $4, content_sha256 = $5, indexed_revision = $2 WHERE id = $1 AND revision = $2 RETURNING 1`,
      [row.id, row.revision, metadataText(row, types.get(row.type_code) ?? ''), content, file?.sha256 ?? null],
    );
    indexed += done.length;
  }
  return { indexed };
}

/** The columns a search hit needs (who may see it, what the list shows): never the texts themselves. */
const LISTED = `id, direction, status, agency_id, type_code, subject, urgency, secrecy, readers, created_by, signer_id, handler_id, unit_id,
  lead_unit_id, coordinating_unit_ids, number, notation, source_notation, from_name`;

const likePattern = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The documents the staff member may see whose folded texts hold every word of `q` (any order, diacritics ignored),
 * urgent and recent first. A secret document is only looked at by the database for those named on it; one that is
 * found is a look at it, logged as getDocument logs one.
 */
export async function searchDocuments(db: Queryable, actor: Actor, q: string, limit = 50) {
  const words = [...new Set(fold(q).split(' ').filter(Boolean))].slice(0, 10);
  if (!words.length) throw badRequest('SEARCH_QUERY_EMPTY', 'Hãy nhập số, ký hiệu, trích yếu hoặc nội dung cần tìm.');
  const org = (await organisationOf(db, actor.agencyId)).id;
  const conditions = words.map((_, i) => `(search_text LIKE $${i + 3} OR content_text LIKE $${i + 3})`).join(' AND ');
  const rows = await db.query<DocumentsRow & { in_content: boolean }>(
    `SELECT ${LISTED}, NOT (${words.map((_, i) => `search_text LIKE $${i + 3}`).join(' AND ')}) AS in_content FROM documents
      WHERE agency_id = $1 AND (secrecy = 'thuong' OR $2 = ANY(readers)) AND ${conditions}
      ORDER BY urgency DESC, coalesce(issued_at, arrived_at, created_at) DESC LIMIT 1000`,
    [org, actor.userId, ...words.map(likePattern)],
  );
  const types = new Map((await db.query<{ code: string; name: string }>('SELECT code, name FROM document_types')).map((t) => [t.code, t.name]));
  // Documents written since the documents.index job last ran are matched on their metadata here, so one is found by
  // its number and trích yếu as soon as it is saved; the words of its PDF wait for the job.
  const fresh = (
    await db.query<DocumentsRow>(
      `SELECT ${LISTED} FROM documents WHERE agency_id = $1 AND (secrecy = 'thuong' OR $2 = ANY(readers)) AND indexed_revision IS DISTINCT FROM revision
        ORDER BY created_at DESC LIMIT 1000`,
      [org, actor.userId],
    )
  ).filter((r) => {
    const text = metadataText(r, types.get(r.type_code) ?? '');
    return words.every((w) => text.includes(w));
  });
  const seen = new Set(fresh.map((r) => r.id));
  const matched = [...fresh.map((r) => ({ ...r, in_content: false })), ...rows.filter((r) => !seen.has(r.id))];
  const found = matched.filter((r) => canSee(actor, org, r)).slice(0, limit);
  for (const r of found.filter((x) => x.secrecy !== 'thuong')) {
    await db.query('INSERT INTO document_secret_views (document_id, user_id) VALUES ($1, $2)', [r.id, actor.userId]);
  }
  return {
    items: found.map((row) => {
      return {
        ...summaryOf(row, types.get(row.type_code)),
        /** Found by the words of its file, not by its số, ký hiệu, trích yếu or sender. */
        inContent: row.in_content === true,
      };
    }),
  };
}
