import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, test } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { agencyIds, eachDatabase, signIn, type Requester, citizenSignIn } from '../testing/harness.ts';
import type { ProcedureContent } from '../catalog/types.ts';
import { workingCalendar } from '../calendar/service.ts';
import { onDossierEvent, type DossierEventRecord } from '../dossiers/hooks.ts';
import { importDossiers, linesOf, type ImportLine } from '../dossiers/import.ts';
import { vietnamDate } from '../dossiers/rules.ts';
import type { Row } from '../db/index.ts';
import { applyDeltas, importedDeltas, recomputeStatistics, recordDossierStatistics, recordImportedDossiers, statisticsSnapshot } from './service.ts';

/** A seeded PRNG (mulberry32). */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rows present or different on one side only, keyed by the aggregate's grain: a readable failure. */
function rowDifferences(recomputed: Row[], incremental: Row[]) {
  const key = (r: Row) => `${r.day}|${r.agency_id}|${r.procedure_id}|${r.channel}`;
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
      ...base, nationalCode: '2.999600', name: 'Thủ tục thống kê thử nghiệm', onlineLevel: 'full',
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
    await ctx.db.query(`UPDATE dossiers SET due_at = $2 WHERE id = $1`, [d5, `${vietnamDate(new Date())}T23:59:59+07:00`]);
    await finish(d5);
    // D6 online, refused at reception: finished, not classified, never received.
    const d6 = (await submit(person, 'online')).id;
    await act(counter, d6, { action: 'refuse', reasons: ['Không thuộc thẩm quyền'] });
    // D7 overdue and D8 at risk (deadlines moved in the database).
    const d7 = (await submit(counter, 'counter')).id;
    await ctx.db.query(`UPDATE dossiers SET due_at = now() - interval '1 hour' WHERE id = $1`, [d7]);
    const d8 = (await submit(counter, 'counter')).id;
    const [{ received_at: received8 }] = await ctx.db.query('SELECT received_at FROM dossiers WHERE id = $1', [d8]);
    await ctx.db.query(`UPDATE dossiers SET received_at = now() - interval '60 days', due_at = now() + interval '2 hours' WHERE id = $1`, [d8]);

    const today = vietnamDate(new Date());
    const url = (q: string) => `/api/v1/stats/summary?${q}`;
    const s = await ok(ioc({ url: url(`from=${today}&to=${today}&procedure=${procedureId}`) }));
    assert.deepEqual(s.received, { total: 7, online: 1, counter: 5, post: 1 });
    assert.deepEqual(s.finished, { total: 4, early: 1, onTime: 1, late: 1, other: 1 });
    assert.equal(s.onTimeRatio, 2 / 3);
    assert.equal(s.supplementRequests, 1);
    assert.equal(s.apologies, 1);
    assert.ok(s.averageWorkingDays >= 0 && s.averageWorkingDays < 0.01, String(s.averageWorkingDays));
    assert.deepEqual(s.open, { inTime: 2, atRisk: 1, overdue: 1 });
    // Back to its true reception time, which the counters recorded (the recomputation below reads the row).
    await ctx.db.query('UPDATE dossiers SET received_at = $2 WHERE id = $1', [d8, received8]);

    // Historical import: a past month with known processing times; counted by recordImportedDossiers.
    const past = (code: string, over: Partial<ImportLine>): ImportLine => ({
      code, procedureCode: '2.999600', agencyCode: 'H13.102', channel: 'counter', status: 9, applicant,
      submittedAt: '2025-03-03T08:00:00+07:00', receivedAt: '2025-03-03T08:00:00+07:00', dueAt: '2025-03-10T17:00:00+07:00',
      finishedAt: '2025-03-05T08:00:00+07:00', events: [], ...over });
    const lines = [
      past('TK-1', { status: 10, returnedAt: '2025-03-06T09:00:00+07:00' }), // early
      past('TK-2', { channel: 'online', supplementRequests: 2, finishedAt: '2025-03-04T10:00:00+07:00' }), // late: two supplements
      past('TK-3', { channel: 'post', status: 3, dueAt: null, finishedAt: '2025-03-04T09:00:00+07:00' }), // refused
    ];
    const report = await importDossiers(ctx.db, linesOf(lines.map((l) => JSON.stringify(l)).join('\n')));
    assert.equal(report.imported, 3, JSON.stringify(report));
    const importedIds = (await ctx.db.query(`SELECT id FROM dossiers WHERE code LIKE 'TK-%'`)).map((r) => r.id as string);
    await ctx.db.transaction((tx) => recordImportedDossiers(tx, importedIds));
    const cal = await workingCalendar(ctx.db);
    const hours = cal.workingHoursBetween(new Date('2025-03-03T08:00:00+07:00'), new Date('2025-03-05T08:00:00+07:00'))
      + cal.workingHoursBetween(new Date('2025-03-03T08:00:00+07:00'), new Date('2025-03-04T10:00:00+07:00'));
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
    assert.equal(d.onTimeRatio, null);
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
    for (const q of ['to=2025-01-01', 'from=2025-01-01', 'from=2025-13-01&to=2025-12-31', 'from=2025-02-01&to=2025-01-01',
      'from=2025-01-01&to=2025-01-31&agency=abc', 'from=2025-01-01&to=2025-01-31&procedure=1', 'from=2025-01-01&to=2025-01-31&x=1',
      'from=1990-01-01&to=2025-01-01']) {
      const res = await ioc({ url: url(q) });
      assert.equal(res.statusCode, 400, `${q}: ${res.body}`);
      const body = res.json();
      assert.deepEqual(Object.keys(body).sort(), ['code', 'details', 'message'], q);
      assert.match(body.message, /[àáảãạâấầăắđêếệôốơớưứ]/i, q);
    }
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
        id: randomUUID(), code: `PT-${n}`, procedure_id: pick(procedures), procedure_version: version, home_agency_id: pick(agencies),
        channel, status: 1, submitted_at: new Date(t).toISOString(), received_at: null, due_at: null, paused_at: null, paused_hours: 0,
        supplement_requests: 0, apologies: 0, finished_at: null, returned_at: null,
      };
      d.agency_id = d.home_agency_id; d.receiving_agency_id = d.home_agency_id;
      const list: Ev[] = [];
      const importAfter = rand() < 0.25 ? Math.floor(rand() * 6) : -1;
      let resume = 1;
      const emit = (action: string, from: number, to: number) => {
        list.push({ dossier: { ...d }, imported: false,
          event: { id: 0, at: new Date(t), action, actorKind: 'staff', actorName: 'Thử nghiệm', fromStatus: from, toStatus: to, fromAgency: null, toAgency: null, note: null, data: {} } });
      };
      const accept = () => {
        d.status = 2; d.received_at = new Date(t).toISOString();
        d.due_at = cal.addWorkingDays(new Date(t), 1 + Math.floor(rand() * 8)).toISOString(); d.original_due_at = d.due_at;
        emit('accept', 1, 2);
      };
      emit('submit', 0, 1);
      if (channel !== 'online') accept();
      for (let steps = 0; steps < 30 && ![3, 8, 10].includes(d.status); steps++) {
        t += Math.floor(rand() * 30) * HOUR + Math.floor(rand() * 60) * 60_000;
        const s = d.status as number;
        const r = rand();
        if (s === 1) {
          if (r < 0.7) accept();
          else if (r < 0.8 && d.supplement_requests < 1) { d.status = 5; d.paused_at = new Date(t).toISOString(); d.supplement_requests++; resume = 1; emit('request_supplement', 1, 5); }
          else if (r < 0.9) { d.status = 3; d.finished_at = new Date(t).toISOString(); emit('refuse', 1, 3); }
          else { d.status = 8; d.finished_at = new Date(t).toISOString(); emit('stop', 1, 8); }
        } else if (s === 2 || s === 4) {
          if (r < 0.35) { d.status = 4; emit('forward', s, 4); }
          else if (r < 0.6) { d.status = 9; d.finished_at = new Date(t).toISOString(); emit('approve', s, 9); }
          else if (r < 0.7 && d.supplement_requests < 1) { d.status = 5; d.paused_at = new Date(t).toISOString(); d.supplement_requests++; resume = s; emit('request_supplement', s, 5); }
          else if (r < 0.78 && d.apologies < 1) { d.apologies = 1; d.due_at = new Date(Date.parse(d.due_at) + 48 * HOUR).toISOString(); emit('apologize', s, s); }
          else if (r < 0.86) { d.status = 6; d.paused_at = new Date(t).toISOString(); resume = s; emit('request_payment', s, 6); }
          else if (r < 0.9) { d.status = 8; d.finished_at = new Date(t).toISOString(); emit('stop', s, 8); }
          else if (r < 0.93 && importAfter < 0) { d.supplement_requests = 2; emit('consult', s, s); } // an old second request, recorded in the row only
          else emit('consult', s, s);
        } else if (s === 5 || s === 6) {
          if (r < 0.85) {
            const waited = cal.workingHoursBetween(new Date(d.paused_at), new Date(t));
            d.paused_hours = Number(d.paused_hours) + waited; d.paused_at = null;
            if (d.due_at) d.due_at = cal.addWorkingHours(new Date(d.due_at), waited).toISOString();
            emit(s === 5 ? 'submit_supplement' : 'record_payment', s, resume); d.status = resume; list[list.length - 1].dossier.status = resume;
          } else if (s === 5) { d.status = 3; d.finished_at = new Date(t).toISOString(); d.paused_at = null; emit('refuse', 5, 3); }
        } else if (s === 9) {
          d.status = 10; d.returned_at = new Date(t).toISOString(); emit('return_result', 9, 10);
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
           SELECT id, code, p, 1, h, h, h, c, s, '{"name":"Thử","idNumber":"000000000000"}'::jsonb, sa, ra, da, da, pa, ph, sr, ap, fa, rt
             FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::smallint[], $7::timestamptz[], $8::timestamptz[],
                         $9::timestamptz[], $10::timestamptz[], $11::numeric[], $12::int[], $13::int[], $14::timestamptz[], $15::timestamptz[])
               AS t (id, code, p, h, c, s, sa, ra, da, pa, ph, sr, ap, fa, rt)`,
          [col('id'), col('code'), col('procedure_id'), col('home_agency_id'), col('channel'), col('status'), col('submitted_at'), col('received_at'),
            col('due_at'), col('paused_at'), col('paused_hours').map(String), col('supplement_requests'), col('apologies'), col('finished_at'), col('returned_at')]);
      }
      const ev = { d: [] as string[], at: [] as string[], action: [] as string[], to: [] as (number | null)[], data: [] as string[] };
      perDossier.forEach((list, i) => list.forEach((e, j) => {
        ev.d.push(finals[i].id); ev.at.push(e.event.at.toISOString()); ev.action.push(e.event.action); ev.to.push(e.event.toStatus);
        ev.data.push(JSON.stringify(e.imported ? { imported: true } : {}));
        if (e.importSnapshot) { ev.d.push(finals[i].id); ev.at.push(e.event.at.toISOString()); ev.action.push('import'); ev.to.push(null); ev.data.push('{"imported":true}'); }
        void j;
      }));
      for (let i = 0; i < ev.d.length; i += 5000) {
        const s = (xs: unknown[]) => xs.slice(i, i + 5000);
        await tx.query(
          `INSERT INTO dossier_events (dossier_id, at, action, actor_kind, actor_name, to_status, data)
           SELECT d, a, x, 'staff', 'Thử nghiệm', t, j FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::smallint[], $5::jsonb[])
             WITH ORDINALITY AS u (d, a, x, t, j, n) ORDER BY n`, [s(ev.d), s(ev.at), s(ev.action), s(ev.to), s(ev.data)]);
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
      if (cursors[i] >= perDossier[i].length) { live[k] = live[live.length - 1]; live.pop(); }
    }
    const started = Date.now();
    for (let i = 0; i < queue.length; i += 500) {
      await ctx.db.transaction(async (tx) => {
        for (const e of queue.slice(i, i + 500)) {
          if (e.importSnapshot) await applyDeltas(tx, importedDeltas(e.importSnapshot, () => cal));
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
    const sums = recomputed.reduce((s, r) => ({ finished: s.finished + Number(r.finished_late) + Number(r.finished_early) + Number(r.finished_on_time),
      supplements: s.supplements + Number(r.supplements), apologies: s.apologies + Number(r.apologies) }), { finished: 0, supplements: 0, apologies: 0 });
    assert.ok(sums.finished > 100 && sums.supplements > 50 && sums.apologies > 20, JSON.stringify(sums));
    console.log(`property: ${total} events, ${finals.length} dossiers, ${recomputed.length} aggregate rows; hook fed in ${fed} ms`);
  });
});
