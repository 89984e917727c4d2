// Hồ sơ công việc: created with its ký hiệu, retention and the person responsible, documents the user may see added and
// removed, closed at the end of the work (the date recorded, no change after); another agency's file is unknown.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { eachDatabase } from '../testing/harness.ts';
import { STP_STAFF, staffCalls } from './testkit.ts';

eachDatabase('work files', { demo: true }, (ctx) => {
  let call: Awaited<ReturnType<typeof staffCalls>>;
  let users: Record<string, string>;
  const files = async () => (await ctx.db.query('SELECT count(*)::int AS n FROM work_files'))[0].n as number;

  before(async () => {
    call = await staffCalls(ctx.app, [...STP_STAFF, 'syt.chuyenvien']);
    users = Object.fromEntries((await ctx.db.query('SELECT id, username FROM users')).map((r) => [r.username, r.id]));
  });

  test('a work file: created, documents added and removed, closed; then nothing changes', async () => {
    const post = (u: string, payload: Record<string, unknown>) => call.who[u]({ method: 'POST', url: '/api/v1/work-files', payload });
    const base = { code: '01.HCTP-2026', title: 'Hồ sơ kiểm tra công tác hộ tịch năm 2026', retentionYears: 10, responsibleId: users['stp.truongphong'] };
    const before = await files();
    for (const [u, payload, status, code] of [
      ['stp.chuyenvien', { ...base, responsibleId: users['syt.chuyenvien'] }, 400, 'INVALID_RESPONSIBLE'],
      ['stp.chuyenvien', { ...base, retentionYears: 0 }, 400, 'VALIDATION_FAILED'],
    ] as const) {
      const res = await post(u, payload);
      assert.equal(res.statusCode, status, res.body);
      assert.equal(res.json().code, code);
    }
    assert.equal(await files(), before, 'bad input writes nothing');
    const { id } = await call.ok(post('stp.chuyenvien', base), 201);
    const taken = await post('stp.chuyenvien', { ...base, title: 'Khác' });
    assert.deepEqual([taken.statusCode, taken.json().code], [409, 'WORK_FILE_CODE_TAKEN']);
    const forever = await call.ok(post('stp.chuyenvien', { ...base, code: '02.HCTP-2026', retentionYears: null }), 201);
    assert.equal((await call.get('stp.chuyenvien', `/api/v1/work-files/${forever.id}`)).retention, 'Vĩnh viễn');

    const mine = await call.create('stp.chuyenvien', { typeCode: 'to_trinh', subject: 'Tờ trình kế hoạch kiểm tra', recipients: [] });
    const theirs = await call.create('syt.chuyenvien', { typeCode: 'to_trinh', subject: 'Tờ trình của Sở Y tế', recipients: [] });
    const secret = await call.create('stp.lanhdao', { typeCode: 'bao_cao', subject: 'Báo cáo mật', secrecy: 'mat', recipients: [] });
    const put = (u: string, doc: string) => call.who[u]({ method: 'PUT', url: `/api/v1/work-files/${id}/documents/${doc}` });
    await call.ok(put('stp.chuyenvien', mine), 204);
    await call.ok(put('stp.chuyenvien', mine), 204);
    assert.equal((await put('stp.chuyenvien', theirs)).statusCode, 404, 'another agency’s document');
    assert.equal((await put('stp.chuyenvien', secret)).statusCode, 404, 'a secret document the user is not named on');
    assert.equal((await put('stp.vanthu', mine)).statusCode, 403, 'the văn thư sees the file but neither created it nor answers for it');

    let file = await call.get('stp.truongphong', `/api/v1/work-files/${id}`);
    assert.deepEqual(
      [file.code, file.retention, file.responsible.name, file.closedAt, file.documents.map((d: any) => d.id)],
      ['01.HCTP-2026', '10 năm', 'Ngô Quốc Bảo', null, [mine]],
    );
    assert.equal((await call.who['syt.chuyenvien']({ url: `/api/v1/work-files/${id}` })).statusCode, 404, 'another agency: as if unknown');
    assert.equal((await call.who['syt.chuyenvien']({ method: 'POST', url: `/api/v1/work-files/${id}/close` })).statusCode, 404);
    assert.ok(!(await call.get('syt.chuyenvien', '/api/v1/work-files')).items.some((f: any) => f.id === id));
    const row = (await call.get('stp.truongphong', '/api/v1/work-files')).items.find((f: any) => f.id === id);
    assert.equal(row.documentCount, 1, 'the list counts the documents once each');

    await call.ok(call.who['stp.truongphong']({ method: 'DELETE', url: `/api/v1/work-files/${id}/documents/${mine}` }), 204);
    await call.ok(put('stp.truongphong', mine), 204);
    await call.ok(call.who['stp.truongphong']({ method: 'POST', url: `/api/v1/work-files/${id}/close` }), 204);
    file = await call.get('stp.vanthu', `/api/v1/work-files/${id}`);
    assert.equal(new Date(file.closedAt).toDateString(), new Date().toDateString(), 'the closing date is recorded');
    const other = await call.create('stp.chuyenvien', { typeCode: 'to_trinh', subject: 'Tờ trình khác', recipients: [] });
    for (const res of [
      await put('stp.chuyenvien', other),
      await call.who['stp.chuyenvien']({ method: 'DELETE', url: `/api/v1/work-files/${id}/documents/${mine}` }),
      await call.who['stp.chuyenvien']({ method: 'POST', url: `/api/v1/work-files/${id}/close` }),
    ]) {
      assert.deepEqual([res.statusCode, res.json().code], [409, 'WORK_FILE_CLOSED']);
    }
    assert.deepEqual(
      (await call.get('stp.chuyenvien', `/api/v1/work-files/${id}`)).documents.map((d: any) => d.id),
      [mine],
    );
    const listed = (await call.get('stp.chuyenvien', '/api/v1/work-files')).items.map((f: any) => f.code);
    assert.deepEqual(listed, ['02.HCTP-2026', '01.HCTP-2026'], 'open files first');
  });
});
