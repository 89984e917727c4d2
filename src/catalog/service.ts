// The procedure catalogue (thủ tục hành chính): versions, publication, search, import and export.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Database, Queryable } from '../db/index.ts';
import type { ProcedureVersionsRow, ProceduresRow } from '../db/schema.ts';
import { type Actor, inScope, isSystemAdmin } from '../shared/actor.ts';
import { AppError, badRequest, forbidden, notFound } from '../shared/errors.ts';
import { validationDetails } from '../shared/http.ts';
import { fold, nfc } from '../shared/text.ts';
import { agenciesUnder, getAgencyByCode, getAgencyInScope, getAgencyRow } from '../agencies/service.ts';
import { staffNames } from '../identity/service.ts';
import { procedureContentSchema } from './schema.ts';
import type { ProcedureContent } from './types.ts';
import { catalogueChanged, PublicCatalogIndex, type ProcedureSummary, type SearchFilters } from './search-index.ts';

export type { ProcedureSummary, SearchFilters };

const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validateShape = ajv.compile(procedureContentSchema);

/** Checks a procedure's content: its shape, its form's JSON Schema, its workflow. Throws a 400 with every problem. */
export function checkContent(content: unknown): ProcedureContent {
  if (!validateShape(content)) {
    const details = validationDetails(validateShape.errors as any[]);
    throw badRequest('INVALID_PROCEDURE', `Nội dung thủ tục không hợp lệ: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}.`, details);
  }
  const c = content as ProcedureContent;
  try {
    ajv.compile(c.formSchema);
  } catch (err) {
    throw badRequest('INVALID_FORM_SCHEMA', `Biểu mẫu trực tuyến (formSchema) không phải JSON Schema hợp lệ: ${(err as Error).message}`);
  }
  const form = c.formSchema as { properties?: Record<string, { type?: unknown }>; required?: string[] };
  for (const f of c.fees) {
    if (f.per && !(form.properties?.[f.per.field]?.type === 'integer' && form.required?.includes(f.per.field))) {
      throw badRequest(
        'INVALID_FEE',
        `Phí "${f.name}" tính theo ${f.per.unit}: biểu mẫu phải có trường số nguyên bắt buộc "${f.per.field}" ghi số ${f.per.unit}.`,
      );
    }
  }
  const keys = c.workflow.map((s) => s.key);
  if (new Set(keys).size !== keys.length) throw badRequest('INVALID_WORKFLOW', 'Các bước trong quy trình phải có mã (key) khác nhau.');
  return normalize(c);
}

/** NFC for every string, so that pasted decomposed Vietnamese is stored as the same bytes as typed text. */
function normalize<T>(v: T): T {
  if (typeof v === 'string') return nfc(v) as T;
  if (Array.isArray(v)) return v.map(normalize) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)])) as T;
  return v;
}

export const procedureCode = (c: Pick<ProcedureContent, 'nationalCode' | 'localSuffix'>) =>
  c.localSuffix ? `${c.nationalCode}.${c.localSuffix}` : c.nationalCode;
export const isFree = (c: ProcedureContent) => c.fees.every((f) => f.amount === 0);

/** The listing and search columns copied from one version's content. */
function listingColumns(c: ProcedureContent) {
  return [c.name, c.field, c.agencyLevel, c.onlineLevel, isFree(c), fold(`${c.name} ${procedureCode(c)} ${c.field} ${c.competentAgency}`)];
}
const SET_LISTING = `name = $2, field = $3, agency_level = $4, online_level = $5, free = $6, search_text = $7`;
/** A version's content, as checkContent accepted it when it was written. */
type Content = { content: ProcedureContent };

// ---- reading -----------------------------------------------------------------------------------

const publicIndexes = new WeakMap<Queryable, PublicCatalogIndex>();

/**
 * Public search of published procedures by name, code or field, ignoring case and diacritics and tolerating a
 * typo; the best match first (see search-index.ts).
 */
export async function searchProcedures(db: Queryable, f: SearchFilters) {
  let index = publicIndexes.get(db);
  if (!index) {
    index = new PublicCatalogIndex();
    publicIndexes.set(db, index);
  }
  return index.search(db, f);
}

