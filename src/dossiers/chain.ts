// Tamper-evident history. Every dossier event carries the hash of the event before it in the same dossier
// (prev_hash) and its own SHA-256 over a canonical serialisation of its fields and prev_hash: changing, removing
// or reordering one event breaks the chain from that event on. Each finished day is anchored in a province-wide
// chain (history_anchors): the hash over that day's dossier chain heads and the previous day's anchor, so even a
// rewrite that recomputes a dossier's hashes is caught against the anchor.
import { createHash } from 'node:crypto';
import type { Database, Queryable, Row } from '../db/index.ts';
import { vietnamDate } from './rules.ts';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function stableJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// The event's columns in a fixed form; `at` is read as text to the microsecond, the same on PGlite and a server.
const EVENT_COLUMNS = `id, dossier_id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_text, action, actor_kind,
  actor_id, actor_name, from_status, to_status, from_step, to_step, from_agency, to_agency, note, data, prev_hash, hash`;

/** The canonical serialisation of an event (version 1): every recorded field and the previous event's hash. */
export function canonicalEvent(e: Row, prevHash: string | null): string {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return stableJson({
    v: 1, id: String(e.id), dossierId: e.dossier_id, at: e.at_text, action: e.action, actorKind: e.actor_kind, actorId: e.actor_id ?? null,
    actorName: e.actor_name, fromStatus: num(e.from_status), toStatus: num(e.to_status), fromStep: num(e.from_step), toStep: num(e.to_step),
    fromAgency: e.from_agency ?? null, toAgency: e.to_agency ?? null, note: e.note ?? null, data: e.data ?? {}, prevHash,
  });
}

export const eventHash = (e: Row, prevHash: string | null) => sha256(canonicalEvent(e, prevHash));

/**
 * Seals the events of these dossiers that have no hash yet, in order, after their last sealed event — the new
 * event of the caller's transaction, or a dossier's whole history written before the chain existed (backfill).
 * The dossier rows are locked, so two writers cannot fork a chain.
 */
