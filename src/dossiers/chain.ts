// Tamper-evident history. Every dossier event carries the hash of the event before it in the same dossier
// (prev_hash) and its own SHA-256 over a canonical serialisation of its fields and prev_hash: changing, removing
// or reordering one event breaks the chain from that event on. Each finished day is anchored in a province-wide
// chain (history_anchors): the hash over that day's dossier chain heads and the previous day's anchor, so even a
// rewrite that recomputes a dossier's hashes is caught against the anchor.
// Since migration 0040 the seals are keyed (HMAC-SHA256, the key outside the database: config HISTORY_KEY), rolling
// checkpoints record every changed dossier's head every few minutes, and the check replays each dossier's state from
// its events. Events and daily anchors older than 0040 keep their unkeyed seals (history_legacy holds the bounds).
import { createHash, createHmac } from 'node:crypto';
import type { Database, Queryable, Row } from '../db/index.ts';
import { sqlVietnamDate, sqlVietnamDayStart, vietnamDate } from '../shared/time.ts';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

let configuredKey: Buffer | null = null;
/** The configured key (config HISTORY_KEY), handed over by whoever opens the database: buildApp, and each CLI. */
export function useHistoryKey(key: Buffer): void {
  configuredKey = key;
}
const key = () => {
  if (!configuredKey) throw new Error('The history key is not set: call useHistoryKey(config.historyKey) before writing dossier events.');
  return configuredKey;
};
const hmac = (s: string) => createHmac('sha256', key()).update(s, 'utf8').digest('hex');
/** A public name of the key (not the key): published with the anchors, so that an auditor knows which key sealed them. */
export const historyKeyId = () => sha256(`congso-history-key-id\n${key().toString('hex')}`).slice(0, 16);

interface Legacy {
  lastEventId: string;
  lastAnchor: string | null;
}
/** Events up to lastEventId may carry unkeyed seals (or none yet); daily anchors up to lastAnchor have no MAC. */
async function legacy(db: Queryable): Promise<Legacy> {
  const [r] = await db.query('SELECT last_legacy_event_id::text AS id, last_legacy_anchor FROM history_legacy');
  return { lastEventId: r?.id ?? '0', lastAnchor: r?.last_legacy_anchor ? dayText(r.last_legacy_anchor) : null };
}
const isLegacy = (eventId: unknown, l: Legacy) => BigInt(String(eventId)) <= BigInt(l.lastEventId);
/** The bounds as they go into every keyed anchor: moving them breaks the anchors' MACs. */
const legacyText = (l: Legacy) => `${l.lastEventId}/${l.lastAnchor ?? ''}`;

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function stableJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

// The event's columns in a fixed form; `at` is read as text to the microsecond, the same on PGlite and a server.
export const EVENT_COLUMNS = `id, dossier_id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_text, action, actor_kind,
  actor_id, actor_name, from_status, to_status, from_step, to_step, from_agency, to_agency, note, data, prev_hash, hash`;

/** The canonical serialisation of an event: every recorded field and the previous event's hash (v 1 unkeyed, 2 keyed). */
export function canonicalEvent(e: Row, prevHash: string | null, v: 1 | 2 = 2): string {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return stableJson({
    v,
    id: String(e.id),
    dossierId: e.dossier_id,
    at: e.at_text,
    action: e.action,
    actorKind: e.actor_kind,
    actorId: e.actor_id ?? null,
    actorName: e.actor_name,
    fromStatus: num(e.from_status),
    toStatus: num(e.to_status),
    fromStep: num(e.from_step),
    toStep: num(e.to_step),
    fromAgency: e.from_agency ?? null,
    toAgency: e.to_agency ?? null,
    note: e.note ?? null,
    data: e.data ?? {},
    prevHash,
  });
}

/** An event's seal: keyed, except for events from before the key (legacy), which keep their unkeyed SHA-256. */
export const eventHash = (e: Row, prevHash: string | null, l: Legacy) =>
  isLegacy(e.id, l) ? sha256(canonicalEvent(e, prevHash, 1)) : hmac(canonicalEvent(e, prevHash, 2));

