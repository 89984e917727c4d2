// The platform's scheduled work, declared in one list with its schedule, and the scheduler that runs it in the server.
// Several servers may share one database: a cluster job runs once per period in the whole cluster (a PostgreSQL
// advisory lock keeps two servers from running it at once, and its row in scheduled_jobs says when it last started);
// an every-server job (outbox delivery, whose workers share the rows with FOR UPDATE SKIP LOCKED) runs in each process.
// Each job's last run is kept in scheduled_jobs and shown on /health and as gauges on /metrics.
import type { FastifyInstance } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import { CITIZEN_SESSION_IDLE_MINUTES, deleteExpiredCitizenSessions } from '../citizens/service.ts';
import type { Database, Queryable } from '../db/index.ts';
import { anchorHistory, checkpointHistory } from '../dossiers/chain.ts';
import { deliverOutbox, receiveMessages } from '../exchange/service.ts';
import type { Gateway } from '../exchange/gateway.ts';
import { escalateFeedback } from '../feedback/service.ts';
import { indexDocuments } from '../documents/search.ts';
import { deleteExpiredUploads } from '../dossiers/files.ts';
import { deleteExpiredSessions, deleteForgottenThrottles, SESSION_IDLE_MINUTES } from '../identity/service.ts';
import { deleteDeliveredNotifications, type NotificationWorker } from '../notifications/service.ts';
import { paymentReconciler } from '../payments/routes.ts';
import { deliverAllNationalSync, reconcileNationalSync } from '../national/service.ts';
import type { Portal } from '../national/portal.ts';
import { deleteExpiredIdempotencyKeys } from '../shared/idempotency.ts';
import { deleteExpiredRateLimits } from '../shared/rate-limit-store.ts';
import { openDuePeriods, remindAndFlag } from '../reporting/service.ts';

