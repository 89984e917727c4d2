// Rate-limit counts that every server on one PostgreSQL database shares (a @fastify/rate-limit store): with counts per
// process, N servers behind a balancer let N times the limit through. One atomic upsert per request on an UNLOGGED
// table (migration 0065) counts the hit and says how long the key's window still runs; the window starts at the key's
// first hit, as in the plugin's in-memory store.
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Queryable } from '../db/index.ts';

/** What distinguishes one limiter's keys from another's: `scope` given to createRateLimit, else the route. */
export interface ScopeParams {
  scope?: string;
  routeInfo?: { method?: string | string[]; url?: string };
}
const scopeOf = (p: ScopeParams) => p.scope ?? `${[p.routeInfo?.method ?? ''].flat().join(',')} ${p.routeInfo?.url ?? ''}`;

const COUNT = `
  INSERT INTO rate_limit_counts AS c (key, window_start, hits) VALUES ($1, now(), 1)
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN c.window_start > now() - make_interval(secs => $2::float8 / 1000) THEN c.hits + 1 ELSE 1 END,
    window_start = CASE WHEN c.window_start > now() - make_interval(secs => $2::float8 / 1000) THEN c.window_start ELSE now() END
  RETURNING c.hits, greatest(0, ceil(extract(epoch FROM c.window_start + make_interval(secs => $2::float8 / 1000) - now()) * 1000))::int AS ttl`;

/** The store class the plugin instantiates, counting in `db`. */
export function sharedRateLimitStore(db: Queryable): FastifyRateLimitStoreCtor {
  class SharedStore {
    constructor(
      _options: unknown,
      private readonly scope = '',
    ) {}
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number) {
      db.query<{ hits: number; ttl: number }>(COUNT, [`${this.scope}|${key}`, timeWindow]).then(
        ([r]) => callback(null, { current: r.hits, ttl: r.ttl }),
        (err: Error) => callback(err),
      );
    }
    child(params: ScopeParams) {
      return new SharedStore(undefined, scopeOf(params));
    }
  }
  return SharedStore as unknown as FastifyRateLimitStoreCtor;
}

/** Keys whose window ended long ago (every limit's window is at most an hour). */
export async function deleteExpiredRateLimits(db: Queryable): Promise<number> {
  return (await db.query(`DELETE FROM rate_limit_counts WHERE window_start < now() - interval '1 hour' RETURNING 1`)).length;
}