/** The admin's list: every status, within the actor's scope, filtered by a folded substring, by code. */
export async function listProceduresForAdmin(db: Queryable, actor: Actor, f: SearchFilters) {
  const scope = isSystemAdmin(actor) ? null : (await agenciesUnder(db, actor.agencyPath)).map((a) => a.id);
  const rows = await db.query(
    `SELECT p.id, p.code, p.national_code, p.status, p.agency_id, v.version, v.content, count(*) OVER () AS total
       FROM procedures p
       JOIN procedure_versions v ON v.procedure_id = p.id AND v.version = p.latest_version
      WHERE ($1 = '' OR p.search_text LIKE '%' || $1 || '%')
        AND ($2::text IS NULL OR p.field = $2)
        AND ($3::text IS NULL OR p.agency_level = $3)
        AND ($4::text IS NULL OR p.online_level = $4)
        AND ($5::uuid IS NULL OR p.agency_id = $5)
        AND ($6::uuid[] IS NULL OR p.agency_id = ANY($6))
      ORDER BY p.code
      LIMIT $7 OFFSET $8`,
    [fold(f.q ?? ''), f.field ?? null, f.agencyLevel ?? null, f.onlineLevel ?? null, f.agency ?? null, scope, f.pageSize, (f.page - 1) * f.pageSize],
  );
  const items: ProcedureSummary[] = rows.map((r) => {
    const c = r.content;
    return {
      id: r.id,
      code: r.code,
      nationalCode: r.national_code,
      name: c.name,
      field: c.field,
      agencyLevel: c.agencyLevel,
      competentAgency: c.competentAgency,
      onlineLevel: c.onlineLevel,
      processingTime: c.processingTime,
      free: isFree(c),
      version: r.version,
      status: r.status,
      agencyId: r.agency_id,
    };
  });
  return { items, total: rows.length ? Number(rows[0].total) : 0, page: f.page, pageSize: f.pageSize };
}

export async function listFields(db: Queryable) {
  return db.query<{ name: string; count: number }>(
    `SELECT field AS name, count(*)::int AS count FROM procedures WHERE status = 'published' GROUP BY field ORDER BY field`,
  );
}

/** A published procedure by id or by code (national code alone, or with its local suffix). */
export async function getPublishedProcedure(db: Queryable, idOrCode: string) {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrCode);
  const [r] = await db.query<Pick<ProceduresRow, 'id' | 'code' | 'agency_id' | 'published_at'> & Pick<ProcedureVersionsRow, 'version'> & Content>(
    `SELECT p.id, p.code, p.agency_id, p.published_at, v.version, v.content
       FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id AND v.version = p.published_version
      WHERE p.status = 'published' AND ${isUuid ? 'p.id = $1::uuid' : '(p.code = $1 OR p.national_code = $1)'}
      ORDER BY p.code LIMIT 1`,
    [idOrCode],
  );
  if (!r) throw notFound('thủ tục');
  return { id: r.id, code: r.code, version: r.version, agencyId: r.agency_id, publishedAt: r.published_at!.toISOString(), content: r.content };
}

/** The exact version a dossier was submitted under. */
export async function getProcedureVersion(db: Queryable, procedureId: string, version: number): Promise<ProcedureContent> {
  const [r] = await db.query<Content>('SELECT content FROM procedure_versions WHERE procedure_id = $1 AND version = $2', [procedureId, version]);
  if (!r) throw notFound('phiên bản thủ tục');
  return r.content;
}

async function getInScope(db: Queryable, actor: Actor, id: string) {
  const [r] = await db.query('SELECT id, code, status, latest_version, published_version, agency_id FROM procedures WHERE id = $1', [id]);
  const agency = r && (await getAgencyRow(db, r.agency_id));
  if (!agency || !inScope(actor, agency.path)) throw notFound('thủ tục');
  return r;
}

