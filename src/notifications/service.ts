// Notifications to the citizen: an outbox written in the same transaction as the change (a dossier event hook; a
// feedback event hook for the reporter of a feedback case), and a worker that delivers the outbox with retries and exponential backoff. Email goes over SMTP
// (nodemailer); SMS and Zalo go through MessageTransport adapters whose default (LogTransport) writes to the log.
//
// Delivery is at least once: a row is claimed with FOR UPDATE SKIP LOCKED (so concurrent workers never take the same
// row) and leased by moving next_attempt_at forward; a worker killed while sending leaves the row pending and it is
// sent again after the lease. Every email carries a Message-ID fixed by its outbox row, so a resent copy is the
// same message to the receiving side.
import nodemailer, { type Transporter } from 'nodemailer';
import type { Database, Queryable, Row } from '../db/index.ts';
import { backoffMs } from '../shared/outbox.ts';
import type { NotificationOutboxRow } from '../db/schema.ts';
import type { DossierEventHook, DossierEventRecord } from '../dossiers/hooks.ts';
import { getProcedureVersion } from '../catalog/service.ts';
import { agencyNames } from '../agencies/service.ts';
import type { FeedbackEventHook, FeedbackEventRecord } from '../feedback/hooks.ts';
import {
  type FeedbackNotificationKind,
  type NotificationKind,
  type RenderedNotification,
  renderFeedbackNotification,
  renderNotification,
  renderUrgentDocumentAlert,
  type UrgentDocumentContext,
} from './templates.ts';

export type NotificationChannel = 'email' | 'sms' | 'zalo';

// ---- outbox ------------------------------------------------------------------------------------

/** The dossier actions that the citizen is told about, and what each one is called in the templates. */
function kindOf(event: DossierEventRecord): NotificationKind | null {
  switch (event.action) {
    case 'accept':
      return 'received';
    case 'request_supplement':
      return 'supplement_requested';
    case 'request_payment':
      return 'payment_requested';
    case 'apologize':
      return 'rescheduled';
    case 'approve':
      return 'result_ready';
    case 'return_result':
      return 'returned';
    case 'refuse':
      return 'refused';
    case 'stop':
      return 'stopped';
    default:
      return null;
  }
}

export interface NotificationHookOptions {
  /** The platform's public address; the messages link to `${publicUrl}/tra-cuu/{code}`. */
  publicUrl: string;
}

/** An address and a phone number as messages are sent to them. */
const contactOf = (c: { email?: string | null; phone?: string | null }) => ({ email: c.email?.trim() || null, phone: c.phone?.replace(/[\s.]/g, '') || null });

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The outbox rows for one dossier event (none when the event does not matter to the citizen or no contact is known). */
export async function enqueueFor(tx: Queryable, dossier: Row, event: DossierEventRecord, opts: NotificationHookOptions): Promise<number> {
  const kind = kindOf(event);
  if (!kind) return 0;
  const applicant = (dossier.applicant ?? {}) as { name?: string; phone?: string; email?: string };
  const { email, phone } = contactOf(applicant);
  if (!email && !phone) return 0;
  const content = await getProcedureVersion(tx, dossier.procedure_id, dossier.procedure_version);
  const data = event.data ?? {};
  const dueAt =
    kind === 'rescheduled' && typeof data.newDueAt === 'string'
      ? new Date(data.newDueAt)
      : kind === 'received' && dossier.due_at
        ? new Date(dossier.due_at)
        : null;
  const reasons = strings(data.reasons).length ? strings(data.reasons) : event.note && kind !== 'returned' ? [event.note] : [];
  // A supplement request's documents outside the procedure's components are things to add too.
  reasons.push(...strings(data.extraDocuments).map((name) => `Nộp bổ sung: ${name}`));
  const message = renderNotification({
    kind,
    code: dossier.code,
    procedureName: content.name,
    applicantName: applicant.name ?? '',
    lookupUrl: `${opts.publicUrl.replace(/\/+$/, '')}/tra-cuu/${encodeURIComponent(dossier.code)}`,
    dueAt,
    reasons,
    amount: typeof data.amount === 'number' ? data.amount : Number(data.amount ?? 0),
    method: typeof data.method === 'string' ? data.method : undefined,
  });
  return enqueueMessages(tx, { dossierId: dossier.id, eventId: event.id }, kind, { email, phone }, message, event.at);
}

