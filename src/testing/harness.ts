// Test harness: every database test runs on embedded PGlite, and also on the PostgreSQL server when
// DATABASE_URL is set (each run in a fresh database of its own that is dropped afterwards).
import { randomBytes } from 'node:crypto';
import { after, before, describe } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { buildApp } from '../app.ts';
import { openDatabase, type Database } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { DEMO_PASSWORD, seedDemo } from '../demo/seed.ts';

export type DbKind = 'pglite' | 'postgres';
export const dbKinds = (): DbKind[] => (process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']);

/** A new, empty database of the given kind; `drop` removes it. */
export async function freshDatabase(kind: DbKind, dataDir?: string): Promise<{ db: Database; url?: string; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const db = await openDatabase({ dataDir });
    return { db, drop: () => db.close() };
  }
  const admin = new URL(process.env.DATABASE_URL!);
  const name = `congso_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin.toString());
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString() });
  return {
    db, url: url.toString(),
    drop: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestContext { kind: DbKind; db: Database; app: FastifyInstance; /** the server database's URL, for a second connection */ url?: string }

/**
 * Declares `name` once per database kind. `ctx` is filled before the suite's tests run: a migrated database,
 * with the demo province when `demo` is set, and the application over it.
 */
export function eachDatabase(name: string, opts: { demo?: boolean }, body: (ctx: TestContext) => void) {
  for (const kind of dbKinds()) {
    describe(`${name} [${kind}]`, () => {
      const ctx = { kind } as TestContext;
      let drop: () => Promise<void>;
      before(async () => {
        const fresh = await freshDatabase(kind);
        drop = fresh.drop;
        ctx.db = fresh.db;
        ctx.url = fresh.url;
        await migrate(ctx.db);
        if (opts.demo) await seedDemo(ctx.db);
        ctx.app = await buildApp({ db: ctx.db });
      });
      after(async () => {
        await ctx.app?.close();
        await drop?.();
      });
      body(ctx);
    });
  }
}

/** Signs a demo user in and returns a request function that carries the session cookie. */
export async function signIn(app: FastifyInstance, username: string, password = DEMO_PASSWORD) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  return (opts: InjectOptions): Promise<LightMyRequestResponse> =>
    app.inject({ ...opts, headers: { ...(opts.headers ?? {}), cookie } });
}

export type Requester = Awaited<ReturnType<typeof signIn>>;

/** The ids of the demo agencies, by code. */
export async function agencyIds(db: Database): Promise<Record<string, string>> {
  const rows = await db.query('SELECT id, code FROM agencies');
  return Object.fromEntries(rows.map((r) => [r.code, r.id]));
}

/**
 * Signs a citizen in and returns a requester carrying the citizen's session cookie. The one way tests obtain a
 * citizen session: when the sign-in mechanism changes, only this function changes.
 */
export async function citizenSignIn(app: FastifyInstance, idNumber: string, fullName: string) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/citizen/dev-signin', payload: { idNumber, fullName } });
  if (res.statusCode !== 200) throw new Error(`citizen sign-in ${idNumber}: ${res.statusCode} ${res.body}`);
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  return (opts: InjectOptions): Promise<LightMyRequestResponse> =>
    app.inject({ ...opts, headers: { ...(opts.headers ?? {}), cookie } });
}
