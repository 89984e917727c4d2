import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agencyIds, eachDatabase, signIn } from '../testing/harness.ts';
import { DEMO_PASSWORD } from '../demo/seed.ts';
import { LOCK_AFTER_FAILURES } from './service.ts';

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

  test(`${LOCK_AFTER_FAILURES} wrong passwords lock the account, even against the right password; every attempt is recorded`, async () => {
    for (let i = 1; i < LOCK_AFTER_FAILURES; i++) assert.equal((await login(ctx, 'sxd.chuyenvien', `sai${i}abcdef`, '10.0.0.2')).statusCode, 401);
    const locking = await login(ctx, 'sxd.chuyenvien', 'sai-lan-cuoi-1', '10.0.0.2');
    assert.equal(locking.statusCode, 423);
    assert.equal(locking.json().code, 'ACCOUNT_LOCKED');
    const right = await login(ctx, 'sxd.chuyenvien', DEMO_PASSWORD, '10.0.0.2');
    assert.equal(right.statusCode, 423, 'the right password does not open a locked account');
    assert.match(right.json().message, /tạm khóa/);
    const events = await ctx.db.query(`SELECT success, reason FROM login_events WHERE username = 'sxd.chuyenvien' ORDER BY id`);
    assert.equal(events.length, LOCK_AFTER_FAILURES + 1);
    assert.deepEqual(events.at(-1), { success: false, reason: 'locked' });
    // An administrator's password reset unlocks it.
    const admin = await signIn(ctx.app, 'admin');
    const [user] = await ctx.db.query(`SELECT id FROM users WHERE username = 'sxd.chuyenvien'`);
    assert.equal((await admin({ method: 'PATCH', url: `/api/v1/admin/users/${user.id}`, payload: { password: 'MatKhauMoi123' } })).statusCode, 200);
    assert.equal((await login(ctx, 'sxd.chuyenvien', 'MatKhauMoi123', '10.0.0.2')).statusCode, 200);
  });

  test('many failures from one address are throttled whatever the usernames', async () => {
    let last;
    for (let i = 0; i < 25; i++) last = await login(ctx, `nguoi.la.${i}`, 'x', '10.9.9.9');
    assert.equal(last.statusCode, 429);
    assert.equal(last.json().code, 'LOGIN_THROTTLED');
    assert.equal((await login(ctx, 'stc.chuyenvien', DEMO_PASSWORD, '10.9.9.10')).statusCode, 200, 'other addresses are unaffected');
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
  test('a commune admin sees only their commune\'s users and agencies', async () => {
    const caikhe = await signIn(ctx.app, 'caikhe.quantri');
    const users = (await caikhe({ url: '/api/v1/admin/users' })).json().items;
    assert.ok(users.length >= 4);
    // The ward and its own office (Phòng Kinh tế, Hạ tầng và Đô thị), nothing else.
    const agencies = (await caikhe({ url: '/api/v1/admin/agencies' })).json().items;
    assert.deepEqual(agencies.map((a: any) => a.code), ['H13.102', 'H13.102.2']);
    const own = new Set(agencies.map((a: any) => a.id));
    assert.ok(users.every((u: any) => own.has(u.agencyId)), JSON.stringify(users.map((u: any) => u.agencyName)));
  });

  test('a commune admin can neither read nor change another commune\'s users', async () => {
    const caikhe = await signIn(ctx.app, 'caikhe.quantri');
    const [other] = await ctx.db.query(`SELECT id FROM users WHERE username = 'ninhkieu.chuyenvien'`);
    const ids = await agencyIds(ctx.db);
    for (const req of [
      { method: 'GET' as const, url: `/api/v1/admin/users/${other.id}` },
      { method: 'PATCH' as const, url: `/api/v1/admin/users/${other.id}`, payload: { fullName: 'Bị sửa' } },
      { method: 'PATCH' as const, url: `/api/v1/admin/users/${other.id}`, payload: { active: false } },
      { method: 'GET' as const, url: `/api/v1/admin/users?agency=${ids['H13.101']}` },
      { method: 'POST' as const, url: '/api/v1/admin/users', payload: { username: 'xam.nhap', password: 'MatKhau123', fullName: 'X', roles: ['specialist'], agencyId: ids['H13.101'] } },
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
    const created = await caikhe({ method: 'POST', url: '/api/v1/admin/users', payload: {
      username: 'caikhe.motcua2', password: 'MotCua2026', fullName: 'Nguyễn Thị Mới', roles: ['counter_officer'], agencyId: ids['H13.102'] } });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().agencyName, 'Ủy ban nhân dân Phường Cái Khế');
    const escalate = await caikhe({ method: 'PATCH', url: `/api/v1/admin/users/${created.json().id}`, payload: { roles: ['system_admin'] } });
    assert.equal(escalate.statusCode, 403);
    const unit = await caikhe({ method: 'POST', url: '/api/v1/admin/agencies', payload: { code: 'H13.102.1', name: 'Bộ phận Một cửa phường Cái Khế', kind: 'unit', parentId: ids['H13.102'] } });
    assert.equal(unit.statusCode, 201, unit.body);
    const top = await caikhe({ method: 'POST', url: '/api/v1/admin/agencies', payload: { code: 'H14', name: 'Tỉnh khác', kind: 'province_committee' } });
    assert.equal(top.statusCode, 403);
    const duplicate = await caikhe({ method: 'POST', url: '/api/v1/admin/users', payload: {
      username: 'caikhe.motcua2', password: 'MotCua2026', fullName: 'Trùng', roles: ['counter_officer'], agencyId: ids['H13.102'] } });
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
    const ok = await admin({ method: 'POST', url: '/api/v1/admin/agencies', payload: { code: 'H13.20', name: 'Sở Văn hóa, Thể thao và Du lịch', kind: 'department', parentId: ids.H13 } });
    assert.equal(ok.statusCode, 201);
  });
});
