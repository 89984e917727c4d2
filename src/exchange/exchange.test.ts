// The exchange over HTTP with the gateway simulator: packages to an outside agency delivered (exactly once through
// lost messages, lost answers, timeouts and 500s), statuses flowing back, recalls answered, and bad packages refused
// with a 02 that tells the sender why, nothing handed to the documents module.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import type { Queryable } from '../db/index.ts';
import { sealDocument, testProvider } from '../signing/service.ts';
import { eachDatabase } from '../testing/harness.ts';
import { buildDocumentPackage, buildStatusPackage, documentIdOf, parseEdxml, type DocumentPackage, type StatusPackage } from './edxml.ts';
import { GatewayError, httpGateway, type Gateway } from './gateway.ts';
import {
  deliverOutbox,
  inboxEntry,
  receiveMessages,
  recallDocument,
  recipientStatuses,
  sendDocument,
  sendStatus,
  setExchangeHandlers,
  type ExchangeHandlers,
  type ReceivedDocument,
  type RecallRequest,
} from './service.ts';
import { startGatewaySimulator, type GatewaySimulator } from './simulator.ts';

const PROVINCE = { organId: '000.00.01.H92', organName: 'Sở Nội vụ thành phố Cần Thơ' };
const OUTSIDE = { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' };
const STRANGER = { organId: '000.00.00.Z99', organName: 'Cơ quan không có trong danh mục' };
const SECRET = 'sim-test-secret-0123';

// One simulator per database suite (the suites may run side by side; each has its own mailboxes).
let sim: GatewaySimulator;
let gateway: Gateway;
async function startSimulator() {
  sim = await startGatewaySimulator({ systems: { congso: SECRET } });
  gateway = httpGateway({ url: sim.url, systemId: 'congso', secret: SECRET, timeoutMs: 2000 });
  return sim;
}

async function simCall(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status}`);
  return res.json() as Promise<Record<string, unknown>>;
}
const fault = (f: string, extra: object = {}) => simCall('POST', '/sim/faults', { fault: f, ...extra });
interface SimMessage {
  messageId: string;
  from: string;
  kind: string;
  documentId: string;
  edxml: string;
  acknowledged: boolean;
}
const mailbox = async (organId: string, documentId: string) =>
  ((await simCall('GET', `/sim/mailboxes/${organId}`)).messages as SimMessage[]).filter((m) => m.documentId === documentId);
const statusesIn = async (organId: string, documentId: string) =>
  (await mailbox(organId, documentId))
    .filter((m) => m.kind === 'status')
    .map((m) => {
      const p = parseEdxml(m.edxml);
      assert.equal(p.kind, 'status');
      return p.kind === 'status' ? `${p.status.statusCode} ${p.status.description}` : '';
    });

let signedPdf: Buffer;
let seq = 0;
/** A document of `from` to `to` with a sealed PDF; a fresh number each time. */
function documentOf(from: typeof PROVINCE, to: typeof PROVINCE, over: Partial<DocumentPackage> = {}): DocumentPackage {
  const code = { number: String(++seq).padStart(2, '0'), notation: 'QĐ-UBND' };
  return {
    from,
    to: [to],
    code,
    promulgation: { place: 'Cần Thơ', date: '2026-03-02' },
    documentType: { type: '1', typeDetail: 'QĐ', typeName: 'Quyết định' },
    subject: `Về việc thử liên thông số ${code.number}`,
    signer: { competence: 'KT.', position: 'Phó Chủ tịch', fullName: 'Trần Văn B' },
    steeringType: 1,
    priority: 0,
    toPlaces: [to.organName],
    responseFor: [],
    documentId: documentIdOf(from.organId, '2026-03-02', code),
    traces: [{ organId: from.organId, timestamp: new Date() }],
    business: { docType: 0, paper: 0 },
    attachments: [{ contentId: `qd-${code.number}`, contentType: 'application/pdf', name: `QĐ ${code.number}.pdf`, data: signedPdf }],
    ...over,
  };
}
const refOf = (d: DocumentPackage) => ({
  organId: d.from.organId,
  code: `${d.code.number}/${d.code.notation}`,
  promulgationDate: d.promulgation.date,
  documentId: d.documentId,
});

/** The outside agency sends a package to the province through the simulator. */
const outsideSends = (kind: 'document' | 'status', documentId: string, edxml: string, from = OUTSIDE.organId) =>
  simCall('POST', `/sim/outside/${from}/send`, { to: PROVINCE.organId, kind, documentId, edxml });

/** Runs the delivery job until nothing is due (no back-off in tests), returning each run's attempts. */
async function deliverAll(db: Parameters<typeof deliverOutbox>[0]) {
  const runs: number[] = [];
  for (
    let r = await deliverOutbox(db, gateway, { baseDelayMs: 0, logger: quiet });
    r.attempted > 0;
    r = await deliverOutbox(db, gateway, { baseDelayMs: 0, logger: quiet })
  ) {
    runs.push(r.attempted);
    assert.ok(runs.length < 50, 'delivery ends');
  }
  return runs;
}
const quiet = { warn: () => undefined };

eachDatabase('exchange through the gateway simulator', {}, (ctx) => {
  const received: ReceivedDocument[] = [];
  const statuses: StatusPackage[] = [];
  const recalls: RecallRequest[] = [];
  let refuseRecall = false;
  let undo: () => void;
  const known = new Set([PROVINCE.organId, OUTSIDE.organId]);
  const handlers: ExchangeHandlers = {
    localOrganisations: async () => [PROVINCE],
    isKnownOrganisation: async (_db, id) => known.has(id),
    isKnownDocumentType: async (_db, t) => ['QĐ', 'TB', 'KH'].includes(t.typeDetail ?? ''),
    trustedAuthorities: (db) => testProvider().trustedAuthorities(db),
    documentReceived: async (_tx: Queryable, r) => void received.push(r),
    statusReceived: async (_tx, s) => void statuses.push(s),
    recallRequested: async (_tx, r) => {
      recalls.push(r);
      return refuseRecall ? { accept: false, reason: 'Văn bản đã được phân công xử lý.' } : { accept: true };
    },
  };
  let own: GatewaySimulator;
  before(async () => {
    own = await startSimulator();
    undo = setExchangeHandlers(handlers);
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]).drawText('Quyet dinh thu lien thong', { x: 50, y: 780 });
    const seal = { agencyId: randomUUID(), agencyCode: 'H92', agencyName: 'UBND thành phố Cần Thơ' };
    signedPdf = await sealDocument(ctx.db, testProvider(), seal, await doc.save(), { reason: 'Ban hành', location: 'Cần Thơ' });
    await simCall('PUT', `/sim/outside/${OUTSIDE.organId}`, { organName: OUTSIDE.organName, replies: ['01', '03'] });
  });
  after(async () => {
    undo();
    await own.close();
  });
  beforeEach(async () => {
    await simCall('DELETE', '/sim/faults');
    received.length = statuses.length = recalls.length = 0;
    refuseRecall = false;
  });
  const receive = () => receiveMessages(ctx.db, gateway, { logger: quiet });

  test('a document to an outside agency is delivered once, and its statuses 01 and 03 come back to the sender', async () => {
    const doc = documentOf(PROVINCE, OUTSIDE);
    await ctx.db.transaction((tx) => sendDocument(tx, doc));
    assert.deepEqual(await recipientStatuses(ctx.db, doc.documentId), [
      { organId: OUTSIDE.organId, delivery: 'pending', statusCode: null, statusText: null, description: null, at: null },
    ]);
    assert.deepEqual(await deliverAll(ctx.db), [1]);
    const arrived = await mailbox(OUTSIDE.organId, doc.documentId);
    assert.equal(arrived.length, 1);
    const pkg = parseEdxml(arrived[0].edxml);
    assert.ok(pkg.kind === 'document' && pkg.document.attachments[0].data.equals(signedPdf), 'the signed PDF arrives byte for byte');
    assert.deepEqual(await receive(), { accepted: 2, refused: 0, duplicate: 0, deferred: 0, failed: 0 });
    assert.deepEqual(
      statuses.map((s) => [s.statusCode, s.from.organId, s.responseFor.documentId]),
      [
        ['01', OUTSIDE.organId, doc.documentId],
        ['03', OUTSIDE.organId, doc.documentId],
      ],
    );
    const [view] = await recipientStatuses(ctx.db, doc.documentId);
    assert.deepEqual([view.delivery, view.statusCode, view.statusText], ['sent', '03', 'Đã tiếp nhận']);
    assert.ok(
      (await mailbox(PROVINCE.organId, doc.documentId)).every((m) => m.acknowledged),
      'the statuses are acknowledged at the gateway',
    );
    assert.deepEqual(await receive(), { accepted: 0, refused: 0, duplicate: 0, deferred: 0, failed: 0 }, 'nothing comes twice');
  });

  test('a lost message, a lost answer, a timeout and a 500 are retried until the package is delivered exactly once', async () => {
    const doc = documentOf(PROVINCE, OUTSIDE);
    await ctx.db.transaction((tx) => sendDocument(tx, doc));
    await fault('drop');
    await fault('error');
    await fault('lose-answer');
    await fault('timeout', { delayMs: 2500 }); // longer than the client waits
    assert.deepEqual(await deliverAll(ctx.db), [1, 1, 1, 1, 1], 'four failures, then the fifth attempt is answered');
    const [row] = await ctx.db.query(`SELECT state, attempts, last_error FROM exchange_outbox WHERE document_id = $1`, [doc.documentId]);
    assert.deepEqual([row.state, row.attempts, row.last_error], ['sent', 5, null]);
    // The lost answer and the timeout reached the gateway: the retries carried the same key, so one copy arrived.
    assert.equal((await mailbox(OUTSIDE.organId, doc.documentId)).filter((m) => m.kind === 'document').length, 1);
    await receive();
    assert.deepEqual(
      statuses.map((s) => s.statusCode),
      ['01', '03'],
    );
  });

  test('a recall (13) follows its document, never overtakes it, and the outside agency agrees (15)', async () => {
    const doc = documentOf(PROVINCE, OUTSIDE);
    await ctx.db.transaction(async (tx) => {
      await sendDocument(tx, doc);
      await recallDocument(tx, { document: refOf(doc), from: PROVINCE, recipients: [OUTSIDE.organId], reason: 'Thu hồi do sai sót nội dung.' });
    });
    await fault('error');
    // The document fails once; the recall behind it waits (one attempt per run), then both go in order.
    assert.deepEqual(await deliverAll(ctx.db), [1, 1, 1]);
    assert.deepEqual(
      (await mailbox(OUTSIDE.organId, doc.documentId)).filter((m) => m.from === PROVINCE.organId).map((m) => m.kind),
      ['document', 'status'],
    );
    await receive();
    assert.deepEqual(
      statuses.map((s) => s.statusCode),
      ['01', '03', '15'],
    );
    const [view] = await recipientStatuses(ctx.db, doc.documentId);
    assert.deepEqual([view.statusCode, view.description], ['15', 'Đồng ý thu hồi văn bản']);
  });

  test('a document from the outside agency is handed over once, answered 01, and a recall is answered 15 or 16 as decided', async () => {
    const doc = documentOf(OUTSIDE, PROVINCE);
    await fault('duplicate'); // the gateway delivers it twice
    await outsideSends('document', doc.documentId, buildDocumentPackage(doc));
    assert.deepEqual(await receive(), { accepted: 1, refused: 0, duplicate: 1, deferred: 0, failed: 0 });
    assert.equal(received.length, 1, 'the documents module registers it once');
    assert.equal(received[0].receiver, PROVINCE.organId);
    assert.equal(received[0].document.subject, doc.subject);
    await deliverAll(ctx.db);
    assert.deepEqual(await statusesIn(OUTSIDE.organId, doc.documentId), ['01 Văn bản đã đến hệ thống quản lý văn bản của cơ quan nhận.']);
    // The documents module answers 03 itself when the văn thư registers it.
    await ctx.db.transaction((tx) =>
      sendStatus(tx, {
        responseFor: refOf(doc),
        from: PROVINCE,
        statusCode: '03',
        description: 'Đã vào sổ, số đến 15',
        timestamp: new Date(),
        staff: { staff: 'Văn thư' },
      }),
    );
    const recall = (description: string) =>
      outsideSends(
        'status',
        doc.documentId,
        buildStatusPackage({ responseFor: refOf(doc), from: OUTSIDE, statusCode: '13', description, timestamp: new Date(), staff: {} }),
      );
    await recall('Thu hồi để sửa số liệu');
    await receive();
    assert.deepEqual(
      recalls.map((r) => [r.receiver, r.document.documentId, r.reason]),
      [[PROVINCE.organId, doc.documentId, 'Thu hồi để sửa số liệu']],
    );
    refuseRecall = true;
    await new Promise((r) => setTimeout(r, 1100)); // a second recall: another timestamp, another package
    await recall('Thu hồi lần hai');
    await receive();
    await deliverAll(ctx.db);
    assert.deepEqual((await statusesIn(OUTSIDE.organId, doc.documentId)).slice(1), [
      '03 Đã vào sổ, số đến 15',
      '15 Đồng ý thu hồi văn bản.',
      '16 Văn bản đã được phân công xử lý.',
    ]);
  });

  test('a recall that overtakes its document waits at the gateway until the document is in', async () => {
    const doc = documentOf(OUTSIDE, PROVINCE);
    await outsideSends('document', doc.documentId, buildDocumentPackage(doc));
    await outsideSends(
      'status',
      doc.documentId,
      buildStatusPackage({ responseFor: refOf(doc), from: OUTSIDE, statusCode: '13', description: 'Thu hồi', timestamp: new Date(), staff: {} }),
    );
    await fault('reorder');
    assert.deepEqual(await receive(), { accepted: 1, refused: 0, duplicate: 0, deferred: 1, failed: 0 });
    assert.equal(recalls.length, 0);
    assert.deepEqual(await receive(), { accepted: 1, refused: 0, duplicate: 0, deferred: 0, failed: 0 });
    assert.equal(recalls.length, 1);
  });

  /** Sends a bad package from `from`; returns the province's refusal as the sender sees it and as the inbox keeps it. */
  async function refused(doc: DocumentPackage, edxml = buildDocumentPackage(doc), from = doc.from.organId) {
    await outsideSends('document', doc.documentId, edxml, from);
    assert.deepEqual(await receive(), { accepted: 0, refused: 1, duplicate: 0, deferred: 0, failed: 0 });
    assert.equal(received.length, 0, 'nothing reaches the documents module');
    await deliverAll(ctx.db);
    return { answers: await statusesIn(from, doc.documentId), inbox: await inboxEntry(ctx.db, doc.documentId, PROVINCE.organId) };
  }

  test('bad packages are refused with a 02 that says why: unknown sender, wrong type, broken signature, damaged attachment', async () => {
    await simCall('PUT', `/sim/outside/${STRANGER.organId}`, { organName: STRANGER.organName, replies: [] });
    const unknown = await refused(documentOf(STRANGER, PROVINCE));
    assert.deepEqual(unknown.answers, ['02 Cơ quan gửi 000.00.00.Z99 không có trong danh mục mã định danh.']);
    assert.equal(unknown.inbox?.refusalCode, 'EXCHANGE_UNKNOWN_SENDER');

    const wrongType = await refused(documentOf(OUTSIDE, PROVINCE, { documentType: { type: '1', typeDetail: 'XX', typeName: 'Loại lạ' } }));
    assert.deepEqual(wrongType.answers, ['02 Loại văn bản "Loại lạ" (mã 1/XX) không hợp lệ.']);

    // The PDF changed after it was sealed (the manifest's digest made anew, so only the signature can tell).
    const tampered = Buffer.from(signedPdf);
    const at = tampered.indexOf('Quyet dinh');
    tampered[at > 0 ? at : 200] ^= 0x20;
    const broken = documentOf(OUTSIDE, PROVINCE);
    broken.attachments[0].data = tampered;
    const signature = await refused(broken);
    assert.equal(signature.inbox?.refusalCode, 'EXCHANGE_SIGNATURE_INVALID');
    assert.match(signature.answers[0], /^02 Chữ ký số trên tệp "QĐ \d+\.pdf" không hợp lệ/);

    // An attachment damaged on the way (its digest no longer matches).
    const damaged = documentOf(OUTSIDE, PROVINCE);
    const xml = buildDocumentPackage(damaged);
    const b64 = signedPdf.toString('base64');
    const digest = await refused(damaged, xml.replace(b64, `${b64.slice(0, 100)}${b64[100] === 'A' ? 'B' : 'A'}${b64.slice(101)}`));
    assert.equal(digest.inbox?.refusalCode, 'EDXML_DIGEST_MISMATCH');
    assert.match(digest.answers[0], /^02 Tệp đính kèm "QĐ \d+\.pdf" không còn nguyên vẹn/);

    // The sender corrects the type and sends the same document again: it is checked afresh and accepted.
    const fixed = { ...documentOf(OUTSIDE, PROVINCE), code: { number: '99', notation: 'QĐ-UBND' } };
    fixed.documentId = documentIdOf(OUTSIDE.organId, '2026-03-02', fixed.code);
    await refused({ ...fixed, documentType: { type: '1', typeDetail: 'XX', typeName: 'Loại lạ' } });
    await outsideSends('document', fixed.documentId, buildDocumentPackage(fixed));
    assert.equal((await receive()).accepted, 1);
    assert.equal((await inboxEntry(ctx.db, fixed.documentId, PROVINCE.organId))?.outcome, 'accepted');
  });

  test('unreadable XML is recorded, refused and acknowledged once, and the same document twice is handled once', async () => {
    await outsideSends('document', 'rác', '<edXML><chưa đóng');
    assert.deepEqual(await receive(), { accepted: 0, refused: 1, duplicate: 0, deferred: 0, failed: 0 });
    const [row] = await ctx.db.query(`SELECT kind, outcome, refusal_code FROM exchange_inbox WHERE document_id = 'rác'`);
    assert.deepEqual([row.kind, row.outcome, row.refusal_code], ['malformed', 'refused', 'EDXML_MALFORMED']);
    assert.ok((await mailbox(PROVINCE.organId, 'rác')).every((m) => m.acknowledged));

    // A status about a document the province never sent to that agency is kept, not passed on, not answered.
    const stray = documentOf(PROVINCE, OUTSIDE);
    await outsideSends(
      'status',
      stray.documentId,
      buildStatusPackage({ responseFor: refOf(stray), from: OUTSIDE, statusCode: '03', description: 'Đã tiếp nhận', timestamp: new Date(), staff: {} }),
    );
    assert.deepEqual(await receive(), { accepted: 0, refused: 1, duplicate: 0, deferred: 0, failed: 0 });
    assert.equal(statuses.length, 0);
    assert.deepEqual(await recipientStatuses(ctx.db, stray.documentId), []);

    const doc = documentOf(OUTSIDE, PROVINCE);
    await outsideSends('document', doc.documentId, buildDocumentPackage(doc));
    await receive();
    // The sender's system sends it again (a new trace time, the same DocumentId).
    await outsideSends(
      'document',
      doc.documentId,
      buildDocumentPackage({ ...doc, traces: [{ organId: OUTSIDE.organId, timestamp: new Date(Date.now() + 5000) }] }),
    );
    assert.deepEqual(await receive(), { accepted: 0, refused: 0, duplicate: 1, deferred: 0, failed: 0 });
    assert.equal(received.length, 1);
    await deliverAll(ctx.db);
    assert.equal((await statusesIn(OUTSIDE.organId, doc.documentId)).length, 1, 'one 01, not two');
  });

  test('a handler that fails leaves the package at the gateway; the next poll handles it', async () => {
    const doc = documentOf(OUTSIDE, PROVINCE);
    await outsideSends('document', doc.documentId, buildDocumentPackage(doc));
    const restore = setExchangeHandlers({
      ...handlers,
      documentReceived: async () => {
        throw new Error('sổ văn bản đến đang khóa');
      },
    });
    assert.deepEqual(await receive(), { accepted: 0, refused: 0, duplicate: 0, deferred: 0, failed: 1 });
    restore();
    assert.equal(await inboxEntry(ctx.db, doc.documentId, PROVINCE.organId), null, 'nothing half-written');
    assert.deepEqual(await receive(), { accepted: 1, refused: 0, duplicate: 0, deferred: 0, failed: 0 });
  });
});

test('wrong credentials are refused by the gateway, and the error never shows the secret', async () => {
  await startSimulator();
  after(() => sim.close());
  const wrong = httpGateway({ url: sim.url, systemId: 'congso', secret: 'wrong-secret-4567', timeoutMs: 1000 });
  await assert.rejects(wrong.receive([PROVINCE.organId], 10), (err: Error) => {
    assert.ok(err instanceof GatewayError);
    assert.match(err.message, /401 UNAUTHENTICATED/);
    assert.doesNotMatch(err.message, /wrong-secret/);
    return true;
  });
});
