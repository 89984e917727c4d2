// A monthly regime end to end: the August 2026 period opened from the cut-off rule (15/07 → 14/08, due two working
// days after Friday 14/08: Tuesday 18/08), a commune's report pre-filled with what the operations centre shows,
// checked, signed by the commune's chairman, returned once by the province, corrected as version 2, accepted, and
// rolled up with another commune's to the province with drill-down; reminders and late flags; the dictionary.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { agencyIds, eachDatabase, type Requester, signIn } from '../testing/harness.ts';
import { generateDossiers } from '../stats/generate.ts';
import { checkPdfSignatures } from '../signing/verify.ts';
import { indicatorValue, openDuePeriods, remindAndFlag } from './service.ts';
import { dueDate, lastClosedPeriod, periodEnding } from './periods.ts';
import { workingCalendar } from '../calendar/service.ts';

const PERIOD = { from: '2026-07-15', to: '2026-08-14' };

test('Decree 09 cut-offs: monthly 15th → 14th, quarterly, half-yearly, yearly; the period reported on once its cut-off has passed', () => {
  assert.deepEqual(periodEnding('monthly', 15, 2026, 1), { label: 'Tháng 1/2026', startsOn: '2025-12-15', endsOn: '2026-01-14' });
  assert.deepEqual(periodEnding('quarterly', 15, 2026, 3), { label: 'Quý I/2026', startsOn: '2025-12-15', endsOn: '2026-03-14' });
  assert.deepEqual(periodEnding('half_yearly', 15, 2026, 12), { label: '6 tháng cuối năm 2026', startsOn: '2026-06-15', endsOn: '2026-12-14' });
  assert.deepEqual(periodEnding('yearly', 15, 2026, 12), { label: 'Năm 2026', startsOn: '2025-12-15', endsOn: '2026-12-14' });
  assert.deepEqual(periodEnding('monthly', 1, 2026, 2), { label: 'Tháng 2/2026', startsOn: '2026-02-01', endsOn: '2026-02-28' });
  assert.equal(lastClosedPeriod('monthly', 15, '2026-08-14').endsOn, '2026-07-14');
  assert.equal(lastClosedPeriod('monthly', 15, '2026-08-15').endsOn, '2026-08-14');
  assert.equal(lastClosedPeriod('quarterly', 15, '2026-02-01').endsOn, '2025-12-14');
});

