// Liên thông văn bản điện tử: what the documents module calls to send a document or a status to another agency, and
// what it registers to be told of packages that arrive. This module owns exchange_outbox and exchange_inbox and reads
// no other module's tables: agencies, document types and the handling of a received document come in through
// ExchangeHandlers (setExchangeHandlers, once, in the composition root).
//
// Sending: sendDocument / sendStatus / recallDocument write outbox rows in the caller's transaction (a document is sent
// if and only if its issue commits); deliverOutbox (the exchange.deliver job) hands them to the gateway in id order per
// document and recipient, retrying with back-off. Each row goes with a random key of its own, so a retry after a lost
// answer is one message at the gateway.
// Receiving: receiveMessages (the exchange.receive job) polls the mailboxes of this platform's organisations and
// handles each package in one transaction with its exchange_inbox row (unique per package: a package delivered twice
// is acknowledged twice and handled once), then acknowledges it. The platform answers by itself what the rules make
// automatic: 01 (đã đến) when a document is accepted, 02 with the reason when it is refused, and 15/16 to a recall (13)
// as the recall handler decides. The other statuses (03–06) are sent by the documents module as its users act.
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/index.ts';
import type { ExchangeInboxRow, ExchangeOutboxRow } from '../db/schema.ts';
import { deliverInOrder, type OrderedDeliveryOptions } from '../shared/outbox.ts';
import {
  buildDocumentPackage,
  buildStatusPackage,
  EdxmlError,
  parseEdxml,
  STATUS_CODES,
  type DocumentPackage,
  type DocumentRef,
  type Organisation,
  type StatusCode,
  type StatusPackage,
} from './edxml.ts';
import type { Gateway, ReceivedMessage } from './gateway.ts';
import { checkIncomingDocument, type IncomingLookups, type Refusal } from './validate.ts';

// ---- handlers ---------------------------------------------------------------------------------------------------------

/** A document package accepted for one of this platform's organisations. */
export interface ReceivedDocument {
  /** The organisation of this platform it was addressed to (whose mailbox it came from). */
  receiver: string;
  document: DocumentPackage;
  /** Its exchange_inbox row. */
  inboxId: string;
}

export interface RecallRequest {
  receiver: string;
  /** The document the sender recalls (its DocumentId as received). */
  document: DocumentRef;
  from: Organisation;
  reason: string;
}

export interface ExchangeHandlers extends IncomingLookups {
  /** This platform's organisations: their mailboxes are polled, and they sign the automatic statuses. */
  localOrganisations(db: Queryable): Promise<Organisation[]>;
  /** Registers an accepted document (văn bản đến). Runs in the package's transaction: throwing leaves it to the next poll. */
  documentReceived(tx: Queryable, received: ReceivedDocument): Promise<void>;
  /** A status about a document this platform sent (01–06, 15, 16), for the sender's view of each recipient. */
  statusReceived(tx: Queryable, status: StatusPackage): Promise<void>;
  /**
   * The sender recalls a document (13). Decree 30 art. 18(4b): the receiver cancels it and says so; a document already
   * handled may be refused. The answer is sent as 15 (accept) or 16 (refuse, with the reason).
   */
  recallRequested(tx: Queryable, request: RecallRequest): Promise<{ accept: true } | { accept: false; reason: string }>;
}

let handlers: ExchangeHandlers | undefined;

/** The one registration of the documents module's handlers (composition root); returns the undo, for tests. */
export function setExchangeHandlers(h: ExchangeHandlers): () => void {
  const previous = handlers;
  handlers = h;
  return () => {
    handlers = previous;
  };
}

// ---- sending ----------------------------------------------------------------------------------------------------------

