// Reads that may go to a streaming replica (DATABASE_READ_URL): the public lookup and the operations centre's figures.
// A replica applies the primary's writes a moment later, so whoever just wrote something reads from the primary for a
// short while: every successful state-changing request sets a cookie with the time of the write, and a request that
// carries a recent one is read from the primary (read-your-writes). The cookie proves nothing and protects nothing: a
// client that forges it only reads from the primary.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../db/index.ts';

export const WROTE_COOKIE = 'congso_wrote';
/** Long enough for a replica on the same network to have applied the write (its lag is normally well under a second). */
export const READ_YOUR_WRITES_SECONDS = 10;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyInstance {
    /** The database to read from for this request: the replica when there is one and the client has not just written. */
    readDb(req: FastifyRequest): Database;
  }
}

/** Call after @fastify/cookie. Without a replica every read goes to the primary and no cookie is set. */
export function registerReadReplica(app: FastifyInstance, opts: { primary: Database; replica?: Database; readYourWritesSeconds: number }) {
  const { primary, replica } = opts;
  const windowMs = opts.readYourWritesSeconds * 1000;
  app.decorate('readDb', (req: FastifyRequest) => {
    if (!replica) return primary;
    const wrote = Number(req.cookies[WROTE_COOKIE]);
    return wrote && Date.now() - wrote < windowMs ? primary : replica;
  });
  if (!replica) return;
  app.addHook('onSend', async (req, reply) => {
    if (SAFE_METHODS.has(req.method) || reply.statusCode >= 400) return;
    reply.setCookie(WROTE_COOKIE, String(Date.now()), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: app.cookieSecure,
      maxAge: opts.readYourWritesSeconds,
    });
  });
}
