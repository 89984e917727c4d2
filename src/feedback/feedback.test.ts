// Citizen feedback: the declaration, the journey over HTTP from report to rating with its deadlines, the reporter's
// identity kept from the handling agency, and bad input refused with nothing written.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { workingCalendar } from '../calendar/service.ts';
import { agencyIds, citizenSignIn, eachDatabase, type Requester, signIn } from '../testing/harness.ts';
import { defineCaseType } from '../workflow/engine.ts';
import { startNotificationWorker } from '../notifications/service.ts';
import { messageDateTime } from '../notifications/templates.ts';
import { platformJobs, runIfDue } from '../jobs/index.ts';
import { escalateFeedback } from './service.ts';
import { feedbackWorkflow, loadSettings } from './workflow.ts';

const CITIZEN = { idNumber: '092085000123', name: 'Nguyễn Văn Minh' };
const PHONE = '0912345678';
const EMAIL = 'minh.phananh@example.vn';
// Cần Thơ after the 2025 merger (with Hậu Giang and Sóc Trăng).
const CAN_THO = { minLat: 9.2, maxLat: 10.45, minLong: 105.2, maxLong: 106.4 };

// A 1×1 JPEG from a phone, with an Exif segment carrying where it was taken; a 1×1 PNG as the agency's evidence.
const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);
const EXIF = Buffer.from('Exif\0\0MM\0*\0\0\0\x08\0\0\0\0\0\0GPSLatitude=10.0452;GPSLongitude=105.7846', 'latin1');
const PHOTO = Buffer.concat([JPEG.subarray(0, 2), Buffer.from([0xff, 0xe1, 0, EXIF.length + 2]), EXIF, JPEG.subarray(2)]);
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABc3UBGAAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

// Videos as phones write them: an MP4 whose user data (moov/udta/©xyz, also in the track) and QuickTime metadata
// (moov/meta) say where it was shot, a MOV, and a WebM as a browser records it (segment and cluster of unknown size)
// with a tag naming the place.
const WHERE = '+10.0452+105.7846/';
const box = (type: string, ...content: Buffer[]) => {
  const body = Buffer.concat(content);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
};
const xyz = box('\xa9xyz', Buffer.from([0, WHERE.length, 0x15, 0xc7]), Buffer.from(WHERE));
const mp4 = (brand: string, mdat: Buffer) =>
  Buffer.concat([
    box('ftyp', Buffer.from(`${brand}\0\0\x02\0${brand}`, 'latin1')),
    box(
      'moov',
      box('mvhd', Buffer.alloc(100)),
      box('trak', box('tkhd', Buffer.alloc(84)), box('udta', xyz)),
      box('udta', xyz),
      box('meta', Buffer.from(`com.apple.quicktime.location.ISO6709${WHERE}`)),
    ),
    box('mdat', mdat),
  ]);
