// Văn bản with an agency outside the platform through the gateway simulator (issue 15, Must show #2): Sở Tư pháp
// issues a document to an outside agency, the first delivery is lost and retried, it arrives once with the sealed PDF,
// the outside agency's 01 and 03 reach the sender's recipient row, a recall (13) is agreed (15); and a document sent
// into the province is registered as incoming at the right agency, whose 03 goes back out.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { sealDocument } from '../signing/service.ts';
import { eachDatabase, type Requester, signIn } from '../testing/harness.ts';
import { vietnamDate } from '../shared/time.ts';
import { buildDocumentPackage, buildStatusPackage, documentIdOf, parseEdxml, type DocumentPackage } from '../exchange/edxml.ts';
import { httpGateway, type Gateway } from '../exchange/gateway.ts';
import { deliverOutbox, receiveMessages } from '../exchange/service.ts';
import { startGatewaySimulator, type GatewaySimulator } from '../exchange/simulator.ts';

const OUTSIDE = { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' };
const SECRET = 'sim-documents-secret-01';
const quiet = { warn: () => undefined };
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function pdf(text: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawText(text, { x: 80, y: 760, size: 12 });
  return Buffer.from(await doc.save());
}

eachDatabase('documents with an outside agency through the gateway', { demo: true }, (ctx) => {
  const who = {} as Record<string, Requester>;
  let sim: GatewaySimulator;
  let gateway: Gateway;
  let stpCode: string;

  const simCall = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sim.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(res.ok, `${method} ${path}: ${res.status}`);
    return res.json() as Promise<Record<string, any>>;
  };
  const mailbox = async (organId: string, documentId: string) =>
    ((await simCall('GET', `/sim/mailboxes/${organId}`)).messages as { kind: string; documentId: string; edxml: string }[]).filter(
      (m) => m.documentId === documentId,
    );
  const statusCodes = async (organId: string, documentId: string) =>
    (await mailbox(organId, documentId)).filter((m) => m.kind === 'status').map((m) => (parseEdxml(m.edxml) as any).status.statusCode as string);
  /** The exchange jobs, run until nothing is due (no back-off in tests). */
  const deliverAll = async () => {
    const runs: number[] = [];
    for (let r = await deliverOutbox(ctx.db, gateway, { baseDelayMs: 0, logger: quiet }); r.attempted > 0; ) {
      runs.push(r.attempted);
      r = await deliverOutbox(ctx.db, gateway, { baseDelayMs: 0, logger: quiet });
    }
    return runs;
  };
  const receive = () => receiveMessages(ctx.db, gateway, { logger: quiet });

  const ok = async (res: Promise<{ statusCode: number; body: string; json: () => any }>, status = 200) => {
    const r = await res;
    assert.equal(r.statusCode, status, r.body);
    return status === 204 ? null : r.json();
  };
  const view = (u: string, id: string) => ok(who[u]({ url: `/api/v1/documents/${id}` }));
  const act = (u: string, id: string, body: Record<string, unknown>) =>
    ok(who[u]({ method: 'POST', url: `/api/v1/documents/${id}/actions`, payload: body }), 204);

  /** A công văn of Văn phòng Chính phủ to Sở Tư pháp, numbered `number`/VPCP-TTĐT today, with the given PDF. */
  const packageOf = (pdfFile: Buffer, number: string, from = OUTSIDE): DocumentPackage => {
    const date = vietnamDate(new Date());
    const code = { number, notation: 'VPCP-TTĐT' };
    return {
      from,
      to: [{ organId: stpCode, organName: 'Sở Tư pháp' }],
      code,
      promulgation: { place: 'Hà Nội', date },
      documentType: { type: '1', typeName: 'Công văn' },
      subject: 'Về việc rà soát thủ tục hành chính liên thông',
      signer: { competence: 'KT.', position: 'Phó Chủ nhiệm', fullName: 'Nguyễn Văn A' },
      steeringType: 1,
      priority: 1,
      toPlaces: ['Sở Tư pháp'],
      responseFor: [],
      documentId: documentIdOf(from.organId, date, code),
      traces: [{ organId: from.organId, timestamp: new Date() }],
      business: { docType: 0, paper: 0 },
      attachments: [{ contentId: 'cv', contentType: 'application/pdf', name: 'cong-van.pdf', data: pdfFile }],
    };
  };
  const sealedByOutside = async (text: string) =>
    sealDocument(
      ctx.db,
      ctx.app.signing,
      { agencyId: '00000000-0000-4000-8000-000000000022', agencyCode: 'G22', agencyName: OUTSIDE.organName },
      await pdf(text),
      { reason: 'Ban hành', location: 'Hà Nội' },
    );

  before(async () => {
    sim = await startGatewaySimulator({ systems: { congso: SECRET } });
    gateway = httpGateway({ url: sim.url, systemId: 'congso', secret: SECRET, timeoutMs: 15_000 }); // no fault here waits for the timeout; a loaded CI machine may be slow
    await simCall('PUT', `/sim/outside/${OUTSIDE.organId}`, { organName: OUTSIDE.organName, replies: ['01', '03'], recall: '15' });
    for (const u of ['stp.chuyenvien', 'stp.truongphong', 'stp.lanhdao', 'stp.vanthu']) who[u] = await signIn(ctx.app, u);
    [{ code: stpCode }] = await ctx.db.query(`SELECT code FROM agencies WHERE name = 'Sở Tư pháp'`);
  });
  after(() => sim.close());

  test('issued to an outside agency: a lost delivery retried, one copy, 01 and 03 back, then recalled (13 → 15)', async () => {
    await simCall('POST', '/sim/faults', { fault: 'drop' });
    const bad = await who['stp.chuyenvien']({
      method: 'POST',
      url: '/api/v1/documents',
      payload: { typeCode: 'cong_van', subject: 'x', recipients: [], outsideRecipients: [{ organId: 'not a code', name: 'X' }] },
    });
    assert.equal(bad.json().code, 'INVALID_ORGAN_ID');
    const { id } = await ok(
      who['stp.chuyenvien']({
        method: 'POST',
        url: '/api/v1/documents',
        payload: {
          typeCode: 'bao_cao',
          subject: 'Báo cáo kết quả liên thông văn bản điện tử',
          recipients: [],
          outsideRecipients: [{ organId: OUTSIDE.organId, name: OUTSIDE.organName }],
        },
      }),
      201,
    );
    const boundary = '----congsoexchange';
    const upload = async (kind: string, content: Buffer, name: string) =>
      ok(
        who['stp.chuyenvien']({
          method: 'POST',
          url: `/api/v1/documents/${id}/files?kind=${kind}`,
          payload: Buffer.concat([
            Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`),
            content,
            Buffer.from(`\r\n--${boundary}--\r\n`),
          ]),
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        }),
        204,
      );
    await upload('main', await pdf('Bao cao'), 'bao-cao.pdf');
    const annex = await pdf('Phu luc');
    await upload('attachment', annex, 'phu-luc.pdf');
    await act('stp.chuyenvien', id, { action: 'submit' });
    await act('stp.truongphong', id, { action: 'approve_review' });
    await ok(
      who['stp.lanhdao']({
        method: 'POST',
        url: `/api/v1/documents/${id}/sign`,
        payload: { competence: 'KT', onBehalfOf: 'Giám đốc', position: 'Phó Giám đốc' },
      }),
      204,
    );
    const { notation } = await ok(who['stp.vanthu']({ method: 'POST', url: `/api/v1/documents/${id}/issue` }));
    let d = await view('stp.vanthu', id);
    assert.deepEqual(
      d.recipients.map((r: any) => [r.organId, r.name, r.status]),
      [[OUTSIDE.organId, OUTSIDE.organName, null]],
    );
    const documentId = documentIdOf(stpCode, vietnamDate(new Date(d.issuedAt)), {
      number: notation.split('/')[0],
      notation: notation.split('/').slice(1).join('/'),
    });

    // The switch drops the first delivery (set before anything is sent: no other call reaches the gateway until
    // deliverAll); the outbox tries again and the package arrives once.
    assert.deepEqual(await deliverAll(), [1, 1]);
    const arrived = (await mailbox(OUTSIDE.organId, documentId)).filter((m) => m.kind === 'document');
    assert.equal(arrived.length, 1, 'exactly once');
    const pkg = parseEdxml(arrived[0].edxml);
    assert.equal(pkg.kind, 'document');
    const sent = (pkg as { document: DocumentPackage }).document;
    const issuedFile = d.files.find((f: any) => f.kind === 'issued');
    assert.equal(sha256(sent.attachments[0].data), issuedFile.sha256, 'the sealed PDF, byte for byte');
    assert.equal(sha256(sent.attachments[1].data), sha256(annex));
    assert.deepEqual([sent.subject, sent.signer.competence, sent.signer.position], ['Báo cáo kết quả liên thông văn bản điện tử', 'KT.', 'PHÓ GIÁM ĐỐC']);

    // The outside agency's 01 and 03 come back onto the sender's recipient row.
    assert.equal((await receive()).accepted, 2);
    d = await view('stp.vanthu', id);
    assert.equal(d.recipients[0].status, '03');
    assert.deepEqual(
      d.recipients[0].history.map((h: any) => h.status),
      ['01', '03'],
    );

    // Recalled: 13 goes out after the document, the outside agency agrees (15).
    await act('stp.vanthu', id, { action: 'recall', reason: 'Văn bản ban hành sai thẩm quyền' });
    await deliverAll();
    assert.deepEqual(await statusCodes(OUTSIDE.organId, documentId), ['13']);
    assert.equal((await receive()).accepted, 1);
    d = await view('stp.vanthu', id);
    assert.deepEqual([d.recipients[0].status, d.recipients[0].statusName], ['15', 'Đồng ý lấy lại / cập nhật']);
    assert.ok(d.events.some((e: any) => e.action === 'recall' && e.note === 'Văn bản ban hành sai thẩm quyền'));
    const todo = await ok(who['stp.vanthu']({ url: '/api/v1/documents?box=todo' }));
    assert.ok(!todo.items.some((i: any) => i.id === id), 'an issued document is not a to-do because it could be recalled');
  });

  test('sent into the province from outside: registered as incoming at Sở Tư pháp, whose 03 goes back out', async () => {
    const signed = await sealedByOutside('Cong van VPCP');
    const date = vietnamDate(new Date());
    const doc = packageOf(signed, '7816');
    await simCall('POST', `/sim/outside/${OUTSIDE.organId}/send`, {
      to: stpCode,
      kind: 'document',
      documentId: doc.documentId,
      edxml: buildDocumentPackage(doc),
    });
    assert.equal((await receive()).accepted, 1);
    await deliverAll();
    assert.deepEqual(await statusCodes(OUTSIDE.organId, doc.documentId), ['01'], 'the exchange confirms arrival itself');

    const todo = await ok(who['stp.vanthu']({ url: '/api/v1/documents?box=todo' }));
    const copy = todo.items.find((i: any) => i.notation === '7816/VPCP-TTĐT');
    assert.ok(copy, 'in the văn thư’s inbox at Sở Tư pháp');
    let inc = await view('stp.vanthu', copy.id);
    assert.deepEqual([inc.channel, inc.from.name, inc.type.code, inc.urgency, inc.nationalStatus], ['exchange', OUTSIDE.organName, 'cong_van', 'khan', '01']);
    assert.equal(inc.files.find((f: any) => f.kind === 'main').sha256, sha256(signed));
    await act('stp.vanthu', copy.id, { action: 'register' });
    inc = await view('stp.vanthu', copy.id);
    assert.equal(inc.nationalStatus, '03');
    await deliverAll();
    assert.deepEqual(await statusCodes(OUTSIDE.organId, doc.documentId), ['01', '03'], 'the receiver’s 03 goes back out');

    // The sender recalls it before any direction: the copy is cancelled and the exchange agrees (15).
    const recall = buildStatusPackage({
      responseFor: { organId: OUTSIDE.organId, code: '7816/VPCP-TTĐT', promulgationDate: date, documentId: doc.documentId },
      from: OUTSIDE,
      statusCode: '13',
      description: 'Văn bản gửi nhầm',
      timestamp: new Date(),
      staff: { department: 'Văn thư' },
    });
    await simCall('POST', `/sim/outside/${OUTSIDE.organId}/send`, { to: stpCode, kind: 'status', documentId: doc.documentId, edxml: recall });
    assert.equal((await receive()).accepted, 1);
    await deliverAll();
    assert.deepEqual(await statusCodes(OUTSIDE.organId, doc.documentId), ['01', '03', '15']);
    inc = await view('stp.vanthu', copy.id);
    assert.deepEqual([inc.status, inc.refusalReason, inc.allowedActions], ['recalled', 'Văn bản gửi nhầm', []]);
    const stillTodo = await ok(who['stp.vanthu']({ url: '/api/v1/documents?box=todo' }));
    assert.ok(!stillTodo.items.some((i: any) => i.id === copy.id), 'no longer waiting for the văn thư');
  });
  test('bad packages from outside: a clear 02 with the reason each, and not a row of a document written; a second copy is one document', async () => {
    const rows = async () =>
      (
        await ctx.db.query(
          `SELECT (SELECT count(*) FROM documents)::int AS documents, (SELECT count(*) FROM document_files)::int AS files,
                  (SELECT count(*) FROM document_events)::int AS events, (SELECT count(*) FROM notification_outbox)::int AS alerts`,
        )
      )[0];
    const send = async (doc: DocumentPackage, edxml = buildDocumentPackage(doc)) => {
      await simCall('POST', `/sim/outside/${doc.from.organId}/send`, { to: stpCode, kind: 'document', documentId: doc.documentId, edxml });
      const counts = await receive();
      await deliverAll();
      return counts;
    };
    const lastAnswer = async (doc: DocumentPackage) => {
      const statuses = (await mailbox(doc.from.organId, doc.documentId)).filter((m) => m.kind === 'status');
      const s = (parseEdxml(statuses.at(-1)!.edxml) as any).status;
      return `${s.statusCode} ${s.description}`;
    };
    const signed = await sealedByOutside('Cong van kiem tra dau vao');
    const before = await rows();

    // Broken signature: the PDF changed after it was sealed.
    const tampered = Buffer.from(signed);
    tampered[200] ^= 0x20;
    const broken = packageOf(tampered, '9001');
    assert.equal((await send(broken)).refused, 1);
    assert.match(await lastAnswer(broken), /^02 Chữ ký số trên tệp "cong-van.pdf" không hợp lệ/);

    // Unknown sender: not a mã định danh of the national directory's form.
    const stranger = { organId: 'Z99.01', organName: 'Cơ quan lạ' };
    await simCall('PUT', `/sim/outside/${stranger.organId}`, { organName: stranger.organName, replies: [] });
    const unknown = packageOf(signed, '9002', stranger);
    assert.equal((await send(unknown)).refused, 1);
    assert.equal(await lastAnswer(unknown), '02 Cơ quan gửi Z99.01 không có trong danh mục mã định danh.');

    // Wrong type: not one of the 29 types of Decree 30.
    const wrongType = { ...packageOf(signed, '9003'), documentType: { type: '1', typeName: 'Loại lạ' } };
    assert.equal((await send(wrongType)).refused, 1);
    assert.equal(await lastAnswer(wrongType), '02 Loại văn bản "Loại lạ" (mã 1) không hợp lệ.');
    assert.deepEqual(await rows(), before, 'nothing of the refused documents is written');

    // The same DocumentId twice (a retry, or a second package of the same document): one incoming document, one 01.
    const once = packageOf(signed, '9004');
    assert.equal((await send(once)).accepted, 1);
    assert.equal((await send(once)).duplicate, 1);
    assert.equal((await send({ ...once, subject: 'Bản gửi lại' })).duplicate, 1);
    const copies = await ctx.db.query('SELECT subject FROM documents WHERE exchange_document_id = $1', [once.documentId]);
    assert.deepEqual(
      copies.map((c) => c.subject),
      ['Về việc rà soát thủ tục hành chính liên thông'],
    );
    assert.deepEqual(await statusCodes(OUTSIDE.organId, once.documentId), ['01']);
    const after = await rows();
    assert.deepEqual([after.documents - before.documents, after.files - before.files], [1, 1]);
  });
});
