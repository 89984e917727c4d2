// Delivery of an outbox whose messages must arrive in order per group (a document and recipient; a dossier): the one
// claim-send-settle loop of the exchange and the national portal sync. Only the first pending row of each group is
// due, so a row never overtakes an earlier one; a claimed row is leased (next_attempt_at moved past the lease), so a
// worker killed while sending leaves it pending and another sends it again once the lease ends — at least once, and
// the receiver dedupes on the row's own message key. A failure waits backoffMs; after maxAttempts the row is marked
// failed (and its successors go on).
import type { Database } from '../db/index.ts';
import type { Int8 } from '../db/schema.ts';

/** Backoff after `failures` failed attempts: base × 2^(failures-1), at most max. */
export const backoffMs = (failures: number, base = 60_000, max = 6 * 3600_000) => Math.min(max, base * 2 ** Math.max(0, failures - 1));

/** An outbox table with the columns id, state ('pending' | 'sent' | 'failed' | …), attempts, next_attempt_at, last_error, sent_at. */
export interface OrderedOutbox {
  table: string;
  /** The columns naming a group, in which rows are delivered in id order. */
  groupBy: string[];
}

export interface OrderedDeliveryOptions {
  batchSize?: number;
  /** After this many failed attempts a row is marked failed (default 20). */
  maxAttempts?: number;
  /** Back-off after the n-th failure (defaults 30 s, 1 h). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long a claimed row stays with this worker (default 5 min). */
  leaseMs?: number;
  now?: () => Date;
}

/**
 * Hands the due rows to `send` in id order; `send` returns the columns to set with state 'sent' (or throws). `failed`
 * is told of each failure (to log it). Returns how many rows were attempted and sent.
 */
export async function deliverInOrder<R extends { id: Int8; attempts: number }>(
  db: Database,
  outbox: OrderedOutbox,
  send: (row: R) => Promise<Record<string, unknown>>,
  opts: OrderedDeliveryOptions & { failed?: (row: R, failures: number, gaveUp: boolean, message: string) => void | Promise<void> } = {},
): Promise<{ attempted: number; sent: number }> {
  const now = opts.now ?? (() => new Date());
  const at = now();
  const { table } = outbox;
  const sameGroup = outbox.groupBy.map((c) => `e.${c} = o.${c}`).join(' AND ');
  const claimed = await db.transaction((tx) =>
    tx.query<R>(
      `UPDATE ${table} SET next_attempt_at = $2
        WHERE id IN (SELECT o.id FROM ${table} o
                      WHERE o.state = 'pending' AND o.next_attempt_at <= $1
                        AND NOT EXISTS (SELECT 1 FROM ${table} e WHERE ${sameGroup} AND e.state = 'pending' AND e.id < o.id)
                      ORDER BY o.id LIMIT $3 FOR UPDATE SKIP LOCKED)
      RETURNING *`,
      [at, new Date(at.getTime() + (opts.leaseMs ?? 5 * 60_000)), opts.batchSize ?? 20],
    ),
  );
  let sent = 0;
  for (const row of claimed.sort((a, b) => Number(a.id) - Number(b.id))) {
    try {
      const set = await send(row);
      const columns = Object.keys(set);
      await db.query(
        `UPDATE ${table} SET state = 'sent', attempts = attempts + 1, sent_at = $2, last_error = NULL${columns.map((c, i) => `, ${c} = $${i + 3}`).join('')}
          WHERE id = $1 AND state = 'pending'`,
        [row.id, now(), ...columns.map((c) => set[c])],
      );
      sent++;
    } catch (err) {
      const failures = Number(row.attempts) + 1;
      const gaveUp = failures >= (opts.maxAttempts ?? 20);
      const message = String((err as Error)?.message ?? err).slice(0, 1000);
      await db.query(`UPDATE ${table} SET attempts = $2, last_error = $3, state = $4, next_attempt_at = $5 WHERE id = $1 AND state = 'pending'`, [
        row.id,
        failures,
        message,
        gaveUp ? 'failed' : 'pending',
        new Date(now().getTime() + backoffMs(failures, opts.baseDelayMs ?? 30_000, opts.maxDelayMs ?? 3600_000)),
      ]);
      await opts.failed?.(row, failures, gaveUp, message);
    }
  }
  return { attempted: claimed.length, sent };
}