export async function sealDossierEvents(tx: Queryable, dossierIds: string[]): Promise<void> {
  if (!dossierIds.length) return;
  await tx.query('SELECT id FROM dossiers WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [dossierIds]);
  const rows = await tx.query(
    `SELECT ${EVENT_COLUMNS}, (SELECT s.hash FROM dossier_events s WHERE s.dossier_id = e.dossier_id AND s.hash IS NOT NULL ORDER BY s.id DESC LIMIT 1) AS sealed_head
       FROM dossier_events e
      WHERE e.dossier_id = ANY($1::uuid[]) AND e.hash IS NULL
        AND e.id > coalesce((SELECT max(s.id) FROM dossier_events s WHERE s.dossier_id = e.dossier_id AND s.hash IS NOT NULL), 0)
      ORDER BY e.dossier_id, e.id`, [dossierIds]);
  if (!rows.length) return;
  const sealed = chainInOrder(rows, (e) => e.sealed_head ?? null);
  await tx.query(
    `UPDATE dossier_events e SET prev_hash = t.prev_hash, hash = t.hash
       FROM unnest($1::bigint[], $2::text[], $3::text[]) AS t (id, prev_hash, hash) WHERE e.id = t.id`,
    [sealed.map((x) => x.id), sealed.map((x) => x.prevHash), sealed.map((x) => x.hash)]);
}

/** Hashes events given in each dossier's order, each after the one before it; a dossier's first after `head` (its last sealed hash). */
function chainInOrder(rows: Row[], head: (first: Row) => string | null): { id: string; prevHash: string | null; hash: string }[] {
  let dossier: string | null = null;
  let prev: string | null = null;
  return rows.map((e) => {
    if (e.dossier_id !== dossier) { dossier = e.dossier_id; prev = head(e); }
    const sealed = { id: String(e.id), prevHash: prev, hash: eventHash(e, prev) };
    prev = sealed.hash;
    return sealed;
  });
}

/** An event of a history being written in one go (a historical import), before it has an id. */
export interface FreshEvent {
  dossierId: string; at: Date; action: string; actorKind: string; actorId: string | null; actorName: string;
  fromStatus: number | null; toStatus: number | null; note: string | null; data: Record<string, unknown>;
}

/**
 * Ids and hashes for the whole histories of dossiers that have no event yet, so that they are written sealed in one
 * insert instead of inserted, read back and updated. Events are given in each dossier's order; the ids come from the
 * table's own sequence. The hashes are those sealDossierEvents would compute from the stored rows.
 */
export async function sealFreshHistories(tx: Queryable, events: FreshEvent[]): Promise<{ id: string; prevHash: string | null; hash: string }[]> {
  if (!events.length) return [];
  const ids = (await tx.query(`SELECT nextval(pg_get_serial_sequence('dossier_events', 'id'))::text AS id FROM generate_series(1, $1::int)`, [events.length]))
    .map((r) => BigInt(r.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
  // The rows as they will be stored; `at` as timestamptz keeps microseconds, of which a JavaScript date has the first three.
  const rows = events.map((e, i) => ({ id: ids[i], dossier_id: e.dossierId, at_text: e.at.toISOString().replace('Z', '000Z'), action: e.action,
    actor_kind: e.actorKind, actor_id: e.actorId, actor_name: e.actorName, from_status: e.fromStatus, to_status: e.toStatus, note: e.note, data: e.data }));
  return chainInOrder(rows, () => null);
}

/** Backfill: seals every dossier's unsealed tail (histories written before the chain existed), a page at a time. */
export async function sealAllDossiers(db: Database): Promise<void> {
  for (;;) {
    const page = await db.query(`SELECT DISTINCT dossier_id FROM dossier_events WHERE hash IS NULL LIMIT 200`);
    if (!page.length) return;
    const before = page.length;
    await db.transaction((tx) => sealDossierEvents(tx, page.map((r) => r.dossier_id)));
    const left = await db.query(`SELECT count(DISTINCT dossier_id)::int AS n FROM dossier_events WHERE hash IS NULL AND dossier_id = ANY($1::uuid[])`, [page.map((r) => r.dossier_id)]);
    // Unsealed events before sealed ones are breaks, not a tail: verification reports them; sealing stops here.
    if (left[0].n === before) return;
  }
}

export interface ChainBreak {
  dossierId: string; dossierCode: string; eventId: string; position: number; action: string;
  reason: 'hash_mismatch' | 'prev_mismatch' | 'unsealed';
  message: string;
}

export interface ChainReport { dossiers: number; events: number; ok: boolean; breaks: ChainBreak[]; heads: Record<string, string | null> }

const REASONS: Record<ChainBreak['reason'], string> = {
  hash_mismatch: 'nội dung sự kiện đã bị sửa sau khi ghi (giá trị băm không khớp)',
  prev_mismatch: 'liên kết tới sự kiện trước bị đứt (sự kiện trước đã bị sửa, xóa hoặc chèn thêm)',
  unsealed: 'sự kiện không có giá trị băm dù đứng trước các sự kiện đã niêm phong',
};

/** Walks one dossier's events in order; the first broken link, if any. */
function walk(dossierId: string, code: string, events: Row[]): { head: string | null; broken: ChainBreak | null } {
  let prev: string | null = null;
  for (const [i, e] of events.entries()) {
    const fail = (reason: ChainBreak['reason']) => ({ head: prev, broken: {
      dossierId, dossierCode: code, eventId: String(e.id), position: i + 1, action: e.action, reason,
      message: `Hồ sơ ${code}: sự kiện thứ ${i + 1} (mã ${e.id}, "${e.action}") — ${REASONS[reason]}.`,
    } });
    if (!e.hash) return fail('unsealed');
    if ((e.prev_hash ?? null) !== prev) return fail('prev_mismatch');
    if (eventHash(e, prev) !== e.hash) return fail('hash_mismatch');
    prev = e.hash;
  }
  return { head: prev, broken: null };
}

/**
 * Verifies the chains of the given dossiers, or of every dossier (a page at a time). Unsealed tails are sealed
 * first (backfill of histories older than the chain).
 */
export async function verifyChains(db: Database, only?: string[]): Promise<ChainReport> {
  await sealAllDossiers(db);
  const report: ChainReport = { dossiers: 0, events: 0, ok: true, breaks: [], heads: {} };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const dossiers = only
      ? await db.query('SELECT id, code FROM dossiers WHERE id = ANY($1::uuid[]) ORDER BY id', [only])
      : await db.query('SELECT id, code FROM dossiers WHERE id > $1 ORDER BY id LIMIT 500', [after]);
    if (!dossiers.length) break;
    const events = await db.query(`SELECT ${EVENT_COLUMNS} FROM dossier_events WHERE dossier_id = ANY($1::uuid[]) ORDER BY dossier_id, id`, [dossiers.map((d) => d.id)]);
    const byDossier = new Map<string, Row[]>();
    for (const e of events) (byDossier.get(e.dossier_id) ?? byDossier.set(e.dossier_id, []).get(e.dossier_id)!).push(e);
    for (const d of dossiers) {
      const { head, broken } = walk(d.id, d.code, byDossier.get(d.id) ?? []);
      report.dossiers++;
      report.events += byDossier.get(d.id)?.length ?? 0;
      report.heads[d.id] = head;
      if (broken) { report.ok = false; report.breaks.push(broken); }
    }
    if (only) break;
    after = dossiers[dossiers.length - 1].id;
  }
  // Heads are only useful for a few dossiers; a whole-database report keeps its size bounded.
  if (!only) report.heads = {};
  return report;
}

/** The chain head of a dossier now (the hash of its last event), for printed receipts. */
export async function chainHead(db: Queryable, dossierId: string, upToEventId?: number): Promise<string | null> {
  const [r] = await db.query(
    'SELECT hash FROM dossier_events WHERE dossier_id = $1 AND ($2::bigint IS NULL OR id <= $2) ORDER BY id DESC LIMIT 1', [dossierId, upToEventId ?? null]);
  return r?.hash ?? null;
}

// ---- daily province-wide anchors ----

const VN_DAY = `((at AT TIME ZONE 'UTC') + interval '7 hours')::date`;
/** The instant a Vietnam date starts: conditions on `at` as instant ranges, which the index on it serves. */
const DAY_START = (date: string) => `(${date}::timestamp AT TIME ZONE 'UTC' - interval '7 hours')`;

/**
 * The hash over a day's dossier chain heads: each dossier with events that day, its head at the end of the day —
 * among the events written up to `lastEventId` (those the anchor saw).
 */
async function dayHeadsHash(db: Queryable, day: string, lastEventId: string | null): Promise<{ count: number; hash: string }> {
  const heads = await db.query(
    // The day's dossiers from the index on `at`, then each one's head from the index on (dossier_id, id), newest first.
    `SELECT d.dossier_id, h.hash
       FROM (SELECT DISTINCT dossier_id FROM dossier_events
              WHERE at >= ${DAY_START('$1::date')} AND at < ${DAY_START('($1::date + 1)')} AND ($2::bigint IS NULL OR id <= $2)) AS d
       CROSS JOIN LATERAL (SELECT e.hash FROM dossier_events e
              WHERE e.dossier_id = d.dossier_id AND e.at < ${DAY_START('($1::date + 1)')} AND ($2::bigint IS NULL OR e.id <= $2)
              ORDER BY e.id DESC LIMIT 1) AS h
      ORDER BY d.dossier_id`, [day, lastEventId]);
  return { count: heads.length, hash: sha256(heads.map((h) => `${h.dossier_id} ${h.hash ?? ''}`).join('\n')) };
}

const anchorHash = (day: string, headsHash: string, prev: string | null, lastEventId: string | null) =>
  sha256(`congso-anchor-v1\n${day}\n${headsHash}\n${prev ?? ''}\n${lastEventId ?? ''}`);
const dayText = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** Anchors every finished day (Vietnam time) after the last anchored one; returns how many days were added. */
export async function anchorHistory(db: Database, now = new Date()): Promise<number> {
  await sealAllDossiers(db);
  const today = vietnamDate(now);
  return db.transaction(async (tx) => {
    // One anchoring at a time: the anchor chain must not fork.
    await tx.query('LOCK TABLE history_anchors IN EXCLUSIVE MODE');
    const [last] = await tx.query('SELECT day, hash FROM history_anchors ORDER BY day DESC LIMIT 1');
    const days = await tx.query(
      `SELECT DISTINCT ${VN_DAY} AS day FROM dossier_events
        WHERE at < ${DAY_START('$1::date')} AND ($2::date IS NULL OR at >= ${DAY_START('($2::date + 1)')}) ORDER BY 1`,
      [today, last ? dayText(last.day) : null]);
    const [{ max }] = await tx.query('SELECT max(id)::text AS max FROM dossier_events');
    let prev: string | null = last?.hash ?? null;
    for (const { day } of days) {
      const d = dayText(day);
      const heads = await dayHeadsHash(tx, d, max);
      const hash = anchorHash(d, heads.hash, prev, max);
      await tx.query('INSERT INTO history_anchors (day, dossiers, heads_hash, prev_hash, hash, last_event_id) VALUES ($1, $2, $3, $4, $5, $6)',
        [d, heads.count, heads.hash, prev, hash, max]);
      prev = hash;
    }
    return days.length;
  });
}

export interface AnchorReport { days: number; ok: boolean; firstBroken: { day: string; message: string } | null }

/** Recomputes every anchored day from the events as they are now; names the first day that no longer matches. */
export async function verifyAnchors(db: Database): Promise<AnchorReport> {
  const anchors = await db.query('SELECT day, dossiers, heads_hash, prev_hash, hash, last_event_id::text AS last_event_id FROM history_anchors ORDER BY day');
  let prev: string | null = null;
  for (const a of anchors) {
    const day = dayText(a.day);
    const heads = await dayHeadsHash(db, day, a.last_event_id);
    const broken = (a.prev_hash ?? null) !== prev || anchorHash(day, a.heads_hash, prev, a.last_event_id) !== a.hash
      ? 'chuỗi mốc ngày bị sửa' : heads.hash !== a.heads_hash ? 'lịch sử hồ sơ của ngày này khác với lúc chốt mốc' : null;
    if (broken) return { days: anchors.length, ok: false, firstBroken: { day, message: `Mốc ngày ${day}: ${broken}.` } };
    prev = a.hash;
  }
  return { days: anchors.length, ok: true, firstBroken: null };
}
