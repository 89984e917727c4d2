import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import ExcelJS from 'exceljs';
import { agencyIds, eachDatabase, signIn, type Requester, citizenSignIn } from '../testing/harness.ts';
import type { ProcedureContent } from '../catalog/types.ts';
import { workingCalendar } from '../calendar/service.ts';
import { DEMO_PASSWORD } from '../demo/seed.ts';
import type { DossierEventRecord } from '../dossiers/hooks.ts';
import { importDossiers, linesOf, type ImportLine } from '../dossiers/import.ts';
import { addDays, vietnamDate } from '../shared/time.ts';
import type { Row } from '../db/index.ts';
import { prng } from './generate.ts';
import { periodParts, sums as periodSums } from './query.ts';
import { recomputeStatistics, recordDossierStatistics, recordImportedRows, refreshOpenDossiers, statisticsSnapshot } from './service.ts';

/** Rows present or different on one side only, keyed by the aggregate's grain: a readable failure. */
function rowDifferences(recomputed: Row[], incremental: Row[]) {
  const key = (r: Row) => `${r.grain}|${r.day}|${r.dossier_id}|${r.agency_id}|${r.procedure_id}|${r.channel}`;
  const other = new Map(incremental.map((r) => [key(r), JSON.stringify(r)]));
  const out: string[] = [];
  for (const r of recomputed) {
    const k = key(r);
    if (other.get(k) !== JSON.stringify(r)) out.push(`recomputed ${JSON.stringify(r)} / incremental ${other.get(k) ?? 'none'}`);
    other.delete(k);
  }
  for (const v of other.values()) out.push(`incremental only ${v}`);
  return out;
}

