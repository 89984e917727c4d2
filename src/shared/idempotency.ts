// Idempotency-Key for POSTs: a retried request with the same key and body gets the first answer, not a second
// dossier; the same key with another body is refused. The key is claimed before the work starts, so two
// concurrent retries cannot both act.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Queryable } from '../db/index.ts';
import { AppError, badRequest, conflict } from './errors.ts';

export async function idempotent(db: Queryable, req: FastifyRequest, reply: FastifyReply, statusCode: number, run: () => Promise<unknown>) {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return reply.status(statusCode).send(await run());
  if (typeof key !== 'string' || !/^[\x21-\x7e]{8,200}$/.test(key)) {
    throw badRequest('INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key phải gồm 8–200 ký tự ASCII in được.');
  }
  const scope = req.actor ? `staff:${req.actor.userId}` : req.citizen ? `citizen:${req.citizen.id}` : `ip:${req.ip}`;
  const hash = createHash('sha256').update(`${req.method} ${req.url} ${JSON.stringify(req.body ?? null)}`).digest('hex');
  const claimed = await db.query(
    `INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response) VALUES ($1, $2, $3, 0, 'null')
     ON CONFLICT (scope, key) DO NOTHING RETURNING 1`, [scope, key, hash]);
  if (!claimed.length) {
    const [previous] = await db.query('SELECT request_hash, status_code, response FROM idempotency_keys WHERE scope = $1 AND key = $2', [scope, key]);
    if (previous.request_hash !== hash) throw new AppError(422, 'IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key này đã được dùng cho một yêu cầu khác.');
    if (previous.status_code === 0) throw conflict('IDEMPOTENCY_IN_PROGRESS', 'Yêu cầu với Idempotency-Key này đang được xử lý.');
    reply.header('idempotent-replayed', 'true');
    return reply.status(previous.status_code).send(previous.response);
  }
  try {
    const result = await run();
    await db.query('UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE scope = $1 AND key = $2', [scope, key, statusCode, JSON.stringify(result)]);
    return reply.status(statusCode).send(result);
  } catch (err) {
    // A failed request wrote nothing; its key is released so that a corrected retry can go through.
    await db.query('DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2', [scope, key]);
    throw err;
  }
}
