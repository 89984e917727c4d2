// One small database interface over two drivers: embedded PGlite (default) or a PostgreSQL server
// (DATABASE_URL). Both run the same SQL with $1-style parameters.
import { mkdirSync } from 'node:fs';

export type Row = Record<string, any>;

export interface Queryable {
  /** The rows, typed as the caller says (the row types of src/db/schema.ts, or a shape of the SELECT list). */
  query<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** A handle over another (a transaction, a wrapper): the database it runs on, so that per-database caches serve it too. */
  readonly database?: Queryable;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction; everything fn writes commits or rolls back together. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs fn on one connection, outside any transaction, for statements that refuse a transaction block (CREATE INDEX
   * CONCURRENTLY in a no-transaction migration). Session settings fn makes stay on the connection: fn resets them.
   * Both drivers have it; a wrapper around one (idempotency) may leave it out.
   */
  connection?<T>(fn: (conn: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** PGlite only: a consistent copy of the data directory (gzipped tar), taken between two statements of the queue. */
  dumpDataDir?(): Promise<Blob>;
}

export interface DatabaseOptions {
  /** postgres://… for a server; otherwise PGlite. */
  url?: string;
  /** Server: connections this process keeps (default DEFAULT_POOL_SIZE). */
  poolSize?: number;
  /** PGlite data directory; undefined = in memory. */
  dataDir?: string;
  /** PGlite: start from this copy of a data directory (a backup) instead of an empty one. */
  loadDataDir?: Blob;
}

export const DEFAULT_POOL_SIZE = 10;

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.url ? openPostgres(opts.url, opts.poolSize) : openPglite(opts.dataDir, opts.loadDataDir);
}

async function openPglite(dataDir?: string, loadDataDir?: Blob): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // shared_buffers: PostgreSQL's default 128 MB lives in the process's own memory here (WebAssembly), and one process
  // with one connection gains little from it over the OS cache of the data directory: 16 MB took idle RSS from 414 to 303 MB.
  const pg = await PGlite.create(dataDir, {
    extensions: { pg_trgm },
    loadDataDir,
    startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'],
  });
  // PGlite is a single connection: a transaction must not interleave with other queries,
  // so every statement goes through one queue.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  const q = async <T>(sql: string, params?: unknown[]) => (await pg.query<T>(sql, params as any[])).rows;
  const database: Database = {
    kind: 'pglite',
    query: (sql, params) => serial(() => q(sql, params)),
    exec: (sql) => serial(async () => void (await pg.exec(sql))),
    transaction: (fn) =>
      serial(() =>
        pg.transaction(async (tx) =>
          fn({
            query: async (sql, params) => (await tx.query<any>(sql, params as any[])).rows,
            exec: async (sql) => void (await tx.exec(sql)),
            database,
          }),
        ),
      ),
    connection: (fn) => serial(() => fn({ query: q, exec: async (sql) => void (await pg.exec(sql)) })),
    close: () => serial(() => pg.close()),
    dumpDataDir: () => serial(() => pg.dumpDataDir('gzip')),
  };
  return database;
}

async function openPostgres(url: string, poolSize = DEFAULT_POOL_SIZE): Promise<Database> {
  const pgmod = await import('pg');
  const pool = new pgmod.default.Pool({ connectionString: url, max: poolSize });
  // An idle connection the server closes (restart, failover, admin termination) must not crash the process;
  // the pool replaces it on the next query.
  pool.on('error', (err) => console.warn(`PostgreSQL: idle connection lost (${err.message})`));
  const database: Database = {
    kind: 'postgres',
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    exec: async (sql) => void (await pool.query(sql)),
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: async (sql, params) => (await client.query(sql, params)).rows,
          exec: async (sql) => void (await client.query(sql)),
          database,
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    connection: async (fn) => {
      const client = await pool.connect();
      try {
        return await fn({
          query: async (sql, params) => (await client.query(sql, params)).rows,
          exec: async (sql) => void (await client.query(sql)),
        });
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
  return database;
}
