// The calendar API over the migrated database (the 2026 adjustments seeded by 0003_calendar.sql).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eachDatabase, signIn } from '../testing/harness.ts';

const VIETNAMESE = /[ạảãàáâậầấẩẫăắằặẳẵêếềệểễđíìịỉĩòóọỏõôốồộổỗơớờợởỡùúụủũưứừựửữ]/i;

eachDatabase('working-time calendar', { demo: true }, (ctx) => {
  const get = async (url: string) => ctx.app.inject({ url });
  const due = async (query: string) => (await get(`/api/v1/calendar/due?${query}`)).json();

  test("the 2026 calendar is the Government's arrangement", async () => {
    const res = await get('/api/v1/calendar/holidays?year=2026');
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().year, 2026);
    assert.deepEqual(
      res.json().items.map((d: any) => `${d.date} ${d.kind}`),
      [
        '2026-01-01 holiday',
        '2026-02-16 holiday',
        '2026-02-17 holiday',
        '2026-02-18 holiday',
        '2026-02-19 holiday',
        '2026-02-20 holiday',
        '2026-04-26 holiday',
        '2026-04-27 compensatory',
        '2026-04-30 holiday',
        '2026-05-01 holiday',
        '2026-08-22 workday',
        '2026-08-31 adjustment',
        '2026-09-01 holiday',
        '2026-09-02 holiday',
        '2026-11-24 holiday',
      ],
    );
    const names = (await get('/api/v1/calendar/holidays?year=2025')).json().items.map((d: any) => d.name);
    assert.ok(!names.some((n: string) => n.includes('Văn hóa')), '24/11 is not a holiday in 2025');
  });

  test('due dates in days and hours, with the +07:00 offset', async () => {
    assert.deepEqual(await due('from=2026-02-12T09:00:00%2B07:00&workingDays=3'), {
      from: '2026-02-12T09:00:00+07:00',
      due: '2026-02-24T09:00:00+07:00',
      workingDays: 3,
      timeZone: 'Asia/Ho_Chi_Minh',
    });
    assert.equal((await due('from=2026-04-24T03:00:00Z&workingDays=1')).due, '2026-04-28T10:00:00+07:00');
    assert.equal((await due('from=2026-04-24T10:00:00+07:00&workingDays=1')).due, '2026-04-28T10:00:00+07:00', 'an unencoded "+"');
    assert.deepEqual(await due('from=2026-03-02T18:00&workingHours=4'), {
      from: '2026-03-02T18:00:00+07:00',
      due: '2026-03-03T11:00:00+07:00',
      workingHours: 4,
      timeZone: 'Asia/Ho_Chi_Minh',
    });
    assert.equal((await get('/api/v1/calendar/office-hours')).json().periods.length, 2);
  });

  test('bad input is refused with a Vietnamese message', async () => {
    for (const [query, code] of [
      ['from=2026-02-12T09:00', 'DUE_AMOUNT_REQUIRED'],
      ['from=2026-02-12T09:00&workingDays=1&workingHours=8', 'DUE_AMOUNT_REQUIRED'],
      ['workingDays=1', 'VALIDATION_FAILED'],
      ['from=12/02/2026&workingDays=1', 'VALIDATION_FAILED'],
      ['from=2026-02-30T09:00&workingDays=1', 'INVALID_DATE_TIME'],
      ['from=2200-01-01T09:00&workingDays=1', 'INVALID_DATE_TIME'],
      ['from=2026-02-12T09:00&workingDays=-1', 'VALIDATION_FAILED'],
      ['from=2026-02-12T09:00&workingDays=mot', 'VALIDATION_FAILED'],
      ['from=2199-12-31T09:00&workingDays=10', 'DATE_OUT_OF_RANGE'],
    ]) {
      const res = await get(`/api/v1/calendar/due?${query}`);
      assert.equal(res.statusCode, 400, query);
      assert.equal(res.json().code, code, query);
      assert.match(res.json().message, VIETNAMESE, query);
    }
    for (const query of ['', 'year=1899', 'year=2200', 'year=hai-nghin', 'year=2026&x=1']) {
      const res = await get(`/api/v1/calendar/holidays?${query}`);
      assert.equal(res.statusCode, 400, query);
      assert.match(res.json().message, VIETNAMESE, query);
    }
  });

  test("a system administrator's adjustment changes the due date; deleting it restores it", async () => {
    const admin = await signIn(ctx.app, 'admin');
    const before = await due('from=2026-03-02T09:00&workingDays=1');
    assert.equal(before.due, '2026-03-03T09:00:00+07:00');
    const created = await admin({
      method: 'POST',
      url: '/api/v1/admin/calendar/adjustments',
      payload: {
        date: '2026-03-03',
        kind: 'holiday',
        name: 'Nghỉ thêm (thử nghiệm)',
        source: 'Quyết định số 1/QĐ-UBND (thử nghiệm)',
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().kind, 'holiday');
    assert.equal((await due('from=2026-03-02T09:00&workingDays=1')).due, '2026-03-04T09:00:00+07:00');
    const listed = (await admin({ url: '/api/v1/admin/calendar/adjustments?year=2026' })).json().items;
    assert.deepEqual(
      listed.map((a: any) => a.date),
      ['2026-03-03', '2026-08-22', '2026-08-31'],
    );
    assert.match(listed[1].source, /Lai Châu/);
    const again = await admin({
      method: 'POST',
      url: '/api/v1/admin/calendar/adjustments',
      payload: {
        date: '2026-03-03',
        kind: 'holiday',
        name: 'Trùng',
        source: 'x',
      },
    });
    assert.equal(again.statusCode, 409);
    assert.equal((await admin({ method: 'DELETE', url: `/api/v1/admin/calendar/adjustments/${created.json().id}` })).statusCode, 204);
    assert.equal((await due('from=2026-03-02T09:00&workingDays=1')).due, '2026-03-03T09:00:00+07:00');
    assert.equal((await admin({ method: 'DELETE', url: `/api/v1/admin/calendar/adjustments/${created.json().id}` })).statusCode, 404);
  });

  test("cancelling a generated holiday, and the checks on an adjustment's kind", async () => {
    const admin = await signIn(ctx.app, 'admin');
    const post = (payload: object) => admin({ method: 'POST', url: '/api/v1/admin/calendar/adjustments', payload });
    const cancel = await post({ date: '2026-04-27', kind: 'not_holiday', name: 'Không nghỉ bù (thử nghiệm)', source: 'x' });
    assert.equal(cancel.statusCode, 201);
    assert.equal((await due('from=2026-04-24T10:00&workingDays=1')).due, '2026-04-27T10:00:00+07:00');
    await admin({ method: 'DELETE', url: `/api/v1/admin/calendar/adjustments/${cancel.json().id}` });
    for (const [payload, code] of [
      [{ date: '2026-03-04', kind: 'workday', name: 'Làm thứ Tư', source: 'x' }, 'NOT_A_WEEKEND'],
      [{ date: '2026-03-07', kind: 'holiday', name: 'Nghỉ thứ Bảy', source: 'x' }, 'ALREADY_DAY_OFF'],
      [{ date: '2026-03-04', kind: 'not_holiday', name: 'Hủy', source: 'x' }, 'NOT_A_HOLIDAY'],
      [{ date: '2026-02-30', kind: 'holiday', name: 'Ngày không có', source: 'x' }, 'VALIDATION_FAILED'],
      [{ date: '2026-03-04', kind: 'nghi', name: 'Sai loại', source: 'x' }, 'VALIDATION_FAILED'],
      [{ date: '2026-03-04', kind: 'holiday', name: 'Không ghi nguồn' }, 'VALIDATION_FAILED'],
    ] as const) {
      const res = await post(payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().code, code);
      assert.match(res.json().message, VIETNAMESE);
    }
  });

  test('office hours are data: changing them changes the due time', async () => {
    const admin = await signIn(ctx.app, 'admin');
    const put = (periods: object) => admin({ method: 'PUT', url: '/api/v1/admin/calendar/office-hours', payload: { periods } });
    assert.equal(
      (
        await put([
          { start: '08:00', end: '12:00' },
          { start: '11:00', end: '17:00' },
        ])
      ).json().code,
      'INVALID_OFFICE_HOURS',
    );
    assert.equal((await put([{ start: '7:00', end: '12:00' }])).statusCode, 400);
    assert.equal(
      (
        await put([
          { start: '07:00', end: '11:00' },
          { start: '13:00', end: '17:00' },
        ])
      ).statusCode,
      200,
    );
    assert.equal((await due('from=2026-03-02T18:00&workingDays=1')).due, '2026-03-03T17:00:00+07:00');
    assert.equal((await due('from=2026-03-02T09:00&workingHours=3')).due, '2026-03-02T14:00:00+07:00');
    await put([
      { start: '07:00', end: '11:00' },
      { start: '13:00', end: '17:00' },
    ]);
    assert.equal((await due('from=2026-03-02T09:00&workingHours=3')).due, '2026-03-02T14:00:00+07:00');
    assert.equal((await due('from=2026-03-02T09:00&workingHours=4')).due, '2026-03-02T15:00:00+07:00');
  });

  test('only system administrators manage the calendar', async () => {
    const adjustment = { date: '2026-03-03', kind: 'holiday', name: 'Nghỉ', source: 'x' };
    for (const username of ['caikhe.quantri', 'caikhe.motcua']) {
      const user = await signIn(ctx.app, username);
      for (const req of [
        { method: 'GET' as const, url: '/api/v1/admin/calendar/adjustments' },
        { method: 'POST' as const, url: '/api/v1/admin/calendar/adjustments', payload: adjustment },
        { method: 'DELETE' as const, url: '/api/v1/admin/calendar/adjustments/00000000-0000-4000-8000-000000000000' },
        { method: 'PUT' as const, url: '/api/v1/admin/calendar/office-hours', payload: { periods: [{ start: '00:00', end: '23:59' }] } },
      ]) {
        const res = await user(req);
        assert.equal(res.statusCode, 403, `${username} ${req.method} ${req.url}`);
        assert.equal(res.json().code, 'FORBIDDEN');
      }
    }
    assert.equal((await ctx.app.inject({ url: '/api/v1/admin/calendar/adjustments' })).statusCode, 401);
    const [{ n }] = await ctx.db.query('SELECT count(*)::int AS n FROM calendar_adjustments');
    assert.equal(n, 2);
  });
});
