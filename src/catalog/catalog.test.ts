import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mock, test } from 'node:test';
import { agencyIds, eachDatabase, signIn } from '../testing/harness.ts';
import { getProcedureVersion, publishProcedure, searchProcedures } from './service.ts';
import { REVISION_CHECK_MS } from './search-index.ts';
import type { ProcedureContent } from './types.ts';

const KHAI_SINH = 'Đăng ký khai sinh';

eachDatabase('procedure catalogue', { demo: true }, (ctx) => {
  const search = async (query: string) => {
    const res = await ctx.app.inject({ url: `/api/v1/procedures?${query}` });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { items: any[]; total: number; page: number; pageSize: number };
  };
  const q = (text: string) => search(`q=${encodeURIComponent(text)}`);

  test('the demo catalogue has at least 40 real procedures, the free ones marked', async () => {
    const all = await search('pageSize=100');
    assert.ok(all.total >= 40, `${all.total} procedures`);
    const khaiSinh = all.items.find((p) => p.name === KHAI_SINH);
    assert.equal(khaiSinh.nationalCode, '1.001193');
    assert.equal(khaiSinh.free, true);
    assert.ok(all.items.filter((p) => p.free).length >= 5);
    assert.ok(all.items.some((p) => !p.free));
  });

  test('"dang ky khai sinh", "ĐĂNG KÝ KHAI SINH" and "khai sinh" all put Đăng ký khai sinh first', async () => {
    for (const text of ['dang ky khai sinh', 'ĐĂNG KÝ KHAI SINH', 'khai sinh', 'Đăng ký khai sinh', '  dang   ky khai sinh ']) {
      const res = await q(text);
      assert.equal(res.items[0]?.name, KHAI_SINH, `${text}: ${res.items.slice(0, 3).map((p) => p.name)}`);
    }
  });

  test('a typo is tolerated and đ counts as d', async () => {
    for (const text of ['dang ky khai sinhh', 'dang ki khai sinh', 'dăng ky khai sinh', 'đang ky khai sinh']) {
      assert.equal((await q(text)).items[0]?.name, KHAI_SINH, text);
    }
    const withD = await q('đăng ký kết hôn');
    const without = await q('dang ky ket hon');
    assert.deepEqual(
      withD.items.map((p) => p.id),
      without.items.map((p) => p.id),
    );
    assert.match(withD.items[0].name, /kết hôn/);
  });

  test('by national code, full code and field', async () => {
    assert.equal((await q('1.001193')).items[0].name, KHAI_SINH);
    const full = (await q('1.001193')).items[0].code;
    assert.equal((await q(full)).items[0].name, KHAI_SINH);
    const field = await q('chung thuc');
    assert.ok(field.items.length >= 2);
    assert.ok(
      field.items.slice(0, 2).every((p) => p.field === 'Chứng thực'),
      JSON.stringify(field.items.slice(0, 2)),
    );
  });

  test('the words citizens use find the procedure: "sổ đỏ", "giấy độc thân", "CCCD"; admins edit the list', async () => {
    assert.match((await q('sổ đỏ')).items[0]?.name ?? '', /Giấy chứng nhận quyền sử dụng đất/i);
    assert.match((await q('xin giay doc than')).items[0]?.name ?? '', /xác nhận tình trạng hôn nhân/i);
    assert.match((await q('Giấy độc thân')).items[0]?.name ?? '', /xác nhận tình trạng hôn nhân/i);
    const admin = await signIn(ctx.app, 'admin');
    const saved = (await admin({ url: '/api/v1/admin/search-synonyms' })).json().items;
    assert.ok(saved.some((x: any) => x.phrase === 'sổ hồng'));
    assert.equal((await q('giấy báo tử')).items[0]?.name.includes('khai tử'), false, 'not yet a synonym');
    const put = await admin({
      method: 'PUT',
      url: '/api/v1/admin/search-synonyms',
      payload: { items: [...saved, { phrase: 'Giấy báo tử', meaning: 'khai tử' }] },
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.match((await q('giay bao tu')).items[0]?.name ?? '', /khai tử/i);
    const dup = await admin({
      method: 'PUT',
      url: '/api/v1/admin/search-synonyms',
      payload: {
        items: [
          { phrase: 'sổ đỏ', meaning: 'a' },
          { phrase: 'SO DO', meaning: 'b' },
        ],
      },
    });
    assert.equal(dup.statusCode, 400);
    assert.equal(dup.json().code, 'DUPLICATE_SYNONYM');
    const commune = await signIn(ctx.app, 'caikhe.quantri');
    assert.equal((await commune({ method: 'PUT', url: '/api/v1/admin/search-synonyms', payload: { items: [] } })).statusCode, 403);
    assert.equal((await admin({ method: 'PUT', url: '/api/v1/admin/search-synonyms', payload: { items: saved } })).statusCode, 200);
    assert.equal((await q('giay bao tu')).items[0]?.name.includes('khai tử'), false, 'removed again');
  });

  test('nonsense finds nothing rather than everything', async () => {
    assert.equal((await q('xyzqwv')).total, 0);
  });

  test('filters and paging', async () => {
    const full = await search('onlineLevel=full&pageSize=100');
    assert.ok(full.total > 0 && full.items.every((p) => p.onlineLevel === 'full'));
    const commune = await search('agencyLevel=commune&pageSize=100');
    assert.ok(commune.total > 0 && commune.items.every((p) => p.agencyLevel === 'commune'));
    const hoTich = await search(`field=${encodeURIComponent('Hộ tịch')}&pageSize=100`);
    assert.ok(hoTich.total >= 4 && hoTich.items.every((p) => p.field === 'Hộ tịch'));
    const combined = await search(`field=${encodeURIComponent('Hộ tịch')}&q=khai%20sinh`);
    assert.equal(combined.items[0].name, KHAI_SINH);
    const page1 = await search('pageSize=5&page=1');
    const page2 = await search('pageSize=5&page=2');
    assert.equal(page1.items.length, 5);
    assert.equal(page1.total, page2.total);
    assert.equal(new Set([...page1.items, ...page2.items].map((p) => p.id)).size, 10, 'pages do not overlap');
    const fields = (await ctx.app.inject({ url: '/api/v1/fields' })).json().items;
    assert.ok(fields.some((f: any) => f.name === 'Hộ tịch' && f.count === hoTich.total));
  });

  test("a procedure's public page has its components, fees and the 7 public parts", async () => {
    const byCode = await ctx.app.inject({ url: '/api/v1/procedures/1.001193' });
    assert.equal(byCode.statusCode, 200);
    const p = byCode.json();
    const byId = (await ctx.app.inject({ url: `/api/v1/procedures/${p.id}` })).json();
    assert.deepEqual(byId, p);
    const c = p.content as ProcedureContent;
    for (const part of ['name', 'steps', 'methods', 'components', 'processingTime', 'applicants', 'competentAgency'] as const) {
      assert.ok(c[part] && (!Array.isArray(c[part]) || (c[part] as unknown[]).length), part);
    }
    assert.ok(c.components.some((x) => x.required));
    assert.ok(c.workflow.length >= 2);
    assert.equal((await ctx.app.inject({ url: '/api/v1/procedures/9.999999' })).statusCode, 404);
  });

  test("the online form comes whole and in the author's field order", async () => {
    const demo = JSON.parse(readFileSync(new URL('../demo/procedures.json', import.meta.url), 'utf8')) as ProcedureContent[];
    const authored = demo.find((p) => p.nationalCode === '1.001193')!.formSchema;
    const served = (await ctx.app.inject({ url: '/api/v1/procedures/1.001193' })).json().content.formSchema;
    assert.deepEqual(served, authored);
    assert.deepEqual(Object.keys(served.properties as Record<string, unknown>), Object.keys(authored.properties as Record<string, unknown>));
  });

  test('editing creates a new version; the public keeps the published one until published again', async () => {
    const admin = await signIn(ctx.app, 'admin');
    const { id } = (await ctx.app.inject({ url: '/api/v1/procedures/1.001193' })).json();
    const before = (await admin({ url: `/api/v1/admin/procedures/${id}` })).json();
    const edited = { ...before.content, processingTime: { value: 2, unit: 'working_days', note: 'Sửa đổi thử' } };
    const put = await admin({ method: 'PUT', url: `/api/v1/admin/procedures/${id}`, payload: { content: edited } });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json().version, before.version + 1);
    assert.equal(put.json().versions[0].createdBy, 'Nguyễn Văn Quản');
    const publicView = (await ctx.app.inject({ url: `/api/v1/procedures/${id}` })).json();
    assert.equal(publicView.version, before.version, 'the public still sees the published version');
    const published = await admin({ method: 'POST', url: `/api/v1/admin/procedures/${id}/publish` });
    assert.equal(published.json().publishedVersion, before.version + 1);
    assert.equal((await ctx.app.inject({ url: `/api/v1/procedures/${id}` })).json().content.processingTime.note, 'Sửa đổi thử');
    // A dossier submitted under the old version still reads the old content.
    assert.deepEqual((await getProcedureVersion(ctx.db, id, before.version)).processingTime, before.content.processingTime);
    const unpub = await admin({ method: 'POST', url: `/api/v1/admin/procedures/${id}/unpublish` });
    assert.equal(unpub.json().status, 'unpublished');
    assert.equal((await ctx.app.inject({ url: `/api/v1/procedures/${id}` })).statusCode, 404);
    assert.ok(!(await q('khai sinh')).items.some((p) => p.id === id));
    await admin({ method: 'POST', url: `/api/v1/admin/procedures/${id}/publish` });
    assert.equal((await q('khai sinh')).items[0].id, id);
  });

  test('invalid content is refused with every problem listed, and nothing is written', async () => {
    const admin = await signIn(ctx.app, 'admin');
    const ids = await agencyIds(ctx.db);
    const base = (await ctx.app.inject({ url: '/api/v1/procedures/1.001193' })).json().content as ProcedureContent;
    const [{ n: before }] = await ctx.db.query('SELECT count(*)::int AS n FROM procedure_versions');
    const cases: [string, unknown, string][] = [
      ['bad code', { ...base, nationalCode: '1001193' }, 'VALIDATION_FAILED'],
      [
        'bad form schema',
        { ...base, nationalCode: '1.999001', formSchema: { type: 'object', properties: { a: { type: 'khong-co' } } } },
        'INVALID_FORM_SCHEMA',
      ],
      ['duplicate step keys', { ...base, nationalCode: '1.999002', workflow: [base.workflow[0], base.workflow[0]] }, 'INVALID_WORKFLOW'],
      ['negative fee', { ...base, nationalCode: '1.999003', fees: [{ kind: 'fee', name: 'Phí', amount: -1 }] }, 'VALIDATION_FAILED'],
      // A fee per copy must name a required whole-number field of the form that says how many copies.
      [
        'fee per copy of no field',
        { ...base, nationalCode: '1.999004', fees: [{ kind: 'fee', name: 'Phí', amount: 8000, per: { field: 'soBanSao', unit: 'bản' } }] },
        'INVALID_FEE',
      ],
      [
        'fee per copy of a text field',
        { ...base, nationalCode: '1.999005', fees: [{ kind: 'fee', name: 'Phí', amount: 8000, per: { field: 'hoTenTre', unit: 'bản' } }] },
        'INVALID_FEE',
      ],
      ['taken code', base, 'PROCEDURE_CODE_TAKEN'],
    ];
    for (const [why, content, code] of cases) {
      const res = await admin({ method: 'POST', url: '/api/v1/admin/procedures', payload: { agencyId: ids.H13, content } });
      assert.ok(res.statusCode === 400 || res.statusCode === 409, `${why}: ${res.statusCode}`);
      assert.equal(res.json().code, code, why);
    }
    const [{ n: after }] = await ctx.db.query('SELECT count(*)::int AS n FROM procedure_versions');
    assert.equal(after, before);
  });

  test("a commune admin can neither read nor change another commune's procedures", async () => {
    const ids = await agencyIds(ctx.db);
    const caikhe = await signIn(ctx.app, 'caikhe.quantri');
    const ninhkieu = await signIn(ctx.app, 'ninhkieu.quantri');
    const base = (await ctx.app.inject({ url: '/api/v1/procedures/1.001193' })).json().content as ProcedureContent;
    const own = { ...base, nationalCode: '2.999001', localSuffix: 'H13.102', name: 'Thủ tục riêng của phường Cái Khế' };
    const created = await caikhe({ method: 'POST', url: '/api/v1/admin/procedures', payload: { agencyId: ids['H13.102'], content: own } });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().id;
    assert.equal(created.json().status, 'draft');
    for (const req of [
      { method: 'GET' as const, url: `/api/v1/admin/procedures/${id}` },
      { method: 'PUT' as const, url: `/api/v1/admin/procedures/${id}`, payload: { content: { ...own, name: 'Bị sửa' } } },
      { method: 'POST' as const, url: `/api/v1/admin/procedures/${id}/publish` },
    ]) {
      assert.equal((await ninhkieu(req)).statusCode, 404, `${req.method} ${req.url}`);
    }
    const intoOther = await caikhe({
      method: 'POST',
      url: '/api/v1/admin/procedures',
      payload: { agencyId: ids['H13.101'], content: { ...own, nationalCode: '2.999002' } },
    });
    assert.equal(intoOther.statusCode, 404);
    assert.ok(!(await ninhkieu({ url: '/api/v1/admin/procedures?pageSize=100' })).json().items.some((p: any) => p.id === id));
    assert.ok(!(await ninhkieu({ url: '/api/v1/admin/procedures/export' })).json().items.some((p: any) => p.content.nationalCode === '2.999001'));
    const mine = (await caikhe({ url: '/api/v1/admin/procedures?pageSize=100' })).json().items;
    assert.deepEqual(
      mine.map((p: any) => p.id),
      [id],
      "the province catalogue is not the commune admin's to edit",
    );
    assert.equal((await ctx.app.inject({ url: `/api/v1/procedures/${id}` })).statusCode, 404, 'drafts are not public');
    const [{ name }] = await ctx.db.query('SELECT name FROM procedures WHERE id = $1', [id]);
    assert.equal(name, 'Thủ tục riêng của phường Cái Khế');
  });

  test('export and import as JSON: unchanged items are skipped, edits become versions, bad items are reported', async () => {
    const admin = await signIn(ctx.app, 'admin');
    const exported = (await admin({ url: '/api/v1/admin/procedures/export' })).json();
    assert.equal(exported.format, 'congso.procedures/1');
    const items = exported.items.slice(0, 5);
    items[1] = { ...items[1], content: { ...items[1].content, name: `${items[1].content.name} (sửa khi nhập)` } };
    const fresh = { agencyCode: 'H13.11', status: 'published', content: { ...items[0].content, nationalCode: '2.999100', name: 'Thủ tục nhập mới' } };
    const broken = { agencyCode: 'H13', status: 'draft', content: { ...items[0].content, nationalCode: 'sai' } };
    const unknownAgency = { agencyCode: 'H99.1', status: 'draft', content: { ...items[0].content, nationalCode: '2.999101' } };
    const res = await admin({
      method: 'POST',
      url: '/api/v1/admin/procedures/import',
      payload: { format: exported.format, items: [...items, fresh, broken, unknownAgency] },
    });
    assert.equal(res.statusCode, 200, res.body);
    const report = res.json();
    assert.deepEqual([report.created, report.updated, report.unchanged], [1, 1, 4]);
    assert.deepEqual(
      report.rejected.map((r: any) => r.index),
      [6, 7],
    );
    assert.equal((await q('thu tuc nhap moi')).items[0].name, 'Thủ tục nhập mới');
    const caikhe = await signIn(ctx.app, 'caikhe.quantri');
    const outside = await caikhe({
      method: 'POST',
      url: '/api/v1/admin/procedures/import',
      payload: { items: [{ ...fresh, content: { ...fresh.content, nationalCode: '2.999102' } }] },
    });
    assert.equal(outside.json().rejected.length, 1, "an import cannot write outside the admin's scope");
  });

  test("another process's publication shows within REVISION_CHECK_MS, this process's own at once", async () => {
    const find = async () => (await searchProcedures(ctx.db, { q: 'khai sinh', page: 1, pageSize: 5 })).items.map((p) => p.name);
    const [{ id }] = await ctx.db.query(`SELECT id FROM procedures WHERE national_code = '1.001193'`);
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    try {
      assert.equal((await find())[0], KHAI_SINH);
      // Another server process unpublishes: its transaction moves the revision, this process hears nothing.
      await ctx.db.transaction(async (tx) => {
        await tx.query(`UPDATE procedures SET status = 'unpublished' WHERE id = $1`, [id]);
        await tx.query('UPDATE catalog_revision SET revision = revision + 1');
      });
      mock.timers.tick(REVISION_CHECK_MS);
      assert.ok(!(await find()).includes(KHAI_SINH), 'the revision read again once the check interval passed');
      await publishProcedure(ctx.db, null, id);
      assert.equal((await find())[0], KHAI_SINH, 'a write of this process shows at the next search');
    } finally {
      mock.timers.reset();
    }
  });
});
