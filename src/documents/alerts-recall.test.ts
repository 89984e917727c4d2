// An urgent incoming document alerts whoever acts next at once (the notification outbox, written with the step): the
// văn thư as it arrives, the leaders as it is registered (from the platform or from paper), the lead unit's leaders as
// it is directed, the handler as he is named; a secret one's alert names nothing of it. And a recall reaches the
// copies on the platform as it reaches outside ones: one not yet directed is cancelled (15), one directed is kept (16).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { agencyIds, eachDatabase } from '../testing/harness.ts';
import { STP_STAFF, staffCalls } from './testkit.ts';

eachDatabase('urgent alerts and recall on the platform', { demo: true }, (ctx) => {
  let call: Awaited<ReturnType<typeof staffCalls>>;
  let users: Record<string, string>;
  let ids: Record<string, string>;

  /** Who was alerted of the document, by username, in order, each with the channels of the alert. */
  const alerted = async (documentId: string) => {
    const rows = await ctx.db.query<{ username: string; channels: string[] }>(
      `SELECT u.username, array_agg(o.channel ORDER BY o.channel) AS channels FROM notification_outbox o
         JOIN users u ON o.recipient IN (u.email, replace(u.phone, ' ', ''))
        WHERE o.document_id = $1 AND o.kind = 'urgent_document' GROUP BY o.document_event_id, u.username ORDER BY o.document_event_id, u.username`,
      [documentId],
    );
    return rows.map((r) => `${r.username}:${r.channels.join('+')}`);
  };
  const copyOf = async (sourceId: string, agency: string) =>
    (await ctx.db.query<{ id: string }>('SELECT id FROM documents WHERE source_id = $1 AND agency_id = $2', [sourceId, agency]))[0].id;

  before(async () => {
    call = await staffCalls(ctx.app, [...STP_STAFF, 'snnmt.vanthu', 'snnmt.lanhdao', 'vpdkdd.giamdoc', 'syt.lanhdao']);
    users = Object.fromEntries((await ctx.db.query('SELECT id, username FROM users')).map((r) => [r.username, r.id]));
    ids = await agencyIds(ctx.db);
  });

  test('a hỏa tốc document alerts each next person at once; a normal one alerts nobody', async () => {
    const { id, notation } = await call.issued({
      typeCode: 'cong_dien',
      subject: 'Công điện về ứng phó bão số 5',
      urgency: 'hoa_toc',
      recipients: [ids['H13.14']],
    });
    const copy = await copyOf(id, ids['H13.14']);
    const all = 'email+sms+zalo';
    assert.deepEqual(await alerted(copy), [`snnmt.vanthu:${all}`], 'arrived: its văn thư');
    const [mail] = await ctx.db.query<{ subject: string; body: string }>(
      `SELECT subject, body FROM notification_outbox WHERE document_id = $1 AND channel = 'email'`,
      [copy],
    );
    assert.equal(mail.subject, `[HỎA TỐC] Văn bản hỏa tốc ${notation} của Sở Tư pháp cần vào sổ`);
    assert.match(mail.body, /Trích yếu: Công điện về ứng phó bão số 5/);
    assert.ok(mail.body.includes(`/mot-cua/van-ban/${copy}`), 'the message opens the document’s own page');

    await call.act('snnmt.vanthu', copy, { action: 'register' });
    assert.deepEqual(await alerted(copy), [`snnmt.vanthu:${all}`, `snnmt.lanhdao:${all}`], 'registered: the leaders');
    await call.act('snnmt.lanhdao', copy, { action: 'direct', leadUnitId: ids['H13.14.1'], deadlineDays: 1 });
    await call.act('vpdkdd.giamdoc', copy, { action: 'assign_handler', handlerId: users['vpdkdd.chuyenvien'] });
    assert.deepEqual(
      await alerted(copy),
      [`snnmt.vanthu:${all}`, `snnmt.lanhdao:${all}`, `vpdkdd.giamdoc:${all}`, `vpdkdd.chuyenvien:${all}`],
      'directed: the lead unit’s leader; assigned: the handler',
    );

    const normal = await call.issued({ typeCode: 'cong_van', subject: 'Công văn thường', recipients: [ids['H13.14']] });
    assert.deepEqual(await alerted(await copyOf(normal.id, ids['H13.14'])), []);
  });

  test('a paper document registered as thượng khẩn alerts the leaders; a secret one says nothing of itself', async () => {
    const paper = { typeCode: 'cong_van', fromName: 'Bộ Tư pháp', sourceNotation: '12/BTP-HTQTCT', sourceDate: '2026-03-02' };
    const res = await call.ok(
      call.who['stp.vanthu']({ method: 'POST', url: '/api/v1/documents/incoming', payload: { ...paper, subject: 'Về việc rà soát', urgency: 'thuong_khan' } }),
      201,
    );
    assert.deepEqual(await alerted(res.id), ['stp.lanhdao:email+sms+zalo'], 'not the văn thư who registered it');

    const secret = await call.ok(
      call.who['stp.vanthu']({
        method: 'POST',
        url: '/api/v1/documents/incoming',
        payload: { ...paper, sourceNotation: '13/BTP-M', subject: 'Nội dung mật', urgency: 'khan', secrecy: 'mat', readers: [users['stp.lanhdao']] },
      }),
      201,
    );
    const rows = await ctx.db.query<{ subject: string | null; body: string }>('SELECT subject, body FROM notification_outbox WHERE document_id = $1', [
      secret.id,
    ]);
    assert.equal(rows.length, 3);
    for (const r of rows) assert.doesNotMatch(`${r.subject} ${r.body}`, /Nội dung mật|13\/BTP-M|Bộ Tư pháp/);
    assert.match(rows.find((r) => r.subject)!.subject!, /^\[KHẨN\] Văn bản mật khẩn cần cho ý kiến chỉ đạo$/);
  });

  test('recalled: the copy not yet directed is cancelled (15), the directed one is kept (16), the sender sees both', async () => {
    const { id } = await call.issued({ typeCode: 'quyet_dinh', subject: 'Quyết định ban hành nhầm', recipients: [ids['H13.14'], ids['H13.16']] });
    const directed = await copyOf(id, ids['H13.14']);
    const waiting = await copyOf(id, ids['H13.16']);
    await call.act('snnmt.vanthu', directed, { action: 'register' });
    await call.act('snnmt.lanhdao', directed, { action: 'direct', leadUnitId: ids['H13.14.1'], deadlineDays: 5 });

    await call.act('stp.vanthu', id, { action: 'recall', reason: 'Ban hành sai thẩm quyền' });
    const d = await call.view('stp.vanthu', id);
    assert.deepEqual(
      d.recipients.map((r: any) => [r.name, r.status, r.history.at(-1).description]),
      [
        ['Sở Nông nghiệp và Môi trường', '16', 'Văn bản đã được lãnh đạo phân công xử lý; đề nghị liên hệ cơ quan nhận.'],
        ['Sở Y tế', '15', 'Ban hành sai thẩm quyền'],
      ],
    );
    assert.deepEqual(
      d.recipients.map((r: any) => r.history.map((h: any) => h.status)),
      [
        ['01', '03', '04', '16'],
        ['01', '15'],
      ],
    );
    const cancelled = await call.view('syt.lanhdao', waiting);
    assert.deepEqual([cancelled.status, cancelled.refusalReason, cancelled.allowedActions], ['recalled', 'Ban hành sai thẩm quyền', []]);
    assert.equal((await call.view('snnmt.lanhdao', directed)).status, 'directed', 'kept: it is being handled');

    const unsent = await call.issued({ typeCode: 'quyet_dinh', subject: 'Quyết định nội bộ', recipients: [] });
    const res = await call.who['stp.vanthu']({ method: 'POST', url: `/api/v1/documents/${unsent.id}/actions`, payload: { action: 'recall', reason: 'x' } });
    assert.deepEqual([res.statusCode, res.json().code], [409, 'NOT_SENT']);
  });
});
