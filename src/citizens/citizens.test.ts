// Citizen sign-in by OpenID Connect against the local identity provider, through the platform's own routes:
// the whole flow, then what a relying party must refuse (altered, expired or wrongly bound ID tokens, replayed codes).
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, importJWK, SignJWT } from 'jose';
import { buildApp } from '../app.ts';
import { AppError } from '../shared/errors.ts';
import { migrate } from '../db/migrate.ts';
import { agencyIds, citizenSignIn, citizenSignInUntilCallback, CookieJar, eachDatabase, freshDatabase, signIn } from '../testing/harness.ts';
import type { ProcedureContent } from '../catalog/types.ts';
import type { InProcessFetch } from '../idp/provider.ts';
import { loadConfig } from '../config.ts';
import { createCitizenOidc, DEFAULT_CLAIMS, identityLevelOf, mapClaims } from './oidc.ts';
import { completeSignIn } from './service.ts';

/** GET a platform address (absolute or not) through app.inject with the jar's cookies. */
const get = (ctx: { app: Awaited<ReturnType<typeof buildApp>> }, jar: CookieJar, location: string) => {
  const url = new URL(location, ctx.app.publicUrl);
  return ctx.app.inject({ url: url.pathname + url.search, headers: { cookie: jar.header } }).then((r) => jar.take(r));
};

