// Plain SQL migrations in src/migrations/NNNN_name.sql, applied once each, in order. Forward-only.
// Each runs in its own transaction together with its row in schema_migrations, under a lock_timeout: a migration that
// waits for a lock held by live traffic fails after LOCK_TIMEOUT (and the next start retries it) instead of queueing
// every request behind its own lock request. A file whose first line is `-- migrate: no-transaction` runs outside a
// transaction, one statement at a time, for what refuses a transaction block: CREATE INDEX CONCURRENTLY, which builds an
// index on a large table while writes go on. Its statements end with `;` at the end of a line, hold no dollar-quoted
// bodies, and must be safe to run again after a failure (a failed concurrent build leaves an invalid index: put
// `DROP INDEX CONCURRENTLY IF EXISTS` before the `CREATE INDEX CONCURRENTLY`). migrations.test.ts checks the files.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Database, Queryable } from './index.ts';

const defaultDir = fileURLToPath(new URL('../migrations/', import.meta.url));

const LOCK_KEY = 7263001;
export const LOCK_TIMEOUT = '5s';
/** How often a starter waiting for another's migrations tries the lock again. */
const LOCK_RETRY_MS = 100;
const NO_TRANSACTION_MARKER = '-- migrate: no-transaction';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  transactional: boolean;
}

export function listMigrations(dir = defaultDir): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((f) => migrationOf(f, readFileSync(join(dir, f), 'utf8')));
}

export function migrationOf(name: string, sql: string): Migration {
  return { version: Number(name.slice(0, 4)), name, sql, transactional: sql.split('\n', 1)[0].trim() !== NO_TRANSACTION_MARKER };
}

/** The statements of a no-transaction migration: split where `;` ends a line, comment lines dropped. */
export function statementsOf(sql: string): string[] {
  return sql
    .split(/;[ \t]*$/m)
    .map((s) => s.replace(/^[ \t]*--.*$/gm, '').trim())
    .filter(Boolean);
}

/** Applies pending migrations (from `dir`, by default src/migrations); returns the versions applied now. Safe with concurrent starters. */
export async function migrate(db: Database, opts: { dir?: string } = {}): Promise<number[]> {
  // The advisory lock serialises concurrent starts against one server (a no-op on PGlite).
  await lockedTransaction(db, (tx) =>
    tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`),
  );
  const applied: number[] = [];
  for (const m of listMigrations(opts.dir)) {
    if (await (m.transactional ? applyInTransaction(db, m) : applyOutsideTransaction(db, m))) applied.push(m.version);
  }
  return applied;
}

const pending = async (q: Queryable, m: Migration) => (await q.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version])).length === 0;
const record = (q: Queryable, m: Migration) => q.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);

/**
 * Another starter holding the lock is waited for by trying again, never by a statement that blocks: CREATE INDEX
 * CONCURRENTLY (no-transaction files) waits for every open transaction to end, so a starter blocked inside one on the
 * lock that the index's builder holds would be a deadlock.
 */
type Attempt<T> = { locked: false } | { locked: true; value: T };

async function untilLocked<T>(attempt: () => Promise<Attempt<T>>): Promise<T> {
  for (;;) {
    const r = await attempt();
    if (r.locked) return r.value;
    await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
  }
}

const tryLock = async (q: Queryable, fn: 'pg_try_advisory_xact_lock' | 'pg_try_advisory_lock') =>
  (await q.query<{ locked: boolean }>(`SELECT ${fn}($1) AS locked`, [LOCK_KEY]))[0].locked;

/** `work` in a transaction holding the migration lock. */
const lockedTransaction = <T>(db: Database, work: (tx: Queryable) => Promise<T>): Promise<T> =>
  untilLocked<T>(() =>
    db.transaction<Attempt<T>>(async (tx) => ((await tryLock(tx, 'pg_try_advisory_xact_lock')) ? { locked: true, value: await work(tx) } : { locked: false })),
  );

function applyInTransaction(db: Database, m: Migration): Promise<boolean> {
  return lockedTransaction(db, async (tx) => {
    if (!(await pending(tx, m))) return false;
    // After the advisory lock: waiting for another starter's migration is not waiting for traffic.
    await tx.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    await tx.exec(m.sql);
    await record(tx, m);
    // A file's own plain `SET lock_timeout` would outlive the transaction on a pooled connection that serves requests next.
    await tx.query('RESET lock_timeout');
    return true;
  });
}

function applyOutsideTransaction(db: Database, m: Migration): Promise<boolean> {
  if (!db.connection) throw new Error(`${m.name}: this database handle cannot run statements outside a transaction`);
  return db.connection(async (conn) => {
    await untilLocked<void>(async () => ((await tryLock(conn, 'pg_try_advisory_lock')) ? { locked: true, value: undefined } : { locked: false }));
    try {
      if (!(await pending(conn, m))) return false;
      await conn.query(`SET lock_timeout = '${LOCK_TIMEOUT}'`);
      for (const statement of statementsOf(m.sql)) await conn.query(statement);
      await record(conn, m);
      return true;
    } finally {
      await conn.query('RESET lock_timeout');
      await conn.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  });
}

export async function migrationVersion(db: Database): Promise<number> {
  const [row] = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return row?.v ?? 0;
}
