// Browser-facing protections: cross-site requests on cookie sessions refused, CORS only for listed origins and never
// with credentials, security headers on the app, the API and /docs, and rate limits answering 429 in Vietnamese.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { migrate } from '../db/migrate.ts';
import { seedDemo } from '../demo/seed.ts';
import { citizenSignIn, eachDatabase, freshDatabase, signIn } from '../testing/harness.ts';
import { loadConfig } from '../config.ts';
import { SIGN_IN_THROTTLE } from '../identity/service.ts';

const EVIL = 'https://lua-dao.example';
const OWN = 'http://localhost:3000';
const VIETNAMESE = /[àáảãạăắằâấầđêếềôốồơớờưứừ]/i;

eachDatabase('CSRF: state-changing requests with a session cookie must come from this site', { demo: true }, (ctx) => {
  test('a cross-site Origin is refused with 403 and the session is untouched; same-origin and non-browser requests pass', async () => {
    const citizen = await citizenSignIn(ctx.app, '092190990001', 'Người Thử CSRF');
    const crossSite = await citizen({ method: 'POST', url: '/api/v1/citizen/signout', headers: { origin: EVIL } });
    assert.equal(crossSite.statusCode, 403);
    assert.equal(crossSite.json().code, 'CROSS_SITE_REQUEST');
    assert.match(crossSite.json().message, VIETNAMESE);
    assert.equal((await citizen({ url: '/api/v1/citizen/me' })).statusCode, 200, 'still signed in');

    const noOriginButCrossSite = await citizen({ method: 'POST', url: '/api/v1/citizen/signout', headers: { 'sec-fetch-site': 'cross-site' } });
    assert.equal(noOriginButCrossSite.statusCode, 403);
    assert.equal((await citizen({ method: 'POST', url: '/api/v1/citizen/signout', headers: { origin: 'null' } })).statusCode, 403, 'an opaque origin');

    const sameOrigin = await citizen({ method: 'POST', url: '/api/v1/citizen/signout', headers: { origin: OWN, 'sec-fetch-site': 'same-origin' } });
    assert.equal(sameOrigin.statusCode, 200);
    assert.equal((await citizen({ url: '/api/v1/citizen/me' })).statusCode, 401, 'signed out by the same-origin request');
  });

  test('staff sessions too: a cross-site settings change is refused and changes nothing', async () => {
    const admin = await signIn(ctx.app, 'admin');
    const before = (await admin({ url: '/api/v1/admin/dossier-settings' })).json();
    const res = await admin({ method: 'PUT', url: '/api/v1/admin/dossier-settings', payload: { atRiskShare: 0.77 }, headers: { origin: EVIL } });
    assert.equal(res.statusCode, 403);
    assert.deepEqual((await admin({ url: '/api/v1/admin/dossier-settings' })).json(), before);
    // Reading is not a state change, and a request without any session cookie has nothing to ride on.
    assert.equal((await admin({ url: '/api/v1/auth/me', headers: { origin: EVIL } })).statusCode, 200);
    assert.equal((await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { origin: EVIL } })).statusCode, 204);
  });

  test('security headers on the web app, the API and the API docs', async () => {
    for (const url of ['/', '/api/v1/procedures', '/docs/']) {
      const res = await ctx.app.inject({ url });
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/, url);
      assert.match(csp, /script-src 'self';/, `${url}: no inline scripts`);
      assert.match(csp, /frame-ancestors 'self'/, url);
      assert.match(csp, /object-src 'none'/, url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN', url);
      assert.match(String(res.headers['strict-transport-security']), /max-age=31536000/, url);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
    }
  });

  test('signed-in answers, file downloads and the sign-in answer are never cached; public answers may be', async () => {
    const login = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'Congso@2026' } });
    assert.equal(login.headers['cache-control'], 'no-store', 'the answer that sets the session cookie');
    const admin = await signIn(ctx.app, 'admin');
    const citizen = await citizenSignIn(ctx.app, '092190990003', 'Người Thử Bộ Nhớ Đệm');
    for (const [who, url] of [
      [admin, '/api/v1/auth/me'],
      [admin, '/api/v1/admin/procedures/export'],
      [admin, '/api/v1/procedures'],
      [citizen, '/api/v1/citizen/me'],
    ] as const) {
      const res = await who({ url });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['cache-control'], 'no-store', url);
    }
    assert.equal((await admin({ url: '/api/v1/admin/procedures/export' })).headers['content-disposition'], 'attachment; filename="thu-tuc-hanh-chinh.json"');
    assert.notEqual((await ctx.app.inject({ url: '/api/v1/procedures' })).headers['cache-control'], 'no-store', 'anonymous public answers');
  });

  test('CORS: no origin is allowed by default', async () => {
    const res = await ctx.app.inject({ url: '/api/v1/procedures', headers: { origin: EVIL } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });
});