async function enqueue(
  tx: Queryable,
  row: { documentId: string; kind: 'document' | 'status'; statusCode?: StatusCode; from: string; to: string; edxml: string },
) {
  const [{ id }] = await tx.query<{ id: string }>(
    `INSERT INTO exchange_outbox (document_id, kind, status_code, from_organ_id, to_organ_id, edxml) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [row.documentId, row.kind, row.statusCode ?? null, row.from, row.to, row.edxml],
  );
  return String(id);
}

/**
 * Sends a document package to the given recipients (by default every `To` of the package) through the gateway: one
 * outbox row per recipient, written in `tx`. Returns the outbox ids.
 */
export async function sendDocument(tx: Queryable, pkg: DocumentPackage, recipients: string[] = pkg.to.map((t) => t.organId)): Promise<string[]> {
  const edxml = buildDocumentPackage(pkg);
  const ids: string[] = [];
  for (const to of recipients) ids.push(await enqueue(tx, { documentId: pkg.documentId, kind: 'document', from: pkg.from.organId, to, edxml }));
  return ids;
}

/** Sends a status package (03 registered, 04 assigned, 05 processing, 06 done, …) to the document's sender, in `tx`. */
export async function sendStatus(tx: Queryable, status: StatusPackage): Promise<string> {
  return enqueue(tx, {
    documentId: status.responseFor.documentId,
    kind: 'status',
    statusCode: status.statusCode,
    from: status.from.organId,
    to: status.responseFor.organId,
    edxml: buildStatusPackage(status),
  });
}

/**
 * Recalls (thu hồi, 13) a document this platform sent: a status package to each recipient, delivered after the
 * document itself. Their answers (15 agreed, 16 refused) arrive through statusReceived and recipientStatuses.
 */
export async function recallDocument(
  tx: Queryable,
  r: { document: DocumentRef; from: Organisation; recipients: string[]; reason: string; staff?: StatusPackage['staff'] },
): Promise<string[]> {
  const ids: string[] = [];
  for (const to of r.recipients) {
    const status: StatusPackage = {
      responseFor: r.document,
      from: r.from,
      statusCode: '13',
      description: r.reason,
      timestamp: new Date(),
      staff: r.staff ?? {},
    };
    ids.push(
      await enqueue(tx, { documentId: r.document.documentId, kind: 'status', statusCode: '13', from: r.from.organId, to, edxml: buildStatusPackage(status) }),
    );
  }
  return ids;
}

export interface RecipientStatus {
  organId: string;
  /** The outbox's delivery of the document to the gateway. */
  delivery: 'pending' | 'sent' | 'failed';
  /** The last status the recipient sent back, if any. */
  statusCode: StatusCode | null;
  statusText: string | null;
  description: string | null;
  at: string | null;
}

/** The sender's view of a document it sent: each recipient's delivery and last status (statuses in arrival order). */
export async function recipientStatuses(db: Queryable, documentId: string): Promise<RecipientStatus[]> {
  const sent = await db.query<{ to_organ_id: string; state: string }>(
    `SELECT DISTINCT ON (to_organ_id) to_organ_id, state FROM exchange_outbox WHERE document_id = $1 AND kind = 'document' ORDER BY to_organ_id, id DESC`,
    [documentId],
  );
  const statuses = await db.query<ExchangeInboxRow>(
    `SELECT DISTINCT ON (from_organ_id) * FROM exchange_inbox
      WHERE document_id = $1 AND kind = 'status' AND outcome = 'accepted' ORDER BY from_organ_id, status_at DESC, id DESC`,
    [documentId],
  );
  const last = new Map(statuses.map((s) => [s.from_organ_id, s]));
  return sent.map((r) => {
    const s = last.get(r.to_organ_id);
    const code = (s?.status_code ?? null) as StatusCode | null;
    const status = s ? (parseEdxml(s.edxml) as { kind: 'status'; status: StatusPackage }).status : null;
    return {
      organId: r.to_organ_id,
      delivery: r.state as RecipientStatus['delivery'],
      statusCode: code,
      statusText: code ? STATUS_CODES[code] : null,
      description: status?.description ?? null,
      at: status ? status.timestamp.toISOString() : null,
    };
  });
}

// ---- delivery (the exchange.deliver job) -----------------------------------------------------------------------------

export interface DeliveryOptions extends OrderedDeliveryOptions {
  logger?: { warn(obj: object, msg?: string): void };
}

/**
 * Hands the due outbox rows to the gateway; returns how many were attempted. Only the first pending row of each
 * document and recipient is due: a recall never overtakes its document, a 06 never its 03.
 */
export async function deliverOutbox(db: Database, gateway: Gateway, opts: DeliveryOptions = {}): Promise<{ attempted: number; sent: number }> {
  return deliverInOrder<ExchangeOutboxRow>(
    db,
    { table: 'exchange_outbox', groupBy: ['document_id', 'to_organ_id'] },
    async (row) => {
      const { messageId } = await gateway.send({
        messageKey: row.message_key,
        from: row.from_organ_id,
        to: row.to_organ_id,
        kind: row.kind as 'document' | 'status',
        documentId: row.document_id,
        edxml: row.edxml,
      });
      return { gateway_id: messageId };
    },
    {
      ...opts,
      failed: (row, attempts, failed, err) =>
        (opts.logger ?? console).warn({ outbox: Number(row.id), to: row.to_organ_id, attempts, failed, err }, 'exchange delivery failed'),
    },
  );
}

// ---- receiving (the exchange.receive job) -----------------------------------------------------------------------------

export type Outcome = 'accepted' | 'refused' | 'duplicate';

const refOf = (d: DocumentPackage): DocumentRef => ({
  organId: d.from.organId,
  code: `${d.code.number}/${d.code.notation}`,
  promulgationDate: d.promulgation.date,
  documentId: d.documentId,
});

/** Records a package in the inbox; false when the same package is there already (a second delivery). */
async function record(
  tx: Queryable,
  key: string,
  m: ReceivedMessage,
  row: { documentId?: string; kind: string; statusCode?: string; statusAt?: Date; from?: string; refusal?: Refusal },
): Promise<boolean> {
  const inserted = await tx.query(
    `INSERT INTO exchange_inbox (package_key, document_id, kind, status_code, status_at, from_organ_id, to_organ_id, outcome, refusal_code, refusal_reason, edxml)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (package_key) DO NOTHING RETURNING id`,
    [
      key,
      row.documentId ?? null,
      row.kind,
      row.statusCode ?? null,
      row.statusAt ?? null,
      row.from ?? null,
      m.to,
      row.refusal ? 'refused' : 'accepted',
      row.refusal?.code ?? null,
      row.refusal?.reason ?? null,
      m.edxml,
    ],
  );
  return inserted.length > 0;
}

/** The automatic answer of `receiver` about a document: 01, 02, 15, 16. */
function answer(tx: Queryable, receiver: Organisation, about: DocumentRef, statusCode: StatusCode, description: string) {
  return sendStatus(tx, { responseFor: about, from: receiver, statusCode, description, timestamp: new Date(), staff: { department: 'Văn thư' } });
}

/** A package that cannot be handled before another one arrives: left at the gateway, handled at a later poll. */
class NotYet extends Error {}

const received = async (tx: Queryable, documentId: string, receiver: string) =>
  (
    await tx.query(`SELECT 1 FROM exchange_inbox WHERE kind = 'document' AND outcome = 'accepted' AND document_id = $1 AND to_organ_id = $2`, [
      documentId,
      receiver,
    ])
  ).length > 0;

const sentTo = async (tx: Queryable, documentId: string, organId: string) =>
  (await tx.query(`SELECT 1 FROM exchange_outbox WHERE kind = 'document' AND document_id = $1 AND to_organ_id = $2 LIMIT 1`, [documentId, organId])).length > 0;

/** Handles one received package in `tx`; what became of it. */
async function handleMessage(tx: Queryable, h: ExchangeHandlers, receiver: Organisation, m: ReceivedMessage): Promise<Outcome> {
  let parsed: ReturnType<typeof parseEdxml>;
  try {
    parsed = parseEdxml(m.edxml);
  } catch (err) {
    if (!(err instanceof EdxmlError)) throw err;
    // A damaged attachment still has a readable header: the sender is told why (02). Unreadable XML has no document to
    // answer about; it is recorded, refused and acknowledged so that it does not come back at every poll.
    const header = err.code === 'EDXML_DIGEST_MISMATCH' ? parseEdxml(m.edxml, { checkDigests: false }) : null;
    const refusal = { code: err.code, reason: err.message };
    if (header?.kind === 'document') return refuse(tx, receiver, m, header.document, refusal);
    return (await record(tx, refusedKey(receiver, m), m, { kind: 'malformed', documentId: m.documentId, from: m.from, refusal })) ? 'refused' : 'duplicate';
  }
  if (parsed.kind === 'status') {
    const s = parsed.status;
    const key = `status|${s.responseFor.documentId}|${s.from.organId}|${s.statusCode}|${s.timestamp.toISOString()}`;
    // A recall that overtook its document (the gateway delivers out of order) waits at the gateway for the next poll.
    if (s.statusCode === '13' && !(await received(tx, s.responseFor.documentId, receiver.organId))) {
      throw new NotYet(`thu hồi văn bản ${s.responseFor.documentId} đến trước chính văn bản đó`);
    }
    const row = { kind: 'status', documentId: s.responseFor.documentId, statusCode: s.statusCode, statusAt: s.timestamp, from: s.from.organId };
    // Any other status answers a document this platform sent to that agency; one about anything else is kept, not passed on.
    if (s.statusCode !== '13' && !(await sentTo(tx, s.responseFor.documentId, s.from.organId))) {
      const refusal = { code: 'EXCHANGE_UNKNOWN_DOCUMENT', reason: `Trạng thái về văn bản ${s.responseFor.documentId} không gửi cho ${s.from.organId}.` };
      return (await record(tx, key, m, { ...row, refusal })) ? 'refused' : 'duplicate';
    }
    if (!(await record(tx, key, m, row))) return 'duplicate';
    if (s.statusCode === '13') {
      const decision = await h.recallRequested(tx, { receiver: receiver.organId, document: s.responseFor, from: s.from, reason: s.description });
      const about = { ...s.responseFor };
      await sendStatus(tx, {
        responseFor: about,
        from: receiver,
        statusCode: decision.accept ? '15' : '16',
        description: decision.accept ? 'Đồng ý thu hồi văn bản.' : decision.reason,
        timestamp: new Date(),
        staff: { department: 'Văn thư' },
      });
    } else {
      await h.statusReceived(tx, s);
    }
    return 'accepted';
  }
  const doc = parsed.document;
  const refusal = await checkIncomingDocument(tx, doc, receiver.organId, h);
  if (refusal) return refuse(tx, receiver, m, doc, refusal);
  const key = `document|${doc.documentId}|${doc.business.docType}|${receiver.organId}`;
  const inboxId = await tx.query<{ id: string }>(
    `INSERT INTO exchange_inbox (package_key, document_id, kind, from_organ_id, to_organ_id, outcome, edxml)
     VALUES ($1, $2, 'document', $3, $4, 'accepted', $5) ON CONFLICT (package_key) DO NOTHING RETURNING id`,
    [key, doc.documentId, doc.from.organId, receiver.organId, m.edxml],
  );
  if (!inboxId.length) return 'duplicate';
  await h.documentReceived(tx, { receiver: receiver.organId, document: doc, inboxId: String(inboxId[0].id) });
  // Decree 30 art. 21(2c): receipt is confirmed to the sender the same day, through the system.
  await answer(tx, receiver, refOf(doc), '01', 'Văn bản đã đến hệ thống quản lý văn bản của cơ quan nhận.');
  return 'accepted';
}

/**
 * A refused package is known by its bytes: the same one delivered again is not answered twice, while the sender's
 * corrected package (same DocumentId) is checked afresh.
 */
const refusedKey = (receiver: Organisation, m: ReceivedMessage) => `refused|${receiver.organId}|${createHash('sha256').update(m.edxml).digest('hex')}`;

async function refuse(tx: Queryable, receiver: Organisation, m: ReceivedMessage, doc: DocumentPackage, refusal: Refusal): Promise<Outcome> {
  if (!(await record(tx, refusedKey(receiver, m), m, { kind: 'document', documentId: doc.documentId, from: doc.from.organId, refusal }))) return 'duplicate';
  await answer(tx, receiver, refOf(doc), '02', refusal.reason);
  return 'refused';
}

/** What became of a received package, as the inbox recorded it. */
export async function inboxEntry(db: Queryable, documentId: string, receiver: string) {
  const [row] = await db.query<ExchangeInboxRow>(
    `SELECT * FROM exchange_inbox WHERE document_id = $1 AND to_organ_id = $2 AND kind = 'document' ORDER BY id DESC LIMIT 1`,
    [documentId, receiver],
  );
  return row
    ? { outcome: row.outcome as 'accepted' | 'refused', refusalCode: row.refusal_code, refusalReason: row.refusal_reason, receivedAt: row.received_at }
    : null;
}

/**
 * Polls this platform's mailboxes once and handles what waits there, each package in its own transaction, then
 * acknowledges it. A package whose handling fails stays at the gateway for the next poll.
 */
export async function receiveMessages(
  db: Database,
  gateway: Gateway,
  opts: { limit?: number; logger?: { warn(obj: object, msg?: string): void } } = {},
): Promise<Record<Outcome | 'deferred' | 'failed', number>> {
  const counts = { accepted: 0, refused: 0, duplicate: 0, deferred: 0, failed: 0 };
  const h = handlers;
  if (!h) return counts;
  const organisations = new Map((await h.localOrganisations(db)).map((o) => [o.organId, o]));
  const messages = await gateway.receive([...organisations.keys()], opts.limit ?? 100);
  for (const m of messages) {
    const receiver = organisations.get(m.to);
    try {
      if (!receiver) throw new Error(`gói tin cho ${m.to}, không phải cơ quan của nền tảng`);
      counts[await db.transaction((tx) => handleMessage(tx, h, receiver, m))]++;
      await gateway.acknowledge([m.messageId]);
    } catch (err) {
      if (err instanceof NotYet) {
        counts.deferred++;
        continue;
      }
      counts.failed++;
      (opts.logger ?? console).warn({ message: m.messageId, from: m.from, err: String((err as Error)?.message ?? err) }, 'exchange package not handled');
    }
  }
  return counts;
}
