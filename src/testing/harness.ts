// Test harness: every database test runs on embedded PGlite, and also on the PostgreSQL server when
// DATABASE_URL is set (each run in a fresh database of its own that is dropped afterwards).
import { randomBytes } from 'node:crypto';
import { after, before, describe } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { buildApp } from '../app.ts';
import { readVariables } from '../config.ts';
import { openDatabase, type Database } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { DEMO_PASSWORD, seedDemo } from '../demo/seed.ts';

export type DbKind = 'pglite' | 'postgres';
/** The server the tests also run on (config DATABASE_URL). */
const serverUrl = () => readVariables().DATABASE_URL;
export const dbKinds = (): DbKind[] => (serverUrl() ? ['pglite', 'postgres'] : ['pglite']);

/** A new, empty database of the given kind; `drop` removes it. */
export async function freshDatabase(kind: DbKind, dataDir?: string): Promise<{ db: Database; url?: string; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const db = await openDatabase({ dataDir });
    return { db, drop: () => db.close() };
  }
  const admin = new URL(serverUrl()!);
  const name = `congso_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin.toString());
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString() });
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestContext {
  kind: DbKind;
  db: Database;
  app: FastifyInstance /** the server database's URL, for a second connection */;
  url?: string;
}

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
  return (opts: InjectOptions): Promise<LightMyRequestResponse> => app.inject({ ...opts, headers: { ...(opts.headers ?? {}), cookie } });
}

export type Requester = Awaited<ReturnType<typeof signIn>>;

/** The ids of the demo agencies, by code. */
export async function agencyIds(db: Database): Promise<Record<string, string>> {
  const rows = await db.query('SELECT id, code FROM agencies');
  return Object.fromEntries(rows.map((r) => [r.code, r.id]));
}

/** Cookies across the redirects of a sign-in through app.inject: name → value (paths do not matter here). */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  take(res: LightMyRequestResponse) {
    const header = res.headers['set-cookie'];
    for (const line of header === undefined ? [] : Array.isArray(header) ? header : [String(header)]) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value && !/max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    return res;
  }
  get header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** GET an absolute URL of the platform (the local provider's redirects are absolute) through app.inject. */
function follow(app: FastifyInstance, jar: CookieJar, location: string, opts: Partial<InjectOptions> = {}) {
  const url = new URL(location, app.publicUrl);
  return app
    .inject({ method: 'GET', ...opts, url: url.pathname + url.search, headers: { host: url.host, cookie: jar.header, ...(opts.headers ?? {}) } })
    .then((r) => jar.take(r));
}

/**
 * The citizen's way through the local identity provider, up to its redirect back to the platform: start sign-in,
 * the provider's login page, choosing (or typing in) the citizen, the provider's resume. Returns the callback
 * address and the cookies the browser would hold.
 */
export async function citizenSignInUntilCallback(app: FastifyInstance, idNumber: string, fullName: string, next?: string) {
  const jar = new CookieJar();
  const expectRedirect = (res: LightMyRequestResponse, step: string) => {
    if (res.statusCode < 300 || res.statusCode > 399) throw new Error(`citizen sign-in ${idNumber}, ${step}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return String(res.headers.location);
  };
  const toProvider = expectRedirect(await follow(app, jar, `/api/v1/citizen/signin${next === undefined ? '' : `?next=${encodeURIComponent(next)}`}`), 'start');
  const loginPage = expectRedirect(await follow(app, jar, toProvider), 'authorize');
  const resume = expectRedirect(
    await follow(app, jar, `${loginPage}/login`, {
      method: 'POST',
      payload: new URLSearchParams({ idNumber, fullName }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
    'login',
  );
  const callback = expectRedirect(await follow(app, jar, resume), 'resume');
  return { callback, jar };
}

/**
 * Signs a citizen in through the real OpenID Connect flow against the local identity provider and returns a
 * requester carrying the citizen's session cookie. The one way tests obtain a citizen session.
 */
export async function citizenSignIn(app: FastifyInstance, idNumber: string, fullName: string) {
  const { callback, jar } = await citizenSignInUntilCallback(app, idNumber, fullName);
  const res = await follow(app, jar, callback);
  const cookie = jar.cookies.get('congso_citizen');
  if (res.statusCode !== 303 || !cookie) throw new Error(`citizen sign-in ${idNumber}, callback: ${res.statusCode} ${res.headers.location ?? res.body}`);
  return (opts: InjectOptions): Promise<LightMyRequestResponse> =>
    app.inject({ ...opts, headers: { ...(opts.headers ?? {}), cookie: `congso_citizen=${cookie}` } });
}
