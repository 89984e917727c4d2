import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import ExcelJS from 'exceljs';
import { agencyIds, eachDatabase, signIn, type Requester, type TestContext } from '../testing/harness.ts';
import { dossierExtraRoutes } from './extra-routes.ts';
import { importDossiers, linesOf, type ImportLine } from './import.ts';
import { REGISTER_COLUMNS } from './register.ts';
import { vietnamDate, vietnamDateTime } from '../shared/time.ts';

/** Registers the extra routes on the test app unless src/app.ts already does. */
async function withExtraRoutes(ctx: TestContext) {
  // biome-ignore lint/nursery/noMisusedPromises: Fastify's register takes an async plugin; Biome's inference sees only the callback overload
  if (!ctx.app.hasRoute({ method: 'GET', url: '/api/v1/register' })) await ctx.app.register(async (api) => dossierExtraRoutes(api));
}

/** A past dossier (Đăng ký khai sinh, Phường Cái Khế) received 04/03/2024, finished early, returned. */
const pastDossier = (code: string, over: Partial<ImportLine> = {}): ImportLine => ({
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
  events: [{ at: '2024-03-06T09:00:00+07:00', action: 'return_result', actorName: 'Trần Thị Bé', fromStatus: 9, toStatus: 10 }],
  ...over,
});

const open = { finishedAt: null, returnedAt: null } as const;

/** Rows of the first worksheet as arrays of cell text (index 0 = column A). */
async function readXlsx(body: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as never);
  const sheet = wb.worksheets[0];
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const cells: string[] = [];
    for (let c = 1; c <= REGISTER_COLUMNS.length; c++) {
      const v = row.getCell(c).value;
      cells.push(v === null || v === undefined ? '' : String(v));
    }
    rows.push(cells);
  });
  return rows;
}