/** Whose message an outbox row is: a dossier's event, a feedback case's, or a document's (a staff alert). */
export type OutboxOwner =
  | { dossierId: string; eventId: number }
  | { feedbackCaseId: string; feedbackEventId: number }
  | { documentId: string; documentEventId: number };

/** The outbox rows of one rendered message: the email to an address, SMS and Zalo to a phone; due at `at`. */
async function enqueueMessages(
  tx: Queryable,
  owner: OutboxOwner,
  kind: string,
  contact: { email?: string | null; phone?: string | null },
  message: RenderedNotification,
  at: Date,
): Promise<number> {
  const rows: [NotificationChannel, string, string | null, string][] = [];
  if (contact.email) rows.push(['email', contact.email, message.email.subject, message.email.text]);
  if (contact.phone) rows.push(['sms', contact.phone, null, message.sms], ['zalo', contact.phone, null, message.zalo]);
  const owners = [
    'dossierId' in owner ? [owner.dossierId, owner.eventId] : [null, null],
    'feedbackCaseId' in owner ? [owner.feedbackCaseId, owner.feedbackEventId] : [null, null],
    'documentId' in owner ? [owner.documentId, owner.documentEventId] : [null, null],
  ].flat();
  for (const [channel, recipient, subject, body] of rows) {
    await tx.query(
      `INSERT INTO notification_outbox (dossier_id, event_id, feedback_case_id, feedback_event_id, document_id, document_event_id, kind, channel,
         recipient, subject, body, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
      [...owners, kind, channel, recipient, subject, body, at],
    );
  }
  return rows.length;
}

/** A dossier event hook that writes the outbox rows for the given public address. */
export function createNotificationHook(opts: NotificationHookOptions): DossierEventHook {
  return async (tx, dossier, event) => void (await enqueueFor(tx, dossier, event, opts));
}

let linkBase = 'http://localhost:3000';
/** The server passes the configured PUBLIC_URL at start (config.ts); the messages link to it. */
export function useNotificationLinks(publicUrl: string): void {
  linkBase = publicUrl;
}

/**
 * The hook the composition root registers (dossier-hooks.ts). Links use the address given to useNotificationLinks;
 * use createNotificationHook for another address.
 */
export const enqueueDossierNotifications: DossierEventHook = (tx, dossier, event) =>
  enqueueFor(tx, dossier, event, { publicUrl: linkBase }).then(() => undefined);

/** The public steps of a feedback case that its reporter is told about; a reporter's own steps and internal ones are not. */
function feedbackKindOf(event: FeedbackEventRecord): FeedbackNotificationKind | null {
  if (!event.public) return null;
  switch (event.action) {
    case 'submit':
      return 'feedback_received';
    case 'accept':
      return 'feedback_accepted';
    case 'request_info':
      return 'feedback_info_requested';
    case 'publish':
      return 'feedback_answered';
    case 'reject_spam':
      return 'feedback_rejected';
    case 'merge_duplicate':
      return 'feedback_merged';
    case 'rate':
      return event.data.reopened === true ? 'feedback_reopened' : null;
    default:
      return null;
  }
}

/**
 * The feedback-event hook (feedback-hooks.ts): the reporter's messages for a public step, to the contact the case
 * holds (the signed-in citizen's, or the one given with the report). What a message says comes from the step's
 * public content only (the question, the published answer, the reason for rejecting), never from internal notes.
 */
export const enqueueFeedbackNotifications: FeedbackEventHook = async (tx, row, event) => {
  const kind = feedbackKindOf(event);
  if (!kind) return;
  const contact = contactOf({ email: row.reporter_email, phone: row.reporter_phone });
  if (!contact.email && !contact.phone) return;
  const base = linkBase.replace(/\/+$/, '');
  const intoCode = typeof event.data.intoCode === 'string' ? event.data.intoCode : undefined;
  // A signed-in reporter follows the case on their own page; anyone else on the public page once it is answered.
  const url = intoCode
    ? `${base}/phan-anh/${encodeURIComponent(intoCode)}`
    : row.citizen_id
      ? `${base}/phan-anh/cua-toi/${row.id}`
      : `${base}/phan-anh/${encodeURIComponent(row.code)}`;
  const agencyId = event.agencyId ?? row.agency_id;
  const agencyName = agencyId ? ((await agencyNames(tx, [agencyId])).get(agencyId) ?? null) : null;
  const message = renderFeedbackNotification({
    kind,
    code: row.code,
    title: row.title,
    reporterName: row.reporter_name,
    url,
    agencyName,
    dueAt: kind === 'feedback_accepted' || kind === 'feedback_reopened' ? row.due_at && new Date(row.due_at) : null,
    text: kind === 'feedback_answered' ? (event.data.answer as string) : event.note,
    intoCode,
  });
  await enqueueMessages(tx, { feedbackCaseId: row.id, feedbackEventId: event.id }, kind, contact, message, event.at);
};

/**
 * A staff alert of an urgent incoming document (văn bản đến khẩn, hỏa tốc) to each person concerned, by their work
 * email and phone, in the transaction of the document's event and due at once; how many rows were written.
 */
export async function enqueueUrgentDocumentAlert(
  tx: Queryable,
  owner: { documentId: string; documentEventId: number },
  people: { email: string | null; phone: string | null }[],
  context: Omit<UrgentDocumentContext, 'url'>,
  at: Date,
): Promise<number> {
  const message = renderUrgentDocumentAlert({ ...context, url: `${linkBase.replace(/\/+$/, '')}/mot-cua/van-ban/${owner.documentId}` });
  let written = 0;
  for (const person of people) written += await enqueueMessages(tx, owner, 'urgent_document', contactOf(person), message, at);
  return written;
}

// ---- transports --------------------------------------------------------------------------------

/** pino-compatible; console works too. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** SMS and Zalo adapters. */
export interface MessageTransport {
  send(to: string, message: string): Promise<void>;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string /** stable per outbox row */;
  messageId: string;
}
export interface EmailTransport {
  send(message: EmailMessage): Promise<void>;
  close?(): void | Promise<void>;
}

/** The default SMS / Zalo adapter (and the email one when no SMTP server is configured): writes each message to the log. */
export class LogTransport implements MessageTransport, EmailTransport {
  constructor(
    readonly channel: NotificationChannel,
    private readonly logger: Logger = console,
  ) {}
  async send(to: string | EmailMessage, message?: string): Promise<void> {
    if (typeof to === 'string') this.logger.info({ channel: this.channel, to, message }, `notification (${this.channel})`);
    else this.logger.info({ channel: this.channel, to: to.to, subject: to.subject, messageId: to.messageId, text: to.text }, `notification (${this.channel})`);
  }
}

/** Email over SMTP; `url` as nodemailer reads it: smtp://user:pass@host:587, smtps://…:465, ?pool=true. */
export class SmtpEmailTransport implements EmailTransport {
  private readonly transporter: Transporter;
  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transporter = nodemailer.createTransport(url);
  }
  async send(m: EmailMessage): Promise<void> {
    await this.transporter.sendMail({ from: this.from, to: m.to, subject: m.subject, text: m.text, messageId: m.messageId });
  }
  close() {
    this.transporter.close();
  }
}

export interface Transports {
  email: EmailTransport;
  sms: MessageTransport;
  zalo: MessageTransport;
}

/** SMTP when a URL is given, otherwise the log; SMS and Zalo to the log. */
export function defaultTransports(opts: { smtpUrl?: string; mailFrom?: string; logger?: Logger } = {}): Transports {
  return {
    email: opts.smtpUrl ? new SmtpEmailTransport(opts.smtpUrl, opts.mailFrom ?? 'congso <no-reply@localhost>') : new LogTransport('email', opts.logger),
    sms: new LogTransport('sms', opts.logger),
    zalo: new LogTransport('zalo', opts.logger),
  };
}

// ---- worker ------------------------------------------------------------------------------------

export interface WorkerOptions {
  transports?: Partial<Transports>;
  /** Pause between polls when nothing was due (default 5 s); 0 = no timer, call runOnce() yourself. */
  intervalMs?: number;
  /** Rows claimed per run (default 20). */
  batchSize?: number;
  /** After this many failed attempts a row is marked failed (default 8). */
  maxAttempts?: number;
  /** Backoff after the n-th failure: baseDelayMs × 2^(n-1), at most maxDelayMs (defaults 1 min, 6 h). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long a claimed row stays with this worker before another may take it (default 5 min). */
  leaseMs?: number;
  /** The clock (tests). */
  now?: () => Date;
  logger?: Logger;
}

export interface NotificationWorker {
  stop(): Promise<void>;
  /** Delivers the rows due now; returns how many were attempted. */
  runOnce(): Promise<number>;
}

export const DEFAULT_POLL_MS = 5000;
export const DEFAULT_LEASE_MS = 5 * 60_000;

export function startNotificationWorker(db: Database, opts: WorkerOptions = {}): NotificationWorker {
  const logger = opts.logger ?? console;
  const transports: Transports = { ...defaultTransports({ logger }), ...opts.transports };
  const now = opts.now ?? (() => new Date());
  const batchSize = opts.batchSize ?? 20;
  const maxAttempts = opts.maxAttempts ?? 8;
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const intervalMs = opts.intervalMs ?? DEFAULT_POLL_MS;

  async function deliver(row: NotificationOutboxRow) {
    if (row.channel === 'email') {
      await transports.email.send({
        to: row.recipient,
        subject: row.subject ?? '',
        text: row.body,
        messageId: `<notification-${row.id}.${row.dossier_id ?? row.feedback_case_id}@congso>`,
      });
    } else {
      await transports[row.channel as 'sms' | 'zalo'].send(row.recipient, row.body);
    }
  }

  async function runBatch(): Promise<number> {
    const at = now();
    // A short transaction: take the due rows no other worker holds, and lease them.
    const claimed = await db.transaction((tx) =>
      tx.query<NotificationOutboxRow>(
        `UPDATE notification_outbox SET next_attempt_at = $2
        WHERE id IN (SELECT id FROM notification_outbox WHERE status = 'pending' AND next_attempt_at <= $1
                      ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
        [at, new Date(at.getTime() + leaseMs), batchSize],
      ),
    );
    claimed.sort((a, b) => Number(a.id) - Number(b.id));
    for (const row of claimed) {
      try {
        await deliver(row);
        await db.query(
          `UPDATE notification_outbox SET status = 'sent', attempts = attempts + 1, sent_at = $2, last_error = NULL
                         WHERE id = $1 AND status = 'pending'`,
          [row.id, now()],
        );
      } catch (err) {
        const failures = Number(row.attempts) + 1;
        const message = String((err as Error)?.message ?? err).slice(0, 1000);
        const failed = failures >= maxAttempts;
        const next = new Date(now().getTime() + backoffMs(failures, opts.baseDelayMs, opts.maxDelayMs));
        await db.query(
          `UPDATE notification_outbox SET attempts = $2, last_error = $3, status = $4, next_attempt_at = $5
                         WHERE id = $1 AND status = 'pending'`,
          [row.id, failures, message, failed ? 'failed' : 'pending', next],
        );
        logger.warn({ notification: Number(row.id), channel: row.channel, attempts: failures, failed, err: message }, 'notification delivery failed');
      }
    }
    return claimed.length;
  }

  // One run at a time per worker: the timer and explicit runOnce() calls queue behind each other.
  let running: Promise<unknown> = Promise.resolve();
  const runOnce = () => {
    const run = running.then(runBatch, runBatch);
    running = run.catch(() => undefined);
    return run;
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (ms: number) => {
    if (stopped || intervalMs <= 0) return;
    timer = setTimeout(async () => {
      let n = 0;
      try {
        n = await runOnce();
      } catch (err) {
        logger.warn({ err: String((err as Error)?.message ?? err) }, 'notification worker run failed');
      }
      // A full batch: more may be waiting, go again at once.
      schedule(n >= batchSize ? 0 : intervalMs);
    }, ms);
    timer.unref?.();
  };
  schedule(0);

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      for (const t of new Set(Object.values(transports))) await (t as EmailTransport).close?.();
    },
  };
}

/** How long a delivered message stays in the outbox (the dossier's message history on staff screens). */
export const DELIVERED_RETENTION_DAYS = 90;

/** Deletes messages delivered longer ago than the retention period (scheduled: src/jobs); returns how many. */
export async function deleteDeliveredNotifications(db: Queryable): Promise<number> {
  return (
    await db.query(`DELETE FROM notification_outbox WHERE status = 'sent' AND sent_at < now() - make_interval(days => $1) RETURNING 1`, [
      DELIVERED_RETENTION_DAYS,
    ])
  ).length;
}

/** A dossier's notifications, newest first (for staff screens and tests). */
export async function listNotifications(db: Queryable, dossierId: string) {
  return db.query<Omit<NotificationOutboxRow, 'dossier_id' | 'event_id'>>(
    `SELECT id, kind, channel, recipient, subject, body, status, attempts, next_attempt_at, last_error, created_at, sent_at
       FROM notification_outbox WHERE dossier_id = $1 ORDER BY id DESC`,
    [dossierId],
  );
}
