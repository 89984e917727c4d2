// A change signal for live screens that no writer has to update, over a table of events with a bigserial id. Ids are
// taken at insert, so a transaction may commit after one with a higher id: counting the rows above a bound that
// trails behind still sees it. One snapshot gives the count above `after`, the count above `next` (the bound to move
// to) and the highest id. `table` is a module's own events table, named in code, never from input.
import type { Queryable } from './index.ts';

export interface Committed {
  above: number;
  aboveNext: number;
  maxId: string;
}

export async function committedAbove(db: Queryable, table: string, after: string, next: string): Promise<Committed> {
  const [r] = await db.query(
    `SELECT count(*)::int AS above, count(*) FILTER (WHERE id > $2::bigint)::int AS above_next, coalesce(max(id), $1::bigint)::text AS max_id
       FROM ${table} WHERE id > $1::bigint`,
    [after, next],
  );
  return { above: r.above, aboveNext: r.above_next, maxId: r.max_id };
}

/** The id of the row `back` rows before the newest (0 when there are fewer): a starting bound for committedAbove. */
export async function idBack(db: Queryable, table: string, back: number): Promise<string> {
  const [r] = await db.query(`SELECT coalesce((SELECT id FROM ${table} ORDER BY id DESC OFFSET $1 LIMIT 1), 0)::text AS id`, [back]);
  return r.id;
}