eachDatabase('tracking register (Mẫu 07) and officer search', { demo: true }, (ctx) => {
  let ids: Record<string, string>;
  let liveCode: string;

  before(async () => {
    await withExtraRoutes(ctx);
    ids = await agencyIds(ctx.db);
    const lines = [
      // Phường Cái Khế, Hộ tịch, received in March 2024: early, on time, late, still open.
      pastDossier('REG-2024-000001'),
      pastDossier('REG-2024-000002', {
        applicant: { name: 'Trần Thị Đào', idNumber: '092190002222', phone: '0913000222' },
        submittedAt: '2024-03-05T09:00:00+07:00',
        receivedAt: '2024-03-05T09:05:00+07:00',
        finishedAt: '2024-03-06T10:00:00+07:00',
        returnedAt: '2024-03-06T11:00:00+07:00',
      }),
      pastDossier('REG-2024-000003', {
        status: 9,
        applicant: { name: 'Nguyễn Văn Anh', idNumber: '092190003333' },
        submittedAt: '2024-03-06T08:00:00+07:00',
        receivedAt: '2024-03-06T08:00:00+07:00',
        dueAt: '2024-03-08T16:30:00+07:00',
        finishedAt: '2024-03-11T08:00:00+07:00',
        returnedAt: null,
        events: [],
      }),
      pastDossier('REG-2024-000004', {
        status: 4,
        ...open,
        submittedAt: '2024-03-31T23:30:00+07:00',
        receivedAt: '2024-03-31T23:30:00+07:00',
        dueAt: '2024-04-03T16:30:00+07:00',
        applicant: { name: 'Lê   Hoàng  Phúc', idNumber: '092190004444', address: 'Khu vực 1, "Cái Khế", Cần Thơ' },
        events: [],
      }),
      // Not in March's register: not received, received in May, another field, another commune.
      pastDossier('REG-2024-000005', { status: 1, channel: 'online', receivedAt: null, dueAt: null, ...open, events: [] }),
      pastDossier('REG-2024-000006', {
        submittedAt: '2024-05-02T08:00:00+07:00',
        receivedAt: '2024-05-02T08:00:00+07:00',
        dueAt: '2024-05-06T16:30:00+07:00',
        finishedAt: '2024-05-03T08:00:00+07:00',
        returnedAt: '2024-05-03T09:00:00+07:00',
        events: [],
      }),
      pastDossier('REG-2024-000007', { procedureCode: '2.000815', events: [] }),
      pastDossier('REG-2024-000008', { agencyCode: 'H13.101', applicant: { name: 'Nguyễn Văn An', idNumber: '092085001111' }, events: [] }),
      // Received at the counter of Ninh Kiều for Cái Khế (phi địa giới): both communes keep it in their register.
      pastDossier('REG-2024-000009', {
        receivingAgencyCode: 'H13.101',
        submittedAt: '2024-03-01T00:10:00+07:00',
        receivedAt: '2024-03-01T00:10:00+07:00',
        events: [],
      }),
      // Received 01/04 at 00:30 Vietnam time (still 31 March in UTC): April's, not March's.
      pastDossier('REG-2024-000010', {
        submittedAt: '2024-04-01T00:30:00+07:00',
        receivedAt: '2024-04-01T00:30:00+07:00',
        dueAt: '2024-04-03T16:30:00+07:00',
        finishedAt: '2024-04-02T08:00:00+07:00',
        returnedAt: '2024-04-02T09:00:00+07:00',
        events: [],
      }),
    ].map((l) => JSON.stringify(l));
    const report = await importDossiers(ctx.db, linesOf(lines.join('\n')));
    assert.deepEqual([report.imported, report.rejected], [10, []], JSON.stringify(report.rejected));

    // One live dossier through the whole workflow, returned by post.
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const specialist = await signIn(ctx.app, 'caikhe.chuyenvien');
    const leader = await signIn(ctx.app, 'caikhe.lanhdao');
    const procedure = (await ctx.app.inject({ url: '/api/v1/procedures/1.001193' })).json();
    const submitted = await counter({
      method: 'POST',
      url: '/api/v1/dossiers',
      payload: {
        procedureId: procedure.id,
        agencyId: ids['H13.102'],
        channel: 'counter',
        applicant: { name: 'Phạm Minh Đức', idNumber: '092190005555', address: 'Phường Cái Khế', phone: '0914000555' },
        formData: {
          hoTenTre: 'Phạm Minh Khôi',
          ngaySinh: '2026-11-01',
          gioiTinh: 'Nam',
          noiSinh: 'Cần Thơ',
          hoTenMe: 'Võ Thị Hoa',
          soDinhDanhNguoiYeuCau: '092190005555',
        },
      },
    });
    assert.equal(submitted.statusCode, 201, submitted.body);
    const { id, code } = submitted.json();
    liveCode = code;
    for (const [who, body] of [
      [specialist, { action: 'forward' }],
      [leader, { action: 'forward' }],
      [counter, { action: 'return_result', method: 'post' }],
    ] as [Requester, object][]) {
      const res = await who({ method: 'POST', url: `/api/v1/dossiers/${id}/actions`, payload: body });
      assert.equal(res.statusCode, 200, res.body);
    }
  });

  const register = (who: Requester, query: string) => who({ url: `/api/v1/register?${query}` });

  test('XLSX: title, header, one row per dossier received in the period, Vietnamese dates and outcomes', async () => {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const res = await register(counter, `field=${encodeURIComponent('Hộ tịch')}&from=2024-03-01&to=2024-03-31`);
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /spreadsheetml/);
    assert.match(String(res.headers['content-disposition']), /so-theo-doi-ho-so-2024-03-01-2024-03-31\.xlsx/);
    const rows = await readXlsx(res.rawPayload);
    assert.equal(rows[0][0], 'SỔ THEO DÕI HỒ SƠ — Lĩnh vực: Hộ tịch');
    assert.match(rows[1][0], /Ủy ban nhân dân Phường Cái Khế — Từ ngày 01\/03\/2024 đến ngày 31\/03\/2024/);
    assert.deepEqual(rows[2], [...REGISTER_COLUMNS]);
    const data = rows.slice(3);
    assert.deepEqual(
      data.map((r) => [r[0], r[1], r[10]]),
      [
        ['1', 'REG-2024-000009', 'Trước hạn'],
        ['2', 'REG-2024-000001', 'Trước hạn'],
        ['3', 'REG-2024-000002', 'Đúng hạn'],
        ['4', 'REG-2024-000003', 'Quá hạn'],
        ['5', 'REG-2024-000004', 'Đang giải quyết'],
      ],
    );
    assert.deepEqual(data[1], [
      '2',
      'REG-2024-000001',
      'Đăng ký khai sinh',
      'Nguyễn Văn An',
      'Phường Cái Khế, Thành phố Cần Thơ',
      '0912000111',
      'Ủy ban nhân dân Phường Cái Khế',
      '04/03/2024 08:15',
      '06/03/2024 16:30',
      '06/03/2024 09:00',
      'Trước hạn',
      '',
    ]);
    assert.equal(data[4][7], '31/03/2024 23:30', 'the last evening of the month, Vietnam time');
    assert.equal(data[4][9], '');
  });

  test('the return method comes from the return event; without a period every received dossier is listed', async () => {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const rows = await readXlsx((await register(counter, `field=${encodeURIComponent('Hộ tịch')}`)).rawPayload);
    assert.equal(rows[0][0], 'SỔ THEO DÕI HỒ SƠ — Lĩnh vực: Hộ tịch');
    const codes = rows.slice(3).map((r) => r[1]);
    assert.deepEqual(codes, [
      'REG-2024-000009',
      'REG-2024-000001',
      'REG-2024-000002',
      'REG-2024-000003',
      'REG-2024-000004',
      'REG-2024-000010',
      'REG-2024-000006',
      liveCode,
    ]);
    const live = rows.find((r) => r[1] === liveCode)!;
    assert.equal(live[11], 'Qua dịch vụ bưu chính');
    assert.equal(live[3], 'Phạm Minh Đức');
    assert.equal(live[7].slice(0, 10), vietnamDateTime(new Date()).slice(0, 10));
    assert.ok(['Trước hạn', 'Đúng hạn'].includes(live[10]), live[10]);
    // All fields: the other field's dossier too.
    const all = await readXlsx((await register(counter, 'from=2024-03-01&to=2024-03-31')).rawPayload);
    assert.equal(all[0][0], 'SỔ THEO DÕI HỒ SƠ — Lĩnh vực: Tất cả lĩnh vực');
    assert.ok(all.slice(3).some((r) => r[1] === 'REG-2024-000007' && r[2].startsWith('Chứng thực bản sao')));
  });

  test('scoping: another commune sees none of them; the receiving commune sees what it received; the administrator sees all', async () => {
    const q = `field=${encodeURIComponent('Hộ tịch')}&from=2024-03-01&to=2024-03-31`;
    const cairang = await signIn(ctx.app, 'cairang.motcua');
    assert.deepEqual((await readXlsx((await register(cairang, q)).rawPayload)).slice(3), []);
    const ninhkieu = await signIn(ctx.app, 'ninhkieu.chuyenvien');
    assert.deepEqual(
      (await readXlsx((await register(ninhkieu, q)).rawPayload)).slice(3).map((r) => r[1]),
      ['REG-2024-000009', 'REG-2024-000008'],
    );
    const admin = await signIn(ctx.app, 'admin');
    const rows = await readXlsx((await register(admin, q)).rawPayload);
    assert.match(rows[1][0], /^Toàn tỉnh/);
    assert.deepEqual(
      rows
        .slice(3)
        .map((r) => r[1])
        .sort(),
      ['REG-2024-000001', 'REG-2024-000002', 'REG-2024-000003', 'REG-2024-000004', 'REG-2024-000008', 'REG-2024-000009'],
    );
    // The administrator narrows to one competent agency.
    const one = await readXlsx((await register(admin, `${q}&agency=${ids['H13.101']}`)).rawPayload);
    assert.deepEqual(
      one.slice(3).map((r) => r[1]),
      ['REG-2024-000008'],
    );
  });

  test('CSV: UTF-8 with BOM, the same header and rows', async () => {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const res = await register(counter, `field=${encodeURIComponent('Hộ tịch')}&from=2024-03-01&to=2024-03-31&format=csv`);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
    assert.deepEqual([...res.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const lines = res.rawPayload.toString('utf8').slice(1).split('\r\n');
    assert.equal(lines[0], 'SỔ THEO DÕI HỒ SƠ — Lĩnh vực: Hộ tịch');
    assert.equal(lines[2], REGISTER_COLUMNS.join(','));
    assert.equal(
      lines[4],
      '2,REG-2024-000001,Đăng ký khai sinh,Nguyễn Văn An,"Phường Cái Khế, Thành phố Cần Thơ",0912000111,Ủy ban nhân dân Phường Cái Khế,04/03/2024 08:15,06/03/2024 16:30,06/03/2024 09:00,Trước hạn,',
    );
    assert.match(lines[7], /^5,REG-2024-000004,.*,"Khu vực 1, ""Cái Khế"", Cần Thơ",/);
    assert.equal(lines.length, 9, 'five rows and the final line end');
  });

  test('CSV: a formula-like applicant name comes out as text (OWASP CSV injection)', async () => {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const [{ applicant }] = await ctx.db.query(`SELECT applicant FROM dossiers WHERE code = 'REG-2024-000002'`);
    await ctx.db.query(`UPDATE dossiers SET applicant = $1 WHERE code = 'REG-2024-000002'`, [
      JSON.stringify({ ...applicant, name: '=HYPERLINK("http://evil.example","Bấm")' }),
    ]);
    try {
      const res = await register(counter, `field=${encodeURIComponent('Hộ tịch')}&from=2024-03-01&to=2024-03-31&format=csv`);
      const line = res.rawPayload
        .toString('utf8')
        .split('\r\n')
        .find((l) => l.includes('REG-2024-000002'));
      assert.match(line!, /,"'=HYPERLINK\(""http:\/\/evil\.example"",""Bấm""\)",/);
    } finally {
      await ctx.db.query(`UPDATE dossiers SET applicant = $1 WHERE code = 'REG-2024-000002'`, [JSON.stringify(applicant)]);
    }
  });

  test('register: staff only, and bad parameters answer 400 in Vietnamese', async () => {
    const anonymous = await ctx.app.inject({ url: '/api/v1/register?field=x' });
    assert.equal(anonymous.statusCode, 401);
    assert.match(anonymous.json().message, /đăng nhập/);
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    for (const q of ['from=2024-04-01&to=2024-03-01', 'from=2024-13-01', 'format=pdf', 'agency=abc', 'khongCo=1', 'from=hom-qua']) {
      const res = await register(counter, q);
      assert.equal(res.statusCode, 400, `${q}: ${res.body}`);
      assert.equal(typeof res.json().code, 'string');
      assert.ok('details' in res.json());
    }
    assert.equal((await register(counter, 'from=2024-04-01&to=2024-03-01')).json().code, 'INVALID_PERIOD');
  });

  const search = async (who: Requester, query: string) => {
    const res = await who({ url: `/api/v1/dossiers?${query}` });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as {
      items: { code: string; applicantName: string; statusName: string; procedure: { name: string } }[];
      total: number;
      page: number;
      pageSize: number;
    };
  };

  test('search by name ignores diacritics and case, every word must appear; by code exact or prefix; by ID number', async () => {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const byName = await search(counter, `q=${encodeURIComponent('nguyen van an')}`);
    assert.deepEqual(byName.items.map((d) => d.code).sort(), [
      'REG-2024-000001',
      'REG-2024-000003',
      'REG-2024-000005',
      'REG-2024-000006',
      'REG-2024-000007',
      'REG-2024-000009',
      'REG-2024-000010',
    ]);
    assert.ok(byName.items.every((d) => /^Nguyễn Văn An/.test(d.applicantName)));
    assert.deepEqual(
      (await search(counter, `q=${encodeURIComponent('ĐÀO')}`)).items.map((d) => d.code),
      ['REG-2024-000002'],
    );
    assert.deepEqual(
      (await search(counter, 'q=dao')).items.map((d) => d.code),
      ['REG-2024-000002'],
    );
    assert.deepEqual(
      (await search(counter, `q=${encodeURIComponent('hoàng phúc')}`)).items.map((d) => d.code),
      ['REG-2024-000004'],
      'extra spaces in the stored name',
    );
    assert.deepEqual(
      (await search(counter, 'q=anh nguyen')).items.map((d) => d.code),
      ['REG-2024-000003'],
      'word order does not matter',
    );
    assert.deepEqual(
      (await search(counter, 'q=REG-2024-000004')).items.map((d) => d.code),
      ['REG-2024-000004'],
    );
    assert.equal((await search(counter, 'q=reg-2024-00000')).total, 8, "prefix, any case (Ninh Kiều's 000008 is out of scope)");
    assert.deepEqual(
      (await search(counter, 'q=092190003333')).items.map((d) => d.code),
      ['REG-2024-000003'],
    );
    assert.equal((await search(counter, 'q=09219000')).total, 0, 'ID numbers match only exactly');
    assert.equal((await search(counter, `q=${encodeURIComponent('100%')}`)).total, 0);
    assert.equal((await search(counter, 'q=REG_2024')).total, 0, 'LIKE wildcards are literal');
  });

  test('search: scoped, filtered by status, newest first, paged', async () => {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const all = await search(counter, 'pageSize=100');
    assert.equal(all.total, 10, "nine imported at Cái Khế and the live one; not Ninh Kiều's");
    assert.equal(all.items[0].code, liveCode, 'newest first');
    assert.deepEqual(
      all.items.slice(0, 4).map((d) => d.code),
      [liveCode, 'REG-2024-000006', 'REG-2024-000010', 'REG-2024-000004'],
    );
    assert.equal(all.items.at(-1)!.code, 'REG-2024-000009');
    const page2 = await search(counter, 'pageSize=3&page=2');
    assert.deepEqual([page2.total, page2.page, page2.pageSize], [10, 2, 3]);
    assert.deepEqual(
      page2.items.map((d) => d.code),
      all.items.slice(3, 6).map((d) => d.code),
    );
    const beyond = await search(counter, 'pageSize=3&page=9');
    assert.deepEqual([beyond.items.length, beyond.total], [0, 10]);
    const late = await search(counter, 'status=9');
    assert.deepEqual(
      late.items.map((d) => [d.code, d.statusName]),
      [['REG-2024-000003', 'Đã xử lý xong']],
    );
    assert.equal(late.items[0].procedure.name, 'Đăng ký khai sinh');
    const cairang = await signIn(ctx.app, 'cairang.motcua');
    assert.equal((await search(cairang, 'q=nguyen')).total, 0);
    const ninhkieu = await signIn(ctx.app, 'ninhkieu.motcua');
    assert.deepEqual((await search(ninhkieu, 'q=nguyen van an')).items.map((d) => d.code).sort(), ['REG-2024-000008', 'REG-2024-000009']);
    const admin = await signIn(ctx.app, 'admin');
    assert.equal((await search(admin, 'q=REG-')).total, 10);
  });

  test('search: staff only; bad parameters answer 400', async () => {
    assert.equal((await ctx.app.inject({ url: '/api/v1/dossiers?q=x' })).statusCode, 401);
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    for (const q of ['status=11', 'status=abc', 'page=0', 'pageSize=101', `q=${'x'.repeat(201)}`, 'khongCo=1']) {
      const res = await counter({ url: `/api/v1/dossiers?${q}` });
      assert.equal(res.statusCode, 400, `${q}: ${res.body}`);
      assert.equal(res.json().code, 'VALIDATION_FAILED');
    }
    assert.equal(vietnamDate(new Date('2024-03-31T16:30:00Z')), '2024-03-31');
  });
});