export async function getProcedureForAdmin(db: Queryable, actor: Actor, id: string) {
  const p = await getInScope(db, actor, id);
  const versions = await db.query('SELECT version, created_at, created_by FROM procedure_versions WHERE procedure_id = $1 ORDER BY version DESC', [id]);
  const authors = await staffNames(
    db,
    versions.flatMap((v) => v.created_by ?? []),
  );
  return {
    id: p.id,
    code: p.code,
    status: p.status,
    version: p.latest_version,
    publishedVersion: p.published_version,
    agencyId: p.agency_id,
    content: await getProcedureVersion(db, id, p.latest_version),
    versions: versions.map((v) => ({ version: v.version, createdAt: new Date(v.created_at).toISOString(), createdBy: authors.get(v.created_by) ?? null })),
  };
}

// ---- writing -----------------------------------------------------------------------------------

async function assertCodeFree(db: Queryable, code: string, exceptId?: string) {
  const [r] = await db.query<Pick<ProceduresRow, 'id'>>('SELECT id FROM procedures WHERE code = $1', [code]);
  if (r && r.id !== exceptId) throw new AppError(409, 'PROCEDURE_CODE_TAKEN', `Mã thủ tục "${code}" đã có trong danh mục.`);
}

/** Creates a procedure as a draft, version 1. actor null = the system itself (seeding). */
export async function createProcedure(db: Database, actor: Actor | null, agencyId: string, raw: unknown): Promise<string> {
  const content = checkContent(raw);
  if (actor) await getAgencyInScope(db, actor, agencyId);
  else if (!(await getAgencyRow(db, agencyId))) throw notFound('cơ quan');
  const code = procedureCode(content);
  const id = randomUUID();
  await catalogueWrite(db, async (tx) => {
    await assertCodeFree(tx, code);
    // $1 = id and $2..$7 = the listing columns, as SET_LISTING expects.
    await tx.query(
      `INSERT INTO procedures (id, name, field, agency_level, online_level, free, search_text, agency_id, code, national_code, latest_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1)`,
      [id, ...listingColumns(content), agencyId, code, content.nationalCode],
    );
    await tx.query('INSERT INTO procedure_versions (procedure_id, version, content, created_by) VALUES ($1, 1, $2, $3)', [id, content, actor?.userId ?? null]);
  });
  return id;
}

/** Saves an edit as a new version. A published procedure stays public at its published version until published again. */
export async function updateProcedure(db: Database, actor: Actor, id: string, raw: unknown): Promise<number> {
  const content = checkContent(raw);
  return catalogueWrite(db, async (tx) => {
    const p = await getInScope(tx, actor, id);
    // Locks the row: two concurrent edits get consecutive versions, not the same one.
    await tx.query('SELECT 1 FROM procedures WHERE id = $1 FOR UPDATE', [id]);
    const [{ latest_version: current }] = await tx.query<Pick<ProceduresRow, 'latest_version'>>('SELECT latest_version FROM procedures WHERE id = $1', [id]);
    const code = procedureCode(content);
    if (code !== p.code) await assertCodeFree(tx, code, id);
    const version = current + 1;
    await tx.query('INSERT INTO procedure_versions (procedure_id, version, content, created_by) VALUES ($1, $2, $3, $4)', [id, version, content, actor.userId]);
    await tx.query(`UPDATE procedures SET latest_version = $2, code = $3, national_code = $4, updated_at = now() WHERE id = $1`, [
      id,
      version,
      code,
      content.nationalCode,
    ]);
    if (p.status !== 'published') await tx.query(`UPDATE procedures SET ${SET_LISTING} WHERE id = $1`, [id, ...listingColumns(content)]);
    return version;
  });
}

/** Makes the latest version the public one (công bố). */
export async function publishProcedure(db: Database, actor: Actor | null, id: string): Promise<void> {
  await catalogueWrite(db, async (tx) => {
    if (actor) await getInScope(tx, actor, id);
    const [p] = await tx.query<Pick<ProceduresRow, 'latest_version'>>('SELECT latest_version FROM procedures WHERE id = $1 FOR UPDATE', [id]);
    if (!p) throw notFound('thủ tục');
    const content = await getProcedureVersion(tx, id, p.latest_version);
    await tx.query(
      `UPDATE procedures SET ${SET_LISTING}, status = 'published', published_version = latest_version,
      published_at = now(), updated_at = now() WHERE id = $1`,
      [id, ...listingColumns(content)],
    );
  });
}

