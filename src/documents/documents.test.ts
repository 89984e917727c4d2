// Văn bản đi, đến: gap-free numbering under concurrency and across New Year, the journey between two demo agencies
// over HTTP (draft → review → sign and seal → numbered and sent → registered → directed → assigned → progress →
// closed with a reply) with the sender following every status, access, and bad input refused with nothing written.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, test } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { workingCalendar } from '../calendar/service.ts';
import { checkPdfSignatures } from '../signing/verify.ts';
import { agencyIds, eachDatabase, type Requester, signIn } from '../testing/harness.ts';
import { defineCaseType } from '../workflow/engine.ts';
import { formatNumber, nextNumber, notationOf } from './numbering.ts';
import { incomingWorkflow, outgoingWorkflow } from './workflow.ts';

async function pdf(text: string, pages = 1): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) doc.addPage([595, 842]).drawText(`${text} (${i + 1})`, { x: 80, y: 760, size: 12, font });
  return Buffer.from(await doc.save());
}
const multipart = (content: Buffer, filename: string) => {
  const boundary = '----congsodocuments';
  return {
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
};
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('số, ký hiệu: numbers below 10 take a leading zero; a công văn names the drafting unit instead of a type', () => {
  assert.equal(`${formatNumber(5)}/${notationOf('QĐ', 'UBND', 'VP')}`, '05/QĐ-UBND');
  assert.equal(`${formatNumber(123)}/${notationOf(null, 'UBND', 'VP')}`, '123/UBND-VP');
  assert.equal(notationOf(null, 'STP', null), 'STP');
});

test('both declarations load, and the engine refuses the incoming one without a way to finish the handling', () => {
  assert.deepEqual(outgoingWorkflow.initial, ['draft']);
  const { close: _close, report_progress: _progress, ...unfinished } = incomingWorkflow.actions;
  assert.throws(
    () => defineCaseType({ ...incomingWorkflow, actions: unfinished } as unknown as typeof incomingWorkflow),
    /"assigned".*không có thao tác nào rời khỏi/,
  );
});

eachDatabase('documents', { demo: true }, (ctx) => {
  const who = {} as Record<string, Requester>;
  let ids: Record<string, string>;
  let users: Record<string, string>;
  const count = async () => (await ctx.db.query('SELECT count(*)::int AS n FROM documents'))[0].n as number;

  before(async () => {
    for (const u of [
      'stp.chuyenvien',
      'stp.truongphong',
      'stp.lanhdao',
      'stp.vanthu',
      'snnmt.vanthu',
      'snnmt.lanhdao',
      'vpdkdd.giamdoc',
      'vpdkdd.chuyenvien',
      'snnmt.chanhvanphong',
      'syt.chuyenvien',
    ])
      who[u] = await signIn(ctx.app, u);
    ids = await agencyIds(ctx.db);
    users = Object.fromEntries((await ctx.db.query('SELECT id, username FROM users')).map((r) => [r.username, r.id]));
  });

  const ok = async (res: Promise<{ statusCode: number; body: string; json: () => any }>, status = 200) => {
    const r = await res;
    assert.equal(r.statusCode, status, r.body);
    return status === 204 ? null : r.json();
  };
  const view = (u: string, id: string) => ok(who[u]({ url: `/api/v1/documents/${id}` }));
  const act = (u: string, id: string, body: Record<string, unknown>) =>
    ok(who[u]({ method: 'POST', url: `/api/v1/documents/${id}/actions`, payload: body }), 204);
  const upload = (u: string, id: string, kind: string, content: Buffer, name: string) =>
    ok(who[u]({ method: 'POST', url: `/api/v1/documents/${id}/files?kind=${kind}`, ...multipart(content, name) }), 204);
  const actions = (d: { allowedActions: { action: string }[] }) => d.allowedActions.map((a) => a.action);

  /** A draft taken through review and signature by the given people, then issued by the văn thư. */
  async function issued(p: { drafter: string; reviewer: string; leader: string; clerk: string; body: Record<string, unknown>; sign: Record<string, unknown> }) {
    const { id } = await ok(who[p.drafter]({ method: 'POST', url: '/api/v1/documents', payload: p.body }), 201);
    await upload(p.drafter, id, 'main', await pdf('Du thao'), 'du-thao.pdf');
    await act(p.drafter, id, { action: 'submit' });
    await act(p.reviewer, id, { action: 'approve_review' });
    await ok(who[p.leader]({ method: 'POST', url: `/api/v1/documents/${id}/sign`, payload: p.sign }), 204);
    const { notation } = await ok(who[p.clerk]({ method: 'POST', url: `/api/v1/documents/${id}/issue` }));
    return { id, notation: notation as string };
  }

  test('100 concurrent issues in one agency and book take 100 consecutive numbers; a rolled-back one gives its number back', async () => {
    const agency = ids['H13.16'];
    const at = new Date('2031-06-15T03:00:00Z');
    const taken = await Promise.all(
      Array.from({ length: 100 }, () =>
        ctx.db.transaction(async (tx) => {
          const { number } = await nextNumber(tx, agency, 'outgoing', at);
          // Held a moment, as an issue holds it while sealing: the others wait on the row, none skips ahead.
          await tx.query('SELECT pg_sleep(0.002)');
          return number;
        }),
      ),
    );
    assert.deepEqual(
      [...taken].sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    await assert.rejects(
      ctx.db.transaction(async (tx) => {
        await nextNumber(tx, agency, 'outgoing', at);
        throw new Error('the seal failed');
      }),
      /the seal failed/,
    );
    await ctx.db.transaction(async (tx) => assert.equal((await nextNumber(tx, agency, 'outgoing', at)).number, 101));
    // The secret series and the incoming register count on their own.
    await ctx.db.transaction(async (tx) => assert.equal((await nextNumber(tx, agency, 'outgoing_secret', at)).number, 1));
  });

  test('numbering restarts at 01 on 1 January, Vietnam time', async () => {
    const agency = ids['H13.17'];
    const take = (at: string) => ctx.db.transaction((tx) => nextNumber(tx, agency, 'outgoing', new Date(at)));
    assert.deepEqual(await take('2030-12-31T16:59:59Z'), { year: 2030, number: 1 }); // 23:59:59 on 31 December in Vietnam
    assert.deepEqual(await take('2030-12-31T16:59:59.500Z'), { year: 2030, number: 2 });
    const newYear = await take('2030-12-31T17:00:00Z'); // 00:00 on 1 January in Vietnam
    assert.deepEqual(newYear, { year: 2031, number: 1 });
    assert.equal(formatNumber(newYear.number), '01');
  });

  test('the journey between Sở Tư pháp and Sở Nông nghiệp và Môi trường, and the sender sees every status', async () => {
    // Drafted in the Phòng Hành chính tư pháp, reviewed by its head, sent back once by the director with comments.
    const { id } = await ok(
      who['stp.chuyenvien']({
        method: 'POST',
        url: '/api/v1/documents',
        payload: { typeCode: 'thong_bao', subject: 'Thông báo lịch tiếp nhận hồ sơ đất đai liên thông', urgency: 'khan', recipients: [ids['H13.14']] },
      }),
      201,
    );
    const v1 = await pdf('Du thao lan 1');
    await upload('stp.chuyenvien', id, 'main', v1, 'du-thao.pdf');
    const annex = await pdf('Phu luc');
    await upload('stp.chuyenvien', id, 'attachment', annex, 'phu-luc.pdf');
    await act('stp.chuyenvien', id, { action: 'submit' });
    assert.deepEqual(actions(await view('stp.truongphong', id)), ['approve_review', 'send_back']);
    await act('stp.truongphong', id, { action: 'approve_review', note: 'Đã soát xét thể thức' });
    await act('stp.lanhdao', id, { action: 'send_back', note: 'Bổ sung địa điểm tiếp nhận' });
    const v2 = await pdf('Du thao lan 2', 2);
    await upload('stp.chuyenvien', id, 'main', v2, 'du-thao-2.pdf');
    let d = await view('stp.chuyenvien', id);
    assert.equal(d.version, 2);
    const mains = d.files.filter((f: any) => f.kind === 'main');
    assert.deepEqual(
      mains.map((f: any) => [f.version, f.sha256]),
      [
        [1, sha256(v1)],
        [2, sha256(v2)],
      ],
      'every version kept, byte for byte',
    );
    assert.deepEqual(
      d.files.filter((f: any) => f.kind === 'attachment').map((f: any) => [f.version, f.sha256]),
      [
        [1, sha256(annex)],
        [2, sha256(annex)],
      ],
    );
    assert.ok(d.events.some((e: any) => e.action === 'send_back' && e.note === 'Bổ sung địa điểm tiếp nhận'));
    await act('stp.chuyenvien', id, { action: 'submit' });
    await act('stp.truongphong', id, { action: 'approve_review' });

    // Not the clerk's to sign, not the leader's to issue before it is signed.
    assert.equal((await who['stp.vanthu']({ method: 'POST', url: `/api/v1/documents/${id}/sign`, payload: { position: 'Văn thư' } })).statusCode, 403);
    assert.equal((await who['stp.vanthu']({ method: 'POST', url: `/api/v1/documents/${id}/issue` })).statusCode, 409);
    const noBehalf = await who['stp.lanhdao']({ method: 'POST', url: `/api/v1/documents/${id}/sign`, payload: { competence: 'KT', position: 'Phó Giám đốc' } });
    assert.equal(noBehalf.statusCode, 400);
    assert.equal(noBehalf.json().code, 'ON_BEHALF_REQUIRED');
    await ok(
      who['stp.lanhdao']({
        method: 'POST',
        url: `/api/v1/documents/${id}/sign`,
        payload: { competence: 'KT', onBehalfOf: 'Giám đốc', position: 'Phó Giám đốc' },
      }),
      204,
    );
    const issue = await ok(who['stp.vanthu']({ method: 'POST', url: `/api/v1/documents/${id}/issue` }));
    assert.match(issue.notation, /^\d{2,}\/TB-STP$/);
    assert.equal((await who['stp.vanthu']({ method: 'POST', url: `/api/v1/documents/${id}/issue` })).statusCode, 409, 'issued once');

    d = await view('stp.vanthu', id);
    assert.equal(d.status, 'issued');
    assert.equal(d.notation, issue.notation);
    assert.equal(d.signerLine, 'KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC');
    const issuedFile = d.files.find((f: any) => f.kind === 'issued');
    const res = await who['stp.vanthu']({ url: `/api/v1/documents/${id}/files/${issuedFile.id}` });
    const bytes = res.rawPayload;
    assert.equal(sha256(bytes), issuedFile.sha256, 'served byte for byte');
    const checks = checkPdfSignatures(bytes, await ctx.app.signing.trustedAuthorities(ctx.db));
    assert.equal(checks.length, 2, 'the leader, then the agency seal');
    assert.ok(checks.every((c) => c.intact && c.trusted));
    assert.ok(checks[1].coversWholeDocument);
    assert.match(String(checks[0].signer!.subject.CN), /Đặng Thị Kim Oanh/);
    assert.match(String(checks[1].signer!.subject.O ?? checks[1].signer!.subject.CN), /Sở Tư pháp/);
    assert.deepEqual(
      d.recipients.map((r: any) => [r.name, r.status]),
      [['Sở Nông nghiệp và Môi trường', '01']],
    );

    // The receiver's văn thư finds it (urgent) in the to-do box, registers it: số đến, 03.
    const todo = await ok(who['snnmt.vanthu']({ url: '/api/v1/documents?box=todo' }));
    const copy = todo.items.find((i: any) => i.notation === issue.notation);
    assert.ok(copy, 'the copy arrived at the receiver');
    assert.equal(copy.urgency, 'khan');
    assert.equal(copy.from, 'Sở Tư pháp');
    let inc = await view('snnmt.vanthu', copy.id);
    assert.equal(inc.nationalStatus, '01');
    const got = inc.files.find((f: any) => f.kind === 'main');
    assert.equal(got.sha256, issuedFile.sha256, 'the receiver holds the issued file itself');
    assert.deepEqual(actions(inc), ['register', 'refuse']);
    await act('snnmt.vanthu', copy.id, { action: 'register' });
    inc = await view('snnmt.vanthu', copy.id);
    assert.equal(inc.nationalStatus, '03');
    assert.ok(inc.arrivalNumber >= 1);

    // The director's direction: lead and coordinating units, a deadline of 5 working days (04).
    const directedFrom = new Date();
    await act('snnmt.lanhdao', copy.id, {
      action: 'direct',
      leadUnitId: ids['H13.14.1'],
      coordinatingUnitIds: [ids['H13.14.2']],
      deadlineDays: 5,
      note: 'VPĐKĐĐ chủ trì, Văn phòng phối hợp',
    });
    const directedTo = new Date();
    inc = await view('snnmt.lanhdao', copy.id);
    const calendar = await workingCalendar(ctx.db);
    const due = new Date(inc.dueAt).getTime();
    assert.ok(due >= calendar.addWorkingDays(directedFrom, 5).getTime() && due <= calendar.addWorkingDays(directedTo, 5).getTime());
    assert.equal(inc.leadUnit.name, 'Văn phòng Đăng ký đất đai');
    assert.deepEqual(
      inc.coordinatingUnits.map((u: any) => u.name),
      ['Văn phòng Sở'],
    );
    // The coordinating unit sees it; a handler is named only by the lead unit.
    assert.deepEqual(actions(await view('snnmt.chanhvanphong', copy.id)), []);
    assert.equal(
      (
        await who['snnmt.chanhvanphong']({
          method: 'POST',
          url: `/api/v1/documents/${copy.id}/actions`,
          payload: { action: 'assign_handler', handlerId: users['vpdkdd.chuyenvien'] },
        })
      ).statusCode,
      403,
    );
    await act('vpdkdd.giamdoc', copy.id, { action: 'assign_handler', handlerId: users['vpdkdd.chuyenvien'] });
    await act('vpdkdd.chuyenvien', copy.id, { action: 'report_progress', progress: 50, note: 'Đang rà soát danh sách hồ sơ' });
    assert.equal((await view('vpdkdd.chuyenvien', copy.id)).nationalStatus, '05');

    // The reply: a công văn of the receiver, numbered in its own register, sent back to the Sở Tư pháp.
    const reply = await issued({
      drafter: 'vpdkdd.chuyenvien',
      reviewer: 'vpdkdd.giamdoc',
      leader: 'snnmt.lanhdao',
      clerk: 'snnmt.vanthu',
      body: { typeCode: 'cong_van', subject: 'Phúc đáp Thông báo lịch tiếp nhận hồ sơ', recipients: [ids['H13.11']] },
      sign: { position: 'Giám đốc' },
    });
    assert.match(reply.notation, /^\d{2,}\/SNNMT-VPĐKĐĐ$/);
    await act('vpdkdd.chuyenvien', copy.id, { action: 'close', note: 'Đã trả lời bằng công văn', replyId: reply.id });
    inc = await view('vpdkdd.chuyenvien', copy.id);
    assert.equal(inc.nationalStatus, '06');
    assert.equal(inc.replyId, reply.id);

    // The sender followed every status as it happened.
    d = await view('stp.chuyenvien', id);
    assert.deepEqual(
      d.recipients[0].history.map((h: any) => h.status),
      ['01', '03', '04', '05', '06'],
    );
    assert.equal(d.recipients[0].statusName, 'Hoàn thành');
    // And the reply arrived at the Sở Tư pháp.
    const stpTodo = await ok(who['stp.vanthu']({ url: '/api/v1/documents?box=todo' }));
    assert.ok(stpTodo.items.some((i: any) => i.notation === reply.notation));

    // Out of scope answers like an unknown id: the sender's staff for the receiver's copy, another agency for both.
    for (const [u, doc] of [
      ['stp.chuyenvien', copy.id],
      ['syt.chuyenvien', copy.id],
      ['syt.chuyenvien', id],
      ['syt.chuyenvien', '00000000-0000-4000-8000-000000000000'],
    ])
      assert.equal((await who[u]({ url: `/api/v1/documents/${doc}` })).statusCode, 404);
  });

  test('a refusal (02) reaches the sender with its reason', async () => {
    const sent = await issued({
      drafter: 'stp.chuyenvien',
      reviewer: 'stp.truongphong',
      leader: 'stp.lanhdao',
      clerk: 'stp.vanthu',
      body: { typeCode: 'cong_van', subject: 'Đề nghị cung cấp số liệu', recipients: [ids['H13.14']] },
      sign: { position: 'Giám đốc' },
    });
    assert.match(sent.notation, /^\d{2,}\/STP-HCTP$/);
    const copy = (await ok(who['snnmt.vanthu']({ url: '/api/v1/documents?box=todo' }))).items.find((i: any) => i.notation === sent.notation);
    await act('snnmt.vanthu', copy.id, { action: 'refuse', reason: 'Gửi nhầm cơ quan' });
    const d = await view('stp.vanthu', sent.id);
    assert.deepEqual(
      d.recipients[0].history.map((h: any) => [h.status, h.description]),
      [
        ['01', null],
        ['02', 'Gửi nhầm cơ quan'],
      ],
    );
  });

  test('a paper document is registered with the next số đến; overdue ones are flagged, urgent ones come first', async () => {
    const paper = (extra: Record<string, unknown>) =>
      ok(
        who['snnmt.vanthu']({
          method: 'POST',
          url: '/api/v1/documents/incoming',
          payload: {
            typeCode: 'cong_van',
            subject: 'Đề nghị hỗ trợ giống cây trồng',
            fromName: 'Hội Nông dân thành phố',
            sourceNotation: '45/HND',
            sourceDate: '2026-11-20',
            ...extra,
          },
        }),
        201,
      );
    const first = await paper({});
    const second = await paper({ urgency: 'hoa_toc' });
    assert.equal(second.arrivalNumber, first.arrivalNumber + 1, 'gap-free số đến');
    await upload('snnmt.vanthu', first.id, 'scan', await pdf('Ban quet'), 'ban-quet.pdf');
    await act('snnmt.lanhdao', first.id, { action: 'direct', leadUnitId: ids['H13.14.1'], deadlineDays: 1 });
    await ctx.db.query(`UPDATE documents SET due_at = now() - interval '1 hour' WHERE id = $1`, [first.id]);
    const box = await ok(who['snnmt.lanhdao']({ url: '/api/v1/documents?box=incoming' }));
    assert.equal(box.items[0].urgency, 'hoa_toc', 'hỏa tốc first');
    assert.equal(box.items.find((i: any) => i.id === first.id).overdue, true);
    // Paper has no sender on the platform: nothing to report to, the state still moves.
    assert.equal((await view('snnmt.lanhdao', first.id)).nationalStatus, '04');
    // Only the văn thư registers.
    assert.equal(
      (
        await who['vpdkdd.chuyenvien']({
          method: 'POST',
          url: '/api/v1/documents/incoming',
          payload: { typeCode: 'cong_van', subject: 'x', fromName: 'y', sourceNotation: '1/Z', sourceDate: '2026-11-20' },
        })
      ).statusCode,
      403,
    );
  });

  test('the inboxes: urgent first, pages that follow on, Vietnamese states, at-risk flags, the waiting actions and the recipients', async () => {
    const paper = (subject: string, urgency: string) =>
      ok(
        who['stp.vanthu']({
          method: 'POST',
          url: '/api/v1/documents/incoming',
          payload: {
            typeCode: 'cong_van',
            subject,
            fromName: 'Ủy ban nhân dân phường Ninh Kiều',
            sourceNotation: '12/UBND',
            sourceDate: '2026-11-30',
            urgency,
          },
        }),
        201,
      );
    const plain = await paper('Đề nghị hướng dẫn chứng thực', 'thuong');
    const soon = await paper('Đề nghị cử cán bộ dự họp', 'thuong');
    const urgent = await paper('Báo cáo khẩn tình hình hộ tịch', 'thuong_khan');
    await act('stp.lanhdao', soon.id, { action: 'direct', leadUnitId: ids['H13.11.1'], deadlineDays: 3 });
    await ctx.db.query(`UPDATE documents SET due_at = now() + interval '1 hour' WHERE id = $1`, [soon.id]);
    const list = (u: string, query: string) => ok(who[u]({ url: `/api/v1/documents?${query}` }));
    const all = await list('stp.lanhdao', 'box=incoming&pageSize=200');
    const order = all.items.map((i: any) => i.id);
    assert.equal(order[0], urgent.id, 'thượng khẩn before the ordinary ones');
    assert.ok(order.indexOf(soon.id) < order.indexOf(plain.id), 'a deadline before none');
    const second = await list('stp.lanhdao', 'box=incoming&pageSize=2&page=2');
    assert.equal(second.total, all.total);
    assert.deepEqual(
      second.items.map((i: any) => i.id),
      order.slice(2, 4),
    );
    const row = all.items.find((i: any) => i.id === soon.id);
    assert.deepEqual([row.statusName, row.atRisk, row.overdue], ['Đã phân công đơn vị, chờ giao người xử lý', true, false]);
    assert.equal(all.items.find((i: any) => i.id === plain.id).atRisk, false);
    // The leader's to-do names what waits for them; the directed one waits for the unit, not for the leader.
    const todo = await list('stp.lanhdao', 'box=todo&pageSize=200');
    assert.deepEqual(todo.items.find((i: any) => i.id === plain.id).waiting, ['Cho ý kiến chỉ đạo, phân công']);
    assert.ok(!todo.items.some((i: any) => i.id === soon.id));
    // The direction form chooses among the Sở's units; the unit's leader chooses among its staff.
    const page = await view('stp.lanhdao', plain.id);
    assert.ok(page.choices.units.some((u: any) => u.name === 'Phòng Hành chính tư pháp'));
    assert.ok(!page.choices.units.some((u: any) => u.name === 'Văn phòng Sở'), 'only units of the Sở Tư pháp');
    const unitPage = await view('stp.truongphong', soon.id);
    assert.deepEqual(actions(unitPage), ['assign_handler']);
    assert.ok(unitPage.choices.handlers.some((h: any) => h.id === users['stp.chuyenvien']));
    // An outgoing draft lists its recipients.
    const { id } = await ok(
      who['stp.chuyenvien']({ method: 'POST', url: '/api/v1/documents', payload: { typeCode: 'to_trinh', subject: 'Tờ trình', recipients: [ids['H13.14']] } }),
      201,
    );
    const out = await list('stp.chuyenvien', 'box=outgoing&pageSize=200');
    assert.deepEqual(out.items.find((i: any) => i.id === id).recipients, ['Sở Nông nghiệp và Môi trường']);
    assert.equal((await who['stp.chuyenvien']({ url: '/api/v1/documents?box=outgoing&pageSize=500' })).statusCode, 400);
  });

  test('a secret document is seen only by those named, and every look is logged', async () => {
    const { id } = await ok(
      who['stp.chuyenvien']({
        method: 'POST',
        url: '/api/v1/documents',
        payload: { typeCode: 'bao_cao', subject: 'Báo cáo mật', secrecy: 'mat', readers: [users['stp.lanhdao']], recipients: [] },
      }),
      201,
    );
    assert.equal((await who['stp.truongphong']({ url: `/api/v1/documents/${id}` })).statusCode, 404, 'not named: as if unknown');
    assert.equal((await who['stp.vanthu']({ url: `/api/v1/documents/${id}` })).statusCode, 404);
    await view('stp.lanhdao', id);
    await view('stp.chuyenvien', id);
    const looks = await ctx.db.query('SELECT user_id FROM document_secret_views WHERE document_id = $1 ORDER BY id', [id]);
    assert.deepEqual(
      looks.map((l) => l.user_id),
      [users['stp.lanhdao'], users['stp.chuyenvien']],
    );
  });

  test('bad input: wrong type code, unknown or repeated recipient, a non-PDF main file — a clear error and nothing written', async () => {
    const before = await count();
    const create = (payload: Record<string, unknown>) => who['stp.chuyenvien']({ method: 'POST', url: '/api/v1/documents', payload });
    const base = { typeCode: 'cong_van', subject: 'Văn bản thử', recipients: [ids['H13.14']] };
    for (const [payload, code] of [
      [{ ...base, typeCode: 'quyet_dinh_x' }, 'UNKNOWN_DOCUMENT_TYPE'],
      [{ ...base, recipients: ['00000000-0000-4000-8000-000000000000'] }, 'UNKNOWN_RECIPIENT'],
      [{ ...base, recipients: [ids['H13.14.1']] }, 'UNKNOWN_RECIPIENT'],
      [{ ...base, recipients: [ids['H13.14'], ids['H13.14']] }, 'DUPLICATE_RECIPIENT'],
      [{ ...base, recipients: [ids['H13.11']] }, 'INVALID_RECIPIENT'],
      [{ ...base, urgency: 'hoa_toc_hen_gio' }, 'INVALID_URGENT_AT'],
    ] as const) {
      const res = await create(payload);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().code, code);
      assert.match(res.json().message, /[ạảãàáâậầấẩẫăắằặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ]/i, 'a Vietnamese message');
    }
    assert.equal(await count(), before);
    const { id } = await ok(create(base), 201);
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABc3UBGAAAAABJRU5ErkJggg==', 'base64');
    const res = await who['stp.chuyenvien']({ method: 'POST', url: `/api/v1/documents/${id}/files?kind=main`, ...multipart(png, 'anh.png') });
    assert.ok(res.statusCode === 400 || res.statusCode === 415, res.body);
    const submit = await who['stp.chuyenvien']({ method: 'POST', url: `/api/v1/documents/${id}/actions`, payload: { action: 'submit' } });
    assert.equal(submit.statusCode, 409);
    assert.equal(submit.json().code, 'MAIN_FILE_MISSING');
    assert.equal((await ctx.db.query('SELECT count(*)::int AS n FROM document_files WHERE document_id = $1', [id]))[0].n, 0);
  });
});