const MP4 = mp4('isom', Buffer.alloc(3000, 7));
const MOV = mp4('qt  ', Buffer.alloc(500, 5));
const ebml = (id: number[], ...content: Buffer[]) => {
  const body = Buffer.concat(content);
  const size = Buffer.from([0x01, 0, 0, 0, 0, 0, 0, 0]);
  size.writeUInt32BE(body.length, 4);
  return Buffer.concat([Buffer.from(id), size, body]);
};
const UNKNOWN_SIZE = [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const WEBM = Buffer.concat([
  ebml([0x1a, 0x45, 0xdf, 0xa3], ebml([0x42, 0x86], Buffer.from([1])), ebml([0x42, 0x82], Buffer.from('webm'))),
  Buffer.from([0x18, 0x53, 0x80, 0x67, ...UNKNOWN_SIZE]),
  ebml([0x15, 0x49, 0xa9, 0x66], ebml([0x2a, 0xd7, 0xb1], Buffer.from([0x0f, 0x42, 0x40]))),
  Buffer.from([0x1f, 0x43, 0xb6, 0x75, ...UNKNOWN_SIZE]),
  ebml([0xe7], Buffer.from([0])),
  ebml([0xa3], Buffer.alloc(800, 9)),
  ebml([0x12, 0x54, 0xc3, 0x67], ebml([0x73, 0x73], ebml([0x67, 0xc8], ebml([0x45, 0xa3], Buffer.from('LOCATION')), ebml([0x44, 0x87], Buffer.from(WHERE))))),
]);

const multipart = (content: Buffer, filename: string, type = 'application/octet-stream') => {
  const boundary = '----congsofeedback';
  return {
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
};

test('the declaration loads, and the engine refuses it with a state left without an exit', () => {
  assert.equal(feedbackWorkflow.name, 'feedback');
  assert.deepEqual(feedbackWorkflow.initial, ['received']);
  const { rate: _rate, ...withoutRating } = feedbackWorkflow.actions;
  assert.throws(
    () => defineCaseType({ ...feedbackWorkflow, actions: withoutRating } as unknown as typeof feedbackWorkflow),
    /"published".*không có thao tác nào rời khỏi/,
  );
});

eachDatabase('feedback', { demo: true }, (ctx) => {
  let operator: Requester;
  let sysadmin: Requester;
  let citizen: Requester;
  let citizenId: string;
  /** The handling agency's staff (Phường Cái Khế): every answer they get is checked for the reporter's identity. */
  const agency = {} as Record<'counter' | 'specialist' | 'leader' | 'admin', Requester>;
  let otherCommune: Requester;
  let caiKhe: string;
  let communeCode: string;
  const agencyAnswers: LightMyRequestResponse[] = [];

  const report = (extra: Record<string, unknown> = {}) => ({
    title: 'Lấn chiếm vỉa hè đường Trần Văn Khéo',
    text: 'Nhiều quán ăn bày bàn ghế chiếm hết vỉa hè, người đi bộ phải xuống lòng đường.',
    categoryCode: 'urban_order',
    lat: 10.0452,
    long: 105.7846,
    address: 'Đường Trần Văn Khéo, phường Cái Khế',
    reporter: { phone: PHONE, email: EMAIL },
    ...extra,
  });
  const count = async () => (await ctx.db.query('SELECT count(*)::int AS n FROM feedback_cases'))[0].n as number;

  before(async () => {
    const { app, db } = ctx;
    operator = await signIn(app, 'motcua.tt');
    sysadmin = await signIn(app, 'admin');
    agency.counter = await signIn(app, 'caikhe.motcua');
    agency.specialist = await signIn(app, 'caikhe.chuyenvien');
    agency.leader = await signIn(app, 'caikhe.lanhdao');
    agency.admin = await signIn(app, 'caikhe.quantri');
    otherCommune = await signIn(app, 'ninhkieu.chuyenvien');
    citizen = await citizenSignIn(app, CITIZEN.idNumber, CITIZEN.name);
    [{ id: citizenId }] = await db.query('SELECT id FROM citizens WHERE id_number = $1', [CITIZEN.idNumber]);
    caiKhe = (await agencyIds(db))['H13.102'];
    [{ unit_code: communeCode }] = await db.query(`SELECT unit_code FROM agencies WHERE code = 'H13.102'`);
    const set = await sysadmin({ method: 'PUT', url: '/api/v1/admin/feedback-settings', payload: { bbox: CAN_THO } });
    assert.equal(set.statusCode, 200, set.body);
  });

  /** A request by the agency's staff: its answer is kept for the identity check. */
  const asAgency = async (who: keyof typeof agency, opts: Parameters<Requester>[0]) => {
    const res = await agency[who](opts);
    agencyAnswers.push(res);
    return res;
  };
  const act = async (who: Requester, id: string, body: Record<string, unknown>, status = 200) => {
    const res = await who({ method: 'POST', url: `/api/v1/feedback/${id}/actions`, payload: body });
    assert.equal(res.statusCode, status, res.body);
    return res.json();
  };
  const agencyAct = async (who: keyof typeof agency, id: string, body: Record<string, unknown>, status = 200) => {
    const res = await asAgency(who, { method: 'POST', url: `/api/v1/feedback/${id}/actions`, payload: body });
    assert.equal(res.statusCode, status, res.body);
    return res.json();
  };
  const view = async (who: Requester, id: string) => {
    const res = await who({ url: `/api/v1/feedback/${id}` });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const agencyView = async (who: keyof typeof agency, id: string) => {
    const res = await asAgency(who, { url: `/api/v1/feedback/${id}` });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const actions = (v: { allowedActions: { action: string }[] }) => v.allowedActions.map((a) => a.action);
  /** A deadline computed by the working calendar from some moment between two instants (the server's clock). */
  const dueBetween = async (dueAt: string, from: Date, to: Date, hours: number) => {
    const calendar = await workingCalendar(ctx.db);
    const due = new Date(dueAt).getTime();
    assert.ok(
      due >= calendar.addWorkingHours(from, hours).getTime() && due <= calendar.addWorkingHours(to, hours).getTime(),
      `${dueAt} is ${hours} working hours after the action`,
    );
  };

  /** The reporter's messages in the notification outbox since the last look, per case. */
  const seenMessages = new Map<string, number>();
  const newMessages = async (id: string) => {
    const rows = await ctx.db.query('SELECT kind, channel, recipient, subject, body, status FROM notification_outbox WHERE feedback_case_id = $1 ORDER BY id', [
      id,
    ]);
    const fresh = rows.slice(seenMessages.get(id) ?? 0);
    seenMessages.set(id, rows.length);
    return fresh;
  };
  /** The reporter was told of this step by email, SMS and Zalo, and the email says each of `says`. */
  const told = async (id: string, kind: string, says: string[], contact: { email: string | null; phone: string } = { email: EMAIL, phone: PHONE }) => {
    const fresh = await newMessages(id);
    assert.deepEqual(
      fresh.map((m) => [m.kind, m.channel, m.recipient]),
      [...(contact.email ? [[kind, 'email', contact.email]] : []), [kind, 'sms', contact.phone], [kind, 'zalo', contact.phone]],
    );
    const email = fresh.find((m) => m.channel === 'email');
    const said = email ? `${email.subject}\n${email.body}` : fresh.find((m) => m.channel === 'zalo')!.body;
    for (const text of says) assert.ok(said.includes(text), `${kind} message says "${text}": ${said}`);
    for (const m of fresh.filter((x) => x.channel !== 'email')) assert.ok(m.body.length <= 160, m.body);
    assert.ok(!/[À-ỹ]/u.test(fresh.find((m) => m.channel === 'sms')!.body), 'SMS without diacritics');
    return fresh;
  };
  const notTold = async (id: string, step: string) => assert.deepEqual(await newMessages(id), [], `no message for ${step}`);

  test('the journey: report → classify → assign → accept → request information (paused) → answer → send back once → publish → rate', async () => {
    const settings = await loadSettings(ctx.db);
    const submitted = await citizen({ method: 'POST', url: '/api/v1/feedback', payload: report({ communeCode }) });
    assert.equal(submitted.statusCode, 201, submitted.body);
    const { id, code } = submitted.json();
    assert.match(code, /^PA-\d{6}-\d{4}$/);
    const [{ name: caiKheName }] = await ctx.db.query('SELECT name FROM agencies WHERE id = $1', [caiKhe]);
    const received = await told(id, 'feedback_received', [`Phản ánh ${code} đã được tiếp nhận`, `Kính gửi Ông/Bà ${CITIZEN.name}`, `/phan-anh/cua-toi/${id}`]);
    assert.match(received.find((m) => m.channel === 'sms')!.body, new RegExp(`^Phan anh ${code} da duoc tiep nhan\\.`));

    const photo = await citizen({ method: 'POST', url: `/api/v1/feedback/${id}/media`, ...multipart(PHOTO, 'via-he.jpg') });
    assert.equal(photo.statusCode, 201, photo.body);

    // The operator sees the reporter, and that look is logged.
    let v = await view(operator, id);
    assert.equal(v.status, 'received');
    assert.deepEqual(v.reporter, { citizen: true, name: CITIZEN.name, phone: PHONE, email: EMAIL });
    assert.deepEqual(actions(v), ['classify', 'reject_spam', 'merge_duplicate']);
    assert.deepEqual(
      v.suggestedAgencies.map((a: any) => [a.agencyId, a.reason]),
      [[caiKhe, 'Ủy ban nhân dân cấp xã nơi xảy ra vụ việc; lĩnh vực "Trật tự đô thị" do cấp xã xử lý trước.']],
      "the commune's people's committee is suggested",
    );
    const [{ looks }] = await ctx.db.query('SELECT count(*)::int AS looks FROM feedback_identity_looks WHERE case_id = $1', [id]);
    assert.equal(looks, 1);

    await act(operator, id, { action: 'classify', level: 'thuong', note: 'Ghi chú nội bộ khi phân loại' });
    await notTold(id, 'classify (an internal step)');
    const beforeAssign = new Date();
    assert.equal((await act(operator, id, { action: 'assign', agencyId: caiKhe, note: 'Thuộc thẩm quyền phường' })).status, 'assigned');
    await notTold(id, 'assign (an internal step)');
    v = await agencyView('counter', id);
    assert.equal(v.reporter, undefined);
    assert.deepEqual(actions(v), ['accept', 'return']);
    await dueBetween(v.acceptDueAt, beforeAssign, new Date(), settings.acceptHours);
    // Another commune's staff do not see it at all.
    assert.equal((await otherCommune({ url: `/api/v1/feedback/${id}` })).statusCode, 404);
    const inbox = (await asAgency('specialist', { url: '/api/v1/feedback' })).json();
    assert.ok(inbox.items.some((x: any) => x.id === id && x.overdue === false));

    const beforeAccept = new Date();
    await agencyAct('specialist', id, { action: 'accept' });
    v = await agencyView('specialist', id);
    assert.equal(v.status, 'processing');
    await dueBetween(v.dueAt, beforeAccept, new Date(), settings.answerHours.thuong);
    await told(id, 'feedback_accepted', [`${caiKheName} đã nhận xử lý`, `Thời hạn trả lời: ${messageDateTime(new Date(v.dueAt))}`]);
    const evidence = await asAgency('specialist', { method: 'POST', url: `/api/v1/feedback/${id}/media?role=after`, ...multipart(PNG, 'via-he-sau.png') });
    assert.equal(evidence.statusCode, 201, evidence.body);
    const original = await asAgency('specialist', { url: `/api/v1/feedback/${id}/media/${photo.json().items[0].id}` });
    assert.ok(original.rawPayload.equals(PHOTO), 'staff get the file as it was sent');

    // Asking the reporter stops the clock; their answer restarts it and moves the deadline by the working time waited.
    await agencyAct('specialist', id, { action: 'request_info', question: 'Đề nghị cho biết khung giờ lấn chiếm thường xảy ra.' });
    v = await agencyView('specialist', id);
    assert.equal(v.status, 'info_requested');
    assert.ok(v.pausedAt);
    assert.equal(v.overdue, false);
    await told(id, 'feedback_info_requested', ['đề nghị Ông/Bà bổ sung thông tin', 'khung giờ lấn chiếm thường xảy ra']);
    const mine = await view(citizen, id);
    assert.deepEqual(actions(mine), ['provide_info']);
    assert.ok(mine.events.some((e: any) => e.action === 'request_info' && e.note.includes('khung giờ')));
    await ctx.db.query(`UPDATE feedback_cases SET paused_at = '2026-12-01T02:00:00Z' WHERE id = $1`, [id]);
    const dueBeforeWait = v.dueAt;
    await act(citizen, id, { action: 'provide_info', text: 'Thường từ 17 giờ đến 22 giờ hằng ngày.' });
    await notTold(id, "the reporter's own answer");
    v = await agencyView('specialist', id);
    assert.equal(v.status, 'processing');
    assert.equal(v.pausedAt, null);
    const calendar = await workingCalendar(ctx.db);
    assert.ok(new Date(v.dueAt) > new Date(dueBeforeWait), 'the deadline moved by the time waited');
    const waited = (await ctx.db.query(`SELECT data FROM feedback_events WHERE case_id = $1 AND action = 'provide_info'`, [id]))[0].data.waitedHours;
    assert.equal(new Date(v.dueAt).getTime(), calendar.addWorkingHours(new Date(dueBeforeWait), waited).getTime());

    // Answer, approval by the leader only, then the operator sends it back once.
    await agencyAct('specialist', id, { action: 'answer', text: 'Phường đã lập biên bản và yêu cầu các hộ kinh doanh trả lại vỉa hè.' });
    await agencyAct('specialist', id, { action: 'approve' }, 403);
    await agencyAct('leader', id, { action: 'approve' });
    assert.equal((await citizen({ url: `/api/v1/public/feedback/${code}` })).statusCode, 404, 'not public before publication');
    v = await view(operator, id);
    assert.deepEqual(actions(v), ['send_back', 'publish']);
    const dueBeforeSendBack = v.dueAt;
    await act(operator, id, { action: 'send_back', note: 'Trả lời chưa nêu kết quả kiểm tra sau khi lập biên bản.' });
    v = await agencyView('specialist', id);
    assert.equal(v.status, 'processing');
    assert.equal(v.sendBacks, 1);
    assert.equal(v.dueAt, dueBeforeSendBack, 'sending the answer back does not move the deadline');
    assert.ok(
      v.events.some((e: any) => e.action === 'send_back' && e.note.includes('kết quả kiểm tra')),
      'the agency sees why',
    );
    assert.deepEqual(actions(v), ['request_info', 'answer']);
    const reporterSees = await view(citizen, id);
    assert.equal(reporterSees.status, 'processing');
    assert.equal(reporterSees.answer, null, 'the draft is not the reporter’s to read');
    assert.ok(!reporterSees.events.some((e: any) => ['answer', 'approve', 'send_back'].includes(e.action)), 'internal steps stay internal');
    assert.equal((await citizen({ url: `/api/v1/public/feedback/${code}` })).statusCode, 404, 'still not public');
    await agencyAct('specialist', id, {
      action: 'answer',
      text: 'Phường đã lập biên bản; kiểm tra lại ngày 02/12 vỉa hè đã thông thoáng.',
      evidence: [evidence.json().items[0].id],
    });
    assert.equal((await agencyView('leader', id)).answer, 'Phường đã lập biên bản; kiểm tra lại ngày 02/12 vỉa hè đã thông thoáng.');
    await agencyAct('leader', id, { action: 'approve' });
    await notTold(id, 'answer, approval, send back, answer again, approval (internal steps)');
    assert.equal((await act(operator, id, { action: 'publish' })).status, 'published');
    const answered = await told(id, 'feedback_answered', [`Phản ánh ${code} đã có trả lời`, 'vỉa hè đã thông thoáng']);
    for (const m of answered) assert.ok(!m.body.includes('Phường đã lập biên bản và yêu cầu'), 'the draft sent back is never sent');

    // The public page: the report, the answer, the public steps, no identity; searchable without diacritics.
    const page = await citizen({ url: `/api/v1/public/feedback/${code}` });
    assert.equal(page.statusCode, 200, page.body);
    const p = page.json();
    assert.match(p.answer, /thông thoáng/);
    assert.deepEqual(
      p.steps.map((s: any) => s.action),
      ['submit', 'accept', 'request_info', 'provide_info', 'publish'],
    );
    for (const secret of [CITIZEN.name, PHONE, EMAIL, citizenId, 'khung giờ']) assert.ok(!page.body.includes(secret), `public page leaks ${secret}`);
    assert.deepEqual(
      p.media.map((m: any) => m.kind),
      ['report', 'evidence'],
    );
    const published = await ctx.app.inject({ url: `/api/v1/public/feedback/${code}/media/${p.media[0].id}` });
    assert.equal(published.headers['content-type'], 'image/jpeg');
    assert.ok(published.rawPayload.equals(JPEG), 'the published photo has no Exif (no GPS)');
    const found = (await ctx.app.inject({ url: '/api/v1/public/feedback?q=lan%20chiem%20via%20he' })).json();
    assert.ok(found.items.some((x: any) => x.code === code));
    const words = (await ctx.app.inject({ url: '/api/v1/public/feedback?q=khéo%20VIA%20he%2050%25' })).json();
    assert.equal(words.total, 0, 'every word must match, "%" literally');
    const apart = (await ctx.app.inject({ url: '/api/v1/public/feedback?q=khéo%20VIA%20he' })).json();
    assert.ok(
      apart.items.some((x: any) => x.code === code),
      'words apart and in any order, without diacritics',
    );
    for (const secret of [CITIZEN.name, PHONE, EMAIL, citizenId]) assert.ok(!JSON.stringify(found).includes(secret));

    assert.deepEqual(actions(await view(citizen, id)), ['rate']);
    assert.equal((await act(citizen, id, { action: 'rate', rating: 'hai_long', comment: 'Cảm ơn phường.' })).status, 'rated');
    await notTold(id, "the reporter's own rating");
    // No message carried an internal note, and the worker delivers the reporter's messages like a dossier's.
    const all = await ctx.db.query('SELECT id, body FROM notification_outbox WHERE feedback_case_id = $1', [id]);
    assert.equal(all.length, 12, 'four public steps told on three channels');
    for (const secret of ['Ghi chú nội bộ', 'Thuộc thẩm quyền phường', 'chưa nêu kết quả kiểm tra'])
      assert.ok(!all.some((m) => m.body.includes(secret)), `a message leaks the internal note "${secret}"`);
    const delivered: string[] = [];
    const transport = { send: async (to: string | { to: string; messageId: string }) => void delivered.push(typeof to === 'string' ? to : to.messageId) };
    const worker = startNotificationWorker(ctx.db, { intervalMs: 0, batchSize: 1000, transports: { email: transport, sms: transport, zalo: transport } });
    while ((await worker.runOnce()) > 0);
    await worker.stop();
    assert.deepEqual(
      (await ctx.db.query('SELECT DISTINCT status FROM notification_outbox WHERE feedback_case_id = $1', [id])).map((r) => r.status),
      ['sent'],
    );
    assert.ok(delivered.includes(`<notification-${all.find((m) => m.body.includes('Kính gửi'))!.id}.${id}@congso>`));
    await agencyView('leader', id);
    await agencyView('admin', id);
    await asAgency('leader', { url: '/api/v1/feedback' });

    // Nothing the handling agency's staff received names the reporter.
    assert.ok(agencyAnswers.length > 10);
    for (const res of agencyAnswers) {
      for (const secret of [CITIZEN.name, CITIZEN.idNumber, PHONE, EMAIL, citizenId])
        assert.ok(!res.body.includes(secret), `${res.body.slice(0, 200)} leaks ${secret}`);
    }
  });

  test('an unsatisfied rating reopens the case once; the public keeps the published answer meanwhile', async () => {
    const { id, code } = (await citizen({ method: 'POST', url: '/api/v1/feedback', payload: report({ categoryCode: 'environment' }) })).json();
    const pinned = await view(operator, id);
    assert.deepEqual(
      [pinned.communeCode, pinned.suggestedAgencies[0]?.agencyId],
      [communeCode, caiKhe],
      'a pin without a commune is put in the commune that holds it',
    );
    await act(operator, id, { action: 'classify', level: 'khan' });
    await act(operator, id, { action: 'assign', agencyId: caiKhe });
    await agencyAct('counter', id, { action: 'accept' });
    await agencyAct('specialist', id, { action: 'answer', text: 'Đã nhắc nhở.' });
    await agencyAct('leader', id, { action: 'approve' });
    await act(operator, id, { action: 'publish' });
    assert.deepEqual(
      (await newMessages(id)).map((m) => m.kind).filter((k, i, all) => all.indexOf(k) === i),
      ['feedback_received', 'feedback_accepted', 'feedback_answered'],
    );
    assert.equal((await act(citizen, id, { action: 'rate', rating: 'khong_hai_long', comment: 'Vẫn còn lấn chiếm.' })).status, 'processing');
    const { dueAt } = await view(citizen, id);
    await told(id, 'feedback_reopened', ['chưa hài lòng', `Thời hạn trả lời mới: ${messageDateTime(new Date(dueAt))}`]);
    // The public list and map filter by the public status: the reopened case is "being handled again", not "answered".
    const listed = async (status: string) =>
      (await ctx.app.inject({ url: `/api/v1/public/feedback?category=environment&status=${status}` })).json().items.map((x: any) => x.code);
    const mapped = async (status: string) => (await ctx.app.inject({ url: `/api/v1/public/feedback/map?category=environment&status=${status}` })).json().items;
    assert.ok((await listed('reopened')).includes(code));
    assert.ok(!(await listed('published')).includes(code));
    assert.deepEqual(
      (await mapped('reopened')).find((x: any) => x.code === code),
      { code, title: report().title, status: 'processing', statusName: 'Đang xử lý', lat: 10.0452, long: 105.7846 },
      'the point carries what the public page shows, and no more',
    );
    assert.equal((await mapped('published')).filter((x: any) => x.code === code).length, 0);
    await agencyAct('specialist', id, { action: 'answer', text: 'Bản nháp chưa duyệt.' });
    assert.equal((await citizen({ url: `/api/v1/public/feedback/${code}` })).json().answer, 'Đã nhắc nhở.');
    await agencyAct('leader', id, { action: 'approve' });
    await act(operator, id, { action: 'publish' });
    assert.equal((await citizen({ url: `/api/v1/public/feedback/${code}` })).json().answer, 'Bản nháp chưa duyệt.');
    assert.equal((await act(citizen, id, { action: 'rate', rating: 'khong_hai_long' })).status, 'rated', 'reopened only once');
    assert.deepEqual(
      (await mapped('rated')).filter((x: any) => x.code === code).map((x: any) => x.status),
      ['rated'],
    );
    assert.equal((await ctx.app.inject({ url: '/api/v1/public/feedback/map?status=closed' })).statusCode, 400);
    assert.deepEqual(actions(await view(citizen, id)), []);
  });

  test('videos from the phone and an answer with evidence: published without their location, served in byte ranges', async () => {
    const { id, code } = (await citizen({ method: 'POST', url: '/api/v1/feedback', payload: report() })).json();
    const upload = async (who: Requester, content: Buffer, name: string, role?: string, status = 201) => {
      const res = await who({ method: 'POST', url: `/api/v1/feedback/${id}/media${role ? `?role=${role}` : ''}`, ...multipart(content, name) });
      assert.equal(res.statusCode, status, `${name}: ${res.body}`);
      return res.json();
    };
    const clip = (await upload(citizen, MP4, 'clip.mp4')).items[0];
    const mov = (await upload(citizen, MOV, 'IMG_0001.MOV')).items[0];
    const webm = (await upload(citizen, WEBM, 'quay.webm')).items[0];
    assert.deepEqual([clip.mime, mov.mime, webm.mime], ['video/mp4', 'video/quicktime', 'video/webm']);
    assert.equal((await upload(citizen, PHOTO, 'anh.jpg', 'after', 400)).code, 'ROLE_NOT_ALLOWED');

    await act(operator, id, { action: 'classify' });
    await act(operator, id, { action: 'assign', agencyId: caiKhe });
    await agencyAct('specialist', id, { action: 'accept' });
    assert.equal((await upload(agency.specialist, PNG, 'sau.png', undefined, 400)).code, 'ROLE_REQUIRED');
    assert.equal((await upload(agency.specialist, PNG, 'bien-ban.png', 'document', 415)).code, 'UNSUPPORTED_FILE_TYPE');
    const before = (await upload(agency.specialist, PHOTO, 'truoc.jpg', 'before')).items[0];
    const after = (await upload(agency.specialist, MP4, 'sau.mp4', 'after')).items[0];
    const document = (await upload(agency.specialist, PDF, 'bien-ban.pdf', 'document')).items[0];
    const draft = (await upload(agency.specialist, PNG, 'nhap.png', 'after')).items[0];

    // The answer names its evidence among the agency's files of this case; markup in it is refused, nothing written.
    const answered = async () => (await ctx.db.query(`SELECT count(*)::int AS n FROM feedback_events WHERE case_id = $1 AND action = 'answer'`, [id]))[0].n;
    const script = await agency.specialist({
      method: 'POST',
      url: `/api/v1/feedback/${id}/actions`,
      payload: { action: 'answer', text: 'Đã xử lý <img src=x onerror=alert(1)>' },
    });
    assert.equal(script.json().code, 'MARKUP_NOT_ALLOWED');
    const reportFile = await agency.specialist({
      method: 'POST',
      url: `/api/v1/feedback/${id}/actions`,
      payload: { action: 'answer', text: 'Đã xử lý.', evidence: [clip.id] },
    });
    assert.equal(reportFile.statusCode, 400, reportFile.body);
    assert.equal(reportFile.json().code, 'UNKNOWN_EVIDENCE');
    assert.equal(await answered(), 0);
    assert.equal((await agencyView('specialist', id)).status, 'processing');
    await agencyAct('specialist', id, { action: 'answer', text: 'Đã dọn vỉa hè, xem ảnh trước và sau.', evidence: [before.id, after.id, document.id] });
    assert.deepEqual((await agencyView('leader', id)).answerEvidence, [before.id, after.id, document.id]);
    await agencyAct('leader', id, { action: 'approve' });
    await act(operator, id, { action: 'publish' });

    // The published page carries the report's media and the answer's evidence by role; the draft evidence stays inside.
    const p = (await ctx.app.inject({ url: `/api/v1/public/feedback/${code}` })).json();
    assert.deepEqual(
      p.media.map((m: any) => [m.id, m.kind, m.role]),
      [
        [clip.id, 'report', null],
        [mov.id, 'report', null],
        [webm.id, 'report', null],
        [before.id, 'evidence', 'before'],
        [after.id, 'evidence', 'after'],
        [document.id, 'evidence', 'document'],
      ],
    );
    const pub = (mediaId: string, range?: string) =>
      ctx.app.inject({ url: `/api/v1/public/feedback/${code}/media/${mediaId}`, headers: range ? { range } : {} });
    assert.equal((await pub(draft.id)).statusCode, 404);
    assert.ok((await pub(before.id)).rawPayload.equals(JPEG), 'the before photo without its Exif');
    assert.equal((await pub(document.id)).headers['content-type'], 'application/pdf');

    // The videos: same length (every offset valid), the location boxes blanked into `free` boxes, the media untouched.
    for (const [m, original] of [
      [clip, MP4],
      [mov, MOV],
      [after, MP4],
    ] as const) {
      const res = await pub(m.id);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], m.mime);
      assert.equal(res.headers['accept-ranges'], 'bytes');
      const published = res.rawPayload;
      assert.equal(published.length, original.length);
      assert.ok(original.includes(WHERE) && !published.includes(WHERE), 'no coordinates in the published video');
      assert.ok(!published.includes('udta') && !published.includes('location'));
      assert.equal(published.toString('latin1').split('free').length - 1, 3, 'moov/udta, moov/meta and the track udta are free boxes');
      const mdat = original.indexOf('mdat') - 4;
      assert.ok(published.subarray(mdat).equals(original.subarray(mdat)), 'the media data as sent');
    }
    const web = (await pub(webm.id)).rawPayload;
    assert.equal(web.length, WEBM.length);
    assert.ok(!web.includes(WHERE) && !web.includes('LOCATION'), 'the WebM tags are gone');
    assert.ok(
      web.subarray(0, WEBM.indexOf(Buffer.from([0x12, 0x54, 0xc3, 0x67]))).equals(WEBM.subarray(0, WEBM.indexOf(Buffer.from([0x12, 0x54, 0xc3, 0x67])))),
    );

    // Ranges, as a phone's player asks: each the same bytes as the whole published copy, even one cutting a box header.
    const whole = (await pub(clip.id)).rawPayload;
    const udta = MP4.indexOf('udta');
    for (const [range, start, end] of [
      ['bytes=0-99', 0, 99],
      [`bytes=${udta + 2}-${udta + 40}`, udta + 2, udta + 40],
      [`bytes=${MP4.length - 10}-`, MP4.length - 10, MP4.length - 1],
      ['bytes=-16', MP4.length - 16, MP4.length - 1],
    ] as const) {
      const res = await pub(clip.id, range);
      assert.equal(res.statusCode, 206, range);
      assert.equal(res.headers['content-range'], `bytes ${start}-${end}/${MP4.length}`);
      assert.ok(res.rawPayload.equals(whole.subarray(start, end + 1)), range);
    }
    const outside = await pub(clip.id, `bytes=${MP4.length}-`);
    assert.equal(outside.statusCode, 416);
    assert.equal(outside.headers['content-range'], `bytes */${MP4.length}`);
    assert.equal(outside.json().code, 'RANGE_NOT_SATISFIABLE');
    const staff = await agency.specialist({ url: `/api/v1/feedback/${id}/media/${clip.id}`, headers: { range: `bytes=${udta}-${udta + 60}` } });
    assert.equal(staff.statusCode, 206);
    assert.ok(staff.rawPayload.equals(MP4.subarray(udta, udta + 61)), 'staff get the video as it was sent');
  });

  test('deadlines across a weekend and Tết follow the working calendar', async () => {
    const calendar = await workingCalendar(ctx.db);
    const settings = await loadSettings(ctx.db);
    const accept = feedbackWorkflow.actions.accept;
    const dueOf = async (level: string, now: Date) => {
      const c = { row: { level, accept_due_at: now }, calendar, settings };
      return (await accept.perform(ctx.db, c, { action: 'accept' }, null, now)).set.due_at as Date;
    };
    // An urgent case accepted on Friday at 15:00 (UTC+7): two hours that day, two on Monday morning.
    assert.equal((await dueOf('khan', new Date('2026-12-04T08:00:00Z'))).toISOString(), '2026-12-07T02:00:00.000Z');
    // An ordinary one accepted the day before Tết 2027 (Tết falls on 6 February): the holiday week is not counted.
    const beforeTet = new Date('2027-02-04T08:00:00Z');
    const due = await dueOf('thuong', beforeTet);
    assert.equal(due.getTime(), calendar.addWorkingHours(beforeTet, settings.answerHours.thuong).getTime());
    assert.ok(due > new Date('2027-02-16T00:00:00Z'), due.toISOString());
  });

  test('bad input: markup, a place outside the province, an unknown category, an anonymous report: a clear error, nothing written', async () => {
    const before = await count();
    const cases: [Record<string, unknown>, string][] = [
      [{ text: 'Xem ảnh tại <script>alert(1)</script> nhé mọi người' }, 'MARKUP_NOT_ALLOWED'],
      [{ title: '<b>Khẩn cấp</b> ngập nước' }, 'MARKUP_NOT_ALLOWED'],
      [{ lat: 21.0285, long: 105.8542 }, 'LOCATION_OUTSIDE_PROVINCE'],
      [{ categoryCode: 'khong_co' }, 'UNKNOWN_CATEGORY'],
      [{ communeCode: '99999' }, 'UNKNOWN_COMMUNE'],
    ];
    for (const [extra, code] of cases) {
      const res = await citizen({ method: 'POST', url: '/api/v1/feedback', payload: report(extra) });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().code, code);
      assert.match(res.json().message, /[À-ỹ]/u, 'a Vietnamese message');
    }
    const anonymous = await ctx.app.inject({ method: 'POST', url: '/api/v1/feedback', payload: report() });
    assert.equal(anonymous.statusCode, 401);

    // Media: a document, something that is no image at all, a file over the limit; a web page named as a video, a
    // PNG named or declared as one, a video cut short, a video over the configured limit.
    const { id } = (await citizen({ method: 'POST', url: '/api/v1/feedback', payload: report() })).json();
    const rows = async () =>
      (await ctx.db.query('SELECT (SELECT count(*) FROM feedback_media)::int AS media, (SELECT count(*) FROM feedback_events)::int AS events'))[0];
    const rowsBefore = await rows();
    const videoLimit = ctx.app.uploadSettings.maxVideoBytes;
    ctx.app.uploadSettings.maxVideoBytes = 1024 * 1024;
    const files: [Buffer, string, string | undefined, number, string, RegExp][] = [
      [PDF, 'don.pdf', undefined, 415, 'UNSUPPORTED_FILE_TYPE', /JPEG, PNG, MP4, MOV hoặc WebM/],
      [Buffer.from('<script>alert(1)</script>'), 'anh.jpg', undefined, 415, 'UNSUPPORTED_FILE_TYPE', /theo nội dung tệp/],
      [Buffer.concat([PHOTO, Buffer.alloc(10 * 1024 * 1024)]), 'lon.jpg', undefined, 413, 'FILE_TOO_LARGE', /tối đa 10 MB/],
      [Buffer.from('<!doctype html><html><script>alert(1)</script></html>'), 'clip.mp4', 'video/mp4', 415, 'UNSUPPORTED_FILE_TYPE', /MP4/],
      [PNG, 'clip.mp4', undefined, 415, 'CONTENT_TYPE_MISMATCH', /PNG/],
      [PNG, 'anh.png', 'video/mp4', 415, 'CONTENT_TYPE_MISMATCH', /PNG/],
      [MP4.subarray(0, MP4.length - 100), 'cut.mp4', 'video/mp4', 415, 'VIDEO_UNREADABLE', /cấu trúc video/],
      [mp4('isom', Buffer.alloc(1536 * 1024)), 'dai.mp4', 'video/mp4', 413, 'FILE_TOO_LARGE', /Video tối đa 1 MB/],
    ];
    try {
      for (const [content, name, type, status, code, message] of files) {
        const res = await citizen({ method: 'POST', url: `/api/v1/feedback/${id}/media`, ...multipart(content, name, type) });
        assert.equal(res.statusCode, status, `${name}: ${res.body}`);
        assert.equal(res.json().code, code, name);
        assert.match(res.json().message, message);
      }
    } finally {
      ctx.app.uploadSettings.maxVideoBytes = videoLimit;
    }
    assert.deepEqual(await rows(), rowsBefore, 'no file and no event written');
    const byAgency = await agency.counter({ method: 'POST', url: '/api/v1/feedback/intake', payload: { ...report(), channel: 'phone' } });
    assert.equal(byAgency.statusCode, 403, 'only the province operators key reports in');
    assert.equal(await count(), before + 1, 'only the report the media were tried on');
  });

  test('operator intake by phone, anonymous reports where allowed, spam and duplicates', async () => {
    const phoned = await operator({
      method: 'POST',
      url: '/api/v1/feedback/intake',
      payload: { ...report({ reporter: { name: 'Bà Tư', phone: '0987654321' } }), channel: 'phone' },
    });
    assert.equal(phoned.statusCode, 201, phoned.body);
    await told(phoned.json().id, 'feedback_received', [`Phản ánh ${phoned.json().code} đã được tiếp nhận`, `/phan-anh/${phoned.json().code}`], {
      email: null,
      phone: '0987654321',
    });
    const first = await citizen({ method: 'POST', url: '/api/v1/feedback', payload: report() });
    await told(first.json().id, 'feedback_received', []);
    assert.equal(
      (await act(operator, first.json().id, { action: 'merge_duplicate', intoId: phoned.json().id, note: 'Trùng phản ánh của bà Tư' })).status,
      'merged',
    );
    const timeline = (await view(operator, phoned.json().id)).events.map((e: any) => e.action);
    assert.deepEqual(timeline, ['submit', 'duplicate_merged']);
    // The reporter of the merged case is told where it is handled (and sees it on their page), never the operator's note.
    const merged = await told(first.json().id, 'feedback_merged', [`được gộp vào phản ánh ${phoned.json().code}`, `/phan-anh/${phoned.json().code}`]);
    assert.ok(!merged.some((m) => m.body.includes('bà Tư')));
    const mine = await view(citizen, first.json().id);
    assert.deepEqual(
      mine.events.map((e: any) => [e.action, e.note]),
      [
        ['submit', null],
        ['merge_duplicate', null],
      ],
    );
    await notTold(phoned.json().id, 'a duplicate merged into the case');

    await sysadmin({ method: 'PUT', url: '/api/v1/admin/feedback-settings', payload: { allowAnonymous: true } });
    const noPhone = await ctx.app.inject({ method: 'POST', url: '/api/v1/feedback', payload: report({ reporter: undefined }) });
    assert.equal(noPhone.json().code, 'PHONE_REQUIRED');
    const anonymous = await ctx.app.inject({ method: 'POST', url: '/api/v1/feedback', payload: report({ reporter: { phone: '0900000001' } }) });
    assert.equal(anonymous.statusCode, 201, anonymous.body);
    await told(anonymous.json().id, 'feedback_received', [], { email: null, phone: '0900000001' });
    assert.equal((await act(operator, anonymous.json().id, { action: 'reject_spam', reason: 'Nội dung quảng cáo.' })).status, 'rejected');
    await told(anonymous.json().id, 'feedback_rejected', ['không được xử lý', 'Lý do: Nội dung quảng cáo.'], { email: null, phone: '0900000001' });
    await sysadmin({ method: 'PUT', url: '/api/v1/admin/feedback-settings', payload: { allowAnonymous: false } });
  });

  test("the agency's inbox: overdue cases first, then those at risk; filters by level, category (with its children), code and flag", async () => {
    const keyIn = async (title: string, level: string) => {
      const res = await operator({ method: 'POST', url: '/api/v1/feedback/intake', payload: { ...report({ title, level }), channel: 'phone' } });
      assert.equal(res.statusCode, 201, res.body);
      const { id, code } = res.json();
      await act(operator, id, { action: 'classify' });
      await act(operator, id, { action: 'assign', agencyId: caiKhe });
      return { id, code };
    };
    const late = await keyIn('Cống thoát nước bị nghẹt', 'thuong');
    const fresh = await keyIn('Cây xanh gãy đổ chắn đường', 'khan');
    // The acceptance deadline of the first passed an hour ago; the second was just assigned.
    await ctx.db.query(`UPDATE feedback_cases SET accept_due_at = now() - interval '1 hour', created_at = now() - interval '3 days' WHERE id = $1`, [late.id]);
    const list = async (query = '') => {
      const res = await asAgency('specialist', { url: `/api/v1/feedback?pageSize=100${query}` });
      assert.equal(res.statusCode, 200, res.body);
      return res.json().items as { id: string; overdue: boolean; atRisk: boolean; level: string }[];
    };
    const items = await list();
    assert.equal(items[0].id, late.id, 'the overdue case heads the list although it is the oldest');
    assert.equal(items[0].overdue, true);
    assert.ok(items.some((x) => x.id === fresh.id && !x.overdue));
    assert.deepEqual(
      (await list('&flag=overdue')).map((x) => x.id),
      [late.id],
    );
    assert.ok((await list('&level=khan')).every((x) => x.level === 'khan'));
    assert.ok((await list('&level=khan')).some((x) => x.id === fresh.id));
    assert.equal(
      (await list('&category=traffic')).some((x) => x.id === fresh.id),
      false,
    );
    assert.ok((await list('&category=urban_order')).some((x) => x.id === fresh.id));
    assert.deepEqual(
      (await list(`&code=${fresh.code.toLowerCase()}`)).map((x) => x.id),
      [fresh.id],
      'found by its code, any case',
    );
    const outsider = await otherCommune({ url: `/api/v1/feedback?code=${fresh.code}` });
    assert.equal(outsider.json().total, 0, 'another commune does not find it by code');
  });

  test('abuse: an operator blocks a reporter (account or phone) with a reason and unblocks; a blocked report is refused and writes nothing', async () => {
    const { id } = (await citizen({ method: 'POST', url: '/api/v1/feedback', payload: report() })).json();
    const writes = async () => (await ctx.db.query('SELECT (SELECT count(*) FROM feedback_cases) + (SELECT count(*) FROM feedback_events) AS n'))[0].n;
    const blocksBefore = (await ctx.db.query('SELECT count(*)::int AS n FROM feedback_blocks'))[0].n;
    for (const who of ['counter', 'leader', 'admin'] as const) {
      const res = await asAgency(who, { method: 'POST', url: '/api/v1/feedback-blocks', payload: { caseId: id, reason: 'Thử chặn' } });
      assert.equal(res.statusCode, 403, `${who}: the agency's staff cannot block`);
    }
    assert.equal((await asAgency('specialist', { url: '/api/v1/feedback-blocks' })).statusCode, 403);
    assert.equal((await ctx.db.query('SELECT count(*)::int AS n FROM feedback_blocks'))[0].n, blocksBefore);

    const blocked = await operator({ method: 'POST', url: '/api/v1/feedback-blocks', payload: { caseId: id, reason: 'Gửi nhiều phản ánh sai sự thật.' } });
    assert.equal(blocked.statusCode, 201, blocked.body);
    assert.equal(blocked.json().kind, 'citizen');
    const again = await operator({ method: 'POST', url: '/api/v1/feedback-blocks', payload: { caseId: id, reason: 'Lần nữa' } });
    assert.equal(again.statusCode, 409);
    const phoneBlock = await operator({ method: 'POST', url: '/api/v1/feedback-blocks', payload: { phone: '0900000002', reason: 'Gọi quấy rối.' } });
    assert.equal(phoneBlock.statusCode, 201, phoneBlock.body);
    assert.equal(phoneBlock.json().phone, '*******002');

    const before = await writes();
    const refused = [
      await citizen({ method: 'POST', url: '/api/v1/feedback', payload: report() }),
      await operator({ method: 'POST', url: '/api/v1/feedback/intake', payload: { ...report({ reporter: { phone: '+84900000002' } }), channel: 'phone' } }),
    ];
    for (const res of refused) {
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.json().code, 'FEEDBACK_REPORTER_BLOCKED');
      assert.match(res.json().message, /tạm ngừng gửi phản ánh/);
    }
    assert.equal(await writes(), before, 'a blocked report writes nothing');

    const unblocked = await operator({ method: 'POST', url: `/api/v1/feedback-blocks/${blocked.json().id}/unblock`, payload: { reason: 'Đã cam kết.' } });
    assert.equal(unblocked.statusCode, 200, unblocked.body);
    assert.equal(unblocked.json().active, false);
    assert.equal((await operator({ method: 'POST', url: `/api/v1/feedback-blocks/${blocked.json().id}/unblock`, payload: { reason: 'x' } })).statusCode, 404);
    assert.equal((await citizen({ method: 'POST', url: '/api/v1/feedback', payload: report() })).statusCode, 201, 'unblocked, they report again');

    // The log: who blocked and unblocked, when and why; the operators' list shows no identity.
    const list = await operator({ url: '/api/v1/feedback-blocks' });
    const shown = list.json().items.filter((b: any) => [blocked.json().id, phoneBlock.json().id].includes(b.id));
    assert.deepEqual(
      shown.map((b: any) => [b.kind, b.reason, b.active, b.unblockReason]),
      [
        ['phone', 'Gọi quấy rối.', true, null],
        ['citizen', 'Gửi nhiều phản ánh sai sự thật.', false, 'Đã cam kết.'],
      ],
    );
    for (const secret of [CITIZEN.name, PHONE, EMAIL, citizenId, '0900000002']) assert.ok(!list.body.includes(secret), `the list shows ${secret}`);
    const [{ by }] = await ctx.db.query(
      'SELECT count(*)::int AS by FROM feedback_blocks b JOIN users u ON u.id = b.blocked_by AND u.id = b.unblocked_by WHERE b.id = $1 AND u.username = $2',
      [blocked.json().id, 'motcua.tt'],
    );
    assert.equal(by, 1);
    assert.deepEqual(
      (await operator({ url: '/api/v1/feedback-blocks?active=true' })).json().items.map((b: any) => b.id),
      [phoneBlock.json().id],
    );
  });
  test('escalation: a case at risk and then overdue in working hours is escalated to the operators once each, and the job keeps it so', async () => {
    const { id } = (await citizen({ method: 'POST', url: '/api/v1/feedback', payload: report() })).json();
    await act(operator, id, { action: 'classify' });
    await act(operator, id, { action: 'assign', agencyId: caiKhe });
    await newMessages(id);
    // Acceptance due on Monday 7 December 2026 at 09:00 (UTC+7); eight working hours were allotted, at risk within two.
    await ctx.db.query(`UPDATE feedback_cases SET accept_due_at = '2026-12-07T02:00:00Z' WHERE id = $1`, [id]);
    const escalations = async () =>
      (await ctx.db.query(`SELECT data, actor_kind FROM feedback_events WHERE case_id = $1 AND action = 'escalate' ORDER BY id`, [id])).map((e) => [
        e.data.kind,
        e.data.dueAt,
        e.actor_kind,
      ]);
    const due = '2026-12-07T02:00:00.000Z';
    await escalateFeedback(ctx.db, new Date('2026-12-04T09:00:00Z')); // Friday 16:00: three working hours left
    assert.deepEqual(await escalations(), []);
    await escalateFeedback(ctx.db, new Date('2026-12-05T05:00:00Z')); // Saturday noon: 45 hours away, but two working hours
    assert.deepEqual(await escalations(), [['at_risk', due, 'system']]);
    await escalateFeedback(ctx.db, new Date('2026-12-06T05:00:00Z')); // Sunday: still at risk, not alerted again
    assert.deepEqual(await escalations(), [['at_risk', due, 'system']]);

    const escalatedList = (await operator({ url: '/api/v1/feedback?escalated=true&pageSize=100' })).json();
    assert.deepEqual(
      escalatedList.items.filter((x: any) => x.id === id).map((x: any) => x.escalation),
      ['at_risk'],
    );
    assert.ok(escalatedList.items.every((x: any) => x.escalation !== null));
    const others = (await operator({ url: '/api/v1/feedback?escalated=false&pageSize=100' })).json();
    assert.ok(!others.items.some((x: any) => x.id === id) && others.items.every((x: any) => x.escalation === null));

    await escalateFeedback(ctx.db, new Date('2026-12-07T02:30:00Z')); // Monday 09:30: overdue
    await escalateFeedback(ctx.db, new Date('2026-12-07T03:30:00Z'));
    assert.deepEqual(await escalations(), [
      ['at_risk', due, 'system'],
      ['overdue', due, 'system'],
    ]);
    assert.equal((await agencyView('counter', id)).escalation, 'overdue');
    await notTold(id, 'an escalation (internal)');

    // The scheduled job, as servers run it: a case overdue long ago is escalated once, however often the job runs.
    const late = (await citizen({ method: 'POST', url: '/api/v1/feedback', payload: report() })).json().id;
    await act(operator, late, { action: 'classify' });
    await act(operator, late, { action: 'assign', agencyId: caiKhe });
    await ctx.db.query(`UPDATE feedback_cases SET accept_due_at = '2026-01-05T02:00:00Z' WHERE id = $1`, [late]);
    const idle = { runOnce: async () => 0, stop: async () => undefined };
    const job = platformJobs({ app: ctx.app, notifications: idle }).find((j) => j.name === 'feedback.escalate')!;
    for (let run = 0; run < 2; run++) {
      await ctx.db.query(`UPDATE scheduled_jobs SET last_started_at = NULL WHERE name = 'feedback.escalate'`);
      assert.equal(await runIfDue(ctx.db, job), true);
    }
    const lateEvents = await ctx.db.query(`SELECT data FROM feedback_events WHERE case_id = $1 AND action = 'escalate'`, [late]);
    assert.deepEqual(
      lateEvents.map((e) => e.data.kind),
      ['overdue'],
    );
  });
  test("agencies suggested for assignment: the commune's People's Committee and the category's agency, ranked by who handles it first", async () => {
    const { id } = (await citizen({ method: 'POST', url: '/api/v1/feedback', payload: report({ communeCode }) })).json();
    const construction = (await agencyIds(ctx.db))['H13.12']; // Sở Xây dựng
    const urbanOrder = (await sysadmin({ url: '/api/v1/admin/feedback-categories' })).json().items.find((c: { code: string }) => c.code === 'urban_order').id;
    const route = (body: object) => sysadmin({ method: 'PATCH', url: `/api/v1/admin/feedback-categories/${urbanOrder}`, payload: body });
    assert.equal((await route({ defaultAgencyId: construction })).statusCode, 200);
    const suggested = async () => (await view(operator, id)).suggestedAgencies.map((a: any) => [a.agencyId, a.reason]);
    assert.deepEqual(await suggested(), [
      [caiKhe, 'Ủy ban nhân dân cấp xã nơi xảy ra vụ việc; lĩnh vực "Trật tự đô thị" do cấp xã xử lý trước.'],
      [construction, 'Cơ quan được giao xử lý phản ánh lĩnh vực "Trật tự đô thị".'],
    ]);
    assert.equal((await route({ handlingKind: 'department' })).json().defaultAgencyId, construction);
    assert.deepEqual(
      (await suggested()).map(([agencyId]: string[]) => agencyId),
      [construction, caiKhe],
    );
    // Administrators only; a unit or an unknown agency is refused.
    assert.equal(
      (await agency.admin({ method: 'PATCH', url: `/api/v1/admin/feedback-categories/${urbanOrder}`, payload: { handlingKind: 'department' } })).statusCode,
      403,
    );
    assert.equal((await route({ defaultAgencyId: '00000000-0000-4000-8000-000000000000' })).json().code, 'INVALID_AGENCY');
    assert.equal((await route({ defaultAgencyId: null, handlingKind: 'commune_committee' })).statusCode, 200);
    // Once assigned, nothing is suggested; the agency's staff never get suggestions.
    await act(operator, id, { action: 'classify' });
    await act(operator, id, { action: 'assign', agencyId: caiKhe });
    assert.deepEqual((await view(operator, id)).suggestedAgencies, []);
    assert.equal((await agencyView('counter', id)).suggestedAgencies, undefined);
  });

  test('what reaches the reporter: no staff note, no draft evidence; one form of phone number for reports and blocks', async () => {
    const { id } = (await citizen({ method: 'POST', url: '/api/v1/feedback', payload: report() })).json();
    await act(operator, id, { action: 'classify' });
    await act(operator, id, { action: 'assign', agencyId: caiKhe });
    await agencyAct('specialist', id, { action: 'accept', note: 'Giao tổ dân phố 3 kiểm tra, không báo người dân.' });
    const draft = await asAgency('specialist', { method: 'POST', url: `/api/v1/feedback/${id}/media?role=after`, ...multipart(PNG, 'nhap.png') });
    assert.equal(draft.statusCode, 201, draft.body);
    const draftId = draft.json().items[0].id;
    const mine = await view(citizen, id);
    const accepted = mine.events.find((e: any) => e.action === 'accept');
    assert.ok(accepted, 'the reporter sees that the agency took it');
    assert.equal(accepted.note, null, "the agency's note is its own");
    assert.ok(!mine.media.some((m: any) => m.id === draftId), 'draft evidence is not listed to the reporter');
    assert.equal((await citizen({ url: `/api/v1/feedback/${id}/media/${draftId}` })).statusCode, 404);
    assert.equal((await asAgency('specialist', { url: `/api/v1/feedback/${id}/media/${draftId}` })).statusCode, 200);

    // A number written the international way is the same number: stored once, blocked once.
    const spaced = await operator({
      method: 'POST',
      url: '/api/v1/feedback/intake',
      payload: { ...report({ reporter: { name: 'Ông Năm', phone: '+84 (0)912.345.678' } }), channel: 'phone' },
    });
    assert.equal(spaced.statusCode, 400, 'a trunk 0 in brackets is not a phone number the schema takes');
    const intl = await operator({
      method: 'POST',
      url: '/api/v1/feedback/intake',
      payload: { ...report({ reporter: { name: 'Ông Năm', phone: '+840912345678' } }), channel: 'phone' },
    });
    assert.equal(intl.statusCode, 201, intl.body);
    assert.equal((await view(operator, intl.json().id)).reporter.phone, '0912345678');
    const block = await operator({ method: 'POST', url: '/api/v1/feedback-blocks', payload: { phone: '+84912345678', reason: 'Gọi quấy rối nhiều lần.' } });
    assert.equal(block.statusCode, 201, block.body);
    const before = await count();
    const again = await operator({
      method: 'POST',
      url: '/api/v1/feedback/intake',
      payload: { ...report({ reporter: { name: 'Ông Năm', phone: '0912345678' } }), channel: 'phone' },
    });
    assert.equal(again.json().code, 'FEEDBACK_REPORTER_BLOCKED');
    assert.equal(await count(), before);
    await operator({ method: 'POST', url: `/api/v1/feedback-blocks/${block.json().id}/unblock`, payload: { reason: 'Hết thời hạn.' } });
  });
});
