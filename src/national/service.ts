// Đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia: every dossier event becomes one message to the portal, written into
// national_sync_outbox by a dossier-event hook in the event's transaction (a status the portal must know exists if and
// only if the event commits), and delivered by the national.deliver job in event order per dossier
// (shared/outbox.ts: lease, retries, back-off). Each row carries its own message id, so a message sent twice (a lost
// answer, a process killed mid-delivery) is one message at the portal. Every attempt, with its request, the answer
// and the error code, goes to national_sync_log, which the officer's dossier page shows. The nightly reconciliation
// asks the portal what it holds of the dossiers synced lately and sends again what it lacks. A procedure without a
// national code is not synced: its rows are written as `unmapped` (the 766 index counts them as not synced).
import type { Database, Queryable, Row } from '../db/index.ts';
import type { NationalSyncLogRow, NationalSyncOutboxRow } from '../db/schema.ts';
import type { DossierEventHook, DossierEventRecord } from '../dossiers/hooks.ts';
import { getProcedureVersion } from '../catalog/service.ts';
import { agencyNames } from '../agencies/service.ts';
import { deliverInOrder, type OrderedDeliveryOptions } from '../shared/outbox.ts';
import { notFound } from '../shared/errors.ts';
import { sqlVietnamDayStart } from '../shared/time.ts';
import { PortalError, type Portal, type PortalRequest } from './portal.ts';

// ---- the messages ------------------------------------------------------------------------------------------------------

/** A national procedure code (mã TTHC trên CSDL quốc gia, e.g. 1.001193); anything else is unmapped. */
const NATIONAL_CODE = /^[0-9]\.[0-9]{6}$/;

/** Actions that change what the portal shows of the dossier without changing its status (fees, supplements, results). */
const DATA_ACTIONS = new Set(['record_payment', 'submit_supplement', 'sign_result', 'apologize']);

/** HinhThuc / KENH: 1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích. */
const CHANNELS: Record<string, number> = { counter: 1, online: 2, post: 3 };

/** yyyyMMddHHmmss in Vietnam time (UTC+7, no daylight saving), as the portal takes dates. */
export const portalDate = (at: Date | string | null | undefined): string | null =>
  at ? new Date(new Date(at).getTime() + 7 * 3600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14) : null;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * The status the event left the dossier in: its own, not the row's, as one action may write two events (a counter
 * submission is registered, 1, and received, 2, at once) and the portal is told of each.
 */
const statusOf = (dossier: Row, event: DossierEventRecord): number => event.toStatus ?? dossier.status;

/** The item of one event's message: the dossier as the event left it (DongBoHoSoMC), or the step taken (CapNhatTienDoHoSoMC). */
function itemOf(
  service: PortalRequest['service'],
  dossier: Row,
  event: DossierEventRecord,
  procedure: { code: string; name: string; field: string },
  agency: string,
) {
  const common = { MaHoSo: dossier.code, TrangThaiHoSo: statusOf(dossier, event), SoThuTu: event.id };
  if (service === 'CapNhatTienDoHoSoMC') {
    return {
      ...common,
      NguoiXuLy: event.actorName,
      ThoiDiemXuLy: portalDate(event.at),
      PhongBanXuLy: agency,
      NoiDungXuLy: event.note ?? event.action,
      TrangThai: statusOf(dossier, event),
      NgayBatDau: portalDate(dossier.received_at),
      NgayKetThucTheoQuyDinh: portalDate(dossier.due_at),
    };
  }
  const applicant = (dossier.applicant ?? {}) as { name?: string; phone?: string; email?: string; kind?: string };
  const data = event.data ?? {};
  return {
    ...common,
    MaTTHC: procedure.code,
    TenTTHC: procedure.name,
    TenLinhVuc: procedure.field,
    ChuHoSo: applicant.name ?? '',
    LoaiDoiTuong: applicant.kind === 'organisation' ? 2 : 1,
    SoDienThoai: applicant.phone ?? '',
    Email: applicant.email ?? '',
    TrichYeuHoSo: procedure.name,
    NgayTiepNhan: portalDate(dossier.received_at ?? dossier.submitted_at ?? event.at),
    NgayHenTra: portalDate(dossier.due_at),
    NgayTra: portalDate(dossier.returned_at),
    NgayKetThucXuLy: portalDate(dossier.finished_at),
    HinhThuc: CHANNELS[dossier.channel] ?? 1,
    DonViXuLy: agency,
    GhiChu: event.note ?? '',
    ...(event.action === 'request_payment' || event.action === 'record_payment'
      ? { DanhSachLePhi: [{ TenPhiLePhi: 'Phí, lệ phí', Gia: Number(data.amount ?? 0), HinhThucThu: event.action === 'record_payment' ? 1 : 4 }] }
      : {}),
    ...(event.action === 'request_supplement' || event.action === 'submit_supplement'
      ? {
          DanhSachHoSoBoSung: [
            {
              HoSoBoSungId: String(event.id),
              NoiDungBoSung: [...strings(data.reasons), ...strings(data.extraDocuments)].join('; ') || (event.note ?? ''),
              NgayBoSung: portalDate(event.at),
              TrangThaiBoSung: event.action === 'submit_supplement' ? 1 : 0,
            },
          ],
        }
      : {}),
    ...(event.action === 'sign_result' || event.action === 'return_result'
      ? { DanhSachGiayToKetQua: [{ TenGiayTo: 'Kết quả giải quyết', GiayToId: String(data.number ?? data.resultId ?? event.id) }] }
      : {}),
  };
}

