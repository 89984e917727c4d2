import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { openDatabase } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { seedDemo } from '../demo/seed.ts';
import { agencyIds, eachDatabase, signIn, type TestContext } from '../testing/harness.ts';
import { dossierExtraRoutes } from './extra-routes.ts';
import { importDossiers, linesOf, type ImportLine } from './import.ts';
import { getDossier } from './service.ts';

/** Registers the extra routes on the test app unless src/app.ts already does. */
async function withExtraRoutes(ctx: TestContext) {
  if (!ctx.app.hasRoute({ method: 'GET', url: '/api/v1/register' })) {
    // biome-ignore lint/nursery/noMisusedPromises: Fastify's register takes an async plugin; Biome's inference sees only the callback overload
    await ctx.app.register(async (api) => dossierExtraRoutes(api));
  }
}

/** One past dossier: Đăng ký khai sinh at Phường Cái Khế, received, finished and returned. */
function pastDossier(code: string, over: Partial<ImportLine> = {}): ImportLine {
  return {
    code,
    procedureCode: '1.001193',
    agencyCode: 'H13.102',
    channel: 'counter',
    status: 10,
    applicant: { name: 'Nguyễn Văn An', idNumber: '092085001111', address: 'Phường Cái Khế, Thành phố Cần Thơ', phone: '0912000111' },
    submittedAt: '2024-03-04T08:10:00+07:00',
    receivedAt: '2024-03-04T08:15:00+07:00',
    dueAt: '2024-03-06T16:30:00+07:00',
    finishedAt: '2024-03-05T15:00:00+07:00',
    returnedAt: '2024-03-06T09:00:00+07:00',
    events: [
      { at: '2024-03-04T08:10:00+07:00', action: 'submit', actorName: 'Hệ thống', toStatus: 1 },
      { at: '2024-03-04T08:15:00+07:00', action: 'accept', actorName: 'Trần Thị Bé', fromStatus: 1, toStatus: 2 },
      { at: '2024-03-05T15:00:00+07:00', action: 'approve', actorName: 'Lê Văn Chủ', fromStatus: 4, toStatus: 9, note: 'Đã ký' },
      { at: '2024-03-06T09:00:00+07:00', action: 'return_result', actorName: 'Trần Thị Bé', fromStatus: 9, toStatus: 10 },
    ],
    ...over,
  };
}

const ndjson = (lines: (object | string)[]) => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';

