// Idempotency-Key for POSTs: a retried request with the same key and body gets the first answer, not a second
// dossier; the same key with another body is refused. The key is claimed by the first statement of the work's own
// transaction and its answer written before that transaction commits, so the claim and the work commit or roll back
// together: a process killed mid-request leaves neither (a retry runs afresh) or both (a retry gets the answer). A
// concurrent duplicate waits on the claimed row's lock and then sees the committed answer.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database, Queryable } from '../db/index.ts';
import type { IdempotencyKeysRow } from '../db/schema.ts';
import { AppError, badRequest } from './errors.ts';

/** How long an answer is kept for replay; older keys are deleted by the retention job (src/jobs). */
export const IDEMPOTENCY_RETENTION_HOURS = 48;

/** Deletes keys older than the retention period (scheduled: src/jobs); returns how many. */
export async function deleteExpiredIdempotencyKeys(db: Queryable): Promise<number> {
  return (await db.query('DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1) RETURNING 1', [IDEMPOTENCY_RETENTION_HOURS]))
    .length;
}

/** The key was claimed by another request that committed first: answer with what it recorded. */
class AlreadyAnswered extends Error {}

/**
 * Answers a POST; `run` does the work with the database it is given, whose first transaction carries the key's claim
 * and answer (run's work must therefore commit in that transaction, which every state change here does).
 */
export async function idempotent(db: Database, req: FastifyRequest, reply: FastifyReply, statusCode: number, run: (db: Database) => Promise<unknown>) {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return reply.status(statusCode).send(await run(db));
  if (typeof key !== 'string' || !/^[\x21-\x7e]{8,200}$/.test(key)) {
    throw badRequest('INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key phải gồm 8–200 ký tự ASCII in được.');
  }
  const scope = req.actor ? `staff:${req.actor.userId}` : req.citizen ? `citizen:${req.citizen.id}` : `ip:${req.ip}`;
  const hash = createHash('sha256')
    .update(`${req.method} ${req.url} ${JSON.stringify(req.body ?? null)}`)
    .digest('hex');

  const replay = async () => {
    const [previous] = await db.query<Pick<IdempotencyKeysRow, 'request_hash' | 'status_code' | 'response'>>(
      'SELECT request_hash, status_code, response FROM idempotency_keys WHERE scope = $1 AND key = $2',
      [scope, key],
    );
    if (!previous) return null;
    if (previous.request_hash !== hash) throw new AppError(422, 'IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key này đã được dùng cho một yêu cầu khác.');
    reply.header('idempotent-replayed', 'true');
    return reply.status(previous.status_code).send(previous.response);
  };
  const record = (q: Queryable, result: unknown) =>
    q.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (scope, key) DO UPDATE SET status_code = excluded.status_code, response = excluded.response`,
      [scope, key, hash, statusCode, JSON.stringify(result)],
    );

  const answered = await replay();
  if (answered) return answered;
  let claimed = false;
  let recorded: string | undefined;
  const keyed: Database = {
    kind: db.kind,
    database: db.database ?? db,
    query: (sql, params) => db.query(sql, params),
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
    transaction: (fn) => {
      if (claimed) return db.transaction(fn);
      claimed = true;
      return db.transaction(async (tx) => {
        // Waits while another request holds the same key uncommitted; nothing inserted = it committed first.
        const [claim] = await tx.query(
          `INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response) VALUES ($1, $2, $3, 0, 'null')
           ON CONFLICT (scope, key) DO NOTHING RETURNING 1`,
          [scope, key, hash],
        );
        if (!claim) throw new AlreadyAnswered();
        const result = await fn(tx);
        await record(tx, result);
        recorded = JSON.stringify(result);
        return result;
      });
    },
  };
  let result: unknown;
  try {
    result = await run(keyed);
  } catch (err) {
    if (err instanceof AlreadyAnswered) return (await replay())!;
    throw err;
  }
  // The answer sent is what a replay returns, also where run shaped it after its transaction (or needed none).
  if (recorded !== JSON.stringify(result)) await record(db, result);
  return reply.status(statusCode).send(result);
}