describe('CORS allow-list and rate limits (set low) [pglite]', () => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  const INTEGRATOR = 'https://tich-hop.cantho.gov.vn';
  before(async () => {
    const fresh = await freshDatabase('pglite');
    drop = fresh.drop;
    await migrate(fresh.db);
    await seedDemo(fresh.db);
    app = await buildApp({
      db: fresh.db,
      security: {
        corsOrigins: [INTEGRATOR],
        rateLimits: { staffSignIn: 3, staffSignInPerAccount: 2, citizenSignIn: 4, citizenSignInPerAccount: 2, lookup: 2, paymentCallbacks: 2 },
      },
    });
    // A payment gateway's callback, as the payments module will declare one: the limit comes from its URL.
    app.post('/api/v1/payments/thu-nghiem/ipn', { schema: { tags: ['Thử'], summary: 'Điểm nhận thông báo thanh toán thử' } }, async () => ({ ok: true }));
  });
  after(async () => {
    await app?.close();
    await drop?.();
  });

  const expect429 = (res: { statusCode: number; json(): any; headers: Record<string, unknown> }, what: string) => {
    assert.equal(res.statusCode, 429, what);
    assert.equal(res.json().code, 'TOO_MANY_REQUESTS', what);
    assert.match(res.json().message, /Quá nhiều yêu cầu; vui lòng thử lại sau \d+ giây\./, what);
    assert.ok(Number(res.headers['retry-after']) > 0, what);
  };

  test('a listed origin may read responses, without credentials; any other gets no CORS headers', async () => {
    const allowed = await app.inject({ url: '/api/v1/procedures', headers: { origin: INTEGRATOR } });
    assert.equal(allowed.headers['access-control-allow-origin'], INTEGRATOR);
    assert.equal(allowed.headers['access-control-allow-credentials'], undefined);
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/v1/procedures',
      headers: { origin: INTEGRATOR, 'access-control-request-method': 'GET' },
    });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], INTEGRATOR);
    const other = await app.inject({ method: 'OPTIONS', url: '/api/v1/procedures', headers: { origin: EVIL, 'access-control-request-method': 'GET' } });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  test('staff sign-in: per IP address, then per account across addresses', async () => {
    const login = (username: string, ip: string) =>
      app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'Congso@2026' }, remoteAddress: ip });
    for (const name of ['admin', 'caikhe.motcua', 'caikhe.lanhdao']) assert.equal((await login(name, '10.20.0.1')).statusCode, 200);
    expect429(await login('caikhe.chuyenvien', '10.20.0.1'), 'the 4th sign-in from one address');
    assert.equal((await login('caikhe.chuyenvien', '10.20.0.2')).statusCode, 200, 'another address is not affected');

    assert.equal((await login('stp.chuyenvien', '10.20.1.1')).statusCode, 200);
    assert.equal((await login('stp.chuyenvien', '10.20.1.2')).statusCode, 200);
    expect429(await login('STP.chuyenvien', '10.20.1.3'), 'the 3rd sign-in to one account, from a third address');
  });

  test("citizen sign-in, the local provider's login form per ID number, public lookup and payment callbacks", async () => {
    for (let i = 0; i < 4; i++) assert.equal((await app.inject({ url: '/api/v1/citizen/signin', remoteAddress: '10.30.0.1' })).statusCode, 302);
    expect429(await app.inject({ url: '/api/v1/citizen/signin', remoteAddress: '10.30.0.1' }), 'citizen sign-in start');

    const form = (ip: string) =>
      app.inject({
        method: 'POST',
        url: '/idp/interaction/khong-co/login',
        payload: 'idNumber=092190990002&fullName=Thu',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        remoteAddress: ip,
      });
    assert.equal((await form('10.30.1.1')).statusCode, 400, 'no such interaction');
    assert.equal((await form('10.30.1.2')).statusCode, 400);
    expect429(await form('10.30.1.3'), 'the same ID number a 3rd time');

    for (let i = 0; i < 2; i++) assert.equal((await app.inject({ url: '/api/v1/lookup/H13.102-991231-9999', remoteAddress: '10.30.2.1' })).statusCode, 404);
    expect429(await app.inject({ url: '/api/v1/lookup/H13.102-991231-9999', remoteAddress: '10.30.2.1' }), 'lookup');

    for (let i = 0; i < 2; i++)
      assert.equal((await app.inject({ method: 'POST', url: '/api/v1/payments/thu-nghiem/ipn', remoteAddress: '10.30.3.1' })).statusCode, 200);
    expect429(await app.inject({ method: 'POST', url: '/api/v1/payments/thu-nghiem/ipn', remoteAddress: '10.30.3.1' }), 'payment callback');
  });
});