/**
 * Seals, in the caller's transaction, the event it has just written for each of these dossiers (the dossier's newest
 * one), after the dossier's last sealed event — together with the history of a dossier older than the chain, which is
 * sealed from its start. Nothing else: an event that lost its hash is never sealed again, it stays a visible break.
 * The dossier rows are locked, so two writers cannot fork a chain.
 */
export async function sealDossierEvents(tx: Queryable, dossierIds: string[], newest = true): Promise<void> {
  if (!dossierIds.length) return;
  const l = await legacy(tx);
  await tx.query('SELECT id FROM dossiers WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [dossierIds]);
  const rows = await tx.query(
    `SELECT ${EVENT_COLUMNS}, (SELECT s.hash FROM dossier_events s WHERE s.dossier_id = e.dossier_id AND s.hash IS NOT NULL ORDER BY s.id DESC LIMIT 1) AS sealed_head
       FROM dossier_events e
      WHERE e.dossier_id = ANY($1::uuid[]) AND e.hash IS NULL
        AND ((e.id <= $2::bigint AND NOT EXISTS (SELECT 1 FROM dossier_events s WHERE s.dossier_id = e.dossier_id AND s.hash IS NOT NULL))
          OR ($3::boolean AND e.id > $2::bigint AND e.id = (SELECT max(m.id) FROM dossier_events m WHERE m.dossier_id = e.dossier_id)))
      ORDER BY e.dossier_id, e.id`,
    [dossierIds, l.lastEventId, newest],
  );
  if (!rows.length) return;
  const sealed = chainInOrder(rows, (e) => e.sealed_head ?? null, l);
  await tx.query(
    `UPDATE dossier_events e SET prev_hash = t.prev_hash, hash = t.hash
       FROM unnest($1::bigint[], $2::text[], $3::text[]) AS t (id, prev_hash, hash) WHERE e.id = t.id`,
    [sealed.map((x) => x.id), sealed.map((x) => x.prevHash), sealed.map((x) => x.hash)],
  );
}

/** Hashes events given in each dossier's order, each after the one before it; a dossier's first after `head` (its last sealed hash). */
function chainInOrder(rows: Row[], head: (first: Row) => string | null, l: Legacy): { id: string; prevHash: string | null; hash: string }[] {
  let dossier: string | null = null;
  let prev: string | null = null;
  return rows.map((e) => {
    if (e.dossier_id !== dossier) {
      dossier = e.dossier_id;
      prev = head(e);
    }
    const sealed = { id: String(e.id), prevHash: prev, hash: eventHash(e, prev, l) };
    prev = sealed.hash;
    return sealed;
  });
}

/** An event of a history being written in one go (a historical import), before it has an id. */
export interface FreshEvent {
  dossierId: string;
  at: Date;
  action: string;
  actorKind: string;
  actorId: string | null;
  actorName: string;
  fromStatus: number | null;
  toStatus: number | null;
  fromStep?: number | null;
  toStep?: number | null;
  fromAgency?: string | null;
  toAgency?: string | null;
  note: string | null;
  data: Record<string, unknown>;
}

/**
 * Ids and hashes for the whole histories of dossiers that have no event yet, so that they are written sealed in one
 * insert instead of inserted, read back and updated. Events are given in each dossier's order; the ids come from the
 * table's own sequence. The hashes are those sealDossierEvents would compute from the stored rows.
 */
async function sealFreshHistories(tx: Queryable, events: FreshEvent[]): Promise<{ id: string; prevHash: string | null; hash: string }[]> {
  if (!events.length) return [];
  const ids = (await tx.query(`SELECT nextval(pg_get_serial_sequence('dossier_events', 'id'))::text AS id FROM generate_series(1, $1::int)`, [events.length]))
    .map((r) => BigInt(r.id))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map(String);
  // The rows as they will be stored; `at` as timestamptz keeps microseconds, of which a JavaScript date has the first three.
  const rows = events.map((e, i) => ({
    id: ids[i],
    dossier_id: e.dossierId,
    at_text: e.at.toISOString().replace('Z', '000Z'),
    action: e.action,
    actor_kind: e.actorKind,
    actor_id: e.actorId,
    actor_name: e.actorName,
    from_status: e.fromStatus,
    to_status: e.toStatus,
    from_step: e.fromStep ?? null,
    to_step: e.toStep ?? null,
    from_agency: e.fromAgency ?? null,
    to_agency: e.toAgency ?? null,
    note: e.note,
    data: e.data,
  }));
  return chainInOrder(rows, () => null, await legacy(tx));
}

/** Writes the whole histories of dossiers that have no event yet, sealed, in one insert; the events' ids in order. */
export async function insertFreshHistories(tx: Queryable, events: FreshEvent[]): Promise<string[]> {
  const sealed = await sealFreshHistories(tx, events);
  if (!events.length) return [];
  const col = <T>(f: (e: FreshEvent) => T) => events.map(f);
  await tx.query(
    `INSERT INTO dossier_events (id, dossier_id, at, action, actor_kind, actor_id, actor_name, from_status, to_status, from_step, to_step,
       from_agency, to_agency, note, data, prev_hash, hash)
     SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::smallint[], $9::smallint[],
                          $10::int[], $11::int[], $12::uuid[], $13::uuid[], $14::text[], $15::jsonb[], $16::text[], $17::text[])`,
    [
      sealed.map((s) => s.id),
      col((e) => e.dossierId),
      col((e) => e.at.toISOString()),
      col((e) => e.action),
      col((e) => e.actorKind),
      col((e) => e.actorId),
      col((e) => e.actorName),
      col((e) => e.fromStatus),
      col((e) => e.toStatus),
      col((e) => e.fromStep ?? null),
      col((e) => e.toStep ?? null),
      col((e) => e.fromAgency ?? null),
      col((e) => e.toAgency ?? null),
      col((e) => e.note),
      col((e) => JSON.stringify(e.data)),
      sealed.map((s) => s.prevHash),
      sealed.map((s) => s.hash),
    ],
  );
  return sealed.map((s) => s.id);
}

/**
 * Backfill: seals the histories written before the chain existed (events up to the legacy bound of dossiers with no
 * sealed event), a page at a time. Any other event without a hash is a break that verification reports.
 */
export async function sealAllDossiers(db: Database): Promise<void> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const page = await db.query(
      `SELECT DISTINCT dossier_id FROM dossier_events WHERE hash IS NULL AND id <= (SELECT last_legacy_event_id FROM history_legacy) AND dossier_id > $1
        ORDER BY dossier_id LIMIT 200`,
      [after],
    );
    if (!page.length) return;
    await db.transaction((tx) =>
      sealDossierEvents(
        tx,
        page.map((r) => r.dossier_id),
        false,
      ),
    );
    after = page[page.length - 1].dossier_id;
  }
}

