// Cookie sessions of staff (identity: sessions) and citizens (citizens: citizen_sessions) end at their absolute expiry
// or after `idleMinutes` without a request, whichever comes first.
import type { Queryable } from '../db/index.ts';
import type { Tables } from '../db/schema.ts';

/**
 * The live session row with this token hash, or null. Its last use moves forward at most once a minute, so that a
 * busy session does not write on every request.
 */
export async function liveSession<T extends 'sessions' | 'citizen_sessions'>(
  db: Queryable,
  table: T,
  tokenHash: string,
  idleMinutes: number,
): Promise<Tables[T] | null> {
  const [s] = await db.query<Tables[T]>(
    `WITH live AS (SELECT * FROM ${table} WHERE token_hash = $1 AND expires_at > now() AND last_seen_at > now() - make_interval(mins => $2)),
          touched AS (UPDATE ${table} t SET last_seen_at = now() FROM live
                       WHERE t.token_hash = live.token_hash AND live.last_seen_at < now() - interval '1 minute')
     SELECT * FROM live`,
    [tokenHash, idleMinutes],
  );
  return s ?? null;
}