/**
 * The dossier-event hook (dossier-hooks.ts): one outbox row for the event, in its transaction — DongBoHoSoMC when the
 * status or what the portal shows changed, CapNhatTienDoHoSoMC for a step in between; `unmapped` (logged, never sent)
 * when the procedure has no national code.
 */
export const enqueueNationalSync: DossierEventHook = async (tx, dossier, event) => {
  const content = await getProcedureVersion(tx, dossier.procedure_id, dossier.procedure_version);
  const agency = (await agencyNames(tx, [dossier.agency_id])).get(dossier.agency_id) ?? '';
  const [{ first }] = await tx.query<{ first: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM national_sync_outbox WHERE dossier_id = $1) AS first', [dossier.id]);
  const service: PortalRequest['service'] =
    first || event.fromStatus !== event.toStatus || DATA_ACTIONS.has(event.action) ? 'DongBoHoSoMC' : 'CapNhatTienDoHoSoMC';
  const mapped = NATIONAL_CODE.test(content.nationalCode ?? '');
  const item = itemOf(service, dossier, event, { code: content.nationalCode ?? '', name: content.name, field: content.field }, agency);
  const payload = { service, isUpdating: service === 'DongBoHoSoMC' ? (first ? 'False' : 'True') : undefined, data: [item] };
  const [{ id }] = await tx.query<{ id: string }>(
    `INSERT INTO national_sync_outbox (dossier_id, event_id, code, agency_id, service, national_status, payload, state, event_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      dossier.id,
      event.id,
      dossier.code,
      dossier.home_agency_id,
      service,
      statusOf(dossier, event),
      JSON.stringify(payload),
      mapped ? 'pending' : 'unmapped',
      event.at,
    ],
  );
  if (!mapped)
    await log(tx, {
      dossierId: dossier.id,
      outboxId: id,
      kind: 'unmapped',
      ok: false,
      errorCode: 'UNMAPPED',
      message: 'Thủ tục chưa được ánh xạ mã TTHC quốc gia: hồ sơ không được đồng bộ.',
    });
};

async function log(
  db: Queryable,
  e: {
    dossierId: string;
    outboxId: string | null;
    kind: string;
    ok: boolean;
    request?: unknown;
    response?: unknown;
    errorCode?: string | null;
    message?: string;
  },
) {
  await db.query(
    `INSERT INTO national_sync_log (dossier_id, outbox_id, kind, ok, request, response, error_code, message) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      e.dossierId,
      e.outboxId,
      e.kind,
      e.ok,
      e.request === undefined ? null : JSON.stringify(e.request),
      e.response === undefined ? null : JSON.stringify(e.response),
      e.errorCode ?? null,
      e.message ?? null,
    ],
  );
}

const requestOf = (row: NationalSyncOutboxRow): PortalRequest => ({ ...(row.payload as Omit<PortalRequest, 'messageId'>), messageId: row.message_id });

// ---- delivery (the national.deliver job) -----------------------------------------------------------------------------

export interface NationalDeliveryOptions extends OrderedDeliveryOptions {
  logger?: { warn(obj: object, msg?: string): void };
}

/** Sends the due messages in order per dossier; returns how many were attempted and sent. */
export async function deliverNationalSync(db: Database, portal: Portal, opts: NationalDeliveryOptions = {}) {
  return deliverInOrder<NationalSyncOutboxRow>(
    db,
    { table: 'national_sync_outbox', groupBy: ['dossier_id'] },
    async (row) => {
      const request = requestOf(row);
      try {
        const answer = await portal.send(request);
        await log(db, { dossierId: row.dossier_id, outboxId: String(row.id), kind: 'deliver', ok: true, request, response: answer, errorCode: '0' });
      } catch (err) {
        const e = err instanceof PortalError ? err : new PortalError(String((err as Error)?.message ?? err), 'ERROR');
        await log(db, {
          dossierId: row.dossier_id,
          outboxId: String(row.id),
          kind: 'deliver',
          ok: false,
          request,
          response: e.answer ?? null,
          errorCode: e.code,
          message: e.message,
        });
        throw e;
      }
      return {};
    },
    {
      // Retried for about two days at the longest back-off before an administrator must step in.
      maxAttempts: 60,
      ...opts,
      failed: (row, attempts, gaveUp, err) =>
        (opts.logger ?? console).warn({ outbox: Number(row.id), dossier: row.code, attempts, failed: gaveUp, err }, 'national portal sync failed'),
    },
  );
}