export interface ChainBreak {
  dossierId: string;
  dossierCode: string;
  eventId: string;
  position: number;
  action: string;
  reason: 'hash_mismatch' | 'prev_mismatch' | 'unsealed' | 'state_mismatch';
  message: string;
}

export interface ChainReport {
  dossiers: number;
  events: number;
  ok: boolean;
  breaks: ChainBreak[];
  heads: Record<string, string | null>;
}

const REASONS: Record<Exclude<ChainBreak['reason'], 'state_mismatch'>, string> = {
  hash_mismatch: 'nội dung sự kiện đã bị sửa sau khi ghi, hoặc giá trị băm được tính lại mà không có khóa niêm phong (giá trị băm không khớp)',
  prev_mismatch: 'liên kết tới sự kiện trước bị đứt (sự kiện trước đã bị sửa, xóa hoặc chèn thêm)',
  unsealed: 'sự kiện đã mất giá trị băm (sự kiện ghi sau khi có chuỗi băm luôn được niêm phong ngay, không bao giờ niêm phong lại)',
};

/** Walks one dossier's events in order; the first broken link, if any. */
function walk(dossierId: string, code: string, events: Row[], l: Legacy): { head: string | null; broken: ChainBreak | null } {
  let prev: string | null = null;
  for (const [i, e] of events.entries()) {
    const fail = (reason: keyof typeof REASONS) => ({
      head: prev,
      broken: {
        dossierId,
        dossierCode: code,
        eventId: String(e.id),
        position: i + 1,
        action: e.action,
        reason,
        message: `Hồ sơ ${code}: sự kiện thứ ${i + 1} (mã ${e.id}, "${e.action}") — ${REASONS[reason]}.`,
      },
    });
    if (!e.hash) return fail('unsealed');
    if ((e.prev_hash ?? null) !== prev) return fail('prev_mismatch');
    if (eventHash(e, prev, l) !== e.hash) return fail('hash_mismatch');
    prev = e.hash;
  }
  return { head: prev, broken: null };
}