eachDatabase('citizen sign-in (OpenID Connect)', { demo: true }, (ctx) => {
  test('end to end through the local provider: login page, code with PKCE, session with the identity level', async () => {
    const jar = new CookieJar();
    const start = await get(ctx, jar, '/api/v1/citizen/signin?next=/nop-ho-so/abc');
    assert.equal(start.statusCode, 302);
    const authorize = new URL(String(start.headers.location));
    assert.equal(authorize.origin + authorize.pathname, 'http://localhost:3000/idp/auth');
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    for (const p of ['state', 'nonce', 'code_challenge']) assert.ok((authorize.searchParams.get(p) ?? '').length >= 32, p);
    assert.match(String(start.headers['set-cookie']), /congso_oidc=.*HttpOnly.*SameSite=Lax/i);

    const interaction = await get(ctx, jar, authorize.href);
    assert.equal(interaction.statusCode, 303);
    const page = await get(ctx, jar, String(interaction.headers.location));
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Đăng nhập bằng tài khoản định danh điện tử/);
    assert.match(page.body, /092085000123/, 'the demo citizens are listed');
    assert.match(page.body, /số định danh cá nhân, họ và tên, ngày sinh, số điện thoại/, 'what will be shared (consent)');

    const login = await ctx.app
      .inject({
        method: 'POST',
        url: `${interaction.headers.location}/login`,
        payload: 'idNumber=092085000123',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header },
      })
      .then((r) => jar.take(r));
    assert.equal(login.statusCode, 303, login.body);
    const back = await get(ctx, jar, String(login.headers.location));
    const callback = new URL(String(back.headers.location));
    assert.equal(callback.pathname, '/api/v1/citizen/oidc/callback');
    assert.equal(callback.searchParams.get('state'), authorize.searchParams.get('state'));
    assert.equal(callback.searchParams.get('iss'), 'http://localhost:3000/idp');

    const done = await get(ctx, jar, callback.href);
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, '/nop-ho-so/abc', 'back to the page that asked');
    const me = await ctx.app.inject({ url: '/api/v1/citizen/me', headers: { cookie: jar.header } });
    assert.deepEqual(
      { ...me.json().citizen, id: undefined },
      { id: undefined, idNumber: '092085000123', fullName: 'Nguyễn Văn Minh', birthDate: '1985-03-12', phone: '0901234567', email: null, identityLevel: 2 },
    );
  });

  test('a typed-in test citizen, a level-1 demo citizen, and the identity level recorded on the submitted dossier', async () => {
    const typed = await citizenSignIn(ctx.app, '092190770001', 'Đặng Thị Lụa');
    assert.equal((await typed({ url: '/api/v1/citizen/me' })).json().citizen.fullName, 'Đặng Thị Lụa');

    const admin = await signIn(ctx.app, 'admin');
    const ids = await agencyIds(ctx.db);
    const base = (await ctx.app.inject({ url: '/api/v1/procedures/1.001193' })).json().content as ProcedureContent;
    const created = await admin({
      method: 'POST',
      url: '/api/v1/admin/procedures',
      payload: {
        agencyId: ids.H13,
        content: {
          ...base,
          nationalCode: '2.999611',
          name: 'Thủ tục thử mức định danh',
          onlineLevel: 'full',
          components: [],
          formSchema: { type: 'object', properties: { ghiChu: { type: 'string', title: 'Ghi chú' } } },
        },
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    await admin({ method: 'POST', url: `/api/v1/admin/procedures/${created.json().id}/publish` });

    const levelOne = await citizenSignIn(ctx.app, '092075008910', 'tên gõ vào bị bỏ qua');
    const me = (await levelOne({ url: '/api/v1/citizen/me' })).json().citizen;
    assert.deepEqual([me.fullName, me.identityLevel], ['Lê Hoàng Phúc', 1], "a demo citizen keeps the provider's name and level");
    const submitted = await levelOne({
      method: 'POST',
      url: '/api/v1/dossiers',
      payload: {
        procedureId: created.json().id,
        agencyId: ids['H13.102'],
        channel: 'online',
        formData: {},
        files: [],
        applicant: { name: 'Lê Hoàng Phúc', idNumber: '092075008910', address: 'Phường Cái Khế, Thành phố Cần Thơ', phone: '0987654321' },
      },
    });
    assert.equal(submitted.statusCode, 201, submitted.body);
    const [row] = await ctx.db.query('SELECT citizen_identity_level FROM dossiers WHERE id = $1', [submitted.json().id]);
    assert.equal(row.citizen_identity_level, 1);
  });

  test("sign-out ends the session and offers the provider's sign-out, which returns to the portal", async () => {
    const c = await citizenSignIn(ctx.app, '092190770002', 'Mai Văn Tư');
    const out = await c({ method: 'POST', url: '/api/v1/citizen/signout' });
    assert.equal(out.statusCode, 200);
    const endSession = new URL(out.json().endSessionUrl);
    assert.equal(endSession.pathname, '/idp/session/end');
    assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), 'http://localhost:3000/');
    assert.equal((await c({ url: '/api/v1/citizen/me' })).statusCode, 401);
  });

  /** A relying party like the app's, whose token responses pass through `alter` first. */
  const tamperingClient = (alter: (tokens: Record<string, any>) => Promise<void>) => {
    const local = ctx.app.citizenOidc.local!;
    const fetch: InProcessFetch = async (url, init) => {
      const res = await local.fetch(url, init);
      if (!url.endsWith('/idp/token') || res.status !== 200) return res;
      const tokens = await res.json();
      await alter(tokens);
      return new Response(JSON.stringify(tokens), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    return createCitizenOidc(ctx.app.citizenOidc.settings, { publicUrl: ctx.app.publicUrl, fetch });
  };
  /** The ID token's claims re-signed with the provider's own key after `change`. */
  const resign = (change: (claims: Record<string, any>) => void) => async (tokens: Record<string, any>) => {
    const jwk = await ctx.app.citizenOidc.local!.signingKey();
    const claims = decodeJwt(tokens.id_token) as Record<string, any>;
    change(claims);
    tokens.id_token = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: jwk.kid }).sign(await importJWK(jwk, 'ES256'));
  };
  const finishWith = async (alter: (tokens: Record<string, any>) => Promise<void>, idNumber: string) => {
    const { callback, jar } = await citizenSignInUntilCallback(ctx.app, idNumber, 'Người Thử Token');
    return completeSignIn(ctx.db, tamperingClient(alter), jar.cookies.get('congso_oidc'), new URL(callback).search);
  };
  const refusedWith = async (p: Promise<unknown>, code: string, reason: RegExp) => {
    const err = await p.then(
      () => null,
      (e) => e,
    );
    assert.ok(err instanceof AppError, `refused, not ${err}`);
    assert.equal(err.code, code);
    assert.match(String((err.details as any).reason), reason);
    return err;
  };
  const sessionsOf = async (idNumber: string) =>
    (await ctx.db.query('SELECT count(*)::int AS n FROM citizen_sessions s JOIN citizens c ON c.id = s.citizen_id WHERE c.id_number = $1', [idNumber]))[0].n;

  test('a re-signed but unchanged ID token passes (the tampering harness itself is sound)', async () => {
    const { citizen } = await finishWith(
      resign(() => undefined),
      '092190880000',
    );
    assert.equal(citizen.fullName, 'Người Thử Token');
  });

  test('an altered ID token (signature no longer matches) is refused', async () => {
    await refusedWith(
      finishWith(async (tokens) => {
        const [header, payload, signature] = tokens.id_token.split('.');
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
        claims.sub = '092190889999';
        tokens.id_token = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
      }, '092190880001'),
      'ID_TOKEN_INVALID',
      /signature verification failed/,
    );
    assert.equal(await sessionsOf('092190889999'), 0);
  });

  test('an expired ID token, validly signed, is refused', async () => {
    await refusedWith(
      finishWith(
        resign((c) => {
          c.iat -= 7200;
          c.exp = Math.floor(Date.now() / 1000) - 3600;
        }),
        '092190880002',
      ),
      'ID_TOKEN_INVALID',
      /"exp" \(expiration time\)/,
    );
    assert.equal(await sessionsOf('092190880002'), 0);
  });

  test("an ID token with another sign-in's nonce is refused", async () => {
    await refusedWith(
      finishWith(
        resign((c) => {
          c.nonce = 'nonce-cua-lan-dang-nhap-khac';
        }),
        '092190880003',
      ),
      'ID_TOKEN_INVALID',
      /"nonce" claim/,
    );
    assert.equal(await sessionsOf('092190880003'), 0);
  });

  test('an ID token for another client (audience) is refused', async () => {
    await refusedWith(
      finishWith(
        resign((c) => {
          c.aud = 'ung-dung-khac';
        }),
        '092190880004',
      ),
      'ID_TOKEN_INVALID',
      /"aud" \(audience\)/,
    );
  });

  test('a replayed callback finds no sign-in; a replayed code is refused by the provider', async () => {
    const { callback, jar } = await citizenSignInUntilCallback(ctx.app, '092190880005', 'Người Thử Lại');
    const attemptCookie = jar.cookies.get('congso_oidc')!;
    const first = await get(ctx, jar, callback);
    assert.equal(first.statusCode, 303);
    assert.equal(await sessionsOf('092190880005'), 1);

    // The same callback again, as a browser's back button or an attacker with the URL and the cookie would send it.
    const again = await ctx.app.inject({ url: new URL(callback).pathname + new URL(callback).search, headers: { cookie: `congso_oidc=${attemptCookie}` } });
    assert.equal(again.statusCode, 303);
    assert.equal(again.headers.location, '/cong-dan/dang-nhap?loi=SIGN_IN_EXPIRED');
    assert.doesNotMatch(String(again.headers['set-cookie'] ?? ''), /congso_citizen=[^;]/, 'no session from a replay');

    // The used code under a fresh sign-in's state: the provider refuses to exchange it twice.
    const fresh = await citizenSignInUntilCallback(ctx.app, '092190880005', 'Người Thử Lại');
    const replay = new URL(fresh.callback);
    replay.searchParams.set('code', new URL(callback).searchParams.get('code')!);
    await refusedWith(completeSignIn(ctx.db, ctx.app.citizenOidc, fresh.jar.cookies.get('congso_oidc'), replay.search), 'SIGN_IN_REJECTED', /invalid_grant/);
    assert.equal(await sessionsOf('092190880005'), 1, 'no second session');
  });

  test("a callback without the browser's sign-in cookie, or cancelled at the provider, goes back to the sign-in page", async () => {
    const { callback } = await citizenSignInUntilCallback(ctx.app, '092190880006', 'Người Không Cookie');
    const stolen = await ctx.app.inject({ url: new URL(callback).pathname + new URL(callback).search });
    assert.equal(stolen.headers.location, '/cong-dan/dang-nhap?loi=SIGN_IN_EXPIRED');

    const jar = new CookieJar();
    const start = await get(ctx, jar, '/api/v1/citizen/signin');
    const interaction = String((await get(ctx, jar, String(start.headers.location))).headers.location);
    const abort = await ctx.app.inject({ method: 'POST', url: `${interaction}/abort`, headers: { cookie: jar.header } }).then((r) => jar.take(r));
    const back = await get(ctx, jar, String(abort.headers.location));
    const done = await get(ctx, jar, String(back.headers.location));
    assert.equal(done.headers.location, '/cong-dan/dang-nhap?loi=SIGN_IN_CANCELLED');
  });

  test("the local provider's form refuses an ID number that is not 12 digits, in Vietnamese", async () => {
    const jar = new CookieJar();
    const start = await get(ctx, jar, '/api/v1/citizen/signin');
    const interaction = String((await get(ctx, jar, String(start.headers.location))).headers.location);
    const res = await ctx.app.inject({
      method: 'POST',
      url: `${interaction}/login`,
      payload: 'idNumber=12345&fullName=Sai+S%E1%BB%91',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header },
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /role="alert">Số định danh cá nhân phải gồm đúng 12 chữ số\./);
    assert.match(res.body, /value="Sai Số"/, 'what was typed stays in the form');
  });

  test('next= only ever leads to a page of this site', async () => {
    for (const next of ['https://evil.example/', '//evil.example/x', '/api/v1/citizen/me', '/\\evil.example']) {
      const { callback, jar } = await citizenSignInUntilCallback(ctx.app, '092190880007', 'Người Thử Next', next);
      assert.equal((await get(ctx, jar, callback)).headers.location, '/ho-so-cua-toi', next);
    }
  });
});

