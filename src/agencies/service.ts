// Agencies (cơ quan, đơn vị): the tree every scope check walks.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/index.ts';
import type { AgenciesRow } from '../db/schema.ts';
import { type Actor, inScope, isSystemAdmin } from '../shared/actor.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../shared/errors.ts';
import { nfc } from '../shared/text.ts';
import { unitExists } from '../geo/service.ts';

export type AgencyKind = 'province_committee' | 'department' | 'commune_committee' | 'unit';
export const AGENCY_KINDS: AgencyKind[] = ['province_committee', 'department', 'commune_committee', 'unit'];

export interface Agency {
  id: string;
  code: string;
  legacyCode: string | null;
  name: string;
  kind: AgencyKind;
  parentId: string | null;
  unitCode: string | null;
  active: boolean;
  /** Tiếp nhận sáng thứ Bảy tại bộ phận một cửa: 'HH:MM' range within the morning, or null (closed). */
  saturdaySession: SaturdaySession | null;
  /** Ký hiệu in the notation of the documents it issues ("UBND" in 15/QĐ-UBND); null until set. */
  abbreviation: string | null;
}
export interface SaturdaySession {
  start: string;
  end: string;
}

/** A Saturday-morning session is a 'HH:MM' range inside the morning (06:00–12:00), start before end. */
export function checkSaturdaySession(session: SaturdaySession): void {
  const valid =
    [session.start, session.end].every((t) => /^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(t)) &&
    session.start >= '06:00' &&
    session.end <= '12:00' &&
    session.start < session.end;
  if (!valid) {
    throw badRequest(
      'INVALID_SATURDAY_SESSION',
      'Giờ tiếp nhận sáng thứ Bảy phải có dạng HH:MM, trong buổi sáng (06:00–12:00), giờ bắt đầu trước giờ kết thúc.',
    );
  }
}

/** Mã định danh điện tử (QĐ 20/2020): dot-separated groups of [0-9A-Z], level 1 = letter A–Y + 2 digits, ≤ 35 chars. */
export const AGENCY_CODE_PATTERN = '^[A-Y][0-9]{2}(\\.[0-9A-Z]+)*$';
export function checkAgencyCode(code: string): void {
  if (code.length > 35 || !new RegExp(AGENCY_CODE_PATTERN).test(code)) {
    throw badRequest('INVALID_AGENCY_CODE', `Mã định danh "${code}" không đúng định dạng (ví dụ H13.20; tối đa 35 ký tự, theo Quyết định 20/2020/QĐ-TTg).`);
  }
}

const COLUMNS = 'id, code, legacy_code, name, kind, parent_id, unit_code, active, path, saturday_start, saturday_end, abbreviation';
/** An agency as COLUMNS selects it. */
export type AgencyRow = Pick<
  AgenciesRow,
  'id' | 'code' | 'legacy_code' | 'name' | 'kind' | 'parent_id' | 'unit_code' | 'active' | 'path' | 'saturday_start' | 'saturday_end' | 'abbreviation'
>;
const toAgency = (r: AgencyRow): Agency => ({
  id: r.id,
  code: r.code,
  legacyCode: r.legacy_code,
  name: r.name,
  kind: r.kind as AgencyKind,
  parentId: r.parent_id,
  unitCode: r.unit_code,
  active: r.active,
  saturdaySession: r.saturday_start && r.saturday_end ? { start: r.saturday_start, end: r.saturday_end } : null,
  abbreviation: r.abbreviation,
});

export async function getAgencyRow(db: Queryable, id: string): Promise<AgencyRow | undefined> {
  const [row] = await db.query<AgencyRow>(`SELECT ${COLUMNS} FROM agencies WHERE id = $1`, [id]);
  return row;
}

/** The agency if the actor may see it; "not found" otherwise, so that ids outside the scope reveal nothing. */
export async function getAgencyInScope(db: Queryable, actor: Actor, id: string) {
  const row = await getAgencyRow(db, id);
  if (!row || !inScope(actor, row.path)) throw notFound('cơ quan');
  return row;
}

