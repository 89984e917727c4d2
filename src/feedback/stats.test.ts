// The operations centre's feedback figures over a constructed June 2025: cases across channels, categories, statuses
// and deadlines with known timestamps; every figure, the drill-down's members and scope, and the 766 index's two
// feedback indicators.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { agencyIds, eachDatabase, type Requester, signIn } from '../testing/harness.ts';
import { feedbackStats, feedbackStatsCases, type FeedbackFigure } from './stats.ts';

const JUNE = { from: '2025-06-01', to: '2025-06-30' };
const at = (local: string) => new Date(`${local}:00+07:00`);

eachDatabase('feedback statistics', { demo: true }, (ctx) => {
  let ids: Record<string, string>;
  let caiKhe: string;
  let ninhKieu: string;
  const cases: Record<string, string> = {};
  const soon = new Date(Date.now() + 3_600_000);

  before(async () => {
    ids = await agencyIds(ctx.db);
    caiKhe = ids['H13.102'];
    ninhKieu = ids['H13.101'];
    const categories = Object.fromEntries((await ctx.db.query('SELECT code, id FROM feedback_categories')).map((r) => [r.code, r.id]));
    // name, channel, category, agency, status, created, due, approved, published, rating, reopens, paused hours
    type Spec = [string, string, string, string | null, string, string, Date | null, string | null, string | null, string | null, number, number];
    const specs: Spec[] = [
      ['C1', 'portal', 'traffic', caiKhe, 'rated', '2025-06-02T08:00', at('2025-06-03T10:00'), '2025-06-02T09:30', '2025-06-02T10:00', 'hai_long', 0, 0],
      // Approved after its deadline: late. Two hours and a half, one of them waiting for the reporter.
      ['C2', 'phone', 'environment', caiKhe, 'published', '2025-06-03T08:00', at('2025-06-03T10:00'), '2025-06-03T10:30', '2025-06-03T11:00', null, 0, 1],
      // Reopened once by an unsatisfied rating, answered again, and unsatisfied again: on time but neither satisfied nor clean.
      ['C3', 'zalo', 'traffic', caiKhe, 'rated', '2025-06-04T08:00', at('2025-06-05T08:00'), '2025-06-04T08:30', '2025-06-04T09:00', 'khong_hai_long', 1, 0],
      ['C4', 'portal', 'traffic', caiKhe, 'rated', '2025-06-05T08:00', at('2025-06-06T08:00'), '2025-06-05T09:00', '2025-06-05T10:00', 'chap_nhan', 1, 0],
      ['C5', 'open311', 'land', ninhKieu, 'rated', '2025-06-06T08:00', at('2025-06-07T08:00'), '2025-06-06T09:00', '2025-06-06T10:00', 'hai_long', 0, 0],
      // Still being processed past a deadline that fell in June: overdue now and missed.
      ['C6', 'portal', 'traffic', caiKhe, 'processing', '2025-06-10T08:00', at('2025-06-12T08:00'), null, null, null, 0, 0],
      // Not accepted by the agency in time: overdue (acceptance), not missed (no answer deadline yet).
      ['C7', 'email', 'environment', caiKhe, 'assigned', '2025-06-11T08:00', null, null, null, null, 0, 0],
      ['C8', 'paper', 'urban_order', null, 'received', '2025-06-12T08:00', null, null, null, null, 0, 0],
      ['C9', 'portal', 'traffic', null, 'rejected', '2025-06-13T08:00', null, null, null, null, 0, 0],
      // Received in May (Friday 16:00), answered Monday 08:30: handled in June, 1 + 1,5 working hours (office 07:00–11:00, 13:00–17:00).
      ['C10', 'portal', 'land', caiKhe, 'published', '2025-05-30T16:00', at('2025-06-03T08:00'), '2025-06-02T08:15', '2025-06-02T08:30', null, 0, 0],
      ['C11', 'portal', 'land', caiKhe, 'rated', '2025-05-10T08:00', at('2025-05-12T08:00'), '2025-05-12T07:45', '2025-05-12T08:00', 'hai_long', 0, 0],
      // Waiting for the reporter: the clock is paused, so neither overdue nor missed although its deadline passed.
      ['C13', 'phone', 'environment', caiKhe, 'info_requested', '2025-06-14T08:00', at('2025-06-20T08:00'), null, null, null, 0, 0],
      ['C14', 'zalo', 'land', caiKhe, 'processing', '2025-06-16T08:00', soon, null, null, null, 0, 0],
    ];
    const [root] = await ctx.db.query(`SELECT id FROM agencies WHERE parent_id IS NULL`);
    for (const [name, channel, category, agency, status, created, due, approved, published, rating, reopens, paused] of specs) {
      const [row] = await ctx.db.query(
        `INSERT INTO feedback_cases (code, title, body, category_id, channel, status, operator_agency_id, agency_id, created_at, accept_due_at,
           due_at, approved_at, published_at, rating, reopens, paused_hours, paused_at, reporter_name, reporter_phone)
         VALUES ($1, $2, 'Nội dung', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'Nguyễn Văn Bí Mật', '0900000001') RETURNING id`,
        [
          `PA-250601-${name.slice(1).padStart(4, '0')}`,
          `Phản ánh ${name}`,
          categories[category],
          channel,
          status,
          root.id,
          agency,
          at(created),
          status === 'assigned' ? at('2025-06-11T16:00') : null,
          due,
          approved && at(approved),
          published && at(published),
          rating,
          reopens,
          paused,
          status === 'info_requested' ? at('2025-06-16T08:00') : null,
        ],
      );
      cases[row.id] = name;
    }
  });

  const names = async (figure: FeedbackFigure, extra: Record<string, string> = {}) =>
    (await feedbackStatsCases(ctx.db, { ...JUNE, figure, page: 1, pageSize: 100, ...extra })).items.map((i) => cases[i.id]);

  test('every figure of the province for June, by its definition', async () => {
    const s = await feedbackStats(ctx.db, JUNE);
    assert.equal(s.received.total, 11, 'received in June, whatever became of them (not C10, C11 from May)');
    assert.deepEqual(Object.fromEntries(s.received.byChannel.map((c) => [c.channel, c.received])), {
      portal: 4,
      phone: 2,
      paper: 1,
      email: 1,
      zalo: 2,
      open311: 1,
    });
    assert.deepEqual(
      s.byCategory.map((c) => [c.code, c.received]),
      [
        ['traffic', 5],
        ['environment', 3],
        ['land', 2],
        ['urban_order', 1],
      ],
    );
    assert.deepEqual(s.handled, { total: 6, onTime: 5, late: 1 });
    assert.equal(s.onTimeRatio, 5 / 6);
    assert.deepEqual(s.open, { overdue: 2, atRisk: 1, missed: 1 });
    assert.deepEqual(s.satisfaction, { hai_long: 2, chap_nhan: 1, khong_hai_long: 1, notRated: 2, satisfiedRatio: 0.5 });
    // C1 2 h, C2 3 h less 1 h waiting, C3 1 h, C4 2 h, C5 2 h, C10 2,5 h (Friday 16:00–17:00, Monday 07:00–08:30).
    assert.equal(s.averageWorkingHours, Math.round((11.5 / 6) * 100) / 100);
  });

  test('the drill-down lists exactly the cases behind each figure, newest first, without the reporter', async () => {
    assert.deepEqual(await names('received'), ['C14', 'C13', 'C9', 'C8', 'C7', 'C6', 'C5', 'C4', 'C3', 'C2', 'C1']);
    assert.deepEqual(await names('received', { channel: 'portal' }), ['C9', 'C6', 'C4', 'C1']);
    assert.deepEqual(await names('received', { category: 'environment' }), ['C13', 'C7', 'C2']);
    assert.deepEqual(await names('handled'), ['C5', 'C4', 'C3', 'C2', 'C1', 'C10']);
    assert.deepEqual(await names('on_time'), ['C5', 'C4', 'C3', 'C1', 'C10']);
    assert.deepEqual(await names('late'), ['C2']);
    assert.deepEqual(await names('overdue'), ['C7', 'C6']);
    assert.deepEqual(await names('at_risk'), ['C14']);
    assert.deepEqual(await names('missed'), ['C6']);
    assert.deepEqual(await names('khong_hai_long'), ['C3']);
    assert.deepEqual(await names('not_rated'), ['C2', 'C10']);
    const page2 = await feedbackStatsCases(ctx.db, { ...JUNE, figure: 'received', page: 2, pageSize: 4 });
    assert.deepEqual([page2.total, page2.items.map((i) => cases[i.id])], [11, ['C7', 'C6', 'C5', 'C4']]);
    const text = JSON.stringify(await feedbackStatsCases(ctx.db, { ...JUNE, figure: 'received', page: 1, pageSize: 100 }));
    assert.ok(!text.includes('Bí Mật') && !text.includes('0900000001'), 'no reporter identity in the list');
  });

  test('an agency sees its own cases; a commune filter narrows to the reports located there', async () => {
    const own = await feedbackStats(ctx.db, { ...JUNE, agency: caiKhe });
    assert.equal(own.received.total, 8, 'C1–C4, C6, C7, C13, C14: not the other ward’s C5, nor unassigned C8, C9');
    assert.deepEqual(own.handled, { total: 5, onTime: 4, late: 1 });
    assert.deepEqual(await names('handled', { agency: ninhKieu }), ['C5']);
    const none = await feedbackStats(ctx.db, { ...JUNE, commune: '99999' });
    assert.deepEqual([none.received.total, none.handled.total, none.averageWorkingHours, none.onTimeRatio], [0, 0, null, null]);
  });

  test('over HTTP: the IOC sees the province, an agency leader their agency only, another agency none of it', async () => {
    const ioc = await signIn(ctx.app, 'ioc');
    const query = `from=${JUNE.from}&to=${JUNE.to}`;
    const province = (await ioc({ url: `/api/v1/stats/feedback?${query}` })).json();
    assert.equal(province.received.total, 11);
    const overdue = (await ioc({ url: `/api/v1/stats/feedback/cases?${query}&figure=overdue` })).json();
    assert.deepEqual(
      overdue.items.map((i: { code: string }) => i.code),
      ['PA-250601-0007', 'PA-250601-0006'],
    );
    const caiKheLeader = await signIn(ctx.app, 'caikhe.lanhdao');
    assert.equal((await caiKheLeader({ url: `/api/v1/stats/feedback?${query}` })).json().received.total, 8);
    const other: Requester = await signIn(ctx.app, 'cairang.lanhdao');
    const theirs = (await other({ url: `/api/v1/stats/feedback/cases?${query}&figure=received` })).json();
    assert.deepEqual([theirs.total, theirs.items], [0, []]);
    assert.equal((await other({ url: `/api/v1/stats/feedback?${query}` })).json().received.total, 0);
    assert.equal((await other({ url: `/api/v1/stats/feedback/cases?${query}&figure=received&agency=${caiKhe}` })).statusCode, 403);
    // Each listed case opens on the feedback module's page: out of scope there is an unknown id.
    const c1 = Object.keys(cases).find((id) => cases[id] === 'C1');
    assert.equal((await other({ url: `/api/v1/feedback/${c1}` })).statusCode, 404);
    assert.equal((await caiKheLeader({ url: `/api/v1/feedback/${c1}` })).statusCode, 200);
    assert.equal((await ioc({ url: `/api/v1/stats/feedback/cases?${query}&figure=bogus` })).statusCode, 400);
  });

  test('the 766 index scores the two feedback indicators for the province and each agency', async () => {
    const ioc = await signIn(ctx.app, 'ioc');
    const idx = (await ioc({ url: '/api/v1/stats/index766?period=2025-06' })).json();
    const pick = (key: string) => {
      const i = idx.indicators.find((x: { key: string }) => x.key === key);
      return [i.numerator, i.denominator, i.points, i.available];
    };
    // Must handle = handled 6 + missed 1 (C6); on time 5 → 5/7 × 6.
    assert.deepEqual(pick('PETITION_PROCESSING_ON_TIME'), [5, 7, Math.round((30 / 7) * 100) / 100, true]);
    // Handled 6 less C2 (late), C3 (unsatisfied, reopened), C4 (reopened) → 3/6 × 6.
    assert.deepEqual(pick('PETITION_HANDLING_SATISFACTION'), [3, 6, 3, true]);
    const agency = (await ioc({ url: `/api/v1/stats/index766?period=2025-06&agency=${caiKhe}` })).json();
    const a = (key: string) => agency.indicators.find((x: { key: string }) => x.key === key);
    assert.deepEqual(
      [a('PETITION_PROCESSING_ON_TIME').numerator, a('PETITION_PROCESSING_ON_TIME').denominator, a('PETITION_PROCESSING_ON_TIME').points],
      [4, 6, 4],
    );
    assert.deepEqual(
      [a('PETITION_HANDLING_SATISFACTION').numerator, a('PETITION_HANDLING_SATISFACTION').denominator, a('PETITION_HANDLING_SATISFACTION').points],
      [2, 5, 2.4],
    );
    // The ranking: both wards had feedback and no dossier in June; Ninh Kiều 6 + 6, Cái Khế 4 + 2,4, each with the
    // catalogue's points and the 6 of an agency without dossiers' feedback-free indicators.
    const ranked = idx.ranking.map((r: { agencyId: string; points: number }) => [r.agencyId, r.points]);
    const points = (id: string) => ranked.find(([x]: [string]) => x === id)[1];
    assert.equal(Math.round((points(ninhKieu) - points(caiKhe)) * 100) / 100, Math.round((12 - 6.4) * 100) / 100);
    assert.deepEqual(
      ranked.slice(0, 2).map(([id]: [string]) => id),
      [ninhKieu, caiKhe],
    );
    // A month without feedback: 6 points for timeliness (the formula's "6 điểm khi không có PAKN"), satisfaction 0 and marked.
    const empty = (await ioc({ url: '/api/v1/stats/index766?period=2025-08' })).json();
    const e = (key: string) => empty.indicators.find((x: { key: string }) => x.key === key);
    assert.deepEqual([e('PETITION_PROCESSING_ON_TIME').points, e('PETITION_PROCESSING_ON_TIME').counted], [6, true]);
    assert.deepEqual([e('PETITION_HANDLING_SATISFACTION').points, e('PETITION_HANDLING_SATISFACTION').counted], [0, false]);
  });

  test('the wall is told within 2 s when a feedback case has a new step', async () => {
    const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const login = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ioc', password: 'Congso@2026' } });
      const stream = await fetch(`${address}/api/v1/stats/stream`, { headers: { cookie: String(login.headers['set-cookie']).split(';')[0] } });
      const reader = stream.body!.getReader();
      const pushes: number[] = [];
      const reading = (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          for (const _ of new TextDecoder().decode(value).matchAll(/event: stats\n/g)) pushes.push(Date.now());
        }
      })();
      const waitFor = async (n: number) => {
        for (let i = 0; i < 60 && pushes.length < n; i++) await new Promise((r) => setTimeout(r, 50));
      };
      await waitFor(1);
      assert.equal(pushes.length, 1, 'the current revision first');
      const operator = await signIn(ctx.app, 'motcua.tt');
      const sent = Date.now();
      const phoned = await operator({
        method: 'POST',
        url: '/api/v1/feedback/intake',
        payload: { title: 'Cây đổ chắn đường', text: 'Cây đổ sau mưa.', categoryCode: 'traffic', address: 'Đường 30/4', channel: 'phone' },
      });
      assert.equal(phoned.statusCode, 201, phoned.body);
      await waitFor(2);
      assert.ok(pushes.length >= 2 && pushes[1] - sent < 2000, `pushes: ${pushes.map((t) => t - sent).join(', ')}`);
      await reader.cancel();
      await reading.catch(() => undefined);
    } finally {
      await ctx.app.server.close();
    }
  });
});