describe('any compliant provider by OIDC_* settings alone, reached over HTTP [pglite]', () => {
  // The "external" provider is another platform instance's local provider, listening on a real port; the platform
  // under test knows only its issuer, client id and secret, and does discovery, token and key requests over the network.
  const apps: Awaited<ReturnType<typeof buildApp>>[] = [];
  const drops: (() => Promise<void>)[] = [];
  let provider: Awaited<ReturnType<typeof buildApp>>;
  let platform: Awaited<ReturnType<typeof buildApp>>;
  before(async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    // Both answer at one address, so the provider's registered redirect URI is the platform's callback.
    const publicUrl = `http://localhost:${port}`;
    const open = async () => {
      const f = await freshDatabase('pglite');
      drops.push(f.drop);
      await migrate(f.db);
      return f.db;
    };
    provider = await buildApp({ db: await open(), publicUrl });
    await provider.listen({ port, host: '127.0.0.1' });
    const local = provider.citizenOidc.local!;
    platform = await buildApp({
      db: await open(),
      publicUrl,
      oidc: loadConfig({ OIDC_ISSUER: local.issuer, OIDC_CLIENT_ID: local.clientId, OIDC_CLIENT_SECRET: local.clientSecret }).oidc!,
    });
    apps.push(provider, platform);
    assert.equal(platform.citizenOidc.local, undefined, 'no local provider of its own');
  });
  after(async () => {
    for (const a of apps) await a.close();
    for (const d of drops) await d();
  });

  test('sign-in completes with discovery, token exchange and keys fetched from the configured issuer', async () => {
    const jar = new CookieJar();
    const go = (app: typeof platform, location: string, init: { method?: 'POST'; payload?: string } = {}) => {
      const url = new URL(location, app.publicUrl);
      return app
        .inject({
          method: init.method ?? 'GET',
          url: url.pathname + url.search,
          payload: init.payload,
          headers: { cookie: jar.header, ...(init.payload && { 'content-type': 'application/x-www-form-urlencoded' }) },
        })
        .then((r) => jar.take(r));
    };
    const start = await go(platform, '/api/v1/citizen/signin');
    assert.equal(start.statusCode, 302, start.body);
    const interaction = String((await go(provider, String(start.headers.location))).headers.location);
    const login = await go(provider, `${interaction}/login`, { method: 'POST', payload: 'idNumber=092302345678' });
    const callback = String((await go(provider, String(login.headers.location))).headers.location);
    const done = await go(platform, callback);
    assert.equal(done.headers.location, '/ho-so-cua-toi');
    const me = await platform.inject({ url: '/api/v1/citizen/me', headers: { cookie: jar.header } });
    assert.deepEqual([me.json().citizen.fullName, me.json().citizen.identityLevel], ['Phạm Ngọc Anh', 2]);
  });
});