/**
 * The dossier row against the replay of its events: the status is the last status an event moved it to, the handling
 * agency the last one an event moved it to (the competent agency until then). A row changed behind the events' back
 * differs.
 */
function replayMismatch(d: Row, events: Row[]): ChainBreak | null {
  // An imported dossier starts from the status its import recorded (imports before that record are not replayed).
  const imported = events.findLastIndex((e) => e.action === 'import');
  const since = imported < 0 ? events : events.slice(imported + 1);
  const last = <K extends string>(col: K) => since.findLast((e) => e[col] !== null && e[col] !== undefined)?.[col];
  const status = last('to_status') ?? (imported < 0 ? undefined : events[imported].data?.status);
  const agency = last('to_agency') ?? d.home_agency_id;
  const wrong =
    status !== undefined && Number(status) !== Number(d.status)
      ? `trạng thái trong hồ sơ là ${d.status} nhưng theo lịch sử sự kiện là ${status}`
      : agency !== d.agency_id
        ? 'cơ quan đang xử lý trong hồ sơ khác với cơ quan theo lịch sử sự kiện'
        : null;
  if (!wrong) return null;
  const e = events[events.length - 1];
  return {
    dossierId: d.id,
    dossierCode: d.code,
    eventId: String(e.id),
    position: events.length,
    action: e.action,
    reason: 'state_mismatch',
    message: `Hồ sơ ${d.code}: ${wrong} — bảng hồ sơ đã bị sửa trực tiếp, không qua một sự kiện.`,
  };
}

/**
 * Verifies the chains of the given dossiers, or of every dossier (a page at a time), and each dossier's state against
 * the replay of its events. Histories older than the chain are sealed first (backfill); nothing else is sealed here.
 */