/** Delivers until nothing is due or the portal fails everything (then waits for the next period). */
export async function deliverAllNationalSync(db: Database, portal: Portal, opts: NationalDeliveryOptions = {}) {
  const total = { attempted: 0, sent: 0 };
  for (let r = await deliverNationalSync(db, portal, opts); r.attempted > 0; r = await deliverNationalSync(db, portal, opts)) {
    total.attempted += r.attempted;
    total.sent += r.sent;
    if (r.sent === 0) break;
  }
  return total;
}

// ---- reconciliation (the national.reconcile job, nightly) ------------------------------------------------------------

/**
 * Asks the portal what it holds of the dossiers with a message sent in the last `days` days, and puts every sent
 * message it lacks back in the outbox (same message id: a portal that had it after all keeps one copy). Returns how
 * many dossiers were checked and messages re-sent.
 */
export async function reconcileNationalSync(db: Database, portal: Portal, opts: { days?: number; chunk?: number; now?: () => Date } = {}) {
  const since = new Date((opts.now?.() ?? new Date()).getTime() - (opts.days ?? 7) * 86_400_000);
  const codes = (
    await db.query<{ code: string }>(`SELECT DISTINCT code FROM national_sync_outbox WHERE state = 'sent' AND sent_at >= $1 ORDER BY code`, [since])
  ).map((r) => r.code);
  let resent = 0;
  for (let i = 0; i < codes.length; i += opts.chunk ?? 50) {
    const chunk = codes.slice(i, i + (opts.chunk ?? 50));
    const held = new Map((await portal.held(chunk)).map((h) => [h.MaHoSo, new Set(h.messages.map((m) => m.messageId))]));
    const sent = await db.query<NationalSyncOutboxRow>(`SELECT * FROM national_sync_outbox WHERE state = 'sent' AND code = ANY($1) ORDER BY id`, [chunk]);
    for (const row of sent) {
      if (held.get(row.code)?.has(row.message_id)) continue;
      await db.transaction(async (tx) => {
        await tx.query(`UPDATE national_sync_outbox SET state = 'pending', attempts = 0, next_attempt_at = now(), sent_at = NULL WHERE id = $1`, [row.id]);
        await log(tx, {
          dossierId: row.dossier_id,
          outboxId: String(row.id),
          kind: 'reconcile',
          ok: false,
          errorCode: 'MISSING',
          message: `Cổng DVCQG không có tin trạng thái ${row.national_status} của hồ sơ: gửi lại.`,
        });
      });
      resent++;
    }
  }
  return { checked: codes.length, resent };
}

// ---- the officer's and the administrator's views -----------------------------------------------------------------------

export interface SyncEntry {
  id: string;
  at: string;
  kind: string;
  ok: boolean;
  service: string | null;
  status: number | null;
  errorCode: string | null;
  message: string | null;
  request: unknown;
  response: unknown;
}

/** A dossier's sync: its messages' states and the log (newest first). The caller has checked that the actor sees the dossier. */
export async function dossierSync(db: Queryable, dossierId: string) {
  const messages = await db.query<NationalSyncOutboxRow>('SELECT * FROM national_sync_outbox WHERE dossier_id = $1 ORDER BY id', [dossierId]);
  const entries = await db.query<NationalSyncLogRow & { service: string | null; national_status: number | null }>(
    `SELECT l.*, o.service, o.national_status FROM national_sync_log l LEFT JOIN national_sync_outbox o ON o.id = l.outbox_id
      WHERE l.dossier_id = $1 ORDER BY l.id DESC LIMIT 200`,
    [dossierId],
  );
  return {
    messages: messages.map((m) => ({
      id: String(m.id),
      service: m.service,
      status: m.national_status,
      state: m.state,
      attempts: m.attempts,
      lastError: m.last_error,
      eventAt: new Date(m.event_at).toISOString(),
      sentAt: m.sent_at ? new Date(m.sent_at).toISOString() : null,
    })),
    log: entries.map(
      (l): SyncEntry => ({
        id: String(l.id),
        at: new Date(l.at).toISOString(),
        kind: l.kind,
        ok: l.ok,
        service: l.service,
        status: l.national_status,
        errorCode: l.error_code,
        message: l.message,
        request: l.request,
        response: l.response,
      }),
    ),
  };
}

