import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CITIZEN_SESSION_IDLE_MINUTES } from '../citizens/service.ts';
import { agencyIds, citizenSignIn, eachDatabase, signIn } from '../testing/harness.ts';
import { DEMO_PASSWORD } from '../demo/seed.ts';
import { SESSION_IDLE_MINUTES, SIGN_IN_THROTTLE } from './service.ts';

const login = (ctx: { app: any }, username: string, password: string, ip = '10.0.0.1') =>
  ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress: ip });

eachDatabase('staff sign-in and sessions', { demo: true }, (ctx) => {
  test('sign-in sets a secure HTTP-only session cookie; me; logout ends the session', async () => {
    const res = await login(ctx, 'stp.chuyenvien', DEMO_PASSWORD);
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().user.agency.name, 'Phòng Hành chính tư pháp');
    const setCookie = String(res.headers['set-cookie']);
    assert.match(setCookie, /congso_sid=[\w-]{40,}/);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /Secure/);
    assert.match(setCookie, /SameSite=Lax/);
    const cookie = setCookie.split(';')[0];
    const me = await ctx.app.inject({ url: '/api/v1/auth/me', headers: { cookie } });
    assert.deepEqual(me.json().user.roles, ['specialist']);
    assert.equal((await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } })).statusCode, 204);
    const after = await ctx.app.inject({ url: '/api/v1/auth/me', headers: { cookie } });
    assert.equal(after.statusCode, 401);
    assert.equal(after.json().code, 'UNAUTHENTICATED');
  });

  test('username is case-insensitive; a wrong password is refused with a Vietnamese message', async () => {
    assert.equal((await login(ctx, 'STP.ChuyenVien', DEMO_PASSWORD)).statusCode, 200);
    const bad = await login(ctx, 'stp.chuyenvien', 'sai-mat-khau-1');
    assert.equal(bad.statusCode, 401);
    assert.deepEqual(bad.json(), { code: 'INVALID_CREDENTIALS', message: 'Tên đăng nhập hoặc mật khẩu không đúng.', details: null });
    const unknown = await login(ctx, 'khong.ton.tai', 'x');
    assert.deepEqual(unknown.json().code, 'INVALID_CREDENTIALS', 'unknown usernames look the same as wrong passwords');
  });

  // Time passing for the sign-in waits: every count of these keys is moved back by `seconds`.
  const elapse = (like: string, seconds: number) =>
    ctx.db.query(`UPDATE login_throttles SET last_failure_at = last_failure_at - make_interval(secs => $2) WHERE key LIKE $1`, [like, seconds]);
  const expectWait = (res: any, min: number, max: number, what: string) => {
    assert.equal(res.statusCode, 429, what);
    assert.equal(res.json().code, 'LOGIN_THROTTLED', what);
    const wait = Number(res.headers['retry-after']);
    assert.ok(wait > min && wait <= max, `${what}: Retry-After ${wait} in (${min}, ${max}]`);
    assert.match(res.json().message, new RegExp(`thử lại sau ${wait} giây`));
  };

  test(`after ${SIGN_IN_THROTTLE.pair} wrong passwords the next attempt waits, a wait that doubles; the right password opens the account once it is over`, async () => {
    const first = SIGN_IN_THROTTLE.firstWaitSeconds;
    for (let i = 1; i <= SIGN_IN_THROTTLE.pair; i++) assert.equal((await login(ctx, 'sxd.chuyenvien', `sai${i}abcdef`, '10.0.0.2')).statusCode, 401);
    expectWait(await login(ctx, 'sxd.chuyenvien', DEMO_PASSWORD, '10.0.0.2'), 0, first, 'even the right password waits');
    await elapse('%sxd.chuyenvien%', first);
    assert.equal((await login(ctx, 'sxd.chuyenvien', 'sai-nua-abc1', '10.0.0.2')).statusCode, 401, 'the wait is over: the attempt is checked');
    expectWait(await login(ctx, 'sxd.chuyenvien', DEMO_PASSWORD, '10.0.0.2'), first, 2 * first, 'one more failure: twice the wait');
    await elapse('%sxd.chuyenvien%', 2 * first);
    assert.equal((await login(ctx, 'sxd.chuyenvien', DEMO_PASSWORD, '10.0.0.2')).statusCode, 200, 'never locked for good');
    assert.equal((await login(ctx, 'sxd.chuyenvien', 'sai-lai-abc1', '10.0.0.2')).statusCode, 401, 'success cleared the count');
    const events = await ctx.db.query(`SELECT success, reason FROM login_events WHERE username = 'sxd.chuyenvien' ORDER BY id`);
    assert.deepEqual(
      events.map((e) => e.reason),
      [...Array(SIGN_IN_THROTTLE.pair).fill('bad_password'), 'throttled', 'bad_password', 'throttled', 'ok', 'bad_password'],
    );
  });

  test('a stranger guessing from many addresses cannot keep the user out at an address they signed in from before', async () => {
    assert.equal((await login(ctx, 'sct.chuyenvien', DEMO_PASSWORD, '10.0.5.1')).statusCode, 200);
    for (let i = 0; i < SIGN_IN_THROTTLE.account; i++) assert.equal((await login(ctx, 'sct.chuyenvien', 'doan-mo-123', `10.0.6.${i}`)).statusCode, 401);
    expectWait(await login(ctx, 'sct.chuyenvien', DEMO_PASSWORD, '10.0.7.1'), 0, SIGN_IN_THROTTLE.firstWaitSeconds, 'a new address waits');
    assert.equal((await login(ctx, 'sct.chuyenvien', DEMO_PASSWORD, '10.0.5.1')).statusCode, 200, 'the usual address is not held back');
  });

  test('many failures from one address slow strangers down without refusing colleagues who signed in from it before', async () => {
    assert.equal((await login(ctx, 'stc.chuyenvien', DEMO_PASSWORD, '10.9.9.9')).statusCode, 200);
    let last: unknown;
    for (let i = 0; i <= SIGN_IN_THROTTLE.address; i++) last = await login(ctx, `nguoi.la.${i}`, 'x', '10.9.9.9');
    expectWait(last, 0, SIGN_IN_THROTTLE.firstWaitSeconds, 'failures for any usernames from one address');
    expectWait(await login(ctx, 'caikhe.chuyenvien', DEMO_PASSWORD, '10.9.9.9'), 0, SIGN_IN_THROTTLE.firstWaitSeconds, 'a first sign-in from it waits');
    assert.equal((await login(ctx, 'stc.chuyenvien', DEMO_PASSWORD, '10.9.9.9')).statusCode, 200, 'a colleague known at this address signs in');
    assert.equal((await login(ctx, 'caikhe.chuyenvien', DEMO_PASSWORD, '10.9.9.10')).statusCode, 200, 'other addresses are unaffected');
  });

  test('known and unknown usernames get the same answers, the same waits, and comparable timing', async () => {
    const known = await login(ctx, 'sxd.lanhdao', 'sai-mat-khau-1', '10.0.8.1');
    const unknown = await login(ctx, 'khong.co.ai', 'sai-mat-khau-1', '10.0.8.1');
    assert.deepEqual([unknown.statusCode, unknown.json()], [known.statusCode, known.json()]);
    for (let i = 1; i < SIGN_IN_THROTTLE.pair; i++) {
      await login(ctx, 'sxd.lanhdao', 'sai-mat-khau-1', '10.0.8.1');
      await login(ctx, 'khong.co.ai', 'sai-mat-khau-1', '10.0.8.1');
    }
    const [k, u] = [await login(ctx, 'sxd.lanhdao', 'x', '10.0.8.1'), await login(ctx, 'khong.co.ai', 'x', '10.0.8.1')];
    assert.deepEqual([u.statusCode, u.json().code, u.headers['retry-after']], [k.statusCode, k.json().code, k.headers['retry-after']]);
    // Unknown usernames are checked against a real hash: without it they would answer many times faster.
    const time = async (username: string, ip: string) => {
      const t = performance.now();
      await login(ctx, username, 'sai-mat-khau-2', ip);
      return performance.now() - t;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (let i = 0; i < 7; i++) {
      knownTimes.push(await time('syt.chuyenvien', `10.0.9.${i}`));
      unknownTimes.push(await time(`khong.co.ai.${i}`, `10.0.9.${i}`));
    }
    const ratio = median(unknownTimes) / median(knownTimes);
    assert.ok(ratio > 0.5 && ratio < 2, `unknown/known sign-in time ${ratio.toFixed(2)}`);
  });

  test('a session ends after the idle timeout, and requests keep it alive', async () => {
    const res = await login(ctx, 'stp.lanhdao', DEMO_PASSWORD, '10.0.10.1');
    const cookie = String(res.headers['set-cookie']).split(';')[0];
    const idle = (minutes: number) =>
      ctx.db.query(
        `UPDATE sessions SET last_seen_at = now() - make_interval(mins => $1)
      WHERE user_id = (SELECT id FROM users WHERE username = 'stp.lanhdao')`,
        [minutes],
      );
    await idle(SESSION_IDLE_MINUTES - 1);
    assert.equal((await ctx.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode, 200);
    const [{ seen }] = await ctx.db.query(
      `SELECT now() - last_seen_at < interval '1 minute' AS seen FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'stp.lanhdao'`,
    );
    assert.equal(seen, true, 'the request moved the last use forward');
    await idle(SESSION_IDLE_MINUTES + 1);
    const after = await ctx.app.inject({ url: '/api/v1/auth/me', headers: { cookie } });
    assert.equal(after.statusCode, 401, 'idle too long');
  });

  test('a user ends their other sessions and keeps this one', async () => {
    const open = async (ip: string) => String((await login(ctx, 'snnmt.lanhdao', DEMO_PASSWORD, ip)).headers['set-cookie']).split(';')[0];
    const [here, phone, home] = [await open('10.0.11.1'), await open('10.0.11.2'), await open('10.0.11.3')];
    const other = await signIn(ctx.app, 'stc.lanhdao');
    const ended = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/sessions/end-others', headers: { cookie: here } });
    assert.equal(ended.statusCode, 200);
    assert.deepEqual(ended.json(), { ended: 2 });
    const me = (cookie: string) => ctx.app.inject({ url: '/api/v1/auth/me', headers: { cookie } });
    assert.equal((await me(here)).statusCode, 200);
    assert.equal((await me(phone)).statusCode, 401);
    assert.equal((await me(home)).statusCode, 401);
    assert.equal((await other({ url: '/api/v1/auth/me' })).statusCode, 200, 'another user keeps theirs');
    assert.equal((await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/sessions/end-others' })).statusCode, 401);
  });

  test('citizens too: idle sessions end, and a citizen ends their other sessions', async () => {
    const [here, there] = [await citizenSignIn(ctx.app, '092190995501', 'Trần Thị Phiên'), await citizenSignIn(ctx.app, '092190995501', 'Trần Thị Phiên')];
    const ended = await here({ method: 'POST', url: '/api/v1/citizen/sessions/end-others' });
    assert.deepEqual([ended.statusCode, ended.json()], [200, { ended: 1 }]);
    assert.equal((await there({ url: '/api/v1/citizen/me' })).statusCode, 401);
    assert.equal((await here({ url: '/api/v1/citizen/me' })).statusCode, 200);
    await ctx.db.query(`UPDATE citizen_sessions SET last_seen_at = now() - make_interval(mins => $1)`, [CITIZEN_SESSION_IDLE_MINUTES + 1]);
    assert.equal((await here({ url: '/api/v1/citizen/me' })).statusCode, 401, 'idle too long');
  });

  test('a disabled account cannot sign in and loses its open sessions', async () => {
    const stc = await signIn(ctx.app, 'stc.chuyenvien');
    const admin = await signIn(ctx.app, 'admin');
    const [user] = await ctx.db.query(`SELECT id FROM users WHERE username = 'stc.chuyenvien'`);
    assert.equal((await admin({ method: 'PATCH', url: `/api/v1/admin/users/${user.id}`, payload: { active: false } })).json().active, false);
    assert.equal((await stc({ url: '/api/v1/auth/me' })).statusCode, 401);
    assert.equal((await login(ctx, 'stc.chuyenvien', DEMO_PASSWORD, '10.0.0.3')).statusCode, 403);
  });
});

eachDatabase('administration is scoped to the agency and what lies below it', { demo: true }, (ctx) => {
  test("a commune admin sees only their commune's users and agencies", async () => {
    const caikhe = await signIn(ctx.app, 'caikhe.quantri');
    const users = (await caikhe({ url: '/api/v1/admin/users' })).json().items;
    assert.ok(users.length >= 4);
    // The ward and its own office (Phòng Kinh tế, Hạ tầng và Đô thị), nothing else.
    const agencies = (await caikhe({ url: '/api/v1/admin/agencies' })).json().items;
    assert.deepEqual(
      agencies.map((a: any) => a.code),
      ['H13.102', 'H13.102.2'],
    );
    const own = new Set(agencies.map((a: any) => a.id));
    assert.ok(
      users.every((u: any) => own.has(u.agencyId)),
      JSON.stringify(users.map((u: any) => u.agencyName)),
    );
  });

  test("a commune admin can neither read nor change another commune's users", async () => {
    const caikhe = await signIn(ctx.app, 'caikhe.quantri');
    const [other] = await ctx.db.query(`SELECT id FROM users WHERE username = 'ninhkieu.chuyenvien'`);
    const ids = await agencyIds(ctx.db);
    for (const req of [
      { method: 'GET' as const, url: `/api/v1/admin/users/${other.id}` },
      { method: 'PATCH' as const, url: `/api/v1/admin/users/${other.id}`, payload: { fullName: 'Bị sửa' } },
      { method: 'PATCH' as const, url: `/api/v1/admin/users/${other.id}`, payload: { active: false } },
      { method: 'GET' as const, url: `/api/v1/admin/users?agency=${ids['H13.101']}` },
      {
        method: 'POST' as const,
        url: '/api/v1/admin/users',
        payload: { username: 'xam.nhap', password: 'MatKhau123', fullName: 'X', roles: ['specialist'], agencyId: ids['H13.101'] },
      },
      { method: 'PATCH' as const, url: `/api/v1/admin/agencies/${ids['H13.101']}`, payload: { name: 'Bị sửa' } },
      { method: 'POST' as const, url: '/api/v1/admin/agencies', payload: { code: 'H13.101.9', name: 'Bộ phận lạ', kind: 'unit', parentId: ids['H13.101'] } },
    ]) {
      const res = await caikhe(req);
      assert.equal(res.statusCode, 404, `${req.method} ${req.url}: ${res.body}`);
      assert.equal(res.json().code, 'NOT_FOUND');
    }
    const [still] = await ctx.db.query(`SELECT full_name, active FROM users WHERE id = $1`, [other.id]);
    assert.deepEqual(still, { full_name: 'Công chức tư pháp - hộ tịch Phường Ninh Kiều', active: true });
    const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM users WHERE username = 'xam.nhap'`);
    assert.equal(n, 0);
  });

  test('a commune admin manages their own staff but cannot grant system administration', async () => {
    const caikhe = await signIn(ctx.app, 'caikhe.quantri');
    const ids = await agencyIds(ctx.db);
    const created = await caikhe({
      method: 'POST',
      url: '/api/v1/admin/users',
      payload: {
        username: 'caikhe.motcua2',
        password: 'MotCua2026',
        fullName: 'Nguyễn Thị Mới',
        roles: ['counter_officer'],
        agencyId: ids['H13.102'],
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().agencyName, 'Ủy ban nhân dân Phường Cái Khế');
    const escalate = await caikhe({ method: 'PATCH', url: `/api/v1/admin/users/${created.json().id}`, payload: { roles: ['system_admin'] } });
    assert.equal(escalate.statusCode, 403);
    const unit = await caikhe({
      method: 'POST',
      url: '/api/v1/admin/agencies',
      payload: { code: 'H13.102.1', name: 'Bộ phận Một cửa phường Cái Khế', kind: 'unit', parentId: ids['H13.102'] },
    });
    assert.equal(unit.statusCode, 201, unit.body);
    const top = await caikhe({ method: 'POST', url: '/api/v1/admin/agencies', payload: { code: 'H14', name: 'Tỉnh khác', kind: 'province_committee' } });
    assert.equal(top.statusCode, 403);
    const duplicate = await caikhe({
      method: 'POST',
      url: '/api/v1/admin/users',
      payload: {
        username: 'caikhe.motcua2',
        password: 'MotCua2026',
        fullName: 'Trùng',
        roles: ['counter_officer'],
        agencyId: ids['H13.102'],
      },
    });
    assert.equal(duplicate.statusCode, 409);
    assert.equal(duplicate.json().code, 'USERNAME_TAKEN');
  });

  test('staff without an admin role cannot use the admin API', async () => {
    const officer = await signIn(ctx.app, 'caikhe.motcua');
    assert.equal((await officer({ url: '/api/v1/admin/users' })).statusCode, 403);
    assert.equal((await ctx.app.inject({ url: '/api/v1/admin/users' })).statusCode, 401);
  });

  test('agency electronic identifiers are checked against the QĐ 20/2020 format', async () => {
    const admin = await signIn(ctx.app, 'admin');
    const ids = await agencyIds(ctx.db);
    for (const code of ['h13.5', 'Z13.1', 'H1.2', 'H13..2', 'H13.' + '1'.repeat(40), 'H13-2']) {
      const res = await admin({ method: 'POST', url: '/api/v1/admin/agencies', payload: { code, name: 'Thử', kind: 'unit', parentId: ids.H13 } });
      assert.equal(res.statusCode, 400, code);
    }
    const ok = await admin({
      method: 'POST',
      url: '/api/v1/admin/agencies',
      payload: { code: 'H13.20', name: 'Sở Văn hóa, Thể thao và Du lịch', kind: 'department', parentId: ids.H13 },
    });
    assert.equal(ok.statusCode, 201);
  });
});