test('the local provider cannot run in production: the app refuses to start without a real provider', async () => {
  await assert.rejects(buildApp({ db: {} as any, production: true }), /NODE_ENV=production.*OIDC_ISSUER/s);
});

test('provider settings from the environment, claim mapping and identity levels', () => {
  assert.equal(loadConfig({}).oidc, undefined, 'none configured: the local provider');
  assert.throws(() => loadConfig({ OIDC_ISSUER: 'https://sso.example.vn' }), /OIDC_CLIENT_ID/);
  assert.throws(() => loadConfig({ OIDC_ISSUER: 'https://sso.example.vn', OIDC_CLIENT_ID: 'a', OIDC_CLAIMS: '{"cccd":"x"}' }), /cccd/);
  const s = loadConfig({
    OIDC_ISSUER: 'https://sso.example.vn',
    OIDC_CLIENT_ID: 'congso-cantho',
    OIDC_CLIENT_SECRET: 'bi-mat',
    OIDC_CLAIMS: '{"idNumber":"citizen.pid","fullName":"full_name","identityLevel":"loa"}',
  }).oidc!;
  assert.deepEqual(s.claims, { ...DEFAULT_CLAIMS, idNumber: 'citizen.pid', fullName: 'full_name', identityLevel: 'loa' });
  assert.deepEqual(
    mapClaims({ sub: 'opaque-1', citizen: { pid: '092190001234' }, full_name: 'Nguyen Van A', loa: 'level2', birthdate: '1990-02-03' }, s.claims),
    { idNumber: '092190001234', fullName: 'Nguyen Van A', birthDate: '1990-02-03', phone: null, identityLevel: 2 },
  );
  assert.deepEqual(mapClaims({ sub: '12345', name: 'A B' }, DEFAULT_CLAIMS), { missing: 'sub' }, 'an ID number must be 12 digits');
  assert.deepEqual([identityLevelOf('urn:congso:idp:muc-1'), identityLevelOf(2), identityLevelOf('http://eidas.europa.eu/LoA/substantial')], [1, 2, null]);
});