eachDatabase('statistics', { demo: true }, (ctx) => {
  let ids: Record<string, string>;
  let procedureId: string;
  const applicant = { name: 'Phạm Văn Bình', idNumber: '092190004321', address: 'Phường Cái Khế, Thành phố Cần Thơ', phone: '0912345670' };
  const formData = { hoTenTre: 'Phạm Minh Khôi', ngaySinh: '2026-11-01' };

  before(async () => {
    ids = await agencyIds(ctx.db);
    const admin = await signIn(ctx.app, 'admin');
    const base = (await ctx.app.inject({ url: '/api/v1/procedures/1.001193' })).json().content as ProcedureContent;
    const content: ProcedureContent = {
      ...base,
      nationalCode: '2.999600',
      name: 'Thủ tục thống kê thử nghiệm',
      onlineLevel: 'full',
      processingTime: { value: 5, unit: 'working_days' },
      workflow: [
        { key: 'receive', name: 'Tiếp nhận hồ sơ', role: 'counter_officer', hours: 4 },
        { key: 'review', name: 'Thẩm định hồ sơ', role: 'specialist', hours: 16 },
        { key: 'approve', name: 'Phê duyệt', role: 'agency_leader', hours: 8 },
      ],
      components: [{ name: 'Tờ khai', originals: 1, copies: 0, required: false }],
      formSchema: { type: 'object', required: ['hoTenTre'], properties: { hoTenTre: { type: 'string' }, ngaySinh: { type: 'string' } } },
    };
    const created = await admin({ method: 'POST', url: '/api/v1/admin/procedures', payload: { agencyId: ids.H13, content } });
    assert.equal(created.statusCode, 201, created.body);
    procedureId = created.json().id;
    await admin({ method: 'POST', url: `/api/v1/admin/procedures/${procedureId}/publish` });
  });

  const ok = async (p: PromiseLike<{ statusCode: number; body: string }> | { statusCode: number; body: string }) => {
    const res = await p;
    assert.equal(res.statusCode < 300, true, res.body);
    return JSON.parse(res.body);
  };

  test('hand-built histories through the HTTP API give the known indicators; access and validation', async () => {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const specialist = await signIn(ctx.app, 'caikhe.chuyenvien');
    const leader = await signIn(ctx.app, 'caikhe.lanhdao');
    const ioc = await signIn(ctx.app, 'ioc');
    const person = await citizenSignIn(ctx.app, applicant.idNumber, applicant.name);
    const submit = (who: Requester, channel: string) =>
      ok(who({ method: 'POST', url: '/api/v1/dossiers', payload: { procedureId, agencyId: ids['H13.102'], applicant, formData, channel, files: [] } }));
    const act = (who: Requester, id: string, body: object) => ok(who({ method: 'POST', url: `/api/v1/dossiers/${id}/actions`, payload: body }));
    const finish = async (id: string) => {
      await act(specialist, id, { action: 'forward' }); // thẩm định → phê duyệt
      await act(leader, id, { action: 'forward' }); // phê duyệt → Đã xử lý xong (approve)
    };

    // D1 counter: finished early, result returned (10 after 9 counts once).
    const d1 = (await submit(counter, 'counter')).id;
    await finish(d1);
    await act(counter, d1, { action: 'return_result', method: 'counter' });
    // D2 post: received, left open in time.
    await submit(counter, 'post');
    // D3 online: accepted, one supplement request, supplemented, an apology slip; left open.
    const d3 = (await submit(person, 'online')).id;
    await act(counter, d3, { action: 'accept' });
    await act(counter, d3, { action: 'request_supplement', reasons: ['Bổ sung giấy tờ'] });
    await act(person, d3, { action: 'submit_supplement', note: 'Đã bổ sung' });
    const due3 = (await ok(leader({ url: `/api/v1/dossiers/${d3}` }))).dueAt;
    await act(leader, d3, { action: 'apologize', reason: 'Cần xác minh thêm', newDueAt: new Date(new Date(due3).getTime() + 3 * 86_400_000).toISOString() });
    // D4 counter: a second supplement request (old rules; the service refuses it now) makes it late.
    const d4 = (await submit(counter, 'counter')).id;
    await ctx.db.query('UPDATE dossiers SET supplement_requests = 2 WHERE id = $1', [d4]);
    await finish(d4);
    // D5 counter: finished on its due date → on time.
    const d5 = (await submit(counter, 'counter')).id;
    await ctx.db.query(`UPDATE dossiers SET due_at = $2, original_due_at = $2 WHERE id = $1`, [d5, `${vietnamDate(new Date())}T23:59:59+07:00`]);
    await finish(d5);
    // D6 online, refused at reception: finished, not classified, never received.
    const d6 = (await submit(person, 'online')).id;
    await act(counter, d6, { action: 'refuse', reasons: ['Không thuộc thẩm quyền'] });
    // D7 overdue and D8 at risk (deadlines moved in the database).
    const d7 = (await submit(counter, 'counter')).id;
    await ctx.db.query(`UPDATE dossiers SET due_at = now() - interval '1 hour', original_due_at = now() - interval '1 hour' WHERE id = $1`, [d7]);
    const d8 = (await submit(counter, 'counter')).id;
    const [{ received_at: received8 }] = await ctx.db.query('SELECT received_at FROM dossiers WHERE id = $1', [d8]);
    await ctx.db.query(
      `UPDATE dossiers SET received_at = now() - interval '60 days', due_at = now() + interval '2 hours', original_due_at = now() + interval '2 hours' WHERE id = $1`,
      [d8],
    );
    await refreshOpenDossiers(ctx.db, [d7, d8]);

    const today = vietnamDate(new Date());
    const url = (q: string) => `/api/v1/stats/summary?${q}`;
    const s = await ok(ioc({ url: url(`from=${today}&to=${today}&procedure=${procedureId}`) }));
    assert.deepEqual(s.received, { total: 7, online: 1, counter: 5, post: 1 });
    assert.deepEqual(s.finished, { total: 4, early: 1, onTime: 1, late: 1, other: 1 });
    // National formula: the four dossiers still open at the end of the period count, three of them in time.
    assert.deepEqual(s.openAtEnd, { total: 4, inTime: 3, late: 1 });
    assert.equal(s.onTimeRatio, (2 + 3) / (3 + 4));
    assert.equal(s.supplementRequests, 1);
    assert.equal(s.apologies, 1);
    assert.ok(s.averageWorkingDays >= 0 && s.averageWorkingDays < 0.01, String(s.averageWorkingDays));
    assert.deepEqual(s.open, { inTime: 2, atRisk: 1, overdue: 1 });
    // Back to its true reception time, which the counters recorded (the recomputation below reads the row).
    await ctx.db.query('UPDATE dossiers SET received_at = $2 WHERE id = $1', [d8, received8]);
    await refreshOpenDossiers(ctx.db, [d8]);

    // Historical import: a past month with known processing times; counted by recordImportedDossiers.
    const past = (code: string, over: Partial<ImportLine>): ImportLine => ({
      code,
      procedureCode: '2.999600',
      agencyCode: 'H13.102',
      channel: 'counter',
      status: 9,
      applicant,
      submittedAt: '2025-03-03T08:00:00+07:00',
      receivedAt: '2025-03-03T08:00:00+07:00',
      dueAt: '2025-03-10T17:00:00+07:00',
      finishedAt: '2025-03-05T08:00:00+07:00',
      events: [],
      ...over,
    });
    const lines = [
      past('TK-1', { status: 10, returnedAt: '2025-03-06T09:00:00+07:00' }), // early
      past('TK-2', { channel: 'online', supplementRequests: 2, finishedAt: '2025-03-04T10:00:00+07:00' }), // late: two supplements
      past('TK-3', { channel: 'post', status: 3, dueAt: null, finishedAt: '2025-03-04T09:00:00+07:00' }), // refused
    ];
    const report = await importDossiers(ctx.db, linesOf(lines.map((l) => JSON.stringify(l)).join('\n')));
    assert.equal(report.imported, 3, JSON.stringify(report));
    const cal = await workingCalendar(ctx.db);
    const hours =
      cal.workingHoursBetween(new Date('2025-03-03T08:00:00+07:00'), new Date('2025-03-05T08:00:00+07:00')) +
      cal.workingHoursBetween(new Date('2025-03-03T08:00:00+07:00'), new Date('2025-03-04T10:00:00+07:00'));
    const m = await ok(ioc({ url: url(`from=2025-03-01&to=2025-03-31&agency=${ids['H13.102']}`) }));
    assert.deepEqual(m.received, { total: 3, online: 1, counter: 1, post: 1 });
    assert.deepEqual(m.finished, { total: 3, early: 1, onTime: 0, late: 1, other: 1 });
    assert.equal(m.onTimeRatio, 0.5);
    assert.equal(m.supplementRequests, 2);
    assert.equal(m.averageWorkingDays, Math.round((hours / (cal.dayMs / 3600_000) / 2) * 100) / 100);
    assert.ok(m.averageWorkingDays > 1);
    // A day inside the month: received on the 3rd, nothing finished that day.
    const d = await ok(ioc({ url: url('from=2025-03-03&to=2025-03-03') }));
    assert.equal(d.received.total, 3);
    assert.equal(d.finished.total, 0);
    // Unfinished at the end of that day: judged then; the one with two supplement requests is already late.
    assert.deepEqual(d.openAtEnd, { total: 3, inTime: 2, late: 1 });
    assert.equal(d.onTimeRatio, 2 / 3);
    assert.equal(d.carriedOver, 0);
    const next = await ok(ioc({ url: url('from=2025-03-04&to=2025-03-04') }));
    assert.equal(next.carriedOver, 3);
    assert.equal(d.averageWorkingDays, null);

    // The incremental counters equal a full recomputation.
    const incremental = await statisticsSnapshot(ctx.db);
    await recomputeStatistics(ctx.db);
    assert.deepEqual(await statisticsSnapshot(ctx.db), incremental);

    // Access: anonymous 401, a counter officer 403, an agency leader only their own organisation.
    assert.equal((await ctx.app.inject({ url: url(`from=${today}&to=${today}`) })).statusCode, 401);
    assert.equal((await counter({ url: url(`from=${today}&to=${today}`) })).statusCode, 403);
    const own = await ok(leader({ url: url(`from=${today}&to=${today}`) }));
    assert.equal(own.agency, ids['H13.102']);
    assert.equal(own.received.total, 7);
    const other = await signIn(ctx.app, 'stp.lanhdao');
    const theirs = await ok(other({ url: url(`from=${today}&to=${today}`) }));
    assert.equal(theirs.received.total, 0);
    assert.equal((await other({ url: url(`from=${today}&to=${today}&agency=${ids['H13.102']}`) })).statusCode, 403);
    assert.equal((await ok(await signIn(ctx.app, 'admin').then((a) => a({ url: url(`from=${today}&to=${today}`) })))).received.total >= 7, true);

    // Every bad query is a 400 with a Vietnamese message.
    for (const q of [
      'to=2025-01-01',
      'from=2025-01-01',
      'from=2025-13-01&to=2025-12-31',
      'from=2025-02-01&to=2025-01-01',
      'from=2025-01-01&to=2025-01-31&agency=abc',
      'from=2025-01-01&to=2025-01-31&procedure=1',
      'from=2025-01-01&to=2025-01-31&x=1',
      'from=1990-01-01&to=2025-01-01',
    ]) {
      const res = await ioc({ url: url(q) });
      assert.equal(res.statusCode, 400, `${q}: ${res.body}`);
      const body = res.json();
      assert.deepEqual(Object.keys(body).sort(), ['code', 'details', 'message'], q);
      assert.match(body.message, /[àáảãạâấầăắđêếệôốơớưứ]/i, q);
    }
  });

  test('the on-time rule without loopholes: stopped and withdrawn after acceptance are judged at their end, an apology does not rescue a late dossier; the IOC ratio counts them so', async () => {
    const counter = await signIn(ctx.app, 'cairang.motcua');
    const specialist = await signIn(ctx.app, 'cairang.chuyenvien');
    const leader = await signIn(ctx.app, 'cairang.lanhdao');
    const ioc = await signIn(ctx.app, 'ioc');
    const person = await citizenSignIn(ctx.app, '092190004999', 'Tạ Văn Mười');
    const submit = async (who: Requester, channel: string) =>
      (
        await ok(
          who({
            method: 'POST',
            url: '/api/v1/dossiers',
            payload: { procedureId, agencyId: ids['H13.103'], applicant: { name: 'Tạ Văn Mười', idNumber: '092190004999' }, formData, channel, files: [] },
          }),
        )
      ).id as string;
    const act = (who: Requester, id: string, body: object) => ok(who({ method: 'POST', url: `/api/v1/dossiers/${id}/actions`, payload: body }));
    const view = (id: string) => ok(counter({ url: `/api/v1/dossiers/${id}` }));
    /** The first appointment has passed (time moved on in the database): the on-time rule judges against it. */
    const pastFirstAppointment = (id: string) => ctx.db.query(`UPDATE dossiers SET original_due_at = now() - interval '1 hour' WHERE id = $1`, [id]);
    const apologise = async (id: string) => {
      const d = await view(id);
      await act(leader, id, {
        action: 'apologize',
        reason: 'Chờ kết quả xác minh',
        newDueAt: new Date(new Date(d.dueAt).getTime() + 7 * 86_400_000).toISOString(),
      });
    };

    // S1 stopped before its appointment (5 working days ahead): judged early.
    const s1 = await submit(counter, 'counter');
    await act(counter, s1, { action: 'stop', reason: 'Hồ sơ có dấu hiệu giả mạo' });
    // S2 stopped after its appointment had passed: judged late.
    const s2 = await submit(counter, 'counter');
    await ctx.db.query(`UPDATE dossiers SET due_at = now() - interval '1 hour', original_due_at = now() - interval '1 hour' WHERE id = $1`, [s2]);
    await act(counter, s2, { action: 'stop', reason: 'Dừng theo văn bản của cơ quan có thẩm quyền' });
    // W1 withdrawn at the counter after acceptance: the request (7) and the stop (8) together; judged early.
    const w1 = await submit(counter, 'counter');
    await act(counter, w1, { action: 'withdraw', reason: 'Không còn nhu cầu' });
    // W2 withdrawn online before acceptance, confirmed by the officer: never judged (other). R1 refused at reception: other.
    const w2 = await submit(person, 'online');
    await act(person, w2, { action: 'withdraw', reason: 'Nộp nhầm thủ tục' });
    await act(counter, w2, { action: 'stop', reason: 'Xác nhận công dân rút hồ sơ' });
    const r1 = await submit(person, 'online');
    await act(counter, r1, { action: 'refuse', reasons: ['Không thuộc thẩm quyền'] });
    // A1 apologised with a new appointment a week later, finished after the first one: late stays late.
    const a1 = await submit(counter, 'counter');
    await apologise(a1);
    await pastFirstAppointment(a1);
    await act(specialist, a1, { action: 'forward' });
    await act(leader, a1, { action: 'forward', note: 'Đồng ý cấp' });
    // A2 apologised, still open after its first appointment: overdue, although the citizen's new date is ahead.
    const a2 = await submit(counter, 'counter');
    await apologise(a2);
    await pastFirstAppointment(a2);
    await refreshOpenDossiers(ctx.db, [a2]);
    // O1 open, in time.
    const o1 = await submit(counter, 'counter');

    const timeliness = async (id: string) => (await view(id)).timeliness;
    assert.deepEqual(await Promise.all([s1, s2, w1, w2, r1, a1, a2, o1].map(timeliness)), ['early', 'late', 'early', null, null, 'late', 'overdue', 'in_time']);
    const w1Events = (await view(w1)).events.map((e: Row) => [e.action, e.toStatus]);
    assert.deepEqual(w1Events.slice(-2), [
      ['withdraw', 7],
      ['stop', 8],
    ]);
    assert.ok(new Date((await view(a2)).dueAt) > new Date(), 'the citizen keeps the new appointment');
    const inbox = (await ok(specialist({ url: '/api/v1/inbox' }))).items;
    assert.equal(inbox.find((d: Row) => d.id === a2).timeliness, 'overdue', 'the inbox flags it by the same rule');

    // By hand: judged finishes S1, W1 early; S2, A1 late; W2, R1 other. Open at the end of today: A2 late, O1 in time.
    // Ratio = (early + on time + open in time) / (judged finishes + open) = (2 + 0 + 1) / (4 + 2).
    const today = vietnamDate(new Date());
    const s = await ok(ioc({ url: `/api/v1/stats/summary?from=${today}&to=${today}&agency=${ids['H13.103']}&procedure=${procedureId}` }));
    assert.deepEqual(s.finished, { total: 6, early: 2, onTime: 0, late: 2, other: 2 });
    assert.deepEqual(s.openAtEnd, { total: 2, inTime: 1, late: 1 });
    assert.equal(s.onTimeRatio, 3 / 6);
    assert.equal(s.open.overdue, 1);
    const drill = async (indicator: string) =>
      (
        await ok(ioc({ url: `/api/v1/stats/dossiers?from=${today}&to=${today}&agency=${ids['H13.103']}&procedure=${procedureId}&indicator=${indicator}` }))
      ).items
        .map((i: Row) => i.id)
        .sort();
    assert.deepEqual(await drill('late'), [s2, a1].sort());
    assert.deepEqual(await drill('early'), [s1, w1].sort());
    assert.deepEqual(await drill('finished_other'), [w2, r1].sort());
    assert.deepEqual(await drill('overdue'), [a2]);
    // The live counters equal a recomputation from the rows and events.
    const incremental = await statisticsSnapshot(ctx.db);
    await recomputeStatistics(ctx.db);
    assert.deepEqual(rowDifferences(await statisticsSnapshot(ctx.db), incremental), []);
    // Nothing left open here for the tests that follow.
    for (const id of [a2, o1]) await act(counter, id, { action: 'stop', reason: 'Kết thúc thử nghiệm' });
  });

  test('on-time rule edge cases on imported histories: carried over, unfinished at the end, second supplement; trend, breakdown, drill-down, 766, public', async () => {
    const ioc = await signIn(ctx.app, 'ioc');
    // June 2025 in two communes; times in Vietnam. Known answers worked out by hand below.
    const line = (code: string, agencyCode: string, over: Partial<ImportLine>): ImportLine => ({
      code,
      procedureCode: '2.999600',
      agencyCode,
      channel: 'counter',
      status: 9,
      applicant,
      submittedAt: '2025-06-02T08:00:00+07:00',
      receivedAt: '2025-06-02T08:00:00+07:00',
      dueAt: '2025-06-06T17:00:00+07:00',
      events: [],
      ...over,
    });
    const lines = [
      line('EC-A', 'H13.102', { finishedAt: '2025-06-05T10:00:00+07:00' }), // early
      line('EC-B', 'H13.102', { finishedAt: '2025-06-06T16:00:00+07:00' }), // on time: on the due date, before the due time
      line('EC-C', 'H13.102', { finishedAt: '2025-06-09T09:00:00+07:00' }), // late
      line('EC-D', 'H13.102', { channel: 'online', supplementRequests: 2, finishedAt: '2025-06-03T09:00:00+07:00' }), // late: asked twice
      line('EC-E', 'H13.101', {
        status: 4,
        submittedAt: '2025-06-20T08:00:00+07:00',
        receivedAt: '2025-06-20T08:00:00+07:00',
        dueAt: '2025-07-10T17:00:00+07:00',
      }), // open, in time at 30/6
      line('EC-F', 'H13.101', {
        status: 4,
        submittedAt: '2025-06-10T08:00:00+07:00',
        receivedAt: '2025-06-10T08:00:00+07:00',
        dueAt: '2025-06-20T17:00:00+07:00',
      }), // open, late at 30/6
      line('EC-G', 'H13.102', {
        submittedAt: '2025-05-26T08:00:00+07:00',
        receivedAt: '2025-05-26T08:00:00+07:00',
        dueAt: '2025-06-03T17:00:00+07:00',
        finishedAt: '2025-06-04T09:00:00+07:00',
      }), // carried over, late
      line('EC-H', 'H13.102', {
        submittedAt: '2025-05-28T08:00:00+07:00',
        receivedAt: '2025-05-28T08:00:00+07:00',
        dueAt: '2025-06-10T17:00:00+07:00',
        finishedAt: '2025-06-05T09:00:00+07:00',
      }), // carried over, early
    ];
    const report = await importDossiers(
      ctx.db,
      lines.map((l) => JSON.stringify(l)),
    );
    assert.equal(report.imported, lines.length, JSON.stringify(report));
    const scope = `procedure=${procedureId}`;
    const june = await ok(ioc({ url: `/api/v1/stats/summary?from=2025-06-01&to=2025-06-30&${scope}` }));
    assert.deepEqual(june.received, { total: 6, online: 1, counter: 5, post: 0 });
    assert.equal(june.carriedOver, 2);
    assert.deepEqual(june.finished, { total: 6, early: 2, onTime: 1, late: 3, other: 0 });
    assert.deepEqual(june.openAtEnd, { total: 2, inTime: 1, late: 1 });
    assert.equal(june.onTimeRatio, (2 + 1 + 1) / (6 + 2));
    assert.deepEqual(june.shares.fullOnline, { numerator: 1, denominator: 6, ratio: 1 / 6, available: true });
    assert.deepEqual(june.shares.satisfaction, { numerator: null, denominator: null, ratio: null, available: false });
    // Satisfaction comes from the ratings kept per agency: held for the province, not for a procedure.
    const province = await ok(ioc({ url: '/api/v1/stats/summary?from=2025-06-01&to=2025-06-30' }));
    assert.deepEqual(province.shares.satisfaction, { numerator: 0, denominator: 0, ratio: null, available: true });
    const may = await ok(ioc({ url: `/api/v1/stats/summary?from=2025-05-01&to=2025-05-31&${scope}` }));
    assert.deepEqual([may.received.total, may.carriedOver, may.finished.total, may.openAtEnd.total, may.onTimeRatio], [2, 0, 0, 2, 1]);
    // Scope by commune: Ninh Kiều holds only the two open ones.
    const ninhKieu = await ok(ioc({ url: `/api/v1/stats/summary?from=2025-06-01&to=2025-06-30&commune=31135&${scope}` }));
    assert.deepEqual([ninhKieu.received.total, ninhKieu.openAtEnd.late, ninhKieu.onTimeRatio], [2, 1, 0.5]);

    const trend = await ok(ioc({ url: `/api/v1/stats/trend?grain=month&from=2025-05-01&to=2025-06-30&${scope}` }));
    assert.deepEqual(trend.points, [
      { period: '2025-05', received: 2, early: 0, onTime: 0, late: 0, onTimeRatio: null },
      { period: '2025-06', received: 6, early: 2, onTime: 1, late: 3, onTimeRatio: 0.5 },
    ]);
    const days = await ok(ioc({ url: `/api/v1/stats/trend?grain=day&from=2025-06-01&to=2025-06-30&${scope}` }));
    assert.equal(days.points.length, 30);
    assert.deepEqual(
      days.points.find((p: { period: string }) => p.period === '2025-06-02'),
      { period: '2025-06-02', received: 4, early: 0, onTime: 0, late: 0, onTimeRatio: null },
    );

    const byAgency = await ok(ioc({ url: `/api/v1/stats/breakdown?by=agency&from=2025-06-01&to=2025-06-30&${scope}` }));
    // Equal ratios: more dossiers received ranks first. Overdue open dossiers are counted now (both of Ninh Kiều's).
    assert.deepEqual(
      byAgency.rows.map((r: Row) => [r.key, r.received, r.onTimeRatio, r.rank]),
      [
        [ids['H13.102'], 4, 0.5, 1],
        [ids['H13.101'], 2, 0.5, 2],
      ],
    );
    assert.equal(byAgency.rows[1].overdueOpen, 2);
    const byCommune = await ok(ioc({ url: `/api/v1/stats/breakdown?by=commune&from=2025-06-01&to=2025-06-30&${scope}` }));
    assert.deepEqual(
      byCommune.rows.map((r: Row) => [r.key, r.name]),
      [
        ['31120', 'Phường Cái Khế'],
        ['31135', 'Phường Ninh Kiều'],
      ],
    );
    const csv = await ioc({ url: `/api/v1/stats/breakdown?by=agency&format=csv&from=2025-06-01&to=2025-06-30&${scope}` });
    assert.match(csv.headers['content-disposition'] as string, /attachment; filename="thong-ke-agency-2025-06-01-2025-06-30.csv"/);
    assert.match(
      csv.body,
      /^\uFEFFHạng,Cơ quan,Mã,Tiếp nhận,Đã giải quyết,Trước hạn,Đúng hạn,Quá hạn,Tỷ lệ đúng hạn \(%\),Đang xử lý quá hạn\r\n1,Ủy ban nhân dân Phường Cái Khế,/,
    );

    // Drill-down: the dossiers behind a number, with the same definitions.
    const codes = async (indicator: string, q = 'from=2025-06-01&to=2025-06-30') =>
      (await ok(ioc({ url: `/api/v1/stats/dossiers?indicator=${indicator}&${q}&${scope}` }))).items.map((i: Row) => i.code).sort();
    assert.deepEqual(await codes('late'), ['EC-C', 'EC-D', 'EC-G']);
    assert.deepEqual(await codes('early'), ['EC-A', 'EC-H']);
    assert.deepEqual(await codes('on_time'), ['EC-B']);
    assert.deepEqual(await codes('received'), ['EC-A', 'EC-B', 'EC-C', 'EC-D', 'EC-E', 'EC-F']);
    const overdue = await ok(ioc({ url: `/api/v1/stats/dossiers?indicator=overdue&from=2025-06-01&to=2025-06-30&${scope}&agency=${ids['H13.101']}` }));
    assert.equal(overdue.total, 2); // both open ones are past their deadline by now
    assert.deepEqual(Object.keys(overdue.items[0]).sort(), [
      'agencyName',
      'code',
      'dueAt',
      'finishedAt',
      'id',
      'procedureName',
      'receivedAt',
      'status',
      'timeliness',
    ]);
    assert.equal(overdue.items[0].timeliness, 'overdue');
    // On to the dossier page, for someone the dossiers module lets see it: the commune's leader, whose drill-down is their own.
    const nk = await signIn(ctx.app, 'ninhkieu.lanhdao');
    const own = await ok(nk({ url: `/api/v1/stats/dossiers?indicator=overdue&from=2025-06-01&to=2025-06-30&${scope}` }));
    assert.deepEqual(own.items.map((i: Row) => i.id).sort(), overdue.items.map((i: Row) => i.id).sort());
    assert.equal((await nk({ url: `/api/v1/dossiers/${own.items[0].id}` })).statusCode, 200);
    // The same list as a spreadsheet with Vietnamese headers.
    const xlsx = await ioc({ url: `/api/v1/stats/dossiers?indicator=late&format=xlsx&from=2025-06-01&to=2025-06-30&${scope}` });
    assert.match(xlsx.headers['content-type'] as string, /spreadsheetml/);
    assert.match(xlsx.headers['content-disposition'] as string, /ho-so-late-2025-06-01-2025-06-30\.xlsx/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    assert.deepEqual((sheet.getRow(1).values as unknown[]).slice(1), [
      'Mã hồ sơ',
      'Thủ tục',
      'Cơ quan giải quyết',
      'Trạng thái',
      'Ngày tiếp nhận',
      'Hẹn trả',
      'Ngày có kết quả',
      'Tiến độ',
    ]);
    const sheetRows = [2, 3, 4].map((n) => (sheet.getRow(n).values as unknown[]).slice(1));
    assert.deepEqual(sheetRows.map((r) => r[0]).sort(), ['EC-C', 'EC-D', 'EC-G']);
    assert.ok(sheetRows.every((r) => r[7] === 'Quá hạn' && r[1] === 'Thủ tục thống kê thử nghiệm'));
    assert.equal(sheetRows.find((r) => r[0] === 'EC-C')![6], '2025-06-09 09:00');
    // A leader of another organisation sees none of them.
    const stp = await signIn(ctx.app, 'stp.lanhdao');
    assert.equal((await ok(stp({ url: `/api/v1/stats/dossiers?indicator=late&from=2025-06-01&to=2025-06-30` }))).total, 0);

    // The 766 index for June: progress 4/8 of 20 points; full online 1/6 of 12; the rest not held or nothing to score.
    const idx = await ok(ioc({ url: '/api/v1/stats/index766?period=2025-06' }));
    const progress = idx.indicators.find((i: Row) => i.key === 'ON_TIME_PROCESSING');
    assert.deepEqual([progress.numerator, progress.denominator, progress.points, progress.maxPoints], [4, 8, 10, 20]);
    const fullOnline = idx.indicators.find((i: Row) => i.key === 'FULL_ONLINE_DOSSIERS');
    assert.deepEqual([fullOnline.numerator, fullOnline.denominator, fullOnline.points], [1, 6, 2]);
    // No feedback in June: 6 points for feedback timeliness ("6 điểm khi không có PAKN"), satisfaction nothing to count.
    const petition = idx.indicators.find((i: Row) => i.key === 'PETITION_PROCESSING_ON_TIME');
    assert.deepEqual([petition.available, petition.numerator, petition.denominator, petition.points], [true, 0, 0, 6]);
    const petitionSatisfaction = idx.indicators.find((i: Row) => i.key === 'PETITION_HANDLING_SATISFACTION');
    assert.deepEqual([petitionSatisfaction.available, petitionSatisfaction.counted, petitionSatisfaction.points], [true, false, 0]);
    assert.equal(
      idx.indicators.reduce((s: number, i: Row) => s + i.maxPoints, 0),
      100,
    );
    // The catalogue's part: every published procedure shows its 7 parts (2 points); online payment: no fee was paid in
    // June (A, B count nothing), so only C, the fixed-fee procedures payable online among those with fees, scores 2,5 × C.
    const published = (await ok(ctx.app.inject({ url: '/api/v1/procedures?pageSize=1' }))).total;
    const content = idx.indicators.find((i: Row) => i.key === 'PUBLIC_CONTENT_FULL');
    assert.deepEqual([content.numerator, content.denominator, content.points, content.counted], [published, published, 2, true]);
    const payment = idx.indicators.find((i: Row) => i.key === 'ONLINE_PAYMENT');
    const [a, b, c] = payment.parts;
    assert.deepEqual([a.denominator, b.denominator], [0, 0]);
    assert.ok(c.numerator > 0 && c.denominator > c.numerator, JSON.stringify(c));
    const paymentPoints = Math.round(2.5 * (c.numerator / c.denominator) * 100) / 100;
    assert.equal(payment.points, paymentPoints);
    const marked = idx.indicators.filter((i: Row) => !i.available).map((i: Row) => [i.key, i.points]);
    assert.equal(marked.length, 6, 'publication timeliness, certified copies, the national store, population data: not held');
    // Sync comes from the sync log: imported histories were never sent to the portal, so nothing counts (0 points).
    const sync = idx.indicators.find((i: Row) => i.key === 'DOSSIER_SYNC');
    assert.deepEqual([sync.available, sync.counted, sync.points], [true, false, 0]);
    assert.ok(marked.every(([, p]: [string, number]) => p === 0));
    assert.deepEqual(idx.total, { points: Math.round((2 + 10 + 2 + paymentPoints + 6) * 100) / 100, maxPoints: 100 });
    // Each agency: its dossiers' points + the catalogue's + 6 for feedback timeliness (none to handle).
    const plus = (n: number) => Math.round((n + 2 + paymentPoints + 6) * 100) / 100;
    assert.deepEqual(
      idx.ranking.map((r: Row) => [r.agencyId, r.points, r.rank]),
      [
        [ids['H13.102'], plus(13), 1],
        [ids['H13.101'], plus(10), 2],
      ],
    );
    assert.equal((await ioc({ url: '/api/v1/stats/index766?period=2025-13' })).statusCode, 400);
    const quarter = await ok(ioc({ url: '/api/v1/stats/index766?period=2025-Q2' }));
    assert.deepEqual([quarter.from, quarter.to], ['2025-04-01', '2025-06-30']);

    // Public, without login: the province's figures with definitions, the ranking, open data, the map.
    const pub = (await ctx.app.inject({ url: '/api/v1/public/stats?from=2025-06-01&to=2025-06-30' })).json();
    const figure = (key: string) => pub.figures.find((f: Row) => f.key === key);
    assert.equal(figure('received').value, 6);
    assert.equal(figure('onTimeRatio').value, 50);
    assert.match(figure('onTimeRatio').definition, /766/);
    assert.deepEqual(
      pub.ranking.map((r: Row) => r.agencyId),
      [ids['H13.102'], ids['H13.101']],
    );
    const open = await ctx.app.inject({ url: '/api/v1/public/stats.csv?from=2025-06-01&to=2025-06-30' });
    assert.equal(open.statusCode, 200);
    assert.match(open.headers['content-type'] as string, /text\/csv/);
    assert.match(open.body, /Chỉ số,onTimeRatio,Tỷ lệ giải quyết đúng hạn,50,%,"?\(Hồ sơ giải quyết trước hạn/);
    const map = (await ctx.app.inject({ url: '/api/v1/public/geo/communes?from=2025-06-01&to=2025-06-30' })).json();
    assert.equal(map.features.length, 103);
    const caiKhe = map.features.find((f: Row) => f.properties.code === '31120');
    assert.deepEqual([caiKhe.properties.name, caiKhe.properties.received, caiKhe.properties.onTimeRatio], ['Phường Cái Khế', 4, 0.5]);
    assert.equal(caiKhe.geometry.type, 'MultiPolygon');
    assert.equal((await ctx.app.inject({ url: '/api/v1/stats/index766?period=2025' })).statusCode, 401);
  });

  test('the CSV downloads show a formula-like agency name as text (OWASP CSV injection)', async () => {
    const ioc = await signIn(ctx.app, 'ioc');
    const [{ name }] = await ctx.db.query(`SELECT name FROM agencies WHERE id = $1`, [ids['H13.102']]);
    await ctx.db.query(`UPDATE agencies SET name = $2, updated_at = now() WHERE id = $1`, [ids['H13.102'], '=HYPERLINK("http://evil.example","Bấm")']);
    try {
      const cell = `"'=HYPERLINK(""http://evil.example"",""Bấm"")"`;
      const breakdown = await ioc({ url: `/api/v1/stats/breakdown?by=agency&format=csv&from=2025-06-01&to=2025-06-30&procedure=${procedureId}` });
      assert.ok(breakdown.body.includes(`\r\n1,${cell},`), breakdown.body);
      const open = await ctx.app.inject({ url: '/api/v1/public/stats.csv?from=2025-06-01&to=2025-06-30' });
      assert.ok(open.body.includes(`,${cell},`), open.body);
    } finally {
      await ctx.db.query(`UPDATE agencies SET name = $2, updated_at = now() WHERE id = $1`, [ids['H13.102'], name]);
    }
  });

  test('waiting for a supplement is not counted against the deadline; the live stream pushes within 2 s', async () => {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const specialist = await signIn(ctx.app, 'caikhe.chuyenvien');
    const leader = await signIn(ctx.app, 'caikhe.lanhdao');
    const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const ioc = await signIn(ctx.app, 'ioc');
    const login = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ioc', password: DEMO_PASSWORD } });
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    const stream = await fetch(`${address}/api/v1/stats/stream`, { headers: { cookie } });
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type')!, /text\/event-stream/);
    const reader = stream.body!.getReader();
    const events: { revision: number; received: number }[] = [];
    const reading = (async () => {
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += new TextDecoder().decode(value);
        for (const m of buffer.matchAll(/event: stats\ndata: (.*)\n\n/g)) events.push({ ...JSON.parse(m[1]), received: Date.now() });
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
      }
    })();
    const waitFor = async (n: number) => {
      for (let i = 0; i < 60 && events.length < n; i++) await new Promise((r) => setTimeout(r, 50));
    };
    await waitFor(1);
    assert.equal(events.length, 1, 'the current revision first');

    const sent = Date.now();
    const created = await ok(
      counter({
        method: 'POST',
        url: '/api/v1/dossiers',
        payload: { procedureId, agencyId: ids['H13.102'], applicant, formData, channel: 'counter', files: [] },
      }),
    );
    await waitFor(2);
    assert.equal(events.length >= 2, true, 'an event after the submission');
    assert.ok(events[1].revision > events[0].revision);
    assert.ok(events[1].received - sent < 2000, `${events[1].received - sent} ms`);
    await reader.cancel();
    await reading.catch(() => undefined);

    // Asked to supplement; the citizen took ten calendar days; the original deadline passed meanwhile.
    const id = created.id;
    await ok(
      counter({ method: 'POST', url: `/api/v1/dossiers/${id}/actions`, payload: { action: 'request_supplement', reasons: ['Thiếu bản sao giấy khai sinh'] } }),
    );
    await ctx.db.query(`UPDATE dossiers SET paused_at = now() - interval '10 days', due_at = now() - interval '1 day' WHERE id = $1`, [id]);
    await ok(counter({ method: 'POST', url: `/api/v1/dossiers/${id}/actions`, payload: { action: 'submit_supplement', note: 'Đã bổ sung' } }));
    await ok(specialist({ method: 'POST', url: `/api/v1/dossiers/${id}/actions`, payload: { action: 'forward' } }));
    await ok(leader({ method: 'POST', url: `/api/v1/dossiers/${id}/actions`, payload: { action: 'forward' } }));
    const today = vietnamDate(new Date());
    const late = (await ok(ioc({ url: `/api/v1/stats/dossiers?indicator=late&from=${today}&to=${today}&procedure=${procedureId}` }))).items.map(
      (i: Row) => i.id,
    );
    const inTime = (await ok(ioc({ url: `/api/v1/stats/dossiers?indicator=early&from=${today}&to=${today}&procedure=${procedureId}` }))).items.map(
      (i: Row) => i.id,
    );
    assert.ok(!late.includes(id) && inTime.includes(id), 'finished after the original deadline but within it once the wait is subtracted');
    await ctx.app.server.close();
  });

  test('shares from live events: stored data reused, fees paid online, results issued signed; the 766 reuse points', async () => {
    const ioc = await signIn(ctx.app, 'ioc');
    const agency = ids['H13.101'];
    // Four counter dossiers submitted on 2024-03-05 (never received: only the events below count for them).
    const dossier = (n: number): Row => ({
      id: randomUUID(),
      code: `TL-${n}`,
      procedure_id: procedureId,
      home_agency_id: agency,
      channel: 'counter',
      status: 9,
      submitted_at: '2024-03-05T02:00:00Z',
      received_at: null,
      due_at: '2024-03-12T10:00:00Z',
      finished_at: '2024-03-07T03:00:00Z',
      supplement_requests: 0,
      paused_hours: 0,
    });
    const [d1, d2, d3, d4] = [1, 2, 3, 4].map(dossier);
    const event = (action: string, data: Record<string, unknown> = {}, actorKind = 'staff', toStatus: number | null = null): DossierEventRecord => ({
      id: 0,
      at: new Date('2024-03-07T03:00:00Z'),
      action,
      actorKind,
      actorName: 'Thử nghiệm',
      fromStatus: null,
      toStatus,
      fromAgency: null,
      toAgency: null,
      note: null,
      data,
    });
    const events: [Row, DossierEventRecord][] = [
      ...(
        [
          [d1, 1],
          [d2, 0],
          [d3, 0],
          [d4, 2],
        ] as const
      ).map(([d, reused]) => [d, event('submit', { files: 1, reusedFromStore: reused })] as [Row, DossierEventRecord]),
      [d1, event('record_payment', {}, 'system')], // VNPay / VietQR settled by the platform
      [d2, event('record_payment', {}, 'staff')], // cash at the desk
      [d3, event('record_payment', {}, 'system')],
      [d1, event('approve', {}, 'staff', 9)],
      [d2, event('approve', {}, 'staff', 9)],
      [d1, event('sign_result', {}, 'staff', 9)],
    ];
    // The rows as well as the hook's counts, so that a recomputation (the property test's) finds the same.
    await ctx.db.transaction(async (tx) => {
      for (const d of [d1, d2, d3, d4]) {
        await tx.query(
          `INSERT INTO dossiers (id, code, procedure_id, procedure_version, home_agency_id, agency_id, receiving_agency_id, channel, status, applicant,
             submitted_at, due_at, original_due_at, finished_at) VALUES ($1, $2, $3, 1, $4, $4, $4, $5, $6, '{"name":"Thử","idNumber":"000000000000"}', $7, $8, $8, $9)`,
          [d.id, d.code, d.procedure_id, d.home_agency_id, d.channel, d.status, d.submitted_at, d.due_at, d.finished_at],
        );
      }
      for (const [d, e] of events) {
        await tx.query(
          `INSERT INTO dossier_events (dossier_id, at, action, actor_kind, actor_name, to_status, data) VALUES ($1, $2, $3, $4, 'Thử nghiệm', $5, $6)`,
          [d.id, e.at, e.action, e.actorKind, e.toStatus, e.data],
        );
        await recordDossierStatistics(tx, d, e);
      }
    });
    const march = await ok(ioc({ url: `/api/v1/stats/summary?from=2024-03-01&to=2024-03-31&agency=${agency}` }));
    const pick = (x: any) => [x.numerator, x.denominator, x.ratio, x.available];
    assert.deepEqual(pick(march.shares.reusedData), [2, 4, 0.5, true]);
    assert.deepEqual(pick(march.shares.paidOnline), [2, 3, 2 / 3, true]);
    assert.deepEqual(pick(march.shares.digitisedResults), [1, 2, 0.5, true]);
    assert.deepEqual(pick(march.shares.digitisedComponents), [4, 4, 1, true]);
    const index = await ok(ioc({ url: `/api/v1/stats/index766?period=2024-03&agency=${agency}` }));
    const reuse = index.indicators.find((i: any) => i.key === 'REUSED_DIGITIZED_DATA');
    assert.deepEqual([reuse.numerator, reuse.denominator, reuse.points, reuse.maxPoints], [2, 4, 1.25, 2]); // min(2; 2 × 50% / 80%)
    // Online payment from the payments: A = 2 of 3 fees paid online; B = 1 of 1 procedure with fees paid had online
    // payments; C from the catalogue. Points = min(10; 6A + min(2; 2,5B) + 2,5C).
    const payment = index.indicators.find((i: any) => i.key === 'ONLINE_PAYMENT');
    const [a, b, c] = payment.parts;
    assert.deepEqual([a.numerator, a.denominator], [2, 3]);
    assert.deepEqual([b.numerator, b.denominator], [1, 1]);
    assert.equal(payment.points, Math.round(Math.min(10, 6 * (2 / 3) + 2 + 2.5 * (c.numerator / c.denominator)) * 100) / 100);
    // Electronic results from the signed result files, not from the return channel: 1 of the 2 approved.
    const results = index.indicators.find((i: any) => i.key === 'ORIGINAL_RESULT_AVAILABLE');
    assert.deepEqual([results.numerator, results.denominator, results.points], [1, 2, 3]);

    // A published procedure without its dossier components or a real "cách thức" is not complete: one fewer of 7 parts.
    const admin = await signIn(ctx.app, 'admin');
    const { content: base, agencyId: owner } = await ok(ctx.app.inject({ url: '/api/v1/procedures/1.001193' }));
    const created = await ok(
      admin({
        method: 'POST',
        url: '/api/v1/admin/procedures',
        payload: { agencyId: owner, content: { ...base, nationalCode: '2.999766', name: 'Thủ tục công khai thiếu', components: [], methods: '  ' } },
      }),
    );
    await ok(admin({ method: 'POST', url: `/api/v1/admin/procedures/${created.id}/publish` }));
    const published = (await ok(ctx.app.inject({ url: '/api/v1/procedures?pageSize=1' }))).total;
    const after = (await ok(ioc({ url: `/api/v1/stats/index766?period=2024-03&agency=${agency}` }))).indicators.find(
      (i: any) => i.key === 'PUBLIC_CONTENT_FULL',
    );
    assert.deepEqual(
      [after.numerator, after.denominator, after.points],
      [published - 1, published, Math.round(((2 * (published - 1)) / published) * 100) / 100],
    );
  });

  test('property: incremental counters equal a full recomputation after ~10,000 random events', async () => {
    const rand = prng(20261122);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const agencies = [ids['H13.102'], ids['H13.101'], ids['H13.11']];
    const procedures = (await ctx.db.query('SELECT id FROM procedures ORDER BY code LIMIT 4')).map((r) => r.id as string);
    const version = 1;
    const cal = await workingCalendar(ctx.db);
    const HOUR = 3600_000;

    type Ev = { dossier: Row; event: DossierEventRecord; imported: boolean; importSnapshot?: Row };
    const finals: Row[] = [];
    const perDossier: Ev[][] = [];
    let total = 0;
    let n = 0;
    while (total < 10_000) {
      n++;
      const channel = pick(['online', 'counter', 'post']);
      let t = Date.parse('2025-01-02T01:00:00Z') + Math.floor(rand() * 300 * 24) * HOUR;
      const d: Row = {
        id: randomUUID(),
        code: `PT-${n}`,
        procedure_id: pick(procedures),
        procedure_version: version,
        home_agency_id: pick(agencies),
        channel,
        status: 1,
        submitted_at: new Date(t).toISOString(),
        received_at: null,
        due_at: null,
        original_due_at: null,
        paused_at: null,
        paused_hours: 0,
        supplement_requests: 0,
        apologies: 0,
        finished_at: null,
        returned_at: null,
      };
      d.agency_id = d.home_agency_id;
      d.receiving_agency_id = d.home_agency_id;
      const list: Ev[] = [];
      const importAfter = rand() < 0.25 ? Math.floor(rand() * 6) : -1;
      let resume = 1;
      const emit = (action: string, from: number, to: number, data: Record<string, unknown> = {}, actorKind = 'staff') => {
        list.push({
          dossier: { ...d },
          imported: false,
          event: {
            id: 0,
            at: new Date(t),
            action,
            actorKind,
            actorName: 'Thử nghiệm',
            fromStatus: from,
            toStatus: to,
            fromAgency: null,
            toAgency: null,
            note: null,
            data,
          },
        });
      };
      const accept = () => {
        d.status = 2;
        d.received_at = new Date(t).toISOString();
        d.due_at = cal.addWorkingDays(new Date(t), 1 + Math.floor(rand() * 8)).toISOString();
        d.original_due_at = d.due_at;
        emit('accept', 1, 2);
      };
      emit('submit', 0, 1, { channel, files: Math.floor(rand() * 3), reusedFromStore: rand() < 0.3 ? 1 : 0 });
      if (channel !== 'online') accept();
      for (let steps = 0; steps < 30 && ![3, 8, 10].includes(d.status); steps++) {
        t += Math.floor(rand() * 30) * HOUR + Math.floor(rand() * 60) * 60_000;
        const s = d.status as number;
        const r = rand();
        if (s === 1) {
          if (r < 0.7) accept();
          else if (r < 0.8 && d.supplement_requests < 1) {
            d.status = 5;
            d.paused_at = new Date(t).toISOString();
            d.supplement_requests++;
            resume = 1;
            emit('request_supplement', 1, 5);
          } else if (r < 0.9) {
            d.status = 3;
            d.finished_at = new Date(t).toISOString();
            emit('refuse', 1, 3);
          } else {
            d.status = 8;
            d.finished_at = new Date(t).toISOString();
            emit('stop', 1, 8);
          }
        } else if (s === 2 || s === 4) {
          if (r < 0.35) {
            d.status = 4;
            emit('forward', s, 4);
          } else if (r < 0.6) {
            d.status = 9;
            d.finished_at = new Date(t).toISOString();
            emit('approve', s, 9);
          } else if (r < 0.7 && d.supplement_requests < 1) {
            d.status = 5;
            d.paused_at = new Date(t).toISOString();
            d.supplement_requests++;
            resume = s;
            emit('request_supplement', s, 5);
          } else if (r < 0.78 && d.apologies < 1) {
            d.apologies = 1;
            d.due_at = new Date(Date.parse(d.due_at) + 48 * HOUR).toISOString();
            emit('apologize', s, s);
          } else if (r < 0.86) {
            d.status = 6;
            d.paused_at = new Date(t).toISOString();
            resume = s;
            emit('request_payment', s, 6);
          } else if (r < 0.9) {
            d.status = 8;
            d.finished_at = new Date(t).toISOString();
            emit('stop', s, 8);
          } else if (r < 0.93 && importAfter < 0) {
            d.supplement_requests = 2;
            emit('consult', s, s);
          } // an old second request, recorded in the row only
          else emit('consult', s, s);
        } else if (s === 5 || s === 6) {
          if (r < 0.85) {
            const waited = cal.workingHoursBetween(new Date(d.paused_at), new Date(t));
            d.paused_hours = Number(d.paused_hours) + waited;
            d.paused_at = null;
            if (d.due_at) d.due_at = cal.addWorkingHours(new Date(d.due_at), waited).toISOString();
            if (d.original_due_at) d.original_due_at = cal.addWorkingHours(new Date(d.original_due_at), waited).toISOString();
            if (s === 5) emit('submit_supplement', s, resume);
            else emit('record_payment', s, resume, {}, rand() < 0.6 ? 'system' : 'staff'); // settled online by the platform, or at the desk
            d.status = resume;
            list[list.length - 1].dossier.status = resume;
          } else if (s === 5) {
            d.status = 3;
            d.finished_at = new Date(t).toISOString();
            d.paused_at = null;
            emit('refuse', 5, 3);
          }
        } else if (s === 9) {
          if (r < 0.4) emit('sign_result', 9, 9);
          d.status = 10;
          d.returned_at = new Date(t).toISOString();
          emit('return_result', 9, 10);
        }
      }
      // Imported dossiers: the first events came from the old system; the rest happen live afterwards.
      if (importAfter >= 0 && importAfter < list.length) {
        for (const e of list.slice(0, importAfter + 1)) e.imported = true;
        list[importAfter].importSnapshot = list[importAfter].dossier;
      }
      finals.push({ ...d });
      perDossier.push(list);
      total += list.length;
    }

    // Raw rows: the final dossiers and all their events (historical ones marked imported, then an 'import' event).
    await ctx.db.transaction(async (tx) => {
      for (let i = 0; i < finals.length; i += 500) {
        const part = finals.slice(i, i + 500);
        const col = (k: string) => part.map((r) => r[k]);
        await tx.query(
          `INSERT INTO dossiers (id, code, procedure_id, procedure_version, home_agency_id, agency_id, receiving_agency_id, channel, status, applicant,
             submitted_at, received_at, due_at, original_due_at, paused_at, paused_hours, supplement_requests, apologies, finished_at, returned_at)
           SELECT id, code, p, 1, h, h, h, c, s, '{"name":"Thử","idNumber":"000000000000"}'::jsonb, sa, ra, da, od, pa, ph, sr, ap, fa, rt
             FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::smallint[], $7::timestamptz[], $8::timestamptz[],
                         $9::timestamptz[], $10::timestamptz[], $11::numeric[], $12::int[], $13::int[], $14::timestamptz[], $15::timestamptz[], $16::timestamptz[])
               AS t (id, code, p, h, c, s, sa, ra, da, pa, ph, sr, ap, fa, rt, od)`,
          [
            col('id'),
            col('code'),
            col('procedure_id'),
            col('home_agency_id'),
            col('channel'),
            col('status'),
            col('submitted_at'),
            col('received_at'),
            col('due_at'),
            col('paused_at'),
            col('paused_hours').map(String),
            col('supplement_requests'),
            col('apologies'),
            col('finished_at'),
            col('returned_at'),
            col('original_due_at'),
          ],
        );
      }
      const ev = { d: [] as string[], at: [] as string[], action: [] as string[], kind: [] as string[], to: [] as (number | null)[], data: [] as string[] };
      for (const [i, list] of perDossier.entries())
        list.forEach((e) => {
          ev.d.push(finals[i].id);
          ev.at.push(e.event.at.toISOString());
          ev.action.push(e.event.action);
          ev.kind.push(e.event.actorKind);
          ev.to.push(e.event.toStatus);
          ev.data.push(JSON.stringify(e.imported ? { imported: true } : e.event.data));
          if (e.importSnapshot) {
            ev.d.push(finals[i].id);
            ev.at.push(e.event.at.toISOString());
            ev.action.push('import');
            ev.kind.push('system');
            ev.to.push(null);
            ev.data.push('{"imported":true}');
          }
        });
      for (let i = 0; i < ev.d.length; i += 5000) {
        const s = (xs: unknown[]) => xs.slice(i, i + 5000);
        await tx.query(
          `INSERT INTO dossier_events (dossier_id, at, action, actor_kind, actor_name, to_status, data)
           SELECT d, a, x, k, 'Thử nghiệm', t, j FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::smallint[], $6::jsonb[])
             WITH ORDINALITY AS u (d, a, x, k, t, j, n) ORDER BY n`,
          [s(ev.d), s(ev.at), s(ev.action), s(ev.kind), s(ev.to), s(ev.data)],
        );
      }
    });

    // Feed the hook (and the import's counting) in a random interleaving that keeps each dossier's order.
    const before = await statisticsSnapshot(ctx.db);
    const cursors = perDossier.map(() => 0);
    const live = perDossier.map((_, i) => i);
    const queue: Ev[] = [];
    while (live.length) {
      const k = Math.floor(rand() * live.length);
      const i = live[k];
      queue.push(perDossier[i][cursors[i]++]);
      if (cursors[i] >= perDossier[i].length) {
        live[k] = live[live.length - 1];
        live.pop();
      }
    }
    const started = Date.now();
    for (let i = 0; i < queue.length; i += 500) {
      await ctx.db.transaction(async (tx) => {
        for (const e of queue.slice(i, i + 500)) {
          if (e.importSnapshot) await recordImportedRows(tx, [e.importSnapshot]);
          else if (!e.imported) await recordDossierStatistics(tx, e.dossier, e.event);
        }
      });
    }
    const incremental = await statisticsSnapshot(ctx.db);
    const fed = Date.now() - started;
    await recomputeStatistics(ctx.db);
    const recomputed = await statisticsSnapshot(ctx.db);
    assert.ok(total >= 10_000 && finals.length > 500, `${total} events over ${finals.length} dossiers`);
    assert.ok(recomputed.length > before.length + 100, 'many aggregate rows');
    assert.deepEqual(rowDifferences(recomputed, incremental), []);
    const sums = recomputed
      .filter((r) => r.grain === 'stats_daily')
      .reduce(
        (s, r) => ({
          finished: s.finished + Number(r.finished_late) + Number(r.finished_early) + Number(r.finished_on_time),
          supplements: s.supplements + Number(r.supplements),
          apologies: s.apologies + Number(r.apologies),
          reused: s.reused + Number(r.reused_data),
          paidOnline: s.paidOnline + Number(r.paid_online),
          signed: s.signed + Number(r.results_signed),
        }),
        { finished: 0, supplements: 0, apologies: 0, reused: 0, paidOnline: 0, signed: 0 },
      );
    assert.ok(
      sums.finished > 100 && sums.supplements > 50 && sums.apologies > 20 && sums.reused > 100 && sums.paidOnline > 20 && sums.signed > 50,
      JSON.stringify(sums),
    );

    // Any period read from years, months, weeks and days gives what its days alone give.
    for (let i = 0; i < 20; i++) {
      const from = addDays('2025-01-01', Math.floor(rand() * 330));
      const to = addDays(from, Math.floor(rand() * 120));
      const scope = { agencyIds: i % 2 ? null : [agencies[i % 3]], procedureIds: null };
      assert.deepEqual(
        await periodSums(ctx.db, from, to, scope, procedures),
        await periodSums(ctx.db, from, to, scope, procedures, null, 'day'),
        `${from} – ${to}`,
      );
    }
    assert.deepEqual(
      periodParts('2025-03-09', '2025-03-31').map((p) => [p.table, p.from, p.to]),
      [
        ['stats_daily', '2025-03-09', '2025-03-09'],
        ['stats_weekly', '2025-03-10', '2025-03-24'],
        ['stats_daily', '2025-03-31', '2025-03-31'],
      ],
    );

    // Migration 0031 fills the counters it adds from the events already recorded: the same figures as the definition.
    const shareCounters = ['submitted', 'reused_data', 'paid', 'paid_online', 'approved', 'results_signed'];
    for (const table of ['stats_daily', 'stats_monthly', 'stats_yearly'])
      await ctx.db.query(`UPDATE ${table} SET ${shareCounters.map((c) => `${c} = 0`).join(', ')}`);
    const migration = readFileSync(new URL('../migrations/0031_stats_service_shares.sql', import.meta.url), 'utf8');
    await ctx.db.exec(migration.slice(migration.indexOf('-- The same definition')));
    assert.deepEqual(rowDifferences(recomputed, await statisticsSnapshot(ctx.db)), []);
    console.log(`property: ${total} events, ${finals.length} dossiers, ${recomputed.length} aggregate rows; hook fed in ${fed} ms`);
  });
});
