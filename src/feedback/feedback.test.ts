// Citizen feedback: the declaration, the journey over HTTP from report to rating with its deadlines, the reporter's
// identity kept from the handling agency, and bad input refused with nothing written.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { workingCalendar } from '../calendar/service.ts';
import { agencyIds, citizenSignIn, eachDatabase, type Requester, signIn } from '../testing/harness.ts';
import { defineCaseType } from '../workflow/engine.ts';
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
const multipart = (content: Buffer, filename: string) => {
  const boundary = '----congsofeedback';
  return {
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
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

  test('the journey: report → classify → assign → accept → request information (paused) → answer → send back once → publish → rate', async () => {
    const settings = await loadSettings(ctx.db);
    const submitted = await citizen({ method: 'POST', url: '/api/v1/feedback', payload: report({ communeCode }) });
    assert.equal(submitted.statusCode, 201, submitted.body);
    const { id, code } = submitted.json();
    assert.match(code, /^PA-\d{6}-\d{4}$/);

    const photo = await citizen({ method: 'POST', url: `/api/v1/feedback/${id}/media`, ...multipart(PHOTO, 'via-he.jpg') });
    assert.equal(photo.statusCode, 201, photo.body);

    // The operator sees the reporter, and that look is logged.
    let v = await view(operator, id);
    assert.equal(v.status, 'received');
    assert.deepEqual(v.reporter, { citizen: true, name: CITIZEN.name, phone: PHONE, email: EMAIL });
    assert.deepEqual(actions(v), ['classify', 'reject_spam', 'merge_duplicate']);
    assert.equal(v.suggestedAgency?.id, caiKhe, "the commune's people's committee is suggested");
    const [{ looks }] = await ctx.db.query('SELECT count(*)::int AS looks FROM feedback_identity_looks WHERE case_id = $1', [id]);
    assert.equal(looks, 1);

    await act(operator, id, { action: 'classify', level: 'thuong' });
    const beforeAssign = new Date();
    assert.equal((await act(operator, id, { action: 'assign', agencyId: caiKhe, note: 'Thuộc thẩm quyền phường' })).status, 'assigned');
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
    const evidence = await asAgency('specialist', { method: 'POST', url: `/api/v1/feedback/${id}/media`, ...multipart(PNG, 'bien-ban.png') });
    assert.equal(evidence.statusCode, 201, evidence.body);
    const original = await asAgency('specialist', { url: `/api/v1/feedback/${id}/media/${photo.json().items[0].id}` });
    assert.ok(original.rawPayload.equals(PHOTO), 'staff get the file as it was sent');

    // Asking the reporter stops the clock; their answer restarts it and moves the deadline by the working time waited.
    await agencyAct('specialist', id, { action: 'request_info', question: 'Đề nghị cho biết khung giờ lấn chiếm thường xảy ra.' });
    v = await agencyView('specialist', id);
    assert.equal(v.status, 'info_requested');
    assert.ok(v.pausedAt);
    assert.equal(v.overdue, false);
    const mine = await view(citizen, id);
    assert.deepEqual(actions(mine), ['provide_info']);
    assert.ok(mine.events.some((e: any) => e.action === 'request_info' && e.note.includes('khung giờ')));
    await ctx.db.query(`UPDATE feedback_cases SET paused_at = '2026-12-01T02:00:00Z' WHERE id = $1`, [id]);
    const dueBeforeWait = v.dueAt;
    await act(citizen, id, { action: 'provide_info', text: 'Thường từ 17 giờ đến 22 giờ hằng ngày.' });
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
    await act(operator, id, { action: 'send_back', note: 'Trả lời chưa nêu kết quả kiểm tra sau khi lập biên bản.' });
    v = await agencyView('specialist', id);
    assert.equal(v.status, 'processing');
    assert.equal(v.sendBacks, 1);
    await agencyAct('specialist', id, { action: 'answer', text: 'Phường đã lập biên bản; kiểm tra lại ngày 02/12 vỉa hè đã thông thoáng.' });
    await agencyAct('leader', id, { action: 'approve' });
    assert.equal((await act(operator, id, { action: 'publish' })).status, 'published');

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
    assert.deepEqual([pinned.communeCode, pinned.suggestedAgency?.id], [communeCode, caiKhe], 'a pin without a commune is put in the commune that holds it');
    await act(operator, id, { action: 'classify', level: 'khan' });
    await act(operator, id, { action: 'assign', agencyId: caiKhe });
    await agencyAct('counter', id, { action: 'accept' });
    await agencyAct('specialist', id, { action: 'answer', text: 'Đã nhắc nhở.' });
    await agencyAct('leader', id, { action: 'approve' });
    await act(operator, id, { action: 'publish' });
    assert.equal((await act(citizen, id, { action: 'rate', rating: 'khong_hai_long', comment: 'Vẫn còn lấn chiếm.' })).status, 'processing');
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

    // Media: a document, something that is no image at all, a file over the limit.
    const { id } = (await citizen({ method: 'POST', url: '/api/v1/feedback', payload: report() })).json();
    const media = async () => (await ctx.db.query('SELECT count(*)::int AS n FROM feedback_media'))[0].n as number;
    const mediaBefore = await media();
    const files: [Buffer, string, number, string][] = [
      [Buffer.from('%PDF-1.4\n%%EOF\n'), 'don.pdf', 415, 'IMAGE_REQUIRED'],
      [Buffer.from('<script>alert(1)</script>'), 'anh.jpg', 415, 'UNSUPPORTED_FILE_TYPE'],
      [Buffer.concat([PHOTO, Buffer.alloc(10 * 1024 * 1024)]), 'lon.jpg', 413, 'FILE_TOO_LARGE'],
    ];
    for (const [content, name, status, code] of files) {
      const res = await citizen({ method: 'POST', url: `/api/v1/feedback/${id}/media`, ...multipart(content, name) });
      assert.equal(res.statusCode, status, res.body);
      assert.equal(res.json().code, code);
    }
    assert.equal(await media(), mediaBefore);
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
    const first = await citizen({ method: 'POST', url: '/api/v1/feedback', payload: report() });
    assert.equal((await act(operator, first.json().id, { action: 'merge_duplicate', intoId: phoned.json().id })).status, 'merged');
    const timeline = (await view(operator, phoned.json().id)).events.map((e: any) => e.action);
    assert.deepEqual(timeline, ['submit', 'duplicate_merged']);

    await sysadmin({ method: 'PUT', url: '/api/v1/admin/feedback-settings', payload: { allowAnonymous: true } });
    const noPhone = await ctx.app.inject({ method: 'POST', url: '/api/v1/feedback', payload: report({ reporter: undefined }) });
    assert.equal(noPhone.json().code, 'PHONE_REQUIRED');
    const anonymous = await ctx.app.inject({ method: 'POST', url: '/api/v1/feedback', payload: report({ reporter: { phone: '0900000001' } }) });
    assert.equal(anonymous.statusCode, 201, anonymous.body);
    assert.equal((await act(operator, anonymous.json().id, { action: 'reject_spam', reason: 'Nội dung quảng cáo.' })).status, 'rejected');
    await sysadmin({ method: 'PUT', url: '/api/v1/admin/feedback-settings', payload: { allowAnonymous: false } });
  });
});