export async function getAgencyByCode(db: Queryable, code: string): Promise<Agency | undefined> {
  const [row] = await db.query<AgencyRow>(`SELECT ${COLUMNS} FROM agencies WHERE code = $1`, [code]);
  return row && toAgency(row);
}

export async function listAgencies(db: Queryable, actor: Actor | null): Promise<Agency[]> {
  const rows =
    actor && !isSystemAdmin(actor)
      ? await db.query<AgencyRow>(`SELECT ${COLUMNS} FROM agencies WHERE path = $1 OR path LIKE $1 || '/%' ORDER BY path`, [actor.agencyPath])
      : await db.query<AgencyRow>(`SELECT ${COLUMNS} FROM agencies WHERE $1 OR active ORDER BY path`, [actor !== null]);
  return rows.map(toAgency);
}

export interface NewAgency {
  code: string;
  name: string;
  kind: AgencyKind;
  parentId?: string | null;
  unitCode?: string | null;
  legacyCode?: string | null;
  abbreviation?: string | null;
}

/** Creates an agency; actor null = the system itself (seeding). */
export async function createAgency(db: Queryable, actor: Actor | null, input: NewAgency): Promise<Agency> {
  const code = input.code.trim().toUpperCase();
  checkAgencyCode(code);
  let parentPath = '';
  if (input.parentId) {
    const parent = actor ? await getAgencyInScope(db, actor, input.parentId) : await getAgencyRow(db, input.parentId);
    if (!parent) throw notFound('cơ quan cấp trên');
    parentPath = parent.path + '/';
  } else if (actor && !isSystemAdmin(actor)) {
    throw forbidden('Chỉ quản trị hệ thống được tạo cơ quan cấp cao nhất.');
  }
  if (input.unitCode && !(await unitExists(db, input.unitCode))) {
    throw badRequest('UNKNOWN_UNIT', `Đơn vị hành chính mã "${input.unitCode}" không tồn tại.`);
  }
  if (await getAgencyByCode(db, code)) throw conflict('AGENCY_CODE_TAKEN', `Mã định danh "${code}" đã được dùng.`);
  const id = randomUUID();
  const [row] = await db.query<AgencyRow>(
    `INSERT INTO agencies (id, code, legacy_code, name, kind, parent_id, path, unit_code, abbreviation)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
    [
      id,
      code,
      input.legacyCode ?? null,
      nfc(input.name),
      input.kind,
      input.parentId ?? null,
      parentPath + id,
      input.unitCode ?? null,
      input.abbreviation ?? null,
    ],
  );
  return toAgency(row);
}

export interface AgencyPatch {
  code?: string;
  name?: string;
  unitCode?: string | null;
  active?: boolean;
  saturdaySession?: SaturdaySession | null;
  abbreviation?: string | null;
}

export async function updateAgency(db: Queryable, actor: Actor, id: string, patch: AgencyPatch): Promise<Agency> {
  const current = await getAgencyInScope(db, actor, id);
  const code = patch.code?.trim().toUpperCase();
  if (code !== undefined && code !== current.code) {
    checkAgencyCode(code);
    if (await getAgencyByCode(db, code)) throw conflict('AGENCY_CODE_TAKEN', `Mã định danh "${code}" đã được dùng.`);
  }
  if (patch.unitCode && !(await unitExists(db, patch.unitCode))) {
    throw badRequest('UNKNOWN_UNIT', `Đơn vị hành chính mã "${patch.unitCode}" không tồn tại.`);
  }
  if (patch.active === false && id === actor.agencyId) {
    throw new AppError(409, 'CANNOT_DEACTIVATE_OWN_AGENCY', 'Không thể ngừng hoạt động cơ quan của chính mình.');
  }
  if (patch.saturdaySession) checkSaturdaySession(patch.saturdaySession);
  const [row] = await db.query<AgencyRow>(
    `UPDATE agencies SET code = coalesce($2, code), name = coalesce($3, name),
       unit_code = CASE WHEN $4::boolean THEN $5 ELSE unit_code END, active = coalesce($6, active),
       saturday_start = CASE WHEN $7::boolean THEN $8 ELSE saturday_start END,
       saturday_end = CASE WHEN $7::boolean THEN $9 ELSE saturday_end END,
       abbreviation = CASE WHEN $10::boolean THEN $11 ELSE abbreviation END, updated_at = now()
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [
      id,
      code ?? null,
      patch.name ? nfc(patch.name) : null,
      patch.unitCode !== undefined,
      patch.unitCode ?? null,
      patch.active ?? null,
      patch.saturdaySession !== undefined,
      patch.saturdaySession?.start ?? null,
      patch.saturdaySession?.end ?? null,
      patch.abbreviation !== undefined,
      patch.abbreviation ?? null,
    ],
  );
  return toAgency(row);
}