export async function verifyChains(db: Database, only?: string[]): Promise<ChainReport> {
  await sealAllDossiers(db);
  const l = await legacy(db);
  const report: ChainReport = { dossiers: 0, events: 0, ok: true, breaks: [], heads: {} };
  let after = '00000000-0000-0000-0000-000000000000';
  const columns = 'id, code, status, agency_id, home_agency_id';
  for (;;) {
    const dossiers = only
      ? await db.query(`SELECT ${columns} FROM dossiers WHERE id = ANY($1::uuid[]) ORDER BY id`, [only])
      : await db.query(`SELECT ${columns} FROM dossiers WHERE id > $1 ORDER BY id LIMIT 500`, [after]);
    if (!dossiers.length) break;
    const events = await db.query(`SELECT ${EVENT_COLUMNS} FROM dossier_events WHERE dossier_id = ANY($1::uuid[]) ORDER BY dossier_id, id`, [
      dossiers.map((d) => d.id),
    ]);
    const byDossier = new Map<string, Row[]>();
    for (const e of events) (byDossier.get(e.dossier_id) ?? byDossier.set(e.dossier_id, []).get(e.dossier_id)!).push(e);
    for (const d of dossiers) {
      const own = byDossier.get(d.id) ?? [];
      const { head, broken } = walk(d.id, d.code, own, l);
      report.dossiers++;
      report.events += own.length;
      report.heads[d.id] = head;
      const wrong = broken ?? replayMismatch(d, own);
      if (wrong) {
        report.ok = false;
        report.breaks.push(wrong);
      }
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
  const [r] = await db.query('SELECT hash FROM dossier_events WHERE dossier_id = $1 AND ($2::bigint IS NULL OR id <= $2) ORDER BY id DESC LIMIT 1', [
    dossierId,
    upToEventId ?? null,
  ]);
  return r?.hash ?? null;
}

// ---- daily province-wide anchors ----

const VN_DAY = sqlVietnamDate('at');
/** The instant a Vietnam date starts: conditions on `at` as instant ranges, which the index on it serves. */
const DAY_START = sqlVietnamDayStart;

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
      ORDER BY d.dossier_id`,
    [day, lastEventId],
  );
  return { count: heads.length, hash: sha256(heads.map((h) => `${h.dossier_id} ${h.hash ?? ''}`).join('\n')) };
}

const anchorHash = (day: string, headsHash: string, prev: string | null, lastEventId: string | null) =>
  sha256(`congso-anchor-v1\n${day}\n${headsHash}\n${prev ?? ''}\n${lastEventId ?? ''}`);
const anchorMac = (hash: string, dossiers: number, l: Legacy) => hmac(`congso-anchor-mac-v1\n${hash}\n${dossiers}\n${legacyText(l)}`);
const dayText = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** Anchors every finished day (Vietnam time) after the last anchored one; returns how many days were added. */
export async function anchorHistory(db: Database, now = new Date()): Promise<number> {
  await sealAllDossiers(db);
  const today = vietnamDate(now);
  return db.transaction(async (tx) => {
    // One anchoring at a time: the anchor chain must not fork.
    await tx.query('LOCK TABLE history_anchors IN EXCLUSIVE MODE');
    const l = await legacy(tx);
    const [last] = await tx.query('SELECT day, hash FROM history_anchors ORDER BY day DESC LIMIT 1');
    const days = await tx.query(
      `SELECT DISTINCT ${VN_DAY} AS day FROM dossier_events
        WHERE at < ${DAY_START('$1::date')} AND ($2::date IS NULL OR at >= ${DAY_START('($2::date + 1)')}) ORDER BY 1`,
      [today, last ? dayText(last.day) : null],
    );
    const [{ max }] = await tx.query('SELECT max(id)::text AS max FROM dossier_events');
    let prev: string | null = last?.hash ?? null;
    for (const { day } of days) {
      const d = dayText(day);
      const heads = await dayHeadsHash(tx, d, max);
      const hash = anchorHash(d, heads.hash, prev, max);
      await tx.query('INSERT INTO history_anchors (day, dossiers, heads_hash, prev_hash, hash, last_event_id, mac) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        d,
        heads.count,
        heads.hash,
        prev,
        hash,
        max,
        anchorMac(hash, heads.count, l),
      ]);
      prev = hash;
    }
    return days.length;
  });
}

export interface AnchorReport {
  days: number;
  checkpoints: number;
  ok: boolean;
  firstBroken: { day: string; reason: AnchorBreakReason; dossierCode?: string; message: string } | null;
}
export type AnchorBreakReason =
  | 'anchor_chain'
  | 'anchor_mac'
  | 'day_changed'
  | 'checkpoint_mac'
  | 'checkpoint_heads'
  | 'dossier_deleted'
  | 'event_deleted'
  | 'event_changed'
  | 'dossiers_missing';

/**
 * Recomputes every anchored day from the events as they are now, then checks the rolling checkpoints; names the first
 * anchor that no longer matches.
 */
export async function verifyAnchors(db: Database): Promise<AnchorReport> {
  const l = await legacy(db);
  const anchors = await db.query(
    'SELECT day, dossiers, heads_hash, prev_hash, hash, mac, last_event_id::text AS last_event_id FROM history_anchors ORDER BY day',
  );
  const report = (firstBroken: AnchorReport['firstBroken'], checkpoints = 0): AnchorReport => ({
    days: anchors.length,
    checkpoints,
    ok: !firstBroken,
    firstBroken,
  });
  let prev: string | null = null;
  for (const a of anchors) {
    const day = dayText(a.day);
    const keyed = !l.lastAnchor || day > l.lastAnchor;
    const broken =
      (a.prev_hash ?? null) !== prev || anchorHash(day, a.heads_hash, prev, a.last_event_id) !== a.hash
        ? (['anchor_chain', 'chuỗi mốc ngày bị sửa'] as const)
        : keyed && a.mac !== anchorMac(a.hash, a.dossiers, l)
          ? (['anchor_mac', 'mã xác thực (HMAC) của mốc không khớp: mốc hoặc giới hạn dữ liệu cũ đã bị sửa'] as const)
          : (await dayHeadsHash(db, day, a.last_event_id)).hash !== a.heads_hash
            ? (['day_changed', 'lịch sử hồ sơ của ngày này khác với lúc chốt mốc'] as const)
            : null;
    if (broken) return report({ day, reason: broken[0], message: `Mốc ngày ${day}: ${broken[1]}.` });
    prev = a.hash;
  }
  const checkpoints = await verifyCheckpoints(db, l);
  return report(checkpoints.firstBroken, checkpoints.count);
}

// ---- rolling checkpoints of today's heads ----

const checkpointMac = (
  c: { day: string; after: string; last: string; dossiers: number; dayDossiers: number; headsHash: string; prevMac: string | null },
  l: Legacy,
) => hmac(`congso-checkpoint-v1\n${c.day}\n${c.after}\n${c.last}\n${c.dossiers}\n${c.dayDossiers}\n${c.headsHash}\n${c.prevMac ?? ''}\n${legacyText(l)}`);
const headsText = (heads: Row[]) => sha256(heads.map((h) => `${h.dossier_id} ${h.dossier_code} ${h.event_id} ${h.hash}`).join('\n'));

/** Dossiers submitted on a Vietnam day among the events up to `lastEventId` (each dossier has one submit event). */
async function submittedOn(db: Queryable, day: string, lastEventId: string): Promise<number> {
  const [r] = await db.query(
    `SELECT count(DISTINCT dossier_id)::int AS n FROM dossier_events
      WHERE action = 'submit' AND at >= ${DAY_START('$1::date')} AND at < ${DAY_START('($1::date + 1)')} AND id <= $2::bigint`,
    [day, lastEventId],
  );
  return r.n;
}

/**
 * A rolling checkpoint (run every few minutes): the head of every dossier with events since the checkpoint before the
 * previous one, and how many dossiers were submitted today, keyed and chained to the previous checkpoint. Two windows
 * overlap so that an event whose transaction committed after the last checkpoint although its id is lower than that
 * checkpoint's bound is still covered. Returns the number of dossiers recorded (0: nothing new, no checkpoint).
 */
export async function checkpointHistory(db: Database, now = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query('LOCK TABLE history_checkpoints IN EXCLUSIVE MODE');
    const l = await legacy(tx);
    const [prev] = await tx.query('SELECT after_event_id::text AS after, last_event_id::text AS last, mac FROM history_checkpoints ORDER BY id DESC LIMIT 1');
    const [{ max }] = await tx.query('SELECT coalesce(max(id), 0)::text AS max FROM dossier_events');
    if (prev && BigInt(max) <= BigInt(prev.last)) return 0;
    const from = prev?.after ?? '0';
    const heads = await tx.query(
      `SELECT d.dossier_id, d.code AS dossier_code, h.id::text AS event_id, h.hash
         FROM (SELECT DISTINCT e.dossier_id, x.code FROM dossier_events e JOIN dossiers x ON x.id = e.dossier_id
                WHERE e.id > $1::bigint AND e.id <= $2::bigint) AS d
         CROSS JOIN LATERAL (SELECT id, hash FROM dossier_events e WHERE e.dossier_id = d.dossier_id AND e.id <= $2::bigint ORDER BY e.id DESC LIMIT 1) AS h
        WHERE h.hash IS NOT NULL
        ORDER BY d.dossier_id`,
      [from, max],
    );
    const day = vietnamDate(now);
    const c = {
      day,
      after: prev?.last ?? '0',
      last: max,
      dossiers: heads.length,
      dayDossiers: await submittedOn(tx, day, max),
      headsHash: headsText(heads),
      prevMac: prev?.mac ?? null,
    };
    const [{ id }] = await tx.query(
      `INSERT INTO history_checkpoints (day, after_event_id, last_event_id, dossiers, day_dossiers, heads_hash, prev_mac, mac)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [day, c.after, c.last, c.dossiers, c.dayDossiers, c.headsHash, c.prevMac, checkpointMac(c, l)],
    );
    if (heads.length) {
      await tx.query(
        `INSERT INTO history_checkpoint_heads (checkpoint_id, dossier_id, dossier_code, event_id, hash)
         SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::bigint[], $5::text[])`,
        [id, heads.map((h) => h.dossier_id), heads.map((h) => h.dossier_code), heads.map((h) => h.event_id), heads.map((h) => h.hash)],
      );
    }
    return heads.length;
  });
}