eachDatabase('periodic reports', { demo: true }, (ctx) => {
  let ids: Record<string, string>;
  let officer: Requester;
  let chairman: Requester;
  let province: Requester;
  let reportId: string;
  let periodId: string;

  before(async () => {
    ids = await agencyIds(ctx.db);
    await generateDossiers(ctx.db, { count: 400, from: '2026-07-01', to: '2026-08-20', seed: 7 });
    officer = await signIn(ctx.app, 'ninhkieu.chuyenvien');
    chairman = await signIn(ctx.app, 'ninhkieu.lanhdao');
    province = await signIn(ctx.app, 'lanhdao.ubnd');
  });

  const act = (as: Requester, body: object) => as({ method: 'POST', url: `/api/v1/reports/${reportId}/actions`, payload: body });
  const report = async (as: Requester = officer) => (await as({ method: 'GET', url: `/api/v1/reports/${reportId}` })).json();
  const line = (r: { lines: { code: string; values: Record<string, number | null> }[] }, code: string) => r.lines.find((l) => l.code === code)!.values;

  test('the job opens the period whose cut-off has passed, once, due on the working calendar, with a draft for every commune', async () => {
    assert.equal(await openDuePeriods(ctx.db, '2026-08-14'), 1); // July's period (15/06 → 14/07)
    assert.equal(await openDuePeriods(ctx.db, '2026-08-15'), 1);
    assert.equal(await openDuePeriods(ctx.db, '2026-08-16'), 0);
    const [p] = await ctx.db.query(
      `SELECT id, label, starts_on::text AS s, ends_on::text AS e, due_on::text AS d FROM report_periods WHERE ends_on = '2026-08-14'`,
    );
    periodId = p.id;
    assert.deepEqual([p.label, p.s, p.e, p.d], ['Tháng 8/2026', '2026-07-15', '2026-08-14', '2026-08-18']);
    assert.equal(dueDate(await workingCalendar(ctx.db), '2026-08-14', 1), '2026-08-17'); // Friday's cut-off: due Monday
    const list = (await officer({ method: 'GET', url: `/api/v1/reports?periodId=${periodId}` })).json().items;
    assert.deepEqual(
      list.map((r: { agencyName: string; status: string; dueOn: string }) => [r.agencyName, r.status, r.dueOn]),
      [['Ủy ban nhân dân Phường Ninh Kiều', 'draft', '2026-08-18']],
    );
    reportId = list[0].id;
    const all = (await province({ method: 'GET', url: `/api/v1/reports?periodId=${periodId}` })).json().items;
    assert.equal(all.length, 4);
    // The province's one-stop desk is in the recipient's organisation but does not receive reports.
    const desk = await signIn(ctx.app, 'motcua.tt');
    assert.deepEqual((await desk({ method: 'GET', url: `/api/v1/reports?periodId=${periodId}` })).json().items, []);
    assert.equal((await desk({ method: 'GET', url: `/api/v1/reports/${reportId}` })).statusCode, 404);
  });

  test('computed rows are pre-filled with what the operations centre shows for the commune and period; reported rows are empty, not 0', async () => {
    const ioc = (await province({ method: 'GET', url: `/api/v1/stats/summary?from=${PERIOD.from}&to=${PERIOD.to}&agency=${ids['H13.101']}` })).json();
    const r = await report();
    assert.ok(ioc.received.total > 0, JSON.stringify(r));
    assert.equal(line(r, 'TTHC.RECEIVED').current, ioc.received.total);
    assert.equal(line(r, 'TTHC.RECEIVED').computed, ioc.received.total);
    const onTime = ioc.onTimeRatio === null ? null : Math.round(ioc.onTimeRatio * 10000) / 100;
    assert.equal(line(r, 'TTHC.ON_TIME').current, onTime);
    assert.equal(line(r, 'TTHC.INSPECTIONS').current, null);
    assert.ok(r.checks.errors.some((e: { indicator: string }) => e.indicator === 'TTHC.INSPECTIONS'));
    assert.deepEqual(
      r.allowedActions.map((a: { action: string }) => a.action),
      ['save'], // submitting waits for the missing figures
    );
  });

  test('a report with missing figures cannot be submitted; an unknown indicator writes nothing', async () => {
    const refused = await act(officer, { action: 'submit' });
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().code, 'REPORT_INVALID');
    const before = (await report()).revision;
    const unknown = await officer({
      method: 'PUT',
      url: `/api/v1/reports/${reportId}/values`,
      payload: { entries: { 'TTHC.INSPECTIONS': { current: 1 }, 'KHONG.CO': { current: 2 } } },
    });
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().code, 'UNKNOWN_INDICATOR');
    const r = await report();
    assert.equal(r.revision, before);
    assert.equal(line(r, 'TTHC.INSPECTIONS').current, null);
  });

  test('filled, submitted, signed by the chairman; returned once with reasons, corrected as version 2, accepted', async () => {
    const fill = (complaints: number) =>
      officer({
        method: 'PUT',
        url: `/api/v1/reports/${reportId}/values`,
        payload: {
          entries: { 'TTHC.INSPECTIONS': { current: 0, plan: 1 }, 'TTHC.COMPLAINTS_RECEIVED': { current: 4 }, 'TTHC.COMPLAINTS': { current: complaints } },
          narrative: 'Tiếp nhận, giải quyết đúng quy định.',
        },
      });
    assert.equal((await fill(1)).statusCode, 204);
    let r = await report();
    assert.equal(line(r, 'TTHC.INSPECTIONS').current, 0); // zero typed is zero
    assert.equal(line(r, 'TTHC.COMPLAINTS_SHARE').current, 25);
    assert.deepEqual(r.checks.errors, []);
    assert.equal((await act(officer, { action: 'submit' })).statusCode, 204);
    assert.equal((await act(officer, { action: 'sign' })).statusCode, 403); // a specialist does not sign
    assert.equal((await act(province, { action: 'accept' })).statusCode, 409); // not signed yet
    assert.equal((await act(chairman, { action: 'sign' })).statusCode, 204);
    const pdf = await chairman({ method: 'GET', url: `/api/v1/reports/${reportId}/versions/1/pdf` });
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    const [sig] = checkPdfSignatures(pdf.rawPayload, []);
    assert.ok(sig.intact);
    assert.match(sig.signer!.subject.CN, /Chủ tịch UBND Phường Ninh Kiều/);
    assert.equal((await act(officer, { action: 'return', reason: 'x' })).statusCode, 403); // only the recipient returns it
    assert.equal((await act(province, { action: 'return', reason: 'Số phản ánh đã xử lý chưa khớp sổ theo dõi.' })).statusCode, 204);
    r = await report();
    assert.equal(r.status, 'returned');
    assert.deepEqual(
      r.allowedActions.map((a: { action: string }) => a.action),
      ['correct'],
    );
    assert.equal((await act(officer, { action: 'correct' })).statusCode, 204);
    assert.equal((await fill(4)).statusCode, 204);
    assert.equal((await act(officer, { action: 'submit' })).statusCode, 204);
    assert.equal((await act(chairman, { action: 'sign' })).statusCode, 204);
    assert.equal((await act(province, { action: 'accept', note: 'Đã tiếp nhận.' })).statusCode, 204);
    r = await report(province);
    assert.equal(r.status, 'accepted');
    assert.equal(r.version, 2);
    assert.deepEqual(
      r.versions.map((v: { version: number; signed: boolean; returnedReason: string | null }) => [v.version, v.signed, v.returnedReason]),
      [
        [1, true, 'Số phản ánh đã xử lý chưa khớp sổ theo dõi.'],
        [2, true, null],
      ],
    );
    assert.deepEqual(
      r.history.map((h: { action: string }) => h.action),
      ['submit', 'sign', 'return', 'correct', 'submit', 'sign', 'accept'],
    );
    assert.equal(line(r, 'TTHC.COMPLAINTS_SHARE').current, 100);
  });

  test('reports roll up commune → province with drill-down; official values count accepted reports only; missing stays null', async () => {
    // A second commune sends its report (signed, not yet accepted).
    const caiKhe = await signIn(ctx.app, 'caikhe.chuyenvien');
    const [mine] = (await caiKhe({ method: 'GET', url: `/api/v1/reports?periodId=${periodId}` })).json().items;
    const put = await caiKhe({
      method: 'PUT',
      url: `/api/v1/reports/${mine.id}/values`,
      payload: { entries: { 'TTHC.INSPECTIONS': { current: 2 }, 'TTHC.COMPLAINTS_RECEIVED': { current: 6 }, 'TTHC.COMPLAINTS': { current: 2 } } },
    });
    assert.equal(put.statusCode, 204);
    assert.equal((await caiKhe({ method: 'POST', url: `/api/v1/reports/${mine.id}/actions`, payload: { action: 'submit' } })).statusCode, 204);
    const leader = await signIn(ctx.app, 'caikhe.lanhdao');
    assert.equal((await leader({ method: 'POST', url: `/api/v1/reports/${mine.id}/actions`, payload: { action: 'sign' } })).statusCode, 204);

    const up = (await province({ method: 'GET', url: `/api/v1/report-periods/${periodId}/rollup` })).json();

    assert.equal(up.agency.name, 'Ủy ban nhân dân Thành phố Cần Thơ');
    assert.deepEqual([up.units.total, up.units.sent, up.units.accepted], [4, 2, 1]);
    const total = (code: string) => up.lines.find((l: { code: string }) => l.code === code).values.current;
    assert.equal(total('TTHC.INSPECTIONS'), 2); // 0 + 2
    assert.equal(total('TTHC.COMPLAINTS_SHARE'), 60); // (4 + 2) / (4 + 6)
    assert.ok(!up.lines.some((l: { code: string }) => l.code === 'CDS.DIGITAL_TEAMS')); // not on this form
    const ioc = (await province({ method: 'GET', url: `/api/v1/stats/summary?from=${PERIOD.from}&to=${PERIOD.to}` })).json();
    assert.equal(total('TTHC.ONLINE_E2E'), ioc.shares.fullOnline.ratio === null ? null : Math.round(ioc.shares.fullOnline.ratio * 10000) / 100);
    const children = Object.fromEntries(up.children.map((c: { name: string; status: string }) => [c.name, c.status]));
    assert.deepEqual(children, {
      'Ủy ban nhân dân Phường Ninh Kiều': 'Đã tiếp nhận',
      'Ủy ban nhân dân Phường Cái Khế': 'Đã ký, chờ nơi nhận tiếp nhận',
      'Ủy ban nhân dân Phường Cái Răng': 'Đang soạn',
      'Ủy ban nhân dân Xã Phong Điền': 'Đang soạn',
    });
    const drill = (await province({ method: 'GET', url: `/api/v1/report-periods/${periodId}/rollup?agencyId=${ids['H13.102']}` })).json();
    assert.equal(drill.lines.find((l: { code: string }) => l.code === 'TTHC.COMPLAINTS_SHARE').values.current, 33.33);
    // A commune sees its own roll-up, not the province's (unknown to it).
    assert.equal((await officer({ method: 'GET', url: `/api/v1/report-periods/${periodId}/rollup` })).json().agency.name, 'Ủy ban nhân dân Phường Ninh Kiều');
    assert.equal((await officer({ method: 'GET', url: `/api/v1/report-periods/${periodId}/rollup?agencyId=${ids.H13}` })).statusCode, 404);

    assert.equal(await indicatorValue(ctx.db, 'TTHC.COMPLAINTS', PERIOD), 4); // Cái Khế's is not accepted yet
    assert.equal(await indicatorValue(ctx.db, 'CDS.DIGITAL_TEAMS', PERIOD), null);
    assert.equal(await indicatorValue(ctx.db, 'TTHC.RECEIVED', PERIOD, { agencyId: ids['H13.101'] }), line(await report(), 'TTHC.RECEIVED').computed);
  });

  test('units near the due date are reminded once, and flagged once when it passes', async () => {
    // July's four drafts are past their due date already.
    assert.deepEqual(await remindAndFlag(ctx.db, '2026-08-15'), { reminded: 0, late: 4 });
    assert.deepEqual(await remindAndFlag(ctx.db, '2026-08-16'), { reminded: 2, late: 0 }); // Cái Răng, Phong Điền (drafts)
    assert.deepEqual(await remindAndFlag(ctx.db, '2026-08-17'), { reminded: 0, late: 0 });
    assert.deepEqual(await remindAndFlag(ctx.db, '2026-08-19'), { reminded: 0, late: 2 });
    const cairang = await signIn(ctx.app, 'cairang.chuyenvien');
    const [r] = (await cairang({ method: 'GET', url: `/api/v1/reports?periodId=${periodId}` })).json().items;
    assert.equal(r.late, true);
    const history = (await cairang({ method: 'GET', url: `/api/v1/reports/${r.id}` })).json().history;
    assert.deepEqual(
      history.map((h: { action: string; note: string }) => [h.action, h.note]),
      [
        ['remind', 'Nhắc hạn gửi báo cáo (hạn 18/08/2026)'],
        ['late', 'Quá hạn gửi báo cáo (hạn 18/08/2026)'],
      ],
    );
  });

  test('the dictionary is year-versioned and edited by system administrators only', async () => {
    const body = {
      name: 'Số cuộc kiểm tra, giám sát giải quyết TTHC',
      unit: 'cuộc',
      area: 'Hành chính công',
      definition: 'Kiểm tra và giám sát.',
      formula: 'Σ cuộc',
      aggregation: 'sum',
      disaggregations: ['commune'],
      source: 'reported',
    };
    assert.equal((await province({ method: 'PUT', url: '/api/v1/indicators/TTHC.INSPECTIONS/2027', payload: body })).statusCode, 403);
    const admin = await signIn(ctx.app, 'admin');
    assert.equal((await admin({ method: 'PUT', url: '/api/v1/indicators/TTHC.INSPECTIONS/2027', payload: body })).statusCode, 200);
    const bad = await admin({ method: 'PUT', url: '/api/v1/indicators/X.NEW/2027', payload: { ...body, source: 'computed', computedBy: 'nothing' } });
    assert.equal(bad.json().code, 'INVALID_COMPUTATION');
    const name = async (y: number) =>
      (await admin({ method: 'GET', url: `/api/v1/indicators?year=${y}` })).json().items.find((i: { code: string }) => i.code === 'TTHC.INSPECTIONS').name;
    assert.equal(await name(2026), 'Số cuộc kiểm tra việc giải quyết thủ tục hành chính');
    assert.equal(await name(2028), body.name);
  });
});