// The per-address keys (rate limits, sign-in waits, login records) take the client's address from X-Forwarded-For only
// when the connection comes from a proxy named in TRUST_PROXY.
for (const [setting, trusted] of [
  [undefined, false],
  ['10.60.0.1, 10.61.0.0/16', true],
] as const) {
  describe(`client address with TRUST_PROXY ${setting ?? 'unset'}`, () => {
    let app: FastifyInstance;
    let drop: () => Promise<void>;
    before(async () => {
      const fresh = await freshDatabase('pglite');
      drop = fresh.drop;
      await migrate(fresh.db);
      await seedDemo(fresh.db);
      app = await buildApp({ db: fresh.db, trustProxy: loadConfig({ TRUST_PROXY: setting }).trustProxy });
    });
    after(async () => {
      await app?.close();
      await drop?.();
    });

    test(
      trusted ? "a named proxy's X-Forwarded-For is the client; anyone else's is ignored" : 'a spoofed X-Forwarded-For does not change the per-address key',
      async () => {
        const attempt = (i: number, remoteAddress: string) =>
          app.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            remoteAddress,
            headers: { 'x-forwarded-for': `203.0.113.${i}` },
            payload: { username: `gia.mao.${i}`, password: 'sai-mat-khau-1' },
          });
        const answers: number[] = [];
        for (let i = 0; i <= SIGN_IN_THROTTLE.address; i++) answers.push((await attempt(i, '10.60.0.1')).statusCode);
        const ips = (await app.db.query(`SELECT DISTINCT ip FROM login_events WHERE username LIKE 'gia.mao.%'`)).map((r) => r.ip);
        if (trusted) {
          assert.ok(
            answers.every((s) => s === 401),
            'each client behind the proxy is counted on its own',
          );
          assert.equal(ips.length, SIGN_IN_THROTTLE.address + 1);
          assert.ok(ips.every((ip) => ip.startsWith('203.0.113.')));
          assert.equal((await attempt(99, '10.62.0.9')).statusCode, 401);
          const [{ ip }] = await app.db.query(`SELECT ip FROM login_events WHERE username = 'gia.mao.99'`);
          assert.equal(ip, '10.62.0.9', 'not a named proxy: its header is ignored');
        } else {
          assert.deepEqual(ips, ['10.60.0.1']);
          assert.equal(answers.at(-1), 429, 'the failures count against the one real address');
        }
      },
    );
  });
}

test('TRUST_PROXY and the session idle timeouts are read and checked', () => {
  assert.equal(loadConfig({}).trustProxy, false);
  assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
  assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.5, 2001:db8::/32' }).trustProxy, ['10.0.0.5', '2001:db8::/32']);
  assert.throws(() => loadConfig({ TRUST_PROXY: 'proxy.local' }), /TRUST_PROXY/);
  assert.throws(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' }), /TRUST_PROXY/);
  assert.deepEqual(loadConfig({}).sessionIdleMinutes, { staff: 30, citizen: 30 });
  assert.deepEqual(loadConfig({ SESSION_IDLE_MINUTES: '15', CITIZEN_SESSION_IDLE_MINUTES: '60' }).sessionIdleMinutes, { staff: 15, citizen: 60 });
  assert.throws(() => loadConfig({ SESSION_IDLE_MINUTES: '0' }), /SESSION_IDLE_MINUTES/);
});

test('settings from the environment: per-minute limits and CORS origins are checked', () => {
  const s = loadConfig({ RATE_LIMIT_LOOKUP: '5', CORS_ORIGINS: 'https://a.gov.vn, https://b.gov.vn' }).security;
  assert.equal(s.rateLimits.lookup, 5);
  assert.equal(s.rateLimits.staffSignIn, 120, 'others keep their defaults');
  assert.deepEqual(s.corsOrigins, ['https://a.gov.vn', 'https://b.gov.vn']);
  assert.throws(() => loadConfig({ RATE_LIMIT_STAFF_SIGNIN: '0' }), /RATE_LIMIT_STAFF_SIGNIN/);
  assert.throws(() => loadConfig({ CORS_ORIGINS: 'https://a.gov.vn/path' }), /origin/);
});