/**
 * Every checkpoint's MAC and chain link, its recorded heads against their hash, each recorded head against the event
 * as it is now (deleted dossier, deleted or changed event), and each day's count of submitted dossiers.
 */
async function verifyCheckpoints(db: Database, l: Legacy): Promise<{ count: number; firstBroken: AnchorReport['firstBroken'] }> {
  const fail = (day: string, reason: AnchorBreakReason, message: string, dossierCode?: string) => ({
    day,
    reason,
    dossierCode,
    message: `Mốc kiểm tra ${day}: ${message}.`,
  });
  let prevMac: string | null = null;
  let count = 0;
  let after = '0';
  const latestPerDay = new Map<string, Row>();
  for (;;) {
    const page = await db.query(
      `SELECT id::text, day, after_event_id::text AS after, last_event_id::text AS last, dossiers, day_dossiers, heads_hash, prev_mac, mac
         FROM history_checkpoints WHERE id > $1::bigint ORDER BY id LIMIT 500`,
      [after],
    );
    if (!page.length) break;
    const heads = await db.query(
      `SELECT checkpoint_id::text, dossier_id, dossier_code, event_id::text, hash FROM history_checkpoint_heads
        WHERE checkpoint_id = ANY($1::bigint[]) ORDER BY checkpoint_id, dossier_id`,
      [page.map((c) => c.id)],
    );
    for (const c of page) {
      const day = dayText(c.day);
      const mine = heads.filter((h) => h.checkpoint_id === c.id);
      const fields = { day, after: c.after, last: c.last, dossiers: c.dossiers, dayDossiers: c.day_dossiers, headsHash: c.heads_hash, prevMac: c.prev_mac };
      if ((c.prev_mac ?? null) !== prevMac || checkpointMac(fields, l) !== c.mac) {
        return {
          count,
          firstBroken: fail(
            day,
            'checkpoint_mac',
            'mã xác thực (HMAC) hoặc liên kết của mốc kiểm tra không khớp: mốc đã bị sửa, xóa hoặc giới hạn dữ liệu cũ bị đổi',
          ),
        };
      }
      if (headsText(mine) !== c.heads_hash || mine.length !== c.dossiers) {
        return { count, firstBroken: fail(day, 'checkpoint_heads', 'danh sách đầu chuỗi đã ghi của mốc bị sửa') };
      }
      prevMac = c.mac;
      count++;
      latestPerDay.set(day, c);
    }
    after = page[page.length - 1].id;
  }
  // Each recorded head against the event as it is now.
  const [gone] = await db.query(
    `SELECT c.day, h.dossier_code, h.event_id::text, (d.id IS NULL) AS dossier_gone, (e.id IS NULL) AS event_gone
       FROM history_checkpoint_heads h JOIN history_checkpoints c ON c.id = h.checkpoint_id
       LEFT JOIN dossiers d ON d.id = h.dossier_id
       LEFT JOIN dossier_events e ON e.id = h.event_id AND e.dossier_id = h.dossier_id
      WHERE e.id IS NULL OR e.hash IS DISTINCT FROM h.hash
      ORDER BY h.checkpoint_id, h.dossier_id LIMIT 1`,
  );
  if (gone) {
    const day = dayText(gone.day);
    return {
      count,
      firstBroken: gone.dossier_gone
        ? fail(day, 'dossier_deleted', `hồ sơ ${gone.dossier_code} đã bị xóa khỏi cơ sở dữ liệu`, gone.dossier_code)
        : gone.event_gone
          ? fail(day, 'event_deleted', `sự kiện mã ${gone.event_id} của hồ sơ ${gone.dossier_code} (đầu chuỗi lúc chốt mốc) đã bị xóa`, gone.dossier_code)
          : fail(
              day,
              'event_changed',
              `sự kiện mã ${gone.event_id} của hồ sơ ${gone.dossier_code} (đầu chuỗi lúc chốt mốc) đã bị sửa hoặc mất niêm phong`,
              gone.dossier_code,
            ),
    };
  }
  for (const [day, c] of latestPerDay) {
    const now = await submittedOn(db, day, c.last);
    if (now < c.day_dossiers) {
      return { count, firstBroken: fail(day, 'dossiers_missing', `đã chốt ${c.day_dossiers} hồ sơ nộp trong ngày, nay chỉ còn ${now}: hồ sơ đã bị xóa`) };
    }
  }
  return { count, firstBroken: null };
}