/**
 * An administrator's retry: the dossier's failed messages (and any still waiting on a back-off) are due now, in their
 * order. Returns how many. Unknown dossiers: 404.
 */
export async function retryDossierSync(db: Database, dossierId: string, by: string) {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `UPDATE national_sync_outbox SET state = 'pending', next_attempt_at = now(), attempts = CASE WHEN state = 'failed' THEN 0 ELSE attempts END
        WHERE dossier_id = $1 AND state IN ('failed', 'pending') RETURNING id`,
      [dossierId],
    );
    const [known] = await tx.query('SELECT 1 FROM national_sync_outbox WHERE dossier_id = $1 LIMIT 1', [dossierId]);
    if (!known) throw notFound('hồ sơ');
    await log(tx, { dossierId, outboxId: null, kind: 'retry', ok: true, message: `${by} yêu cầu gửi lại ${rows.length} tin.` });
    return rows.length;
  });
}

/** The sync's health for the operations centre: what waits, what failed, what is unmapped, the oldest wait, the last success. */
export async function syncHealth(db: Queryable) {
  const [r] = await db.query<{
    pending: number;
    failed: number;
    unmapped: number;
    sent_day: number;
    errors_day: number;
    oldest: Date | null;
    last_sent: Date | null;
  }>(
    `SELECT count(*) FILTER (WHERE state = 'pending')::int AS pending,
            count(*) FILTER (WHERE state = 'failed')::int AS failed,
            count(DISTINCT dossier_id) FILTER (WHERE state = 'unmapped')::int AS unmapped,
            count(*) FILTER (WHERE state = 'sent' AND sent_at >= now() - interval '1 day')::int AS sent_day,
            (SELECT count(*)::int FROM national_sync_log WHERE NOT ok AND kind = 'deliver' AND at >= now() - interval '1 day') AS errors_day,
            min(event_at) FILTER (WHERE state = 'pending') AS oldest,
            max(sent_at) AS last_sent
       FROM national_sync_outbox`,
  );
  return {
    pending: r.pending,
    failed: r.failed,
    unmappedDossiers: r.unmapped,
    sentLastDay: r.sent_day,
    errorsLastDay: r.errors_day,
    oldestPendingAt: r.oldest ? new Date(r.oldest).toISOString() : null,
    lastSentAt: r.last_sent ? new Date(r.last_sent).toISOString() : null,
  };
}

// ---- the 766 index's DOSSIER_SYNC inputs --------------------------------------------------------------------------------

/** A status reached the portal on time when it was acknowledged within this long of its event (no official SLA: ⚠U). */
export const ON_TIME_HOURS = 24;

export interface SyncIndexInputs {
  /** Dossiers received (status 2) in the period: the denominator. */
  received: number;
  /** Of those, the ones whose reception the portal acknowledged, and acknowledged within ON_TIME_HOURS. */
  synced: number;
  syncedOnTime: number;
}

/**
 * Per agency ('' = the whole scope): dossiers whose reception (status 2) fell in the period (Vietnam dates, inclusive)
 * and how many reached the portal. `agencies`: the competent agencies in scope (null = all).
 */
export async function syncIndexInputs(db: Queryable, q: { from: string; to: string; agencies: string[] | null }, perAgency: boolean) {
  const rows = await db.query<{ agency_id: string; received: number; synced: number; on_time: number }>(
    `SELECT ${perAgency ? 'agency_id' : "''"} AS agency_id, count(*)::int AS received,
            count(*) FILTER (WHERE state = 'sent')::int AS synced,
            count(*) FILTER (WHERE state = 'sent' AND sent_at <= event_at + make_interval(hours => $4))::int AS on_time
       FROM (SELECT DISTINCT ON (dossier_id) dossier_id, agency_id, state, sent_at, event_at FROM national_sync_outbox
              WHERE national_status = 2 AND event_at >= ${sqlVietnamDayStart('$1')} AND event_at < ${sqlVietnamDayStart('$2')} + interval '1 day'
                AND ($3::uuid[] IS NULL OR agency_id = ANY($3::uuid[]))
              ORDER BY dossier_id, id) r
      GROUP BY 1`,
    [q.from, q.to, q.agencies, ON_TIME_HOURS],
  );
  return new Map(rows.map((r) => [r.agency_id, { received: r.received, synced: r.synced, syncedOnTime: r.on_time } satisfies SyncIndexInputs]));
}
