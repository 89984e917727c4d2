// The operations centre's figures of văn bản đi, đến for a hand-made set of documents with known deadlines: on time,
// late, open at the period's end (overdue or not), at risk now, per organisation and lead unit; the electronic share;
// the documents behind each figure (a secret one without its trích yếu); who may read them over HTTP.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { vietnamDate } from '../shared/time.ts';
import { agencyIds, eachDatabase, type Requester, signIn } from '../testing/harness.ts';
import { documentsStats, documentsStatsItems } from './stats.ts';
import { insertIncoming, insertOutgoing } from './testkit.ts';

eachDatabase('figures of documents for the operations centre', { demo: true }, (ctx) => {
  const who = {} as Record<string, Requester>;
  let ids: Record<string, string>;
  const doc = {} as Record<string, string>;
  const march = { from: '2026-03-01', to: '2026-03-31' };

  before(async () => {
    for (const u of ['ioc', 'stp.lanhdao', 'stp.chuyenvien']) who[u] = await signIn(ctx.app, u);
    ids = await agencyIds(ctx.db);
    const [{ id: leader }] = await ctx.db.query<{ id: string }>(`SELECT id FROM users WHERE username = 'stp.lanhdao'`);
    const stp = { agencyId: ids['H13.11'], leadUnitId: ids['H13.11.1'] };
    const at = (day: string, time = '09:00') => `2026-${day}T${time}:00+07:00`;
    let n = 0;
    const incoming = async (key: string, d: Partial<Parameters<typeof insertIncoming>[1]> & { registeredAt: string }) => {
      doc[key] = await insertIncoming(ctx.db, { ...stp, number: ++n, subject: `Công văn ${key}`, ...d });
    };
    // Sở Tư pháp, all led by Phòng Hành chính tư pháp:
    await incoming('A', { registeredAt: at('03-02'), dueAt: at('03-12', '17:00'), closedAt: at('03-11') }); // on time
    await incoming('B', { registeredAt: at('03-03'), channel: 'platform', dueAt: at('03-10', '17:00'), closedAt: at('03-13') }); // late
    await incoming('C', { registeredAt: at('03-04'), channel: 'exchange', dueAt: at('03-20', '17:00'), closedAt: at('04-05') }); // open at the end, overdue
    await incoming('D', { registeredAt: at('03-05'), dueAt: at('04-10', '17:00'), progress: 40 }); // open at the end, not yet due then
    await incoming('E', { registeredAt: at('02-20'), dueAt: at('03-05', '17:00'), closedAt: at('03-04') }); // registered in February, closed on time in March
    await incoming('F', { leadUnitId: undefined, registeredAt: at('03-06'), channel: 'platform' }); // not directed: no deadline to judge
    await incoming('H', {
      registeredAt: at('03-07'),
      dueAt: at('03-25', '17:00'),
      secrecy: 'mat',
      readers: [leader],
      subject: 'Về bảo vệ bí mật nhà nước',
    }); // secret, open and overdue
    await incoming('late-closed-in-April', { registeredAt: at('03-08'), dueAt: at('03-09', '17:00'), closedAt: at('04-02') }); // open and overdue at the end of March
    // Sở Y tế, led by its Chi cục: on time.
    await incoming('G', {
      agencyId: ids['H13.16'],
      leadUnitId: ids['H13.16.1'],
      registeredAt: at('03-09'),
      channel: 'platform',
      dueAt: at('03-20', '17:00'),
      closedAt: at('03-19'),
    });
    const out = { agencyId: ids['H13.11'], unitId: ids['H13.11.1'], signerId: leader, notation: 'QĐ-STP', subject: 'Quyết định' };
    await insertOutgoing(ctx.db, { ...out, number: 1, issuedAt: at('03-10'), recipients: [ids['H13.14']] }); // sent on the platform
    await insertOutgoing(ctx.db, { ...out, number: 2, issuedAt: at('03-11') }); // no recipient on the platform: on paper
    await insertOutgoing(ctx.db, { ...out, number: 3, issuedAt: at('04-11'), outside: ['Bộ Tư pháp'] }); // April
  });

  test('per organisation and lead unit: on time, late, open at the end of March and overdue by then', async () => {
    const s = await documentsStats(ctx.db, march);
    const row = (code: string) => {
      const r = s.units.find((u) => u.id === ids[code])!;
      return [r.onTime, r.late, r.open, r.overdue, r.atRisk];
    };
    assert.deepEqual(row('H13.11'), [2, 1, 4, 3, 0]);
    assert.deepEqual(row('H13.11.1'), [2, 1, 4, 3, 0]);
    assert.deepEqual(row('H13.16'), [1, 0, 0, 0, 0]);
    assert.deepEqual(row('H13.16.1'), [1, 0, 0, 0, 0]);
    // Each organisation by name (Sở Tư pháp, Sở Y tế), then its units.
    assert.deepEqual(
      s.units.map((u) => u.id),
      [ids['H13.11'], ids['H13.11.1'], ids['H13.16'], ids['H13.16.1']],
    );
    assert.deepEqual(s.handling, { onTime: 3, late: 1, open: 4, overdue: 3, atRisk: 0, onTimeRatio: 0.75 });
    const stp = await documentsStats(ctx.db, { ...march, agency: ids['H13.11'] });
    assert.deepEqual(
      stp.units.map((u) => u.id),
      [ids['H13.11'], ids['H13.11.1']],
    );
    // The period's end moves what was still open: by the end of April C and the late-closed one are done, D is overdue.
    const april = await documentsStats(ctx.db, { from: '2026-04-01', to: '2026-04-30', agency: ids['H13.11'] });
    assert.deepEqual(april.handling, { onTime: 0, late: 2, open: 2, overdue: 2, atRisk: 0, onTimeRatio: 0 });
  });

  test('the electronic share: incoming from the platform or the exchange against paper; outgoing sent on the platform against paper', async () => {
    const s = await documentsStats(ctx.db, { ...march, agency: ids['H13.11'] });
    assert.deepEqual(s.electronic.incoming, { electronic: 3, paper: 4, ratio: 3 / 7 });
    assert.deepEqual(s.electronic.outgoing, { electronic: 1, paper: 1, ratio: 0.5 });
    assert.equal(s.electronic.ratio, 4 / 9);
    const all = await documentsStats(ctx.db, march);
    assert.deepEqual(all.electronic.incoming, { electronic: 4, paper: 4, ratio: 0.5 });
  });

  test('the documents behind a figure, of one row; a secret one without its trích yếu', async () => {
    const late = await documentsStatsItems(ctx.db, { ...march, figure: 'late', page: 1, pageSize: 20 });
    assert.deepEqual(
      late.items.map((d) => d.id),
      [doc.B],
    );
    const overdue = await documentsStatsItems(ctx.db, { ...march, figure: 'overdue', unit: ids['H13.11.1'], page: 1, pageSize: 20 });
    assert.equal(overdue.total, 3);
    assert.deepEqual(
      overdue.items.map((d) => d.id),
      [doc['late-closed-in-April'], doc.H, doc.C],
    );
    const secret = overdue.items.find((d) => d.id === doc.H)!;
    assert.equal(secret.secret, true);
    assert.deepEqual([secret.subject, secret.notation, secret.arrivalNumber, secret.from], [null, null, null, null], 'nothing that names it');
    assert.equal(overdue.items.find((d) => d.id === doc.C)!.subject, 'Công văn C');
    const onTimeSyt = await documentsStatsItems(ctx.db, { ...march, figure: 'on_time', unit: ids['H13.16'], page: 1, pageSize: 20 });
    assert.deepEqual(
      onTimeSyt.items.map((d) => d.id),
      [doc.G],
    );
    const paper = await documentsStatsItems(ctx.db, { ...march, agency: ids['H13.11'], figure: 'outgoing_paper', page: 1, pageSize: 20 });
    assert.deepEqual(
      paper.items.map((d) => d.notation),
      ['02/QĐ-STP'],
    );
    // The figure and its list agree for every figure.
    const s = await documentsStats(ctx.db, march);
    for (const [figure, value] of [
      ['on_time', s.handling.onTime],
      ['open', s.handling.open],
      ['incoming_paper', s.electronic.incoming.paper],
      ['incoming_electronic', s.electronic.incoming.electronic],
    ] as const) {
      assert.equal((await documentsStatsItems(ctx.db, { ...march, figure, page: 1, pageSize: 100 })).total, value, figure);
    }
  });

  test('at risk now: an open document with less than a working day left in the current period', async () => {
    const now = Date.now();
    const today = vietnamDate(new Date(now));
    const soon = await insertIncoming(ctx.db, {
      agencyId: ids['H13.11'],
      leadUnitId: ids['H13.11.1'],
      number: 900,
      subject: 'Hỏa tốc',
      registeredAt: new Date(now - 2 * 3600_000).toISOString(),
      dueAt: new Date(now + 3600_000).toISOString(),
    });
    const later = await insertIncoming(ctx.db, {
      agencyId: ids['H13.11'],
      leadUnitId: ids['H13.11.1'],
      number: 901,
      subject: 'Thường',
      registeredAt: new Date(now - 2 * 3600_000).toISOString(),
      dueAt: new Date(now + 30 * 86_400_000).toISOString(),
    });
    const items = await documentsStatsItems(ctx.db, { from: today, to: today, agency: ids['H13.11'], figure: 'at_risk', page: 1, pageSize: 20 });
    assert.deepEqual(
      items.items.map((d) => d.id),
      [soon],
    );
    const open = await documentsStatsItems(ctx.db, { from: today, to: today, agency: ids['H13.11'], figure: 'open', page: 1, pageSize: 100 });
    assert.ok(open.items.some((d) => d.id === later));
    await ctx.db.query('DELETE FROM document_events WHERE document_id = ANY($1::uuid[])', [[soon, later]]);
    await ctx.db.query('DELETE FROM documents WHERE id = ANY($1::uuid[])', [[soon, later]]);
  });

  test('over HTTP: the IOC sees the province, an agency leader their organisation, a specialist nothing', async () => {
    const q = `from=${march.from}&to=${march.to}`;
    const ioc = await who.ioc({ url: `/api/v1/stats/documents?${q}` });
    assert.equal(ioc.statusCode, 200, ioc.body);
    assert.equal(ioc.json().units.length, 4);
    const leader = await who['stp.lanhdao']({ url: `/api/v1/stats/documents?${q}` });
    assert.deepEqual(
      leader.json().units.map((u: { id: string }) => u.id),
      [ids['H13.11'], ids['H13.11.1']],
    );
    assert.equal((await who['stp.lanhdao']({ url: `/api/v1/stats/documents?${q}&agency=${ids['H13.16']}` })).statusCode, 403);
    assert.equal((await who['stp.chuyenvien']({ url: `/api/v1/stats/documents?${q}` })).statusCode, 403);
    const items = await who.ioc({ url: `/api/v1/stats/documents/items?${q}&figure=overdue&unit=${ids['H13.11.1']}` });
    assert.equal(items.statusCode, 200, items.body);
    assert.equal(items.json().total, 3);
    assert.ok(!items.body.includes('bí mật'));
    assert.equal((await who.ioc({ url: `/api/v1/stats/documents/items?${q}&figure=unknown` })).statusCode, 400);
  });
});
