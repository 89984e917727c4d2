// Tìm kiếm văn bản: a word only in the PDF finds the document, a query without diacritics finds accented text, a new
// version's words replace the old ones, and nobody finds what they may not see: another agency's staff, or anyone not
// named on a secret document. Every look at a secret document is logged: opened, its file downloaded, found.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { agencyIds, eachDatabase } from '../testing/harness.ts';
import { indexDocuments } from './search.ts';
import { pdf, STP_STAFF, staffCalls } from './testkit.ts';

eachDatabase('document search', { demo: true }, (ctx) => {
  let call: Awaited<ReturnType<typeof staffCalls>>;
  let users: Record<string, string>;
  let ids: Record<string, string>;
  /** The documents.index job, run until nothing is left to index. */
  const indexAll = async () => {
    while ((await indexDocuments(ctx.db)).indexed > 0);
  };
  const search = async (u: string, q: string) =>
    ((await call.get(u, `/api/v1/documents/search?q=${encodeURIComponent(q)}`)).items as { id: string; inContent: boolean }[]).map((i) => i.id);
  const looks = async (id: string) =>
    (await ctx.db.query('SELECT user_id FROM document_secret_views WHERE document_id = $1 ORDER BY id', [id])).map((r) => r.user_id as string);

  before(async () => {
    call = await staffCalls(ctx.app, [...STP_STAFF, 'syt.chuyenvien', 'snnmt.vanthu']);
    users = Object.fromEntries((await ctx.db.query('SELECT id, username FROM users')).map((r) => [r.username, r.id]));
    ids = await agencyIds(ctx.db);
  });

  test('a word only in the PDF finds it, a query without diacritics finds accented text; other agencies find nothing', async () => {
    const id = await call.create('stp.chuyenvien', {
      typeCode: 'ke_hoach',
      subject: 'Kế hoạch kiểm tra công tác hộ tịch năm 2027',
      recipients: [ids['H13.14']],
    });
    await call.upload('stp.chuyenvien', id, 'main', await pdf('Noi dung: kiem tra zebracrossing tai cac xa'));
    assert.deepEqual(await search('stp.chuyenvien', 'zebracrossing'), [], 'the PDF is not read before the job runs');
    assert.deepEqual(await search('stp.chuyenvien', 'kiem tra ho tich'), [id], 'its trích yếu is found at once');
    assert.deepEqual(await search('syt.chuyenvien', 'kiem tra ho tich'), [], 'not by another agency');
    await indexAll();
    const hits = (await call.get('stp.chuyenvien', '/api/v1/documents/search?q=zebracrossing')).items;
    assert.deepEqual(
      hits.map((h: any) => [h.id, h.inContent]),
      [[id, true]],
    );
    assert.deepEqual(await search('stp.chuyenvien', 'ke hoach HO TICH'), [id], 'no diacritics, any case, any order of words');
    assert.deepEqual(await search('stp.chuyenvien', 'Kế hoạch hộ tịch 2027'), [id]);
    assert.deepEqual(await search('stp.chuyenvien', 'ke hoach ho tich zebra'), [id], 'words from the subject and the file together');
    assert.deepEqual(await search('stp.chuyenvien', 'hộ tịch xylophone'), [], 'every word must be there');
    assert.deepEqual(await search('syt.chuyenvien', 'zebracrossing'), [], 'another agency');
    assert.deepEqual(await search('snnmt.vanthu', 'ho tich 2027'), [], 'the recipient has no copy before the issue');

    // A new version of the draft: its words are found, the old version's no longer.
    await call.upload('stp.chuyenvien', id, 'main', await pdf('Noi dung moi: quarterdeck'));
    await indexAll();
    assert.deepEqual(await search('stp.chuyenvien', 'quarterdeck'), [id]);
    assert.deepEqual(await search('stp.chuyenvien', 'zebracrossing'), []);

    const empty = await call.who['stp.chuyenvien']({ url: '/api/v1/documents/search?q=%20!!%20' });
    assert.equal(empty.statusCode, 400);
    assert.equal(empty.json().code, 'SEARCH_QUERY_EMPTY');
  });

  test('a secret document is found only by those named on it; opening, downloading and finding it are each logged', async () => {
    const id = await call.create('stp.chuyenvien', {
      typeCode: 'bao_cao',
      subject: 'Báo cáo mật về thanh tra đột xuất',
      secrecy: 'mat',
      readers: [users['stp.lanhdao']],
      recipients: [],
    });
    await call.upload('stp.chuyenvien', id, 'main', await pdf('Tai lieu mat: nightingale'));
    await indexAll();
    for (const u of ['stp.vanthu', 'stp.truongphong', 'syt.chuyenvien']) {
      assert.deepEqual(await search(u, 'nightingale'), [], `${u} is not named: its text never matches`);
      assert.deepEqual(await search(u, 'thanh tra dot xuat'), [], `${u}: nor its subject`);
    }
    assert.deepEqual(await looks(id), [], 'nothing was shown, nothing logged');

    assert.deepEqual(await search('stp.lanhdao', 'nightingale'), [id]);
    assert.deepEqual(await looks(id), [users['stp.lanhdao']], 'the search hit is a look');
    const d = await call.view('stp.lanhdao', id);
    const file = d.files.find((f: any) => f.kind === 'main');
    const res = await call.who['stp.lanhdao']({ url: `/api/v1/documents/${id}/files/${file.id}` });
    assert.equal(res.statusCode, 200);
    const refused = await call.who['stp.vanthu']({ url: `/api/v1/documents/${id}/files/${file.id}` });
    assert.equal(refused.statusCode, 404, 'not named: the file is as unknown');
    assert.deepEqual(await looks(id), [users['stp.lanhdao'], users['stp.lanhdao'], users['stp.lanhdao']], 'found, opened, downloaded; not the refused one');
  });
});