export interface Job {
  /** Stable name: the key of its row in scheduled_jobs and of its advisory lock. */
  name: string;
  everyMs: number;
  /** Runs in every server process instead of once per cluster. */
  everyServer?: boolean;
  /** Returns a small summary (counts) shown on /health. */
  run: () => Promise<unknown>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface JobDeps {
  app: FastifyInstance;
  notifications: NotificationWorker;
  /** The document exchange gateway (EXCHANGE_GATEWAY_URL); without one, no exchange jobs. */
  exchange?: Gateway;
  /** The national portal (DVCQG_URL); without one, the sync's outbox waits. */
  national?: { portal: Portal; leaseMs: number };
  sessionIdleMinutes?: { staff: number; citizen: number };
}

/** Every scheduled job of the platform. */
export function platformJobs({ app, notifications, exchange, national, sessionIdleMinutes }: JobDeps): Job[] {
  const db = app.db;
  const idle = sessionIdleMinutes ?? { staff: SESSION_IDLE_MINUTES, citizen: CITIZEN_SESSION_IDLE_MINUTES };
  return [
    // Citizens' messages: a full batch means more are waiting, so it goes again at once.
    {
      name: 'notifications.deliver',
      everyMs: 5000,
      everyServer: true,
      run: async () => {
        let sent = 0;
        for (let n = await notifications.runOnce(); n > 0; n = await notifications.runOnce()) sent += n;
        return { attempted: sent };
      },
    },
    // Liên thông văn bản: packages to other agencies in order per document (every server, rows taken with SKIP LOCKED),
    // and the mailboxes polled for what they sent (once per cluster: two pollers would only meet at the inbox's key).
    ...(exchange
      ? [
          {
            name: 'exchange.deliver',
            everyMs: 5000,
            everyServer: true,
            run: async () => {
              const total = { attempted: 0, sent: 0 };
              for (
                let r = await deliverOutbox(db, exchange, { logger: app.log });
                r.attempted > 0;
                r = await deliverOutbox(db, exchange, { logger: app.log })
              ) {
                total.attempted += r.attempted;
                total.sent += r.sent;
                if (r.sent === 0) break; // the gateway fails everything: wait for the next period
              }
              return total;
            },
          },
          { name: 'exchange.receive', everyMs: MINUTE, run: () => receiveMessages(db, exchange, { logger: app.log }) },
        ]
      : []),
    // Đồng bộ Cổng DVCQG: every dossier event in order per dossier (every server, rows taken with SKIP LOCKED), and each
    // night what the portal holds of the dossiers sent lately compared with what was sent (once per cluster).
    ...(national
      ? [
          {
            name: 'national.deliver',
            everyMs: 5000,
            everyServer: true,
            run: () => deliverAllNationalSync(db, national.portal, { logger: app.log, leaseMs: national.leaseMs }),
          },
          { name: 'national.reconcile', everyMs: 24 * HOUR, run: () => reconcileNationalSync(db, national.portal) },
        ]
      : []),
    // A lost IPN or an abandoned return page is caught up by asking the gateway.
    { name: 'payments.reconcile', everyMs: 5 * MINUTE, run: paymentReconciler(app) },
    // Finished days of dossier history anchored (each day once, after it ends), and a rolling checkpoint of the dossiers
    // changed since the last one: the period is the window in which deleting or rewriting today's work goes unrecorded.
    { name: 'history.anchor', everyMs: 5 * MINUTE, run: async () => ({ anchoredDays: await anchorHistory(db), checkpointed: await checkpointHistory(db) }) },
    // Documents changed since they were last indexed for search: their folded texts and their PDF's (pdftotext).
    { name: 'documents.index', everyMs: MINUTE, run: () => indexDocuments(db) },
    // Feedback cases at risk of missing their deadline or past it, escalated to the operators once each (working hours).
    { name: 'feedback.escalate', everyMs: 15 * MINUTE, run: () => escalateFeedback(db) },
    // Chế độ báo cáo: each regime's period opens once its data cut-off has passed (a pre-filled draft per unit); units
    // near their due date are reminded, and those past it flagged late.
    { name: 'reporting.periods', everyMs: HOUR, run: async () => ({ opened: await openDuePeriods(db), ...(await remindAndFlag(db)) }) },
    // Retention: what nobody can use any more.
    { name: 'retention.idempotency-keys', everyMs: HOUR, run: async () => ({ deleted: await deleteExpiredIdempotencyKeys(db) }) },
    {
      name: 'retention.sessions',
      everyMs: HOUR,
      run: async () => ({
        staff: await deleteExpiredSessions(db, idle.staff),
        citizen: await deleteExpiredCitizenSessions(db, idle.citizen),
        signInThrottles: await deleteForgottenThrottles(db),
        // The rate-limit counts the servers share (on PGlite they are counted in memory and the table stays empty).
        rateLimits: await deleteExpiredRateLimits(db),
      }),
    },
    { name: 'retention.notifications', everyMs: 24 * HOUR, run: async () => ({ deleted: await deleteDeliveredNotifications(db) }) },
    {
      name: 'retention.uploads',
      everyMs: HOUR,
      run: async () => ({
        deleted: await deleteExpiredUploads(db, new Date(Date.now() - app.uploadSettings.expiryHours * HOUR)),
      }),
    },
  ];
}

export interface JobStatus {
  name: string;
  lastStartedAt: string | null;
  lastFinishedAt: string | null;
  ok: boolean | null;
  error: string | null;
  result: unknown;
}

/** Each job's last run, from scheduled_jobs (the whole cluster's). */
export async function jobStatus(db: Queryable): Promise<JobStatus[]> {
  const rows = await db.query('SELECT * FROM scheduled_jobs ORDER BY name');
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return rows.map((r) => ({
    name: r.name,
    lastStartedAt: iso(r.last_started_at),
    lastFinishedAt: iso(r.last_finished_at),
    ok: r.last_ok,
    error: r.last_error,
    result: r.last_result,
  }));
}

const seconds = (iso: string | null) => (iso === null ? null : Date.parse(iso) / 1000);

/**
 * The last runs as Prometheus gauges per job, read from scheduled_jobs at each scrape (so every server reports the
 * cluster's runs). Alert on `congso_job_last_run_ok == 0`, or on `time() - congso_job_last_finished_timestamp_seconds`
 * beyond a job's period. A scrape while the database is unreachable keeps the previous values.
 */
export function registerJobMetrics(registry: Registry, db: Queryable): void {
  const gauge = (name: string, help: string, value: (s: JobStatus) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['job'],
      registers: [registry],
      async collect() {
        const status = await jobStatus(db).catch(() => null);
        if (!status) return;
        this.reset();
        for (const s of status) {
          const v = value(s);
          if (v !== null) this.set({ job: s.name }, v);
        }
      },
    });
  gauge('congso_job_last_run_timestamp_seconds', 'When the scheduled job last started (Unix time)', (s) => seconds(s.lastStartedAt));
  gauge('congso_job_last_finished_timestamp_seconds', 'When the scheduled job last finished (Unix time)', (s) => seconds(s.lastFinishedAt));
  gauge('congso_job_last_run_ok', "1 when the scheduled job's last finished run succeeded, 0 when it failed", (s) => (s.ok === null ? null : Number(s.ok)));
}