/** Withdraws a procedure from the portal (ngừng công bố); its versions are kept. */
export async function unpublishProcedure(db: Database, actor: Actor, id: string): Promise<void> {
  await catalogueWrite(db, async (tx) => {
    const p = await getInScope(tx, actor, id);
    if (p.status !== 'published') throw new AppError(409, 'NOT_PUBLISHED', 'Thủ tục đang không được công bố.');
    await tx.query(`UPDATE procedures SET status = 'unpublished', updated_at = now() WHERE id = $1`, [id]);
  });
}

/**
 * A catalogue write in one transaction that moves catalog_revision on, telling every process's search index; this
 * process's index reads it again at its next search (see search-index.ts).
 */
async function catalogueWrite<T>(db: Database, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  const result = await db.transaction(async (tx) => {
    const r = await fn(tx);
    await tx.query('UPDATE catalog_revision SET revision = revision + 1');
    return r;
  });
  catalogueChanged();
  return result;
}

// ---- figures for the 766 index ------------------------------------------------------------------

/** The 7 parts a published procedure must show (Nghị định 63/2010 art. 8(2); the 766 index's PUBLIC_CONTENT_FULL). */
const SEVEN_PARTS: [string, (c: ProcedureContent) => boolean][] = [
  ['tên thủ tục', (c) => Boolean(c.name?.trim())],
  ['trình tự thực hiện', (c) => Boolean(c.steps?.trim())],
  ['cách thức thực hiện', (c) => Boolean(c.methods?.trim())],
  ['thành phần, số lượng hồ sơ', (c) => c.components?.length > 0],
  ['thời hạn giải quyết', (c) => c.processingTime?.value > 0],
  ['đối tượng thực hiện', (c) => Boolean(c.applicants?.trim()) || c.applicantTypes?.length > 0],
  ['cơ quan thực hiện', (c) => Boolean(c.competentAgency?.trim())],
];

export interface PublishedProcedureFacts {
  id: string;
  onlineLevel: ProcedureContent['onlineLevel'];
  /** The parts of the 7 that are missing (empty when the publication is complete). */
  missingParts: string[];
  /** Phí, lệ phí: the amounts as published (null = "theo quy định"). */
  fees: ProcedureContent['fees'];
}

/** Every published procedure's facts that the 766 index scores from the catalogue. */
export async function publishedProcedureFacts(db: Queryable): Promise<PublishedProcedureFacts[]> {
  const rows = await db.query<Pick<ProceduresRow, 'id'> & Content>(
    `SELECT p.id, v.content FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id AND v.version = p.published_version
      WHERE p.status = 'published'`,
  );
  return rows.map((r) => {
    const c = r.content;
    return { id: r.id, onlineLevel: c.onlineLevel, missingParts: SEVEN_PARTS.filter(([, has]) => !has(c)).map(([name]) => name), fees: c.fees ?? [] };
  });
}

/** Every published procedure as the public sees it, by code: the open-data catalogue's rows. */
export async function publishedProcedureList(db: Queryable) {
  const rows = await db.query<Pick<ProceduresRow, 'id' | 'code'> & Content>(
    `SELECT p.id, p.code, v.content FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id AND v.version = p.published_version
      WHERE p.status = 'published' ORDER BY p.code`,
  );
  return rows.map(({ id, code, content: c }) => ({
    id,
    code,
    name: c.name,
    field: c.field,
    agencyLevel: c.agencyLevel,
    competentAgency: c.competentAgency,
    onlineLevel: c.onlineLevel,
    processingTime: c.processingTime,
    free: isFree(c),
  }));
}

// ---- search synonyms (từ đồng nghĩa) --------------------------------------------------------------

export interface SearchSynonym {
  phrase: string;
  meaning: string;
}

export async function listSearchSynonyms(db: Queryable): Promise<SearchSynonym[]> {
  return db.query<SearchSynonym>('SELECT phrase, meaning FROM search_synonyms ORDER BY phrase');
}