/** What the province publishes so that anyone can hold it to its history: the key's public id, the daily anchors and the latest checkpoints. */
export async function publishedAnchors(db: Queryable, limit = 30) {
  const days = await db.query('SELECT day, dossiers, hash, mac FROM history_anchors ORDER BY day DESC LIMIT $1', [limit]);
  const checkpoints = await db.query(
    'SELECT id::text, at, day, last_event_id::text, dossiers, day_dossiers, mac FROM history_checkpoints ORDER BY id DESC LIMIT $1',
    [limit],
  );
  return {
    keyId: historyKeyId(),
    days: days.map((a) => ({ day: dayText(a.day), dossiers: a.dossiers, hash: a.hash, mac: a.mac ?? null })),
    checkpoints: checkpoints.map((c) => ({
      id: c.id,
      at: new Date(c.at).toISOString(),
      day: dayText(c.day),
      lastEventId: c.last_event_id,
      dossiers: c.dossiers,
      dayDossiers: c.day_dossiers,
      mac: c.mac,
    })),
  };
}

export interface HistoryReport {
  ok: boolean;
  firstBreak: ChainBreak | NonNullable<AnchorReport['firstBroken']> | null;
  chains: ChainReport;
  anchors: AnchorReport;
}

/** The id of the dossier with this code (the CLI checks one dossier by its code); null when there is none. */
export async function dossierIdByCode(db: Queryable, code: string): Promise<string | null> {
  const [r] = await db.query('SELECT id FROM dossiers WHERE code = $1', [code]);
  return r ? (r.id as string) : null;
}

/** The whole check, as the CLI and the administrators' endpoint give it: chains and replayed states, then anchors and checkpoints. */
export async function checkHistory(db: Database, only?: string[]): Promise<HistoryReport> {
  const chains = await verifyChains(db, only);
  const anchors = await verifyAnchors(db);
  return { ok: chains.ok && anchors.ok, firstBreak: chains.breaks[0] ?? anchors.firstBroken, chains, anchors };
}
