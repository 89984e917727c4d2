// Open311 GeoReport v2 over citizen feedback (issue 14, item 6): each feedback category is a service, each case a service
// request known by its public code. Reports come in through the feedback module (channel 'open311') from a client holding
// an API key; what goes out is what the public may see: a published case in full (without the reporter), an unpublished
// one as its code, category, dates and status only.
import { createHash, randomBytes } from 'node:crypto';
import type { Database, Queryable, Row } from '../db/index.ts';
import { agencyNames } from '../agencies/service.ts';
import { apiFeedback, PUBLIC_STEP_NAMES } from '../feedback/service.ts';
import { FEEDBACK_STATES, type FeedbackStatus } from '../feedback/workflow.ts';
import { type Actor, requireSystemAdmin } from '../shared/actor.ts';
import { AppError, badRequest, notFound } from '../shared/errors.ts';
import { fold, textProblem } from '../shared/text.ts';

/** The statuses after which the province considers a report dealt with; every other status is "open". */
const CLOSED: readonly FeedbackStatus[] = ['published', 'rated', 'rejected', 'merged'];
const DEFAULT_WINDOW_DAYS = 90;
const MAX_ROWS = 1000;

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
const openClosed = (status: string) => (CLOSED.includes(status as FeedbackStatus) ? 'closed' : 'open');

// ---- keys ------------------------------------------------------------------------------------------

const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

/** A key is shown once, when issued; only its hash is kept. */
export async function issueKey(db: Queryable, actor: Actor | null, name: string) {
  const admin = requireSystemAdmin(actor, 'Chỉ quản trị hệ thống được cấp khóa Open311.');
  const key = `o311_${randomBytes(24).toString('base64url')}`;
  const [row] = await db.query('INSERT INTO open311_api_keys (key_hash, name, created_by) VALUES ($1, $2, $3) RETURNING id, name, created_at', [
    hashKey(key),
    name,
    admin.userId,
  ]);
  return { id: row.id as string, name: row.name as string, key, createdAt: iso(row.created_at) };
}

export async function listKeys(db: Queryable, actor: Actor | null) {
  requireSystemAdmin(actor, 'Chỉ quản trị hệ thống được xem khóa Open311.');
  const rows = await db.query('SELECT id, name, created_by, created_at, revoked_at FROM open311_api_keys ORDER BY created_at DESC');
  return {
    items: rows.map((r) => ({ id: r.id, name: r.name, createdBy: r.created_by, createdAt: iso(r.created_at), revokedAt: iso(r.revoked_at) })),
  };
}

export async function revokeKey(db: Queryable, actor: Actor | null, id: string) {
  requireSystemAdmin(actor, 'Chỉ quản trị hệ thống được thu hồi khóa Open311.');
  const [row] = await db.query('UPDATE open311_api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id, revoked_at', [id]);
  if (!row) throw notFound('khóa Open311 còn hiệu lực');
  return { id: row.id as string, revokedAt: iso(row.revoked_at) };
}

async function requireKey(db: Queryable, key: unknown) {
  const [row] =
    typeof key === 'string' && key ? await db.query('SELECT id FROM open311_api_keys WHERE key_hash = $1 AND revoked_at IS NULL', [hashKey(key)]) : [];
  if (!row) throw new AppError(403, 'INVALID_API_KEY', 'Thiếu khóa api_key hoặc khóa không hợp lệ, đã bị thu hồi.');
}

// ---- services --------------------------------------------------------------------------------------

/** One service per active feedback category; the group is the parent category. Categories have no extra form yet: metadata false. */
export async function services(db: Queryable) {
  const rows = await db.query(
    `SELECT c.code, c.name, p.name AS parent_name FROM feedback_categories c LEFT JOIN feedback_categories p ON p.id = c.parent_id
     WHERE c.active ORDER BY c.position, c.name`,
  );
  return rows.map((r) => ({
    service_code: r.code as string,
    service_name: r.name as string,
    description: `Phản ánh, kiến nghị về lĩnh vực ${r.name}`,
    metadata: false,
    type: 'realtime',
    keywords: fold(r.name),
    group: (r.parent_name as string | null) ?? null,
  }));
}

/** The service definition: no attributes, since a feedback category has no form of its own (attribute[…] sent are ignored). */
export async function serviceDefinition(db: Queryable, code: string) {
  const [row] = await db.query('SELECT code FROM feedback_categories WHERE code = $1 AND active', [code]);
  if (!row) throw new AppError(404, 'UNKNOWN_SERVICE', `Không có dịch vụ (lĩnh vực phản ánh) mã "${code}".`);
  return { service_code: row.code as string, attributes: [] as never[] };
}