/**
 * The organisation an agency belongs to: itself, or for a sub-unit (phòng, trung tâm: kind 'unit') the nearest
 * ancestor that is not a unit. Staff of a sub-unit act for their organisation.
 */
export async function organisationOf(db: Queryable, agencyId: string): Promise<Agency & { path: string }> {
  const rows = await db.query<AgencyRow>(
    `SELECT ${COLUMNS} FROM agencies WHERE id::text = ANY(string_to_array((SELECT path FROM agencies WHERE id = $1), '/'))
      ORDER BY length(path) DESC`,
    [agencyId],
  );
  const org = rows.find((r) => r.kind !== 'unit') ?? rows[rows.length - 1];
  if (!org) throw notFound('cơ quan');
  return { ...toAgency(org), path: org.path };
}

/** Agencies by id, with the path scope checks need (unknown ids are left out). */
export async function agenciesById(db: Queryable, ids: string[]): Promise<Map<string, Agency & { path: string }>> {
  if (!ids.length) return new Map();
  const rows = await db.query<AgencyRow>(`SELECT ${COLUMNS} FROM agencies WHERE id = ANY($1::uuid[])`, [[...new Set(ids)]]);
  return new Map(rows.map((r) => [r.id as string, { ...toAgency(r), path: r.path as string }]));
}

/** The agency with this path and every agency below it, in path order; '' = all agencies. */
export async function agenciesUnder(db: Queryable, path: string): Promise<(Agency & { path: string })[]> {
  const rows = await db.query<AgencyRow>(`SELECT ${COLUMNS} FROM agencies WHERE $1 = '' OR path = $1 OR path LIKE $1 || '/%' ORDER BY path`, [path]);
  return rows.map((r) => ({ ...toAgency(r), path: r.path as string }));
}

/** Names of agencies by id, for documents that print them. */
export async function agencyNames(db: Queryable, ids: string[]): Promise<Map<string, string>> {
  const rows = await db.query<Pick<AgenciesRow, 'id' | 'name'>>('SELECT id, name FROM agencies WHERE id = ANY($1::uuid[])', [ids]);
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * The organisations on the platform (not their units), by mã định danh: the document exchange's mailboxes. Active
 * ones only, in code order.
 */
export async function platformOrganisations(db: Queryable): Promise<{ id: string; code: string; name: string }[]> {
  return db.query<{ id: string; code: string; name: string }>(`SELECT id, code, name FROM agencies WHERE active AND kind <> 'unit' ORDER BY code`);
}

/** The legacy form of a mã định danh (000.00.01.H92) that the national axis still carries. */
const LEGACY_CODE_PATTERN = /^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$/;
/**
 * A mã định danh the exchange may address: the QĐ 20/2020 form or the legacy one. The national directory of agencies
 * is not kept on the platform, so an outside agency is known by the form of its code.
 */
export function isOrganisationCode(code: string): boolean {
  return (code.length <= 35 && new RegExp(AGENCY_CODE_PATTERN).test(code)) || LEGACY_CODE_PATTERN.test(code);
}
