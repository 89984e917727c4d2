// The one-stop forms as a citizen or an officer downloads them: Mẫu 01–05 read back with poppler's pdftotext, each
// carrying the issuing agency's digital signature that pdfsig finds valid.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { agencyIds, citizenSignIn, eachDatabase, signIn, type Requester } from '../testing/harness.ts';
import { act, FREE_PROCEDURE, submitOnline } from '../payments/testkit.ts';
import { pdfsig } from '../results/test-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'congso-issued-forms-'));

/** The downloaded form: its text with whitespace runs folded (pdftotext wraps lines) and poppler's signature report. */
async function download(who: Requester, id: string, kind: string) {
  const res = await who({ url: `/api/v1/dossiers/${id}/forms/${kind}` });
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  assert.equal(res.headers['content-type'], 'application/pdf');
  const file = join(dir, `${id}-${kind}.pdf`);
  writeFileSync(file, res.rawPayload);
  const text = execFileSync('pdftotext', ['-layout', file, '-']).toString('utf8').normalize('NFC').replace(/\s+/g, ' ');
  return { text, signatures: pdfsig(res.rawPayload) };
}

function expectAll(text: string, expected: string[]) {
  for (const s of expected) assert.ok(text.includes(s), `missing "${s}" in:\n${text}`);
}