// ---- requests --------------------------------------------------------------------------------------

export type Form = Record<string, string | string[] | undefined>;

function field(form: Form, name: string, max: number): string | undefined {
  const v = form[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw badRequest('INVALID_FIELD', `Trường "${name}" chỉ được gửi một lần.`);
  const t = v.trim();
  if (t.length > max) throw badRequest('FIELD_TOO_LONG', `Trường "${name}" dài quá ${max} ký tự.`);
  const problem = textProblem(t, name === 'description');
  if (problem) throw badRequest('INVALID_TEXT', `Trường "${name}" ${problem}.`);
  return t || undefined;
}

function coordinate(form: Form, name: string, limit: number): number | undefined {
  const v = field(form, name, 30);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || Math.abs(n) > limit) throw badRequest('INVALID_LOCATION', `Tọa độ "${name}" không hợp lệ.`);
  return n;
}

/** A title for the case from the report's first words (Open311 has a description only). */
function titleOf(description: string): string {
  const line = description.split(/\r?\n/)[0];
  if (line.length <= 100) return line;
  const cut = line.slice(0, 100);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 40 ? cut.lastIndexOf(' ') : 100)}…`;
}

/**
 * `media_url`: the client's link to its photo (FixMyStreet hosts its own). An absolute http(s) address without
 * credentials, at most 2,000 characters; kept as a link and never fetched by the platform (no request to an address a
 * client chose: SSRF), shown to staff and, once the case is published, in GET requests as the spec has it.
 */
function mediaUrl(form: Form): string | undefined {
  const raw = field(form, 'media_url', 2000);
  if (raw === undefined) return undefined;
  let u: URL | undefined;
  try {
    u = new URL(raw);
  } catch {
    u = undefined;
  }
  if (!u || !['http:', 'https:'].includes(u.protocol) || !u.hostname || u.username || u.password || /\s/.test(raw)) {
    throw badRequest('INVALID_MEDIA_URL', 'media_url phải là địa chỉ http:// hoặc https:// đầy đủ, không kèm tên đăng nhập, mật khẩu.');
  }
  return u.href;
}

/**
 * POST requests: the key first (403), then the report, checked by the feedback module as a whole (unknown category,
 * coordinates outside the province, markup: 400, nothing written). Media reach a case's files only through the
 * feedback module's upload, which checks their content; `media_url` stays a link.
 */
export async function createRequest(db: Database, form: Form) {
  await requireKey(db, form.api_key);
  const serviceCode = field(form, 'service_code', 40);
  if (!serviceCode) throw badRequest('SERVICE_CODE_REQUIRED', 'Thiếu service_code (mã lĩnh vực phản ánh).');
  const description = field(form, 'description', 4000);
  if (!description || description.length < 10) throw badRequest('DESCRIPTION_REQUIRED', 'Hãy mô tả vấn đề phản ánh (ít nhất 10 ký tự).');
  const lat = coordinate(form, 'lat', 90);
  const long = coordinate(form, 'long', 180);
  const address = field(form, 'address_string', 500);
  if (lat === undefined && long === undefined && !address) throw badRequest('LOCATION_REQUIRED', 'Cần vị trí: lat và long, hoặc address_string.');
  const name = [field(form, 'first_name', 100), field(form, 'last_name', 100)].filter(Boolean).join(' ');
  const link = mediaUrl(form);
  const created = await apiFeedback(
    db,
    {
      title: titleOf(description),
      text: description,
      categoryCode: serviceCode,
      lat,
      long,
      address,
      reporter: { name: name || undefined, phone: field(form, 'phone', 20), email: field(form, 'email', 254) },
    },
    link,
  );
  // The token is the case's id: a client may look up the public code with it (tokens/{token}).
  return [{ service_request_id: created.code, token: created.id, service_notice: 'Phản ánh đã được tiếp nhận.', account_id: null }];
}

export async function tokenLookup(db: Queryable, token: string) {
  const [row] = /^[0-9a-f-]{36}$/i.test(token) ? await db.query('SELECT code, id FROM feedback_cases WHERE id = $1', [token]) : [];
  if (!row) throw new AppError(404, 'UNKNOWN_TOKEN', 'Không tìm thấy yêu cầu với token này.');
  return [{ service_request_id: row.code as string, token: row.id as string }];
}

function requestView(row: Row, names: Map<string, string>) {
  const status = openClosed(row.status);
  const base = {
    service_request_id: row.code as string,
    status,
    status_notes: (row.published_at && row.published_answer) || FEEDBACK_STATES[row.status as FeedbackStatus].name,
    service_name: row.category_name as string,
    service_code: row.category_code as string,
    requested_datetime: iso(row.created_at) as string,
    updated_datetime: iso(status === 'closed' ? (row.closed_at ?? row.updated_at) : row.updated_at),
  };
  // Before the answer is published the report itself is not public (as on the portal): no text, no place.
  if (!row.published_at) return { ...base, description: null, agency_responsible: null, address: null, lat: null, long: null, media_url: null };
  return {
    ...base,
    description: row.body as string,
    agency_responsible: row.agency_id ? (names.get(row.agency_id) ?? null) : null,
    address: (row.address as string | null) ?? null,
    lat: (row.lat as number | null) ?? null,
    long: (row.long as number | null) ?? null,
    media_url: (row.media_url as string | null) ?? null,
  };
}

function date(q: Form, name: string): Date | undefined {
  const v = field(q, name, 40);
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) throw badRequest('INVALID_DATE', `"${name}" phải là ngày giờ ISO 8601.`);
  return d;
}

/** start_date/end_date, by default the last 90 days (to end_date when only it is given). */
function window(q: Form): [Date, Date] {
  const end = date(q, 'end_date') ?? new Date();
  const start = date(q, 'start_date') ?? new Date(end.getTime() - DEFAULT_WINDOW_DAYS * 86_400_000);
  if (start > end) throw badRequest('INVALID_DATE_RANGE', 'start_date phải trước end_date.');
  return [start, end];
}

const REQUEST_SELECT = `SELECT f.id, f.code, f.status, f.body, f.lat, f.long, f.address, f.agency_id, f.published_answer, f.published_at, f.closed_at,
  f.media_url, f.created_at, f.updated_at, c.code AS category_code, c.name AS category_name
  FROM feedback_cases f JOIN feedback_categories c ON c.id = f.category_id`;

/** GET requests: by service_request_id (a comma list; the other filters then ignored), else service_code, status and the date window. */
export async function listRequests(db: Queryable, q: Form) {
  const ids = field(q, 'service_request_id', 2000);
  let rows: Row[];
  if (ids) {
    rows = await db.query(`${REQUEST_SELECT} WHERE f.code = ANY($1) ORDER BY f.created_at DESC`, [ids.split(',').map((s) => s.trim())]);
  } else {
    const status = field(q, 'status', 10);
    if (status !== undefined && status !== 'open' && status !== 'closed') throw badRequest('INVALID_STATUS', 'status chỉ nhận open hoặc closed.');
    const [start, end] = window(q);
    const codes = field(q, 'service_code', 500)
      ?.split(',')
      .map((s) => s.trim());
    rows = await db.query(
      `${REQUEST_SELECT} WHERE f.created_at BETWEEN $1 AND $2 AND ($3::text[] IS NULL OR c.code = ANY($3))
         AND ($4::text IS NULL OR (f.status = ANY($5)) = ($4 = 'closed'))
       ORDER BY f.created_at DESC LIMIT ${MAX_ROWS}`,
      [start, end, codes ?? null, status ?? null, CLOSED],
    );
  }
  const names = await agencyNames(db, rows.map((r) => r.agency_id).filter(Boolean));
  return rows.map((r) => requestView(r, names));
}

export async function getRequest(db: Queryable, code: string) {
  const rows = await db.query(`${REQUEST_SELECT} WHERE f.code = $1`, [code]);
  if (!rows[0]) throw new AppError(404, 'UNKNOWN_REQUEST', `Không có yêu cầu mã "${code}".`);
  return [requestView(rows[0], await agencyNames(db, rows.map((r) => r.agency_id).filter(Boolean)))];
}

/** FixMyStreet's servicerequestupdates: the public steps in the window; a publication carries the published answer. */
export async function requestUpdates(db: Queryable, q: Form) {
  const [start, end] = window(q);
  const rows = await db.query(
    `SELECT e.id, e.action, e.to_status, e.at, f.code, f.published_answer FROM feedback_events e JOIN feedback_cases f ON f.id = e.case_id
     WHERE e.public AND e.at BETWEEN $1 AND $2 ORDER BY e.id LIMIT ${MAX_ROWS}`,
    [start, end],
  );
  return rows.map((r) => ({
    update_id: String(r.id),
    service_request_id: r.code as string,
    status: openClosed(r.to_status),
    description: (r.action === 'publish' && r.published_answer) || (PUBLIC_STEP_NAMES[r.action] ?? FEEDBACK_STATES[r.to_status as FeedbackStatus].name),
    media_url: null,
    updated_datetime: iso(r.at) as string,
  }));
}
