import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, mock, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { agencyIds, eachDatabase, signIn, type Requester, citizenSignIn } from '../testing/harness.ts';
import type { ProcedureContent } from '../catalog/types.ts';
import { classifyFinished, dossierCode, maskName } from './rules.ts';
import { yymmdd } from '../shared/time.ts';
import { createUser } from '../identity/service.ts';
import { DEMO_PASSWORD } from '../demo/seed.ts';
import { deleteExpiredUploads } from './files.ts';
import { LOOKUP_CACHE_MS } from './service.ts';
import { buildApp } from '../app.ts';
import { organisationOf } from '../agencies/service.ts';

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** POST /api/v1/uploads as a browser would: multipart/form-data with one part named "file". */
function upload(who: Requester, content: Buffer = PDF, filename = 'to-khai.pdf') {
  const boundary = `----congso${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return who({ method: 'POST', url: '/api/v1/uploads', payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
}

// A commune procedure whose workflow crosses to a department and back: reception, review at the commune,
// verification at a department (liên thông), approval by the commune's leader. 5 working days.
const CROSS_AGENCY_WORKFLOW: ProcedureContent['workflow'] = [
  { key: 'receive', name: 'Tiếp nhận hồ sơ', role: 'counter_officer', hours: 4 },
  { key: 'review', name: 'Thẩm định hồ sơ', role: 'specialist', hours: 8 },
  { key: 'verify', name: 'Xác minh tại Sở', role: 'specialist', hours: 16, transferTo: { agencyLevel: 'department' } },
  { key: 'approve', name: 'Phê duyệt, ký kết quả', role: 'agency_leader', hours: 8 },
];

eachDatabase('dossier lifecycle', { demo: true }, (ctx) => {
  let ids: Record<string, string>;
  let procedureId: string;
  const applicant = { name: 'Nguyễn Thị Ánh Tuyết', idNumber: '092190001234', address: 'Phường Cái Khế, Thành phố Cần Thơ', phone: '0912345678' };
  const formData = {
    hoTenTre: 'Trần Minh Khang',
    ngaySinh: '2026-11-01',
    gioiTinh: 'Nam',
    noiSinh: 'Bệnh viện Phụ sản Cần Thơ',
    hoTenMe: 'Nguyễn Thị Ánh Tuyết',
  };

  before(async () => {
    ids = await agencyIds(ctx.db);
    const admin = await signIn(ctx.app, 'admin');
    const base = (await ctx.app.inject({ url: '/api/v1/procedures/1.001193' })).json().content as ProcedureContent;
    const content: ProcedureContent = {
      ...base,
      nationalCode: '2.999500',
      name: 'Thủ tục liên thông thử nghiệm',
      onlineLevel: 'full',
      processingTime: { value: 5, unit: 'working_days' },
      workflow: CROSS_AGENCY_WORKFLOW,
      components: [
        { name: 'Tờ khai đăng ký theo mẫu', originals: 1, copies: 0, required: true },
        { name: 'Giấy chứng sinh', originals: 1, copies: 0, required: false },
      ],
      formSchema: {
        type: 'object',
        required: ['hoTenTre', 'ngaySinh'],
        properties: {
          hoTenTre: { type: 'string', title: 'Họ tên trẻ', minLength: 2 },
          ngaySinh: { type: 'string', format: 'date', title: 'Ngày sinh' },
          gioiTinh: { enum: ['Nam', 'Nữ'] },
          noiSinh: { type: 'string' },
          hoTenMe: { type: 'string' },
        },
      },
    };
    const created = await admin({ method: 'POST', url: '/api/v1/admin/procedures', payload: { agencyId: ids.H13, content } });
    assert.equal(created.statusCode, 201, created.body);
    procedureId = created.json().id;
    await admin({ method: 'POST', url: `/api/v1/admin/procedures/${procedureId}/publish` });
  });

  /**
   * Submits; an online submission without explicit files first uploads the required declaration. Online, the
   * applicant's name and ID number come from the signed-in citizen's e-ID, so only the contact details are sent.
   */
  const submit = async (who: Requester, channel: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const files = 'files' in extra || channel !== 'online' ? [] : [{ componentIndex: 0, uploadId: (await upload(who)).json().id }];
    const { address, phone } = applicant;
    return who({
      method: 'POST',
      url: '/api/v1/dossiers',
      headers,
      payload: { procedureId, agencyId: ids['H13.102'], applicant: channel === 'online' ? { address, phone } : applicant, formData, channel, files, ...extra },
    });
  };
  const act = (who: Requester, id: string, body: Record<string, unknown>) => who({ method: 'POST', url: `/api/v1/dossiers/${id}/actions`, payload: body });
  const expectOk = async (p: Promise<{ statusCode: number; body: string }>) => {
    const res = await p;
    assert.equal(res.statusCode, 200, res.body);
  };
  const dossierAs = async (who: Requester, id: string) => (await who({ url: `/api/v1/dossiers/${id}` })).json();

  test('online journey: submit → accept → one supplement → review → liên thông to a department → approve → return', async () => {
    const citizenA = await citizenSignIn(ctx.app, '092190001234', 'Nguyễn Thị Ánh Tuyết');
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const specialist = await signIn(ctx.app, 'caikhe.chuyenvien');
    const leader = await signIn(ctx.app, 'caikhe.lanhdao');
    const department = await signIn(ctx.app, 'stp.chuyenvien');

    const res = await submit(citizenA, 'online');
    assert.equal(res.statusCode, 201, res.body);
    const { id, code } = res.json();
    assert.match(code, new RegExp(`^H13\\.102-${yymmdd(new Date())}-\\d{4}$`));
    assert.equal((await dossierAs(citizenA, id)).status, 1);

    await expectOk(act(counter, id, { action: 'accept' }));
    let d = await dossierAs(counter, id);
    assert.deepEqual([d.status, d.statusName, d.stepName], [2, 'Được tiếp nhận', 'Thẩm định hồ sơ']);
    // The appointment is 5 working days from reception, on the same calendar the API exposes.
    const due = (await ctx.app.inject({ url: `/api/v1/calendar/due?from=${encodeURIComponent(d.receivedAt)}&workingDays=5` })).json().due;
    assert.equal(new Date(d.dueAt).getTime(), new Date(due).getTime());
    assert.equal(d.timeliness, 'in_time');

    await expectOk(act(counter, id, { action: 'request_supplement', reasons: ['Bổ sung bản sao Giấy chứng sinh'] }));
    d = await dossierAs(citizenA, id);
    assert.equal(d.status, 5);
    assert.equal(d.timeliness, null, 'the clock is stopped while the citizen supplements');
    const birthCertificate = (await upload(citizenA, PDF, 'giay-chung-sinh.pdf')).json().id;
    await expectOk(act(citizenA, id, { action: 'submit_supplement', note: 'Đã bổ sung', files: [{ componentIndex: 1, uploadId: birthCertificate }] }));
    d = await dossierAs(citizenA, id);
    assert.equal(d.status, 2, 'back to where it was');
    assert.deepEqual(
      d.files.map((f: any) => [f.componentName, f.name]),
      [
        ['Tờ khai đăng ký theo mẫu', 'to-khai.pdf'],
        ['Giấy chứng sinh', 'giay-chung-sinh.pdf'],
      ],
    );
    assert.ok(new Date(d.dueAt) >= new Date(due), 'the appointment moves by the time spent waiting, never back');

    // Only the role the step names, in the agency handling it, may act.
    assert.equal((await act(department, id, { action: 'forward' })).statusCode, 404);
    assert.equal((await act(leader, id, { action: 'forward' })).statusCode, 403);
    const missingTarget = await act(specialist, id, { action: 'forward' });
    assert.equal(missingTarget.json().code, 'TRANSFER_AGENCY_REQUIRED');
    const wrongTarget = await act(specialist, id, { action: 'forward', toAgencyId: ids['H13.101'] });
    assert.equal(wrongTarget.json().code, 'WRONG_AGENCY');
    await expectOk(act(specialist, id, { action: 'forward', toAgencyId: ids['H13.11'], note: 'Đề nghị Sở Tư pháp xác minh' }));
    d = await dossierAs(department, id);
    assert.deepEqual([d.status, d.stepName, d.agencyId], [4, 'Xác minh tại Sở', ids['H13.11']]);

    const second = await act(department, id, { action: 'request_supplement', reasons: ['Lần hai'] });
    assert.equal(second.statusCode, 409);
    assert.equal(second.json().code, 'SUPPLEMENT_ALREADY_REQUESTED');

    await expectOk(act(department, id, { action: 'forward', note: 'Kết quả xác minh phù hợp' }));
    d = await dossierAs(leader, id);
    assert.deepEqual([d.stepName, d.agencyId], ['Phê duyệt, ký kết quả', ids['H13.102']], 'back to the competent commune');
    await expectOk(act(leader, id, { action: 'forward' }));
    d = await dossierAs(counter, id);
    assert.equal(d.status, 9);
    assert.ok(['early', 'on_time'].includes(d.timeliness), d.timeliness);
    await expectOk(act(counter, id, { action: 'return_result', method: 'online' }));
    d = await dossierAs(citizenA, id);
    assert.deepEqual([d.status, d.statusName], [10, 'Đã trả kết quả']);
    // The refused second supplement request left no trace.
    assert.deepEqual(
      d.events.map((e: any) => [e.action, e.toStatus]),
      [
        ['submit', 1],
        ['accept', 2],
        ['request_supplement', 5],
        ['submit_supplement', 2],
        ['forward', 4],
        ['forward', 4],
        ['approve', 9],
        ['return_result', 10],
      ],
    );
    assert.equal(d.events[4].toAgency, ids['H13.11']);
    assert.ok(
      d.events.every((e: any) => e.actorName),
      'every event names who acted',
    );
  });

  test('counter journey: received at once by the officer, the same workflow to the result', async () => {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const res = await submit(counter, 'counter');
    assert.equal(res.statusCode, 201, res.body);
    const { id } = res.json();
    let d = await dossierAs(counter, id);
    assert.equal(d.status, 2);
    assert.ok(d.dueAt && d.receivedAt);
    assert.equal(d.channel, 'counter');
    await expectOk(act(await signIn(ctx.app, 'caikhe.chuyenvien'), id, { action: 'forward', toAgencyId: ids['H13.11'] }));
    await expectOk(act(await signIn(ctx.app, 'stp.chuyenvien'), id, { action: 'forward' }));
    await expectOk(act(await signIn(ctx.app, 'caikhe.lanhdao'), id, { action: 'forward' }));
    await expectOk(act(counter, id, { action: 'return_result', method: 'counter' }));
    d = await dossierAs(counter, id);
    assert.deepEqual(
      d.events.map((e: any) => e.action),
      ['submit', 'accept', 'forward', 'forward', 'approve', 'return_result'],
    );
    assert.equal(d.status, 10);

    // The receipt (Mẫu 01) and the control slip, read back by poppler and zbar.
    const dir = mkdtempSync(join(tmpdir(), 'congso-forms-'));
    const read = async (kind: string) => {
      const res = await counter({ url: `/api/v1/dossiers/${id}/forms/${kind}` });
      assert.equal(res.statusCode, 200, res.body.slice(0, 200));
      assert.equal(res.headers['content-type'], 'application/pdf');
      const file = join(dir, `${kind}.pdf`);
      writeFileSync(file, res.rawPayload);
      return { file, text: execFileSync('pdftotext', ['-layout', file, '-']).toString('utf8').normalize('NFC') };
    };
    const receipt = await read('receipt');
    for (const s of ['GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ', d.code, 'Nguyễn Thị Ánh Tuyết', 'Thủ tục liên thông thử nghiệm', 'PHƯỜNG CÁI KHẾ']) {
      assert.ok(receipt.text.includes(s), `receipt lacks ${s}`);
    }
    execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', receipt.file, join(dir, 'page')]);
    const qr = execFileSync('zbarimg', ['--raw', '-q', join(dir, 'page-1.png')])
      .toString()
      .trim();
    assert.equal(qr, `http://localhost:3000/tra-cuu/${d.code}`);
    const control = await read('control');
    for (const s of ['PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ', 'Chuyển xử lý', 'Sở Tư pháp', 'Trả kết quả']) {
      assert.ok(control.text.includes(s), `control slip lacks ${s}`);
    }
    const none = await counter({ url: `/api/v1/dossiers/${id}/forms/refusal` });
    assert.equal(none.statusCode, 409, 'no refusal slip for a dossier that was not refused');
  });

  test('any counter in the province receives any procedure and routes it to the competent agency', async () => {
    const centre = await signIn(ctx.app, 'motcua.tt'); // Trung tâm Phục vụ hành chính công thành phố
    const res = await submit(centre, 'post');
    assert.equal(res.statusCode, 201, res.body);
    const d = await dossierAs(centre, res.json().id);
    assert.equal(d.homeAgencyId, ids['H13.102']);
    assert.equal(d.receivingAgencyId, ids.H13);
    assert.match(d.code, /^H13\.102-/);
  });

  test('two concurrent accepts of one dossier: exactly one succeeds', async () => {
    const c = await citizenSignIn(ctx.app, '092190005555', 'Lê Văn Bình');
    const { id } = (await submit(c, 'online')).json();
    const [a, b] = await Promise.all([signIn(ctx.app, 'caikhe.motcua'), signIn(ctx.app, 'caikhe.motcua')]);
    const results = await Promise.all([act(a, id, { action: 'accept' }), act(b, id, { action: 'accept' })]);
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 409]);
    const d = await dossierAs(a, id);
    assert.equal(d.events.filter((e: any) => e.action === 'accept').length, 1);
  });

  test('200 concurrent submissions to one agency on one day get 200 distinct consecutive codes', async () => {
    const c = await citizenSignIn(ctx.app, '092190007777', 'Phạm Quốc Việt');
    const [{ last }] = await ctx.db.query(`SELECT coalesce(max(last), 0) AS last FROM dossier_sequences WHERE agency_id = $1`, [ids['H13.102']]);
    const results = await Promise.all(Array.from({ length: 200 }, () => submit(c, 'online')));
    assert.ok(
      results.every((r) => r.statusCode === 201),
      results.find((r) => r.statusCode !== 201)?.body,
    );
    const numbers = results.map((r) => Number(r.json().code.split('-')[2])).sort((x, y) => x - y);
    assert.deepEqual(
      numbers,
      Array.from({ length: 200 }, (_, i) => last + 1 + i),
    );
  });

  test('a retried submission with the same Idempotency-Key creates one dossier', async () => {
    const c = await citizenSignIn(ctx.app, '092190008888', 'Đỗ Thị Hồng');
    const key = 'nop-ho-so-0001-khong-trung';
    const files = [{ componentIndex: 0, uploadId: (await upload(c)).json().id }];
    const first = await submit(c, 'online', { files }, { 'idempotency-key': key });
    const again = await submit(c, 'online', { files }, { 'idempotency-key': key });
    assert.equal(first.statusCode, 201);
    assert.equal(again.statusCode, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.json().code, first.json().code);
    const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM dossiers d JOIN citizens c ON c.id = d.citizen_id WHERE c.id_number = '092190008888'`);
    assert.equal(n, 1);
    const other = await submit(c, 'online', { files, formData: { ...formData, hoTenTre: 'Khác' } }, { 'idempotency-key': key });
    assert.equal(other.statusCode, 422);
    assert.equal(other.json().code, 'IDEMPOTENCY_KEY_REUSED');
  });

  test('a failed submission writes nothing and does not use up a code', async () => {
    const c = await citizenSignIn(ctx.app, '092190009999', 'Vũ Minh Tâm');
    const [{ n: before }] = await ctx.db.query('SELECT count(*)::int AS n FROM dossiers');
    const [{ last }] = await ctx.db.query(`SELECT coalesce(max(last), 0) AS last FROM dossier_sequences WHERE agency_id = $1`, [ids['H13.102']]);
    const bad = await submit(c, 'online', { formData: { hoTenTre: 'A' } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'INVALID_FORM');
    assert.match(bad.json().message, /thiếu trường bắt buộc "ngaySinh"/);
    const wrongAgency = await submit(c, 'online', { agencyId: ids['H13.11'] });
    assert.equal(wrongAgency.json().code, 'WRONG_AGENCY');
    const [{ n: after }] = await ctx.db.query('SELECT count(*)::int AS n FROM dossiers');
    assert.equal(after, before);
    const ok = (await submit(c, 'online')).json();
    assert.equal(Number(ok.code.split('-')[2]), last + 1, 'no gap left by the refused submissions');
  });

  test('uploads: type from the content, SHA-256 kept, size limit, required components, files stay private', async () => {
    const owner = await citizenSignIn(ctx.app, '092190006666', 'Cao Thị Mai');
    const stranger = await citizenSignIn(ctx.app, '092190006667', 'Tôn Nữ Hà');
    const disguised = await upload(owner, Buffer.from('MZ\x90\x00 this is a Windows program'), 'giay-chung-sinh.pdf');
    assert.equal(disguised.statusCode, 415);
    assert.equal(disguised.json().code, 'UNSUPPORTED_FILE_TYPE');
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f1c1d30000000049454e44ae426082',
      'hex',
    );
    const misnamed = await upload(owner, png, 'anh-chup.jpg');
    assert.equal(misnamed.statusCode, 415, 'the bytes must agree with the name');
    assert.equal(misnamed.json().code, 'CONTENT_TYPE_MISMATCH');
    const image = await upload(owner, png, 'anh-chup.png');
    assert.equal(image.statusCode, 201, image.body);
    assert.equal(image.json().mime, 'image/png', 'the type comes from the bytes');
    assert.equal(image.json().sha256, createHash('sha256').update(png).digest('hex'));
    const huge = await upload(owner, Buffer.concat([PDF, Buffer.alloc(11 * 1024 * 1024)]));
    assert.equal(huge.statusCode, 413);
    const missing = await submit(owner, 'online', { files: [{ componentIndex: 1, uploadId: image.json().id }] });
    assert.equal(missing.json().code, 'MISSING_COMPONENTS');
    assert.match(missing.json().message, /Tờ khai đăng ký theo mẫu/);
    const theirs = (await upload(stranger)).json().id;
    const borrowed = await submit(owner, 'online', { files: [{ componentIndex: 0, uploadId: theirs }] });
    assert.equal(borrowed.statusCode, 404, "another person's upload cannot be attached");
    const declaration = (await upload(owner)).json().id;
    const res = await submit(owner, 'online', {
      files: [
        { componentIndex: 0, uploadId: declaration },
        { componentIndex: 1, uploadId: image.json().id },
      ],
    });
    assert.equal(res.statusCode, 201, res.body);
    const reuse = await submit(owner, 'online', { files: [{ componentIndex: 0, uploadId: declaration }] });
    assert.equal(reuse.json().code, 'UPLOAD_ALREADY_USED');
    const d = await dossierAs(owner, res.json().id);
    assert.deepEqual(
      d.files.map((f: any) => [f.componentIndex, f.mime, f.digitised]),
      [
        [0, 'application/pdf', false],
        [1, 'image/png', false],
      ],
    );
    const officer = await signIn(ctx.app, 'caikhe.motcua');
    const download = await officer({ url: `/api/v1/dossiers/${d.id}/files/${d.files[1].id}` });
    assert.equal(download.statusCode, 200);
    assert.deepEqual(download.rawPayload, png);
    assert.equal((await stranger({ url: `/api/v1/dossiers/${d.id}/files/${d.files[1].id}` })).statusCode, 404);
    // Scans made at the counter are marked digitised (số hóa).
    const scan = (await upload(officer)).json().id;
    const counterDossier = await submit(officer, 'counter', { files: [{ componentIndex: 0, uploadId: scan }] });
    assert.equal((await dossierAs(officer, counterDossier.json().id)).files[0].digitised, true);
  });

  test('uploads: a PDF header before an executable, a mismatched type, an image bomb and a broken PDF are refused; a daily quota per citizen; unattached uploads expire', async () => {
    const c = await citizenSignIn(ctx.app, '092190006669', 'Đoàn Thị Yến');
    const exe = Buffer.from(
      'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode.\r\r\n$\x00PE\x00\x00L\x01',
      'latin1',
    );
    for (const [why, content, name, code] of [
      ['a PDF header followed by an executable', Buffer.concat([Buffer.from('%PDF-1.7\n'), exe]), 'to-khai.pdf', 'INVALID_PDF'],
      ['a whole PDF with an executable after its end', Buffer.concat([PDF, exe]), 'to-khai.pdf', 'INVALID_PDF'],
      ['a PDF that does not parse', Buffer.from('%PDF-1.4\nkhong phai pdf\n%%EOF\n'), 'to-khai.pdf', 'INVALID_PDF'],
      ['a PDF named as an image', PDF, 'anh.png', 'CONTENT_TYPE_MISMATCH'],
      ['a PDF named as a program', PDF, 'to-khai.exe', 'CONTENT_TYPE_MISMATCH'],
      // 30000×30000 pixels in a header of a few bytes: refused before anything is decoded.
      ['an image of 900 million pixels', Buffer.from('89504e470d0a1a0a0000000d4948445200007530000075300806000000', 'hex'), 'anh.png', 'IMAGE_TOO_LARGE'],
    ] as const) {
      const res = await upload(c, content, name);
      assert.equal(res.json().code, code, `${why}: ${res.statusCode} ${res.body}`);
      assert.ok(res.statusCode === 413 || res.statusCode === 415, why);
    }

    // A citizen's daily quota (UPLOAD_DAILY_FILES): an application with a quota of 2 files a day.
    const limited = await buildApp({ db: ctx.db, uploads: { dailyFiles: 2 } });
    try {
      const q = await citizenSignIn(limited, '092190006670', 'Mạc Văn Tài');
      assert.equal((await upload(q)).statusCode, 201);
      assert.equal((await upload(q)).statusCode, 201);
      const third = await upload(q);
      assert.equal(third.statusCode, 429);
      assert.equal(third.json().code, 'UPLOAD_QUOTA_EXCEEDED');
      assert.match(third.json().message, /tối đa 2 tệp/);
      const other = await citizenSignIn(limited, '092190006671', 'Mạc Thị Tâm');
      assert.equal((await upload(other)).statusCode, 201, 'the quota is per citizen');
    } finally {
      await limited.close();
    }

    // Expiry: an upload in a dossier or in a draft stays; one attached to nothing is deleted.
    const used = (await upload(c)).json().id;
    assert.equal((await submit(c, 'online', { files: [{ componentIndex: 0, uploadId: used }] })).statusCode, 201);
    const drafted = (await upload(c)).json().id;
    assert.equal(
      (await c({ method: 'PUT', url: `/api/v1/citizen/drafts/${procedureId}`, payload: { formData: {}, files: [{ componentIndex: 0, uploadId: drafted }] } }))
        .statusCode,
      200,
    );
    const abandoned = (await upload(c)).json().id;
    const exists = async (id: string) => (await ctx.db.query('SELECT 1 FROM uploads WHERE id = $1', [id])).length === 1;
    assert.equal(await deleteExpiredUploads(ctx.db, new Date(Date.now() - 3600_000)), 0, 'nothing older than an hour');
    assert.ok((await deleteExpiredUploads(ctx.db, new Date(Date.now() + 1000))) >= 1);
    assert.deepEqual([await exists(used), await exists(drafted), await exists(abandoned)], [true, true, false]);
    const late = await submit(c, 'online', { files: [{ componentIndex: 0, uploadId: abandoned }] });
    assert.equal(late.statusCode, 404, 'an expired upload can no longer be attached');
  });

  test('a draft is saved, read back, and cleared by the submission', async () => {
    const c = await citizenSignIn(ctx.app, '092190006668', 'Lý Thị Thu');
    assert.equal((await c({ url: `/api/v1/citizen/drafts/${procedureId}` })).statusCode, 404);
    const saved = await c({ method: 'PUT', url: `/api/v1/citizen/drafts/${procedureId}`, payload: { formData: { hoTenTre: 'Lý Gia Bảo' } } });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal((await c({ url: `/api/v1/citizen/drafts/${procedureId}` })).json().formData.hoTenTre, 'Lý Gia Bảo');
    assert.equal((await submit(c, 'online')).statusCode, 201);
    assert.equal((await c({ url: `/api/v1/citizen/drafts/${procedureId}` })).statusCode, 404);
  });

  test("nobody sees another agency's or another citizen's dossier", async () => {
    const owner = await citizenSignIn(ctx.app, '092190001111', 'Hồ Văn Sáu');
    const stranger = await citizenSignIn(ctx.app, '092190002222', 'Lâm Thị Bảy');
    const { id } = (await submit(owner, 'online')).json();
    assert.equal((await stranger({ url: `/api/v1/dossiers/${id}` })).statusCode, 404);
    assert.equal((await act(stranger, id, { action: 'withdraw', reason: 'Không phải hồ sơ của tôi' })).statusCode, 404);
    const otherCommune = await signIn(ctx.app, 'ninhkieu.motcua');
    assert.equal((await otherCommune({ url: `/api/v1/dossiers/${id}` })).statusCode, 404);
    assert.equal((await act(otherCommune, id, { action: 'accept' })).statusCode, 404);
    assert.ok(!(await stranger({ url: '/api/v1/citizen/dossiers' })).json().items.some((d: any) => d.id === id));
    assert.ok((await owner({ url: '/api/v1/citizen/dossiers' })).json().items.some((d: any) => d.id === id));
    // The operations centre follows every dossier in its scope (the province), read-only.
    const ioc = await signIn(ctx.app, 'ioc');
    const watched = await ioc({ url: `/api/v1/dossiers/${id}` });
    assert.equal(watched.statusCode, 200, watched.body);
    assert.equal(watched.json().events[0].action, 'submit');
    assert.ok((await act(ioc, id, { action: 'accept' })).statusCode >= 400);
    assert.equal((await owner({ url: `/api/v1/dossiers/${id}` })).json().status, 1);
  });

  test("permission first: outsiders get an unknown id's answer for every action in every state; a visible role-less actor 403, never 409", async () => {
    const owner = await citizenSignIn(ctx.app, '092190001212', 'Mai Văn Mười');
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const specialist = await signIn(ctx.app, 'caikhe.chuyenvien');
    const leader = await signIn(ctx.app, 'caikhe.lanhdao');
    const department = await signIn(ctx.app, 'stp.chuyenvien');
    const online = async () => (await submit(owner, 'online')).json().id as string;
    const atCounter = async () => (await submit(counter, 'counter')).json().id as string;
    const done = async () => {
      const id = await atCounter();
      await expectOk(act(specialist, id, { action: 'forward', toAgencyId: ids['H13.11'] }));
      await expectOk(act(department, id, { action: 'forward' }));
      await expectOk(act(leader, id, { action: 'forward' }));
      return id;
    };
    // One dossier in each national status.
    const byStatus: Record<number, string> = {
      1: await online(),
      2: await atCounter(),
      3: await online(),
      4: await atCounter(),
      5: await online(),
      6: await atCounter(),
      7: await online(),
      8: await atCounter(),
      9: await done(),
      10: await done(),
    };
    await expectOk(act(counter, byStatus[3], { action: 'refuse', reasons: ['Không thuộc thẩm quyền'] }));
    await expectOk(act(specialist, byStatus[4], { action: 'forward', toAgencyId: ids['H13.11'] }));
    await expectOk(act(counter, byStatus[5], { action: 'request_supplement', reasons: ['Bổ sung giấy chứng sinh'] }));
    await expectOk(act(specialist, byStatus[6], { action: 'request_payment', amount: 30000 }));
    await expectOk(act(owner, byStatus[7], { action: 'withdraw', reason: 'Nộp nhầm' }));
    await expectOk(act(counter, byStatus[8], { action: 'stop', reason: 'Hồ sơ giả mạo' }));
    await expectOk(act(counter, byStatus[10], { action: 'return_result', method: 'counter' }));
    for (const [status, id] of Object.entries(byStatus)) assert.equal((await dossierAs(counter, id)).status, Number(status));

    const actions = [
      { action: 'accept' },
      { action: 'request_supplement', reasons: ['x'] },
      { action: 'submit_supplement' },
      { action: 'refuse', reasons: ['x'] },
      { action: 'forward' },
      { action: 'send_back', note: 'x' },
      { action: 'assign', assigneeId: '00000000-0000-4000-8000-000000000001' },
      { action: 'consult', note: 'x', dueAt: new Date(Date.now() + 86_400_000).toISOString(), agencyIds: [ids.H13] },
      { action: 'answer_consultation', consultationId: '00000000-0000-4000-8000-000000000002', answer: 'x' },
      { action: 'apologize', reason: 'x', newDueAt: new Date(Date.now() + 30 * 86_400_000).toISOString() },
      { action: 'return_result', method: 'counter' },
      { action: 'request_payment', amount: 1000 },
      { action: 'record_payment', reference: 'x' },
      { action: 'withdraw', reason: 'x' },
      { action: 'stop', reason: 'x' },
    ];
    const strangerCitizen = await citizenSignIn(ctx.app, '092190001313', 'Đặng Thị Mười Một');
    const otherAgency = await signIn(ctx.app, 'ninhkieu.motcua');
    const otherLeader = await signIn(ctx.app, 'ninhkieu.lanhdao');
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const who of [strangerCitizen, otherAgency, otherLeader]) {
      for (const body of actions) {
        const expected = await act(who, unknown, body);
        assert.equal(expected.statusCode, 404, expected.body);
        for (const [status, id] of Object.entries(byStatus)) {
          const res = await act(who, id, body);
          assert.deepEqual([res.statusCode, res.json()], [404, expected.json()], `${body.action} on status ${status}`);
        }
      }
    }
    // Nothing moved.
    for (const [status, id] of Object.entries(byStatus)) assert.equal((await dossierAs(counter, id)).status, Number(status));
    // Someone who sees the dossier but lacks the role learns nothing new either: 403 before the state could answer 409.
    const ioc = await signIn(ctx.app, 'ioc');
    assert.equal((await act(ioc, byStatus[3], { action: 'accept' })).statusCode, 403);
    assert.equal((await act(owner, byStatus[3], { action: 'accept' })).statusCode, 403);
    assert.equal((await act(specialist, byStatus[10], { action: 'return_result', method: 'counter' })).statusCode, 403);
    assert.equal((await act(counter, byStatus[10], { action: 'return_result', method: 'counter' })).json().code, 'INVALID_TRANSITION');
  });

  test('work to a named officer: a step assigned and reassigned, opinions asked of officers and units with a deadline, answers and the approval note in the history', async () => {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const specialist = await signIn(ctx.app, 'caikhe.chuyenvien');
    const leader = await signIn(ctx.app, 'caikhe.lanhdao');
    const department = await signIn(ctx.app, 'stp.chuyenvien');
    const builder = await signIn(ctx.app, 'sxd.chuyenvien');
    const outsider = await signIn(ctx.app, 'sct.chuyenvien');
    const [{ id: commune }] = await ctx.db.query(`SELECT id FROM agencies WHERE code = 'H13.102'`);
    const colleague = await createUser(ctx.db, null, {
      username: 'caikhe.chuyenvien2',
      password: DEMO_PASSWORD,
      fullName: 'Huỳnh Thị Thảo',
      roles: ['specialist'],
      agencyId: commune,
    });
    const second = await signIn(ctx.app, 'caikhe.chuyenvien2');
    const userId = async (username: string) => (await ctx.db.query('SELECT id FROM users WHERE username = $1', [username]))[0].id as string;
    const first = await userId('caikhe.chuyenvien');
    const { id } = (await submit(counter, 'counter')).json();
    const inboxOf = async (who: Requester) => (await who({ url: '/api/v1/inbox' })).json().items.find((d: any) => d.id === id);

    // Who can take the step: the specialists of the commune, not its leader or counter officer.
    const eligible = (await leader({ url: `/api/v1/dossiers/${id}/staff` }))
      .json()
      .items.map((m: any) => m.fullName)
      .sort();
    assert.deepEqual(eligible, ['Công chức tư pháp - hộ tịch Phường Cái Khế', 'Huỳnh Thị Thảo']);
    assert.equal((await outsider({ url: `/api/v1/dossiers/${id}/staff` })).statusCode, 404);

    // The one-stop officer names the first officer; only a leader reassigns; the assignee must hold the step's role here.
    await expectOk(act(counter, id, { action: 'assign', assigneeId: first }));
    assert.equal((await act(counter, id, { action: 'assign', assigneeId: colleague.id })).statusCode, 403);
    assert.equal((await act(leader, id, { action: 'assign', assigneeId: await userId('caikhe.lanhdao') })).json().code, 'INVALID_ASSIGNEE');
    assert.equal((await act(leader, id, { action: 'assign', assigneeId: await userId('stp.chuyenvien') })).json().code, 'INVALID_ASSIGNEE');
    assert.equal((await inboxOf(specialist))?.waitingForMe, true);
    assert.equal(await inboxOf(second), undefined, "assigned to someone else: not in a colleague's inbox");
    assert.equal((await inboxOf(leader))?.assigneeName, 'Công chức tư pháp - hộ tịch Phường Cái Khế', 'the leader sees every step and who has it');
    await expectOk(act(leader, id, { action: 'assign', assigneeId: colleague.id, note: 'Đồng chí Tuyết đi công tác' }));
    assert.equal(await inboxOf(specialist), undefined);
    assert.equal((await inboxOf(second))?.waitingForMe, true);
    assert.equal((await act(specialist, id, { action: 'forward', toAgencyId: ids['H13.11'] })).statusCode, 403, "the step is the assignee's");

    // Xin ý kiến: a named officer of a department and a whole unit, with a deadline.
    const dueAt = new Date(Date.now() + 2 * 86_400_000).toISOString();
    await expectOk(
      act(second, id, {
        action: 'consult',
        note: 'Đề nghị cho ý kiến về tính hợp lệ của giấy tờ',
        dueAt,
        officerIds: [await userId('stp.chuyenvien')],
        agencyIds: [ids['H13.12']],
      }),
    );
    assert.equal((await department({ url: `/api/v1/dossiers/${id}` })).statusCode, 200, 'the consulted officer reads the dossier');
    assert.equal((await outsider({ url: `/api/v1/dossiers/${id}` })).statusCode, 404);
    const asked = await inboxOf(department);
    assert.deepEqual([asked.consultation.question, asked.consultation.dueAt], ['Đề nghị cho ý kiến về tính hợp lệ của giấy tờ', dueAt]);
    assert.ok(await inboxOf(builder), 'anyone in the consulted unit sees the question');
    let d = await dossierAs(second, id);
    assert.deepEqual(
      d.consultations.map((c: any) => [c.officer?.name ?? c.agency.name, c.forMe]),
      [
        ['Lý Thị Mỹ Duyên', false],
        ['Sở Xây dựng', false],
      ],
    );
    const [toDepartment, toBuilder] = d.consultations.map((c: any) => c.id);
    assert.equal(
      (await act(builder, id, { action: 'answer_consultation', consultationId: toDepartment, answer: 'Không phải câu hỏi cho tôi' })).statusCode,
      403,
    );
    assert.equal((await act(outsider, id, { action: 'answer_consultation', consultationId: toDepartment, answer: 'x' })).statusCode, 404);
    await expectOk(act(department, id, { action: 'answer_consultation', consultationId: toDepartment, answer: 'Giấy tờ hợp lệ theo quy định' }));
    assert.equal(
      (await act(department, id, { action: 'answer_consultation', consultationId: toDepartment, answer: 'Lần hai' })).json().code,
      'ALREADY_ANSWERED',
    );
    await expectOk(act(builder, id, { action: 'answer_consultation', consultationId: toBuilder, answer: 'Không có ý kiến khác' }));
    assert.equal(await inboxOf(department), undefined, 'answered: gone from the inbox');

    // The assignee moves the step on; the assignment ends with the step. The leader approves with a note.
    await expectOk(act(second, id, { action: 'forward', toAgencyId: ids['H13.11'] }));
    assert.equal((await dossierAs(second, id)).assignee, null);
    await expectOk(act(department, id, { action: 'forward' }));
    await expectOk(act(leader, id, { action: 'forward', note: 'Đồng ý, đủ điều kiện giải quyết' }));
    d = await dossierAs(leader, id);
    const history = d.events
      .filter((e: any) => ['assign', 'consult', 'answer_consultation', 'approve'].includes(e.action))
      .map((e: any) => [e.action, e.actorName, e.note, e.data.assigneeName ?? e.data.consulted?.map((c: any) => c.name).join(', ') ?? e.data.question ?? null]);
    assert.deepEqual(history, [
      ['assign', 'Cán bộ một cửa Phường Cái Khế', null, 'Công chức tư pháp - hộ tịch Phường Cái Khế'],
      ['assign', 'Chủ tịch UBND Phường Cái Khế', 'Đồng chí Tuyết đi công tác', 'Huỳnh Thị Thảo'],
      ['consult', 'Huỳnh Thị Thảo', 'Đề nghị cho ý kiến về tính hợp lệ của giấy tờ', 'Lý Thị Mỹ Duyên, Sở Xây dựng'],
      ['answer_consultation', 'Lý Thị Mỹ Duyên', 'Giấy tờ hợp lệ theo quy định', 'Đề nghị cho ý kiến về tính hợp lệ của giấy tờ'],
      ['answer_consultation', 'Bùi Văn Khải', 'Không có ý kiến khác', 'Đề nghị cho ý kiến về tính hợp lệ của giấy tờ'],
      ['approve', 'Chủ tịch UBND Phường Cái Khế', 'Đồng ý, đủ điều kiện giải quyết', null],
    ]);
    assert.equal(d.events.find((e: any) => e.action === 'consult').data.dueAt, dueAt);
  });

  test('waiting for a fee stops the clock; recording the payment restarts it', async () => {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const specialist = await signIn(ctx.app, 'caikhe.chuyenvien');
    const { id } = (await submit(counter, 'counter')).json();
    const before = await dossierAs(counter, id);
    await expectOk(act(specialist, id, { action: 'request_payment', amount: 50000, note: 'Lệ phí theo quy định' }));
    let d = await dossierAs(counter, id);
    assert.deepEqual([d.status, d.statusName, d.timeliness], [6, 'Yêu cầu thực hiện nghĩa vụ tài chính', null]);
    assert.equal((await act(specialist, id, { action: 'forward' })).json().code, 'INVALID_TRANSITION', 'nothing moves while the fee is unpaid');
    await expectOk(act(counter, id, { action: 'record_payment', reference: 'BL-0001234' }));
    d = await dossierAs(counter, id);
    assert.equal(d.status, before.status);
    assert.ok(new Date(d.dueAt) >= new Date(before.dueAt));
    assert.equal(d.events.at(-1).data.amount, 50000);
  });

  test('withdrawal, refusal, stop and apology follow the rules', async () => {
    const c = await citizenSignIn(ctx.app, '092190003333', 'Trịnh Công Sơn');
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const leader = await signIn(ctx.app, 'caikhe.lanhdao');
    const w = (await submit(c, 'online')).json().id;
    await expectOk(act(c, w, { action: 'withdraw', reason: 'Nộp nhầm thủ tục' }));
    assert.equal((await dossierAs(c, w)).status, 7);
    await expectOk(act(counter, w, { action: 'stop', reason: 'Công dân rút hồ sơ' }));
    assert.equal((await dossierAs(c, w)).statusName, 'Dừng xử lý');

    const r = (await submit(c, 'online')).json().id;
    const early = await act(counter, r, { action: 'stop', reason: 'Chưa tiếp nhận' });
    assert.deepEqual([early.statusCode, early.json().code], [409, 'INVALID_TRANSITION'], 'before acceptance a dossier is refused, not stopped');
    await expectOk(act(counter, r, { action: 'refuse', reasons: ['Không thuộc thẩm quyền giải quyết'] }));
    assert.equal((await dossierAs(c, r)).status, 3);
    assert.equal((await act(counter, r, { action: 'accept' })).json().code, 'INVALID_TRANSITION');

    // Refusal (Mẫu 03) only at reception: after acceptance it is 409, also while a supplement asked later is awaited.
    const accepted = (await submit(c, 'online')).json().id;
    await expectOk(act(counter, accepted, { action: 'request_supplement', reasons: ['Bổ sung tờ khai'] }));
    await expectOk(act(counter, accepted, { action: 'refuse', reasons: ['Không bổ sung được'] }));
    assert.equal((await dossierAs(c, accepted)).status, 3, 'a supplement asked at reception can still end in refusal');
    const later = (await submit(counter, 'counter')).json().id;
    for (const status of [2, 5]) {
      if (status === 5) await expectOk(act(counter, later, { action: 'request_supplement', reasons: ['Bổ sung bản sao'] }));
      const refused = await act(counter, later, { action: 'refuse', reasons: ['Không đủ điều kiện'] });
      assert.deepEqual([refused.statusCode, refused.json().code], [409, 'INVALID_TRANSITION']);
      assert.equal((await dossierAs(counter, later)).status, status);
    }
    await expectOk(act(counter, later, { action: 'stop', reason: 'Không đủ điều kiện giải quyết' }));
    const stopped = await dossierAs(counter, later);
    assert.deepEqual([stopped.status, stopped.events.at(-1).action, stopped.events.at(-1).note], [8, 'stop', 'Không đủ điều kiện giải quyết']);
    assert.ok(stopped.events.at(-1).data.waitedHours >= 0, 'the time spent waiting for the supplement is not counted against it');

    const a = (await submit(counter, 'counter')).json().id;
    const d = await dossierAs(counter, a);
    const newDue = new Date(new Date(d.dueAt).getTime() + 3 * 86400_000).toISOString();
    await expectOk(act(leader, a, { action: 'apologize', reason: 'Cần xác minh thêm tại Sở Tư pháp', newDueAt: newDue }));
    const after = await dossierAs(counter, a);
    assert.equal(after.dueAt, newDue);
    assert.equal(after.originalDueAt, d.dueAt);
    assert.equal((await act(leader, a, { action: 'apologize', reason: 'Lần hai', newDueAt: newDue })).json().code, 'APOLOGY_ALREADY_ISSUED');
    const lookup = (await ctx.app.inject({ url: `/api/v1/lookup/${after.code}` })).json();
    assert.equal(lookup.apologized, true, 'the citizen sees the new appointment');
  });

  test("public lookup shows status and dates; the masked name only with the last four digits of the applicant's ID or phone; bad codes get clear errors", async () => {
    const c = await citizenSignIn(ctx.app, '092190004444', 'Nguyễn Văn An');
    const { code } = (await submit(c, 'online', { applicant: { ...applicant, name: 'Nguyễn Văn An', idNumber: '092190004444' } })).json();
    const res = await ctx.app.inject({ url: `/api/v1/lookup/${code}`, remoteAddress: '10.1.1.1' });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.applicantName, null, 'a guessed code tells the status, not who filed it');
    assert.equal(body.verified, false);
    assert.equal(body.statusName, 'Mới đăng ký');
    const withFactor = async (verify: string) => (await ctx.app.inject({ url: `/api/v1/lookup/${code}?verify=${verify}`, remoteAddress: '10.1.1.1' })).json();
    assert.deepEqual(await withFactor('4444'), { ...body, verified: true, applicantName: 'N. V. A.' });
    assert.equal((await withFactor('5678')).applicantName, 'N. V. A.', "the phone's last four digits do as well");
    assert.deepEqual(await withFactor('1234'), body, 'a wrong second factor shows no more than none');
    assert.equal((await ctx.app.inject({ url: `/api/v1/lookup/${code}?verify=44`, remoteAddress: '10.1.1.1' })).statusCode, 400);
    assert.equal(body.procedureName, 'Thủ tục liên thông thử nghiệm');
    assert.ok(!JSON.stringify(body).includes('092190004444') && !JSON.stringify(body).includes('Nguyễn Văn An'));
    assert.equal((await ctx.app.inject({ url: `/api/v1/lookup/H13.102-991231-9999`, remoteAddress: '10.1.1.2' })).statusCode, 404);
    assert.equal((await ctx.app.inject({ url: `/api/v1/lookup/${encodeURIComponent('không phải mã')}`, remoteAddress: '10.1.1.2' })).statusCode, 400);
    let last: LightMyRequestResponse | undefined;
    for (let i = 0; i < 31; i++) last = await ctx.app.inject({ url: `/api/v1/lookup/${code}`, remoteAddress: '10.1.1.3' });
    assert.equal(last!.statusCode, 429, 'guessing codes is throttled');
    assert.equal(last!.json().code, 'TOO_MANY_REQUESTS');
  });

  test("a lookup shows a status change of this process at once, another process's within LOOKUP_CACHE_MS", async () => {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const { id, code } = (await submit(counter, 'counter')).json();
    const lookup = async () => (await ctx.app.inject({ url: `/api/v1/lookup/${code}`, remoteAddress: '10.1.1.4' })).json();
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    try {
      assert.equal((await lookup()).status, 2);
      await expectOk(act(counter, id, { action: 'request_supplement', reasons: ['Bổ sung bản sao Giấy chứng sinh'] }));
      assert.equal((await lookup()).status, 5, 'the next lookup after the action');
      // Another server process's write reaches this one only through the database.
      await ctx.db.query('UPDATE dossiers SET apologies = apologies + 1 WHERE code = $1', [code]);
      mock.timers.tick(LOOKUP_CACHE_MS);
      assert.equal((await lookup()).apologized, true);
    } finally {
      mock.timers.reset();
    }
  });

  test("an officer's inbox lists what waits for their role in their agency, soonest due first", async () => {
    const specialist = await signIn(ctx.app, 'caikhe.chuyenvien');
    const items = (await specialist({ url: '/api/v1/inbox' })).json().items;
    assert.ok(items.length > 0);
    assert.ok(items.every((d: any) => d.stepRole === 'specialist' && d.agencyId === ids['H13.102']));
    const dues = items.map((d: any) => d.stepDueAt);
    assert.deepEqual(dues, [...dues].sort());
    const other = (await (await signIn(ctx.app, 'ninhkieu.chuyenvien'))({ url: '/api/v1/inbox' })).json().items;
    assert.ok(!other.some((d: any) => items.some((x: any) => x.id === d.id)));
  });

  test('an inbox pages through every dossier waiting for the officer, each once, and none that waits elsewhere', async () => {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    for (let i = 0; i < 7; i++) assert.equal((await submit(counter, 'counter')).statusCode, 201);
    // Received at this desk for another commune (phi địa giới): it waits at Cái Răng, not here.
    assert.equal((await submit(counter, 'counter', { agencyId: ids['H13.103'] })).statusCode, 201);
    // Another commune's own dossiers.
    const elsewhere = await signIn(ctx.app, 'ninhkieu.motcua');
    for (let i = 0; i < 3; i++) assert.equal((await submit(elsewhere, 'counter', { agencyId: ids['H13.101'] })).statusCode, 201);
    const citizen = await citizenSignIn(ctx.app, '092190004321', 'Lê Văn Tám');
    for (let i = 0; i < 2; i++) assert.equal((await submit(citizen, 'online')).statusCode, 201);

    // The rule, read naively from every open dossier.
    const roles = new Map<string, string[]>();
    for (const v of await ctx.db.query('SELECT procedure_id, version, content FROM procedure_versions')) {
      roles.set(
        `${v.procedure_id}/${v.version}`,
        v.content.workflow.map((s: { role: string }) => s.role),
      );
    }
    const open = await ctx.db.query('SELECT * FROM dossiers WHERE status IN (1, 2, 4, 5, 7, 9)');
    const waitingFor = async (username: string) => {
      const [u] = await ctx.db.query('SELECT u.id, u.roles, u.agency_id, a.path FROM users u JOIN agencies a ON a.id = u.agency_id WHERE u.username = $1', [
        username,
      ]);
      const org = (await organisationOf(ctx.db, u.agency_id)).id;
      const leads = u.roles.includes('agency_leader') || u.roles.includes('unit_leader');
      const free = (d: Record<string, any>) => !d.assignee_id || d.assignee_id === u.id;
      const ids = open
        .filter((d) =>
          [2, 4].includes(d.status)
            ? d.agency_id === org && ((u.roles.includes(roles.get(`${d.procedure_id}/${d.procedure_version}`)![d.step]) && free(d)) || leads)
            : (d.receiving_agency_id === org || d.home_agency_id === org) && u.roles.includes('counter_officer') && free(d),
        )
        .map((d) => d.id);
      const asked = await ctx.db.query(
        'SELECT dossier_id FROM dossier_consultations WHERE answered_at IS NULL AND (officer_id = $1 OR agency_id = ANY($2::uuid[]))',
        [u.id, u.path.split('/')],
      );
      return new Set([...ids, ...asked.map((c) => c.dossier_id)]);
    };

    for (const username of ['caikhe.motcua', 'caikhe.chuyenvien', 'caikhe.lanhdao']) {
      const officer = await signIn(ctx.app, username);
      const expected = await waitingFor(username);
      const seen: string[] = [];
      const dues: string[] = [];
      let total = -1;
      for (let page = 1; ; page++) {
        const res = (await officer({ url: `/api/v1/inbox?page=${page}&pageSize=3` })).json();
        total = res.total;
        if (!res.items.length) break;
        assert.ok(res.items.length <= 3);
        for (const d of res.items) {
          seen.push(d.id);
          dues.push([d.consultation?.dueAt, d.stepDueAt ?? d.dueAt ?? d.submittedAt].filter(Boolean).sort()[0]);
        }
      }
      assert.ok(expected.size > 3, `${username}: more than one page`);
      assert.equal(new Set(seen).size, seen.length, `${username}: no dossier twice`);
      assert.deepEqual([...seen].sort(), [...expected].sort(), `${username}: every waiting dossier, and only those`);
      assert.equal(total, expected.size);
      assert.deepEqual(dues, [...dues].sort(), `${username}: soonest due first across the pages`);
    }
    const foreign = open.filter((d) => d.home_agency_id !== ids['H13.102'] && d.receiving_agency_id !== ids['H13.102']).length;
    assert.ok(foreign >= 3, 'other agencies have open dossiers the inboxes left out');
  });

  test('the at-risk share is a rule the system administrator sets', async () => {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const { id } = (await submit(counter, 'counter')).json();
    // Received two weeks ago with five working days left: between a third and five sixths of its time remains.
    await ctx.db.query(`UPDATE dossiers SET received_at = received_at - interval '14 days' WHERE id = $1`, [id]);
    assert.equal((await dossierAs(counter, id)).timeliness, 'in_time', 'more than the default 20% left');
    const admin = await signIn(ctx.app, 'admin');
    const agencyAdmin = await signIn(ctx.app, 'caikhe.quantri');
    assert.equal((await agencyAdmin({ method: 'PUT', url: '/api/v1/admin/dossier-settings', payload: { atRiskShare: 0.5 } })).statusCode, 403);
    assert.equal((await admin({ method: 'PUT', url: '/api/v1/admin/dossier-settings', payload: { atRiskShare: 1.5 } })).statusCode, 400);
    assert.equal((await admin({ method: 'PUT', url: '/api/v1/admin/dossier-settings', payload: { atRiskShare: 0.9 } })).json().atRiskShare, 0.9);
    try {
      assert.equal((await dossierAs(counter, id)).timeliness, 'at_risk');
    } finally {
      await admin({ method: 'PUT', url: '/api/v1/admin/dossier-settings', payload: { atRiskShare: 0.2 } });
    }
  });
});

test('rules: dossier code, classification, masking', () => {
  assert.equal(dossierCode('H13.102', new Date('2026-11-22T20:00:00Z'), 7), 'H13.102-261123-0007', "the date is Vietnam's");
  assert.equal(dossierCode('H13', new Date('2026-11-22T01:00:00Z'), 12345), 'H13-261122-12345');
  const due = new Date('2026-11-25T10:00:00+07:00');
  assert.equal(classifyFinished(new Date('2026-11-24T16:00:00+07:00'), due), 'early');
  assert.equal(classifyFinished(new Date('2026-11-25T09:00:00+07:00'), due), 'on_time');
  assert.equal(classifyFinished(new Date('2026-11-25T10:00:00+07:00'), due), 'on_time');
  assert.equal(classifyFinished(new Date('2026-11-25T10:01:00+07:00'), due), 'late');
  assert.equal(classifyFinished(new Date('2026-11-20T10:00:00+07:00'), due, 2), 'late', 'a second supplement request makes it late');
  assert.equal(maskName('Nguyễn Văn An'), 'N. V. A.');
  assert.equal(maskName('Lê Thị Hoa'), maskName('Lý Thanh Hương'), "no word's length shows through");
});