// A period's start may come a little early on another server's clock tick; 10 % slack keeps it from skipping a period.
const DUE_SLACK = 0.9;

/** Runs `job` now if it is due (and, for a cluster job on a server, no other server runs it); true if it ran. */
export async function runIfDue(db: Database, job: Job, onError: (err: unknown) => void = () => undefined): Promise<boolean> {
  const finish = (q: Queryable, ok: boolean, result: unknown, error: string | null) =>
    q.query(`UPDATE scheduled_jobs SET last_finished_at = now(), last_ok = $2, last_result = $3, last_error = $4 WHERE name = $1`, [
      job.name,
      ok,
      JSON.stringify(result ?? null),
      error,
    ]);
  const attempt = async (q: Queryable) => {
    await q.query('INSERT INTO scheduled_jobs (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [job.name]);
    const due = await q.query(
      `UPDATE scheduled_jobs SET last_started_at = now() WHERE name = $1
         AND ($2::boolean OR last_started_at IS NULL OR last_started_at <= now() - make_interval(secs => $3)) RETURNING 1`,
      [job.name, Boolean(job.everyServer), (job.everyMs * DUE_SLACK) / 1000],
    );
    if (!due.length) return false;
    try {
      await finish(q, true, await job.run(), null);
    } catch (err) {
      onError(err);
      await finish(q, false, null, String((err as Error)?.message ?? err).slice(0, 1000));
    }
    return true;
  };
  // PGlite is one process with one connection: no other server, and a transaction held open would block the job's own queries.
  if (job.everyServer || db.kind === 'pglite') return attempt(db);
  return db.transaction(async (tx) => {
    const [{ locked }] = await tx.query(`SELECT pg_try_advisory_xact_lock(hashtext('congso.job'), hashtext($1)) AS locked`, [job.name]);
    return locked ? attempt(tx) : false;
  });
}

export interface Scheduler {
  stop(): Promise<void>;
}

/** Starts every job now (each when due) and then on its schedule; stop() waits for the runs in progress. */
export function startJobs(db: Database, jobs: Job[], log: { error: (obj: object, msg: string) => void }): Scheduler {
  let stopped = false;
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();
  const tick = (job: Job) => {
    if (stopped) return;
    const run = runIfDue(db, job, (err) => log.error({ err, job: job.name }, 'scheduled job failed'))
      .catch((err) => log.error({ err, job: job.name }, 'scheduled job could not start'))
      .finally(() => {
        running.delete(run);
        if (!stopped) timers.set(job.name, setTimeout(() => tick(job), job.everyMs).unref());
      });
    running.add(run);
  };
  for (const job of jobs) tick(job);
  return {
    async stop() {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      await Promise.all(running);
    },
  };
}