/** Replaces the province's whole synonym list (system administrators: it changes every search in the province). */
export async function replaceSearchSynonyms(db: Database, actor: Actor, items: SearchSynonym[]): Promise<SearchSynonym[]> {
  if (!isSystemAdmin(actor)) throw forbidden('Chỉ quản trị hệ thống được sửa từ đồng nghĩa của tìm kiếm.');
  const seen = new Map<string, number>();
  const rows = items.map((x, index) => {
    const phrase = nfc(x.phrase);
    const meaning = nfc(x.meaning);
    const key = fold(phrase);
    if (!key || !fold(meaning))
      throw badRequest('INVALID_SYNONYM', `Dòng ${index + 1}: cụm từ và nghĩa phải có chữ hoặc số.`, [{ path: `/items/${index}`, message: 'trống' }]);
    if (seen.has(key))
      throw badRequest('DUPLICATE_SYNONYM', `Dòng ${index + 1}: cụm từ "${phrase}" trùng với dòng ${seen.get(key)! + 1}.`, [
        { path: `/items/${index}/phrase`, message: 'trùng' },
      ]);
    seen.set(key, index);
    return { phrase, meaning };
  });
  await catalogueWrite(db, async (tx) => {
    await tx.query('DELETE FROM search_synonyms');
    for (const r of rows) await tx.query('INSERT INTO search_synonyms (phrase, meaning, updated_by) VALUES ($1, $2, $3)', [r.phrase, r.meaning, actor.userId]);
  });
  return listSearchSynonyms(db);
}

// ---- import and export -------------------------------------------------------------------------

export const EXPORT_FORMAT = 'congso.procedures/1';
export interface ExportItem {
  agencyCode: string;
  status: 'draft' | 'published' | 'unpublished';
  content: ProcedureContent;
}

export async function exportProcedures(db: Queryable, actor: Actor) {
  const agencyCodes = new Map((await agenciesUnder(db, isSystemAdmin(actor) ? '' : actor.agencyPath)).map((a) => [a.id, a.code]));
  const rows = await db.query(
    `SELECT p.agency_id, p.status, v.content FROM procedures p
       JOIN procedure_versions v ON v.procedure_id = p.id AND v.version = p.latest_version
      WHERE p.agency_id = ANY($1::uuid[]) ORDER BY p.code`,
    [[...agencyCodes.keys()]],
  );
  return {
    format: EXPORT_FORMAT,
    exportedAt: new Date().toISOString(),
    items: rows.map((r) => ({ agencyCode: agencyCodes.get(r.agency_id)!, status: r.status, content: r.content })),
  };
}

/** Imports procedures one by one: new codes are created, known codes get a new version; bad items are reported, not written. */
export async function importProcedures(db: Database, actor: Actor, items: unknown[]) {
  const report = { created: 0, updated: 0, unchanged: 0, rejected: [] as { index: number; code: string | null; message: string }[] };
  for (const [index, raw] of items.entries()) {
    const item = raw as Partial<ExportItem> | null;
    const code = item?.content && typeof item.content === 'object' ? procedureCode(item.content as ProcedureContent) : null;
    try {
      if (!item || typeof item !== 'object' || typeof item.agencyCode !== 'string') throw badRequest('INVALID_ITEM', 'thiếu mã cơ quan (agencyCode)');
      const agency = await getAgencyByCode(db, item.agencyCode);
      if (!agency) throw notFound(`cơ quan mã "${item.agencyCode}"`);
      await getAgencyInScope(db, actor, agency.id);
      const content = checkContent(item.content);
      const [existing] = await db.query<Pick<ProceduresRow, 'id' | 'latest_version' | 'status'>>(
        'SELECT id, latest_version, status FROM procedures WHERE code = $1',
        [procedureCode(content)],
      );
      let id: string;
      let changed = true;
      if (existing) {
        id = existing.id;
        changed = !isDeepStrictEqual(await getProcedureVersion(db, id, existing.latest_version), content);
        if (changed) {
          await updateProcedure(db, actor, id, content);
          report.updated++;
        } else report.unchanged++;
      } else {
        id = await createProcedure(db, actor, agency.id, content);
        report.created++;
      }
      if (item.status === 'published' && (changed || existing.status !== 'published')) await publishProcedure(db, actor, id);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      report.rejected.push({ index, code, message: err.message });
    }
  }
  return report;
}