/** One valid signature, made with the seal of `agency`. */
function sealedBy(report: string, agency: string) {
  assert.match(report, /Signature #1/, report);
  assert.doesNotMatch(report, /Signature #2/, report);
  assert.match(report, /Signature is Valid/, report);
  assert.ok(report.includes(agency), `signed by ${agency}:\n${report}`);
}

eachDatabase('issued forms', { demo: true }, (ctx) => {
  let ward = '';
  let counterName = '';
  let counterPhone = '';
  let leaderName = '';
  let reRegistration = '';
  let wardId = '';
  let seq = 0;
  const person = () => {
    const idNumber = `0921860${String(++seq).padStart(5, '0')}`;
    return { idNumber, name: 'Nguyễn Thị Ánh Tuyết' };
  };

  before(async () => {
    wardId = (await agencyIds(ctx.db))['H13.102'];
    [{ name: ward }] = await ctx.db.query('SELECT name FROM agencies WHERE id = $1', [wardId]);
    [{ full_name: counterName, phone: counterPhone }] = await ctx.db.query(`SELECT full_name, phone FROM users WHERE username = 'caikhe.motcua'`);
    [{ full_name: leaderName }] = await ctx.db.query(`SELECT full_name FROM users WHERE username = 'caikhe.lanhdao'`);
    reRegistration = (await ctx.app.inject({ url: '/api/v1/procedures/1.004884' })).json().id;
  });

  /** Đăng ký lại khai sinh (5 working days) received at the Cái Khế counter: far enough from its appointment to apologise. */
  async function atCounter(who: { idNumber: string; name: string }) {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const res = await counter({
      method: 'POST',
      url: '/api/v1/dossiers',
      payload: {
        procedureId: reRegistration,
        agencyId: wardId,
        channel: 'counter',
        applicant: who,
        formData: { hoTen: who.name, ngaySinh: '1990-05-02', noiSinh: 'Cần Thơ', noiDangKyTruocDay: 'UBND xã An Bình', soDinhDanhNguoiYeuCau: who.idNumber },
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as { id: string; code: string };
  }

  test('Mẫu 01: processing time, where the result is collected, the tracking number, only the papers handed in; sealed by the ward', async () => {
    const who = person();
    const citizen = await citizenSignIn(ctx.app, who.idNumber, who.name);
    const d = await submitOnline(ctx, citizen, FREE_PROCEDURE, who); // files for the two required papers only
    await act(await signIn(ctx.app, 'caikhe.motcua'), d.id, { action: 'accept' });
    const { text, signatures } = await download(citizen, d.id, 'receipt');
    expectAll(text, [
      'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
      `Mã hồ sơ: ${d.code}`,
      `Số định danh cá nhân/tổ chức: ${who.idNumber}`,
      'Thời gian giải quyết hồ sơ theo quy định: trong ngày (tiếp nhận sau 15:00 thì trả trong ngày làm việc tiếp theo)',
      `Nơi trả kết quả: Bộ phận Tiếp nhận và Trả kết quả — ${ward}; hoặc nhận kết quả điện tử trên Cổng Dịch vụ công`,
      `Vào Sổ theo dõi hồ sơ, số: ${d.code}`,
      'Tờ khai đăng ký khai sinh theo mẫu (bản điện tử) 01 0',
      'Giấy chứng sinh',
      'Bản chính',
      'Bản sao',
    ]);
    assert.ok(!text.includes('Văn bản ủy quyền'), 'the optional authorisation was not handed in and is not listed');
    sealedBy(signatures, ward);
    sealedBy((await download(citizen, d.id, 'control')).signatures, ward);
  });

  test('Mẫu 02 names the officer to contact and their phone; Mẫu 03 is sealed too', async () => {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const who = person();
    const citizen = await citizenSignIn(ctx.app, who.idNumber, who.name);
    const asked = await submitOnline(ctx, citizen, FREE_PROCEDURE, who);
    await act(counter, asked.id, { action: 'request_supplement', reasons: ['Bổ sung bản chính Giấy chứng sinh'] });
    const supplement = await download(citizen, asked.id, 'supplement');
    assert.ok(counterPhone, 'the demo officer has a phone');
    expectAll(supplement.text, [
      'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ',
      '1. Bổ sung bản chính Giấy chứng sinh',
      `liên hệ với ${counterName}, số điện thoại ${counterPhone} để được hướng dẫn`,
    ]);
    sealedBy(supplement.signatures, ward);

    const refused = await submitOnline(ctx, citizen, FREE_PROCEDURE, who); // online, the applicant is the signed-in citizen
    await act(counter, refused.id, { action: 'refuse', reasons: ['Không thuộc thẩm quyền giải quyết của phường'] });
    const refusal = await download(counter, refused.id, 'refusal');
    expectAll(refusal.text, ['PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ', '1. Không thuộc thẩm quyền giải quyết của phường']);
    sealedBy(refusal.signatures, ward);
  });

  test("Mẫu 04: headed and numbered by the handling agency, with the applicant's ID, signed by its head; the number is kept", async () => {
    const who = person();
    const d = await atCounter(who);
    const leader = await signIn(ctx.app, 'caikhe.lanhdao');
    const due = new Date((await leader({ url: `/api/v1/dossiers/${d.id}` })).json().dueAt);
    await act(leader, d.id, {
      action: 'apologize',
      reason: 'Chờ xác minh nơi đăng ký khai sinh trước đây',
      newDueAt: new Date(due.getTime() + 2 * 86400_000).toISOString(),
    });
    const first = await download(leader, d.id, 'apology');
    expectAll(first.text, [
      'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ',
      ward.toUpperCase(),
      'Số: 01/PXL',
      `Kính gửi: Ông/Bà ${who.name}`,
      `Số định danh cá nhân/tổ chức: ${who.idNumber}`,
      '1. Chờ xác minh nơi đăng ký khai sinh trước đây',
      'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ GIẢI QUYẾT HỒ SƠ',
      leaderName,
    ]);
    assert.ok(!first.text.includes('NGƯỜI TIẾP NHẬN'), 'the receiving officer does not sign it');
    sealedBy(first.signatures, ward);
    assert.ok((await download(await signIn(ctx.app, 'caikhe.motcua'), d.id, 'apology')).text.includes('Số: 01/PXL'), 'the same number on every download');

    const next = await atCounter(person());
    await act(leader, next.id, { action: 'apologize', reason: 'Chờ xác minh', newDueAt: new Date(due.getTime() + 2 * 86400_000).toISOString() });
    assert.ok((await download(leader, next.id, 'apology')).text.includes('Số: 02/PXL'), 'the next apology takes the next number');
  });

  test("Mẫu 05: a stopped dossier's notice gives the reason from the stop, numbered and sealed by the handling agency", async () => {
    const who = person();
    const d = await atCounter(who);
    const leader = await signIn(ctx.app, 'caikhe.lanhdao');
    const none = await leader({ url: `/api/v1/dossiers/${d.id}/forms/stop` });
    assert.equal(none.statusCode, 409, 'no notice before the dossier is stopped');
    await act(leader, d.id, { action: 'stop', reason: 'Người yêu cầu đã được đăng ký khai sinh tại nơi khác' });
    assert.equal((await leader({ url: `/api/v1/dossiers/${d.id}` })).json().status, 8);
    const { text, signatures } = await download(leader, d.id, 'stop');
    expectAll(text, [
      'THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ',
      ward.toUpperCase(),
      'Số: 01/TB-DXL',
      `Mã hồ sơ: ${d.code}`,
      `Kính gửi: Ông/Bà ${who.name}`,
      `Số định danh cá nhân/tổ chức: ${who.idNumber}`,
      '1. Người yêu cầu đã được đăng ký khai sinh tại nơi khác',
      leaderName,
    ]);
    sealedBy(signatures, ward);
  });
});