eachDatabase('historical dossier import', { demo: true }, (ctx) => {
  let ids: Record<string, string>;
  before(async () => {
    await withExtraRoutes(ctx);
    ids = await agencyIds(ctx.db);
  });

  const mixed = () =>
    ndjson([
      pastDossier('CU-2024-000001'),
      '{"code": "CU-2024-000002", ',
      pastDossier('CU-2024-000003', { status: 4, finishedAt: null, returnedAt: null, events: [] }),
      pastDossier('CU-2024-000004', { applicant: { name: 'Lê Thị Bốn', idNumber: '12345' } }),
      pastDossier('CU-2024-000005', { procedureCode: '9.999999' }),
      '',
      pastDossier('CU-2024-000007', { agencyCode: 'H13.999' }),
      pastDossier('CU-2024-000008', { receivedAt: '2024-03-03T08:00:00+07:00' }),
      pastDossier('CU-2024-000009', { returnedAt: null }),
      pastDossier('CU-2024-000010', {
        events: [
          { at: '2024-03-05T08:00:00+07:00', action: 'accept', actorName: 'A' },
          { at: '2024-03-04T09:00:00+07:00', action: 'forward', actorName: 'B' },
        ],
      }),
      { ...pastDossier('CU-2024-000011'), extra: 1 },
      pastDossier('CU-2024-000012', { submittedAt: '2024-03-04 08:10' }),
      pastDossier('CU-2024-000013', { status: 1, receivedAt: null, dueAt: null, finishedAt: null, returnedAt: null, channel: 'online', events: [] }),
      pastDossier('CU-2024-000001'), // the same code again in the same file: skipped
      pastDossier('CU-2024-000015', { procedureCode: '1.001193', agencyCode: 'H13.11.1', receivingAgencyCode: 'H13.10' }),
    ]);

  test('valid lines import, bad lines are rejected with their line number and a Vietnamese reason', async () => {
    const report = await importDossiers(ctx.db, linesOf(mixed()), { chunkSize: 3 });
    assert.equal(report.imported, 4, JSON.stringify(report));
    assert.equal(report.skipped, 1);
    const byLine = Object.fromEntries(report.rejected.map((r) => [r.line, r]));
    assert.deepEqual(Object.keys(byLine).map(Number), [2, 4, 5, 7, 8, 9, 10, 11, 12]);
    assert.match(byLine[2].reason, /không phải JSON hợp lệ/);
    assert.equal(byLine[2].code, null);
    assert.match(byLine[4].reason, /applicant\/idNumber không đúng định dạng/);
    assert.equal(byLine[4].code, 'CU-2024-000004');
    assert.match(byLine[5].reason, /Không tìm thấy thủ tục .*9\.999999/);
    assert.match(byLine[7].reason, /Không tìm thấy cơ quan .*H13\.999/);
    assert.match(byLine[8].reason, /không theo thứ tự: ngày tiếp nhận \(receivedAt\) trước ngày nộp/);
    assert.match(byLine[9].reason, /trạng thái "Đã trả kết quả" \(10\) phải có ngày trả kết quả/);
    assert.match(byLine[10].reason, /Sự kiện thứ 2 \(forward\) không theo thứ tự thời gian/);
    assert.match(byLine[11].reason, /trường không được phép "extra"/);
    assert.match(byLine[12].reason, /submittedAt phải là thời điểm ISO 8601/);

    const [sub] = await ctx.db.query(`SELECT home_agency_id, receiving_agency_id, agency_id FROM dossiers WHERE code = 'CU-2024-000015'`);
    assert.deepEqual(
      sub,
      { home_agency_id: ids['H13.11'], receiving_agency_id: ids.H13, agency_id: ids['H13.11'] },
      'sub-unit codes count for their organisation',
    );
  });

  test('a refused dossier needs the day it ended; a history with a broken character is refused before it is hashed', async () => {
    const report = await importDossiers(
      ctx.db,
      linesOf(
        ndjson([
          pastDossier('CU-2024-000101', { status: 3, receivedAt: null, dueAt: null, finishedAt: null, returnedAt: null, events: [] }),
          pastDossier('CU-2024-000102', {
            events: [{ at: '2024-03-04T08:15:00+07:00', action: 'accept', actorName: 'Tr\ud800n', fromStatus: 1, toStatus: 2 }],
          }),
        ]),
      ),
    );
    assert.equal(report.imported, 0, JSON.stringify(report));
    assert.match(report.rejected[0].reason, /trạng thái "Không được tiếp nhận" \(3\) phải có ngày kết thúc xử lý/);
    assert.match(report.rejected[1].reason, /Sự kiện thứ 1 có ký tự không hợp lệ/);
  });

  test('the same file again: everything already there is skipped, nothing written twice', async () => {
    const count = async () => (await ctx.db.query(`SELECT (SELECT count(*) FROM dossiers)::int AS d, (SELECT count(*) FROM dossier_events)::int AS e`))[0];
    const beforeCounts = await count();
    const report = await importDossiers(ctx.db, linesOf(mixed()), { chunkSize: 3 });
    assert.equal(report.imported, 0);
    assert.equal(report.skipped, 5);
    assert.equal(report.rejected.length, 9);
    assert.deepEqual(await count(), beforeCounts);
  });

  test("the imported dossier, with its dates and events, is visible to the agency's staff and to no other commune", async () => {
    const [{ id }] = await ctx.db.query(`SELECT id FROM dossiers WHERE code = 'CU-2024-000001'`);
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const res = await counter({ url: `/api/v1/dossiers/${id}` });
    assert.equal(res.statusCode, 200, res.body);
    const d = res.json();
    assert.deepEqual(
      [d.code, d.status, d.channel, d.procedure.code, d.homeAgencyId, d.receivingAgencyId, d.agencyId],
      ['CU-2024-000001', 10, 'counter', '1.001193', ids['H13.102'], ids['H13.102'], ids['H13.102']],
    );
    assert.equal(d.submittedAt, '2024-03-04T01:10:00.000Z');
    assert.equal(d.dueAt, '2024-03-06T09:30:00.000Z');
    assert.equal(d.originalDueAt, '2024-03-06T09:30:00.000Z');
    assert.equal(d.returnedAt, '2024-03-06T02:00:00.000Z');
    assert.equal(d.timeliness, 'early');
    assert.deepEqual(d.applicant, { name: 'Nguyễn Văn An', idNumber: '092085001111', address: 'Phường Cái Khế, Thành phố Cần Thơ', phone: '0912000111' });
    assert.deepEqual(
      d.events.map((e: any) => [e.action, e.actorKind, e.actorName, e.fromStatus, e.toStatus]),
      [
        ['submit', 'system', 'Hệ thống', null, 1],
        ['accept', 'staff', 'Trần Thị Bé', 1, 2],
        ['approve', 'staff', 'Lê Văn Chủ', 4, 9],
        ['return_result', 'staff', 'Trần Thị Bé', 9, 10],
        ['import', 'system', 'Hệ thống', null, null],
      ],
    );
    assert.equal(d.events[2].note, 'Đã ký');
    assert.equal(d.events[0].at, '2024-03-04T01:10:00.000Z');
    assert.ok(d.events.every((e: any) => e.data.imported === true));
    // The service gives the same to a staff member of the competent agency; another commune's staff gets 404.
    const other = await signIn(ctx.app, 'ninhkieu.motcua');
    assert.equal((await other({ url: `/api/v1/dossiers/${id}` })).statusCode, 404);
    const [user] = await ctx.db.query(`SELECT u.id, a.path FROM users u JOIN agencies a ON a.id = u.agency_id WHERE u.username = 'caikhe.chuyenvien'`);
    const viaService = await getDossier(
      ctx.db,
      {
        kind: 'staff',
        actor: { userId: user.id, username: 'caikhe.chuyenvien', fullName: 'x', roles: ['specialist'], agencyId: ids['H13.102'], agencyPath: user.path },
      },
      id,
    );
    assert.equal(viaService.events.length, 5);
    // An imported open dossier is history only: no workflow step to act on.
    const [open] = await ctx.db.query(`SELECT id FROM dossiers WHERE code = 'CU-2024-000003'`);
    assert.equal((await counter({ method: 'POST', url: `/api/v1/dossiers/${open.id}/actions`, payload: { action: 'forward' } })).statusCode, 409);
  });

  test('POST /api/v1/import/dossiers: system administrators only, NDJSON body, the same report', async () => {
    const body = ndjson([pastDossier('WEB-2024-000001'), '{oops', pastDossier('CU-2024-000001')]);
    const anonymous = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/import/dossiers',
      payload: body,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    assert.equal(anonymous.statusCode, 401);
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const refused = await counter({ method: 'POST', url: '/api/v1/import/dossiers', payload: body, headers: { 'content-type': 'application/x-ndjson' } });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.json().message, /quản trị hệ thống/);
    const admin = await signIn(ctx.app, 'admin');
    const res = await admin({ method: 'POST', url: '/api/v1/import/dossiers', payload: body, headers: { 'content-type': 'application/x-ndjson' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { imported: 1, skipped: 1, rejected: [{ line: 2, code: null, reason: 'Dòng không phải JSON hợp lệ.' }] });
    const [last] = await ctx.db.query(`SELECT e.actor_kind, e.actor_name FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
      WHERE d.code = 'WEB-2024-000001' AND e.action = 'import'`);
    assert.deepEqual(last, { actor_kind: 'staff', actor_name: 'Nguyễn Văn Quản' });
    // A JSON body is not an import file.
    const json = await admin({ method: 'POST', url: '/api/v1/import/dossiers', payload: { code: 'x' } });
    assert.equal(json.statusCode, 400);
    const empty = await admin({ method: 'POST', url: '/api/v1/import/dossiers', payload: '\n\n', headers: { 'content-type': 'application/x-ndjson' } });
    assert.equal(empty.json().code, 'EMPTY_BODY');
  });

  test("an imported dossier with a code unlike the system's own is found by the public lookup; a code with characters never allowed answers 400", async () => {
    const report = await importDossiers(ctx.db, linesOf(ndjson([pastDossier('EC-C'), pastDossier('so/2019.cx_07')])));
    assert.deepEqual([report.imported, report.rejected], [2, []]);
    for (const code of ['EC-C', 'so/2019.cx_07']) {
      const res = await ctx.app.inject({ url: `/api/v1/lookup/${encodeURIComponent(code)}?verify=1111`, remoteAddress: '10.9.0.1' });
      assert.equal(res.statusCode, 200, code);
      assert.deepEqual([res.json().code, res.json().statusName, res.json().applicantName], [code, 'Đã trả kết quả', 'N. V. A.']);
    }
    assert.equal((await ctx.app.inject({ url: '/api/v1/lookup/ec-c', remoteAddress: '10.9.0.1' })).json().code, 'EC-C', 'typed in lower case');
    for (const bad of ['ma có dấu', 'EC-C;DROP', '-EC-C', 'X'.repeat(61)]) {
      const res = await ctx.app.inject({ url: `/api/v1/lookup/${encodeURIComponent(bad)}`, remoteAddress: '10.9.0.2' });
      assert.equal(res.statusCode, 400, bad);
      assert.equal(res.json().code, 'VALIDATION_FAILED');
      assert.equal(typeof res.json().message, 'string');
    }
  });

  test('10,000 lines in chunks: all imported, then all skipped', async (t) => {
    const lines = function* () {
      for (let i = 1; i <= 10_000; i++) {
        yield JSON.stringify(
          pastDossier(`BULK-${String(i).padStart(6, '0')}`, {
            applicant: { name: `Người Nộp ${i}`, idNumber: String(92000000000 + i).padStart(12, '0') },
          }),
        );
      }
    };
    let started = Date.now();
    const first = await importDossiers(ctx.db, lines());
    const firstMs = Date.now() - started;
    assert.deepEqual([first.imported, first.skipped, first.rejected.length], [10_000, 0, 0]);
    started = Date.now();
    const again = await importDossiers(ctx.db, lines());
    assert.deepEqual([again.imported, again.skipped, again.rejected.length], [0, 10_000, 0]);
    t.diagnostic(`[${ctx.kind}] 10,000 lines: ${firstMs} ms; again (all skipped): ${Date.now() - started} ms`);
    const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id WHERE d.code LIKE 'BULK-%'`);
    assert.equal(n, 50_000);
  });
});

test('CLI: streams the file, prints the report, exit code 1 when a line was rejected', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'congso-import-'));
  try {
    const db = await openDatabase({ dataDir: join(dir, 'pglite') });
    await migrate(db);
    await seedDemo(db);
    await db.close();
    const file = join(dir, 'dossiers.ndjson');
    writeFileSync(file, '\uFEFF' + ndjson([pastDossier('CLI-000001'), pastDossier('CLI-000002', { channel: 'fax' as never })]).replaceAll('\n', '\r\n'));
    const run = () =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/dossiers/import-cli.ts', file], {
        env: { ...process.env, DATABASE_URL: '', DATA_DIR: dir },
        encoding: 'utf8',
      });
    const first = run();
    assert.equal(first.status, 1, first.stderr);
    const report = JSON.parse(first.stdout);
    assert.equal(report.imported, 1);
    assert.deepEqual(
      report.rejected.map((r: any) => [r.line, r.code]),
      [[2, 'CLI-000002']],
    );
    assert.match(report.rejected[0].reason, /channel phải là một trong: online, counter, post/);
    assert.match(first.stderr, /Đã nhập: 1; bỏ qua \(đã có\): 0; bị từ chối: 1/);
    writeFileSync(file, ndjson([pastDossier('CLI-000001')]));
    const second = run();
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(JSON.parse(second.stdout), { imported: 0, skipped: 1, rejected: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
