import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildApp } from '../app.ts';
import { DEFAULT_RATE_LIMITS } from '../shared/security.ts';
import { citizenSignIn, eachDatabase, signIn, type Requester } from '../testing/harness.ts';
import { paymentSettings } from './service.ts';
import { fixedFees } from '../catalog/fees.ts';
import { signData, signParams } from './vnpay.ts';
import { vietQrPayload } from './vietqr.ts';
import { FEE, FEE_PROCEDURE, FREE_PROCEDURE, act, formFor, staff, submitAndAccept, submitOnline } from './testkit.ts';
import { pdfsig } from '../results/test-support.ts';
import { amountInWords } from './words.ts';

const settings = paymentSettings({}, false);
const secret = settings.vnpay!.hashSecret;
const tmp = mkdtempSync(join(tmpdir(), 'congso-payments-'));

/** An independent CRC-16/CCITT-FALSE, bit by bit (the module's is table-driven). */
function crcBitwise(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'ascii')) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}
const crcPython = (text: string) =>
  execFileSync('python3', ['-c', 'import binascii,sys; print("%04X" % binascii.crc_hqx(sys.argv[1].encode(), 0xFFFF))', text]).toString().trim();

test('VietQR payload: the published NAPAS sample is reproduced and its CRC agrees with two independent implementations', () => {
  const payload = vietQrPayload({ bankBin: '970416', accountNo: '257678859', amount: 1000, purpose: 'Chuyen tien' });
  assert.equal(payload, '00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA5303704540410005802VN62150811Chuyen tien6304BBB8');
  assert.equal(crcBitwise('123456789'), '29B1');
  assert.equal(crcBitwise(payload.slice(0, -4)), payload.slice(-4));
  assert.equal(crcPython(payload.slice(0, -4)), payload.slice(-4));
  assert.throws(() => vietQrPayload({ bankBin: '970416', accountNo: '1', purpose: 'x'.repeat(26) }), /25/);
});

test('production: no sandbox gateway and no development defaults; only what is configured is offered', () => {
  const bare = paymentSettings({}, true);
  assert.deepEqual([bare.sandbox, bare.vnpay, bare.account, bare.bankCallbackSecret], [false, null, null, null]);
  const vnpay = { tmnCode: 'CTHO0001', hashSecret: 's3cret', payUrl: 'https://sandbox.vnpayment.vn/paymentv2/vpcpay.html' };
  assert.equal(paymentSettings(vnpay, true).vnpay, null, 'no merchant API address: no reconciler, so no gateway');
  const full = paymentSettings({ ...vnpay, apiUrl: 'https://sandbox.vnpayment.vn/merchant_webapi/api/transaction' }, true);
  assert.equal(full.sandbox, false);
  assert.equal(full.vnpay!.hashSecret, 's3cret');
});

test('fees as charged: a fee per copy times the copies asked for; an amount set case by case or a missing count is left to the officer', () => {
  const perCopy = { kind: 'fee' as const, name: 'Phí cấp bản sao', amount: 8000, per: { field: 'soBanSao', unit: 'bản' } };
  const charge = { kind: 'charge' as const, name: 'Lệ phí', amount: 5000 };
  assert.deepEqual(fixedFees([perCopy, charge], { soBanSao: 3 }), {
    items: [
      { kind: 'fee', name: 'Phí cấp bản sao', amount: 24000, quantity: 3, unit: 'bản', unitAmount: 8000 },
      { kind: 'charge', name: 'Lệ phí', amount: 5000 },
    ],
    total: 29000,
  });
  assert.equal(fixedFees([perCopy], {}), null);
  assert.equal(fixedFees([perCopy], { soBanSao: 1.5 }), null);
  assert.equal(fixedFees([charge, { kind: 'charge', name: 'Theo quy định', amount: null }], {}), null);
  assert.deepEqual(fixedFees([{ ...charge, amount: 0 }], {}), { items: [], total: 0 });
});

test('amounts in words', () => {
  assert.equal(amountInWords(8000), 'Tám nghìn đồng');
  assert.equal(amountInWords(1_050_021), 'Một triệu không trăm năm mươi nghìn không trăm hai mươi mốt đồng');
  assert.equal(amountInWords(215_000), 'Hai trăm mười lăm nghìn đồng');
});

eachDatabase('payments', { demo: true }, (ctx) => {
  let seq = 0;
  /** A new citizen with an accepted fee dossier (status 6, 8.000 đồng owed). */
  const owing = async () => {
    const idNumber = `0921900${String(++seq).padStart(5, '0')}`;
    const citizen = await citizenSignIn(ctx.app, idNumber, 'Nguyễn Văn An');
    const d = await submitAndAccept(ctx, citizen, FEE_PROCEDURE, { idNumber, name: 'Nguyễn Văn An' });
    assert.equal(d.status, 6, 'a fee procedure owes its fee once accepted');
    return { citizen, ...d };
  };
  const dossier = async (who: Requester, id: string) => (await who({ url: `/api/v1/dossiers/${id}` })).json();
  const payments = async (who: Requester, id: string) => (await who({ url: `/api/v1/dossiers/${id}/payments` })).json().items;
  const recordPayments = async (who: Requester, id: string) => (await dossier(who, id)).events.filter((e: any) => e.action === 'record_payment');

  test('a free procedure skips payment', async () => {
    const citizen = await citizenSignIn(ctx.app, '092190099999', 'Lê Thị Bình');
    const d = await submitAndAccept(ctx, citizen, FREE_PROCEDURE, { idNumber: '092190099999', name: 'Lê Thị Bình' });
    assert.equal(d.status, 2);
    assert.deepEqual(await payments(citizen, d.id), []);
  });

  test('an amount the officer sets opens an obligation; cash recorded at the desk settles it; a withdrawal cancels an unpaid one', async () => {
    const citizen = await citizenSignIn(ctx.app, '092190055555', 'Võ Văn Cường');
    const d = await submitAndAccept(ctx, citizen, FREE_PROCEDURE, { idNumber: '092190055555', name: 'Võ Văn Cường' });
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    await act(counter, d.id, { action: 'request_payment', amount: 125_000, note: 'Lệ phí cấp bản sao theo yêu cầu' });
    const [owed] = await payments(citizen, d.id);
    assert.deepEqual([owed.status, owed.amount, owed.items[0].name], ['pending', 125_000, 'Lệ phí cấp bản sao theo yêu cầu']);
    await act(counter, d.id, { action: 'record_payment', reference: 'PT-0001 (tiền mặt)' });
    const [paid] = await payments(citizen, d.id);
    assert.deepEqual([paid.status, paid.method], ['paid', 'counter']);
    assert.match(paid.receiptNo, /^\d{4}-\d{6}$/);
    assert.equal((await dossier(citizen, d.id)).status, 2);

    const e = await owing();
    await act(e.citizen, e.id, { action: 'withdraw', reason: 'Không còn nhu cầu' });
    assert.equal((await payments(e.citizen, e.id))[0].status, 'cancelled');
    assert.equal((await e.citizen({ url: `/api/v1/dossiers/${e.id}/payments/vietqr` })).statusCode, 409, 'nothing left to pay');
  });

  test('the VietQR image decodes with zbarimg to the payload: the account, the fee, the dossier code as purpose, a valid CRC', async () => {
    const { citizen, id, code } = await owing();
    const info = (await citizen({ url: `/api/v1/dossiers/${id}/payments/vietqr` })).json();
    const png = await citizen({ url: `/api/v1/dossiers/${id}/payments/vietqr.png` });
    assert.equal(png.headers['content-type'], 'image/png');
    const file = join(tmp, `${id}.png`);
    writeFileSync(file, png.rawPayload);
    const decoded = execFileSync('zbarimg', ['--raw', '-q', file]).toString().trim();
    assert.equal(decoded, info.payload);
    assert.equal(crcBitwise(decoded.slice(0, -4)), decoded.slice(-4));
    assert.equal(crcPython(decoded.slice(0, -4)), decoded.slice(-4));
    assert.match(decoded, new RegExp(`5404${FEE}`), 'amount field 54');
    assert.ok(decoded.includes(`08${String(code.length).padStart(2, '0')}${code}`), 'the dossier code is the purpose (62/08)');
    assert.ok(decoded.includes(`0010A000000727`) && decoded.includes(settings.account!.accountNo));
    // Another citizen sees nothing of it.
    const stranger = await citizenSignIn(ctx.app, '092190088888', 'Người Lạ');
    assert.equal((await stranger({ url: `/api/v1/dossiers/${id}/payments/vietqr` })).statusCode, 404);
  });

  test('bank statement CSV: credits matched by dossier code (punctuation lost) and amount; the rest reported by line', async () => {
    const a = await owing();
    const b = await owing();
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const squeezed = a.code.replace(/[^0-9A-Z]/gi, '').toLowerCase();
    const csv = [
      'Ngày giao dịch,Số tham chiếu,Số tiền,Nội dung',
      `27/11/2026 09:15,FT001,"8,000",CK ${squeezed} nguyen van an`,
      `27/11/2026 09:20,FT002,8000,${a.code} chuyen lan hai`,
      `27/11/2026 09:30,FT003,7000,${b.code}`,
      '27/11/2026 10:00,FT004,-50000,Phi quan ly tai khoan',
      '31/02/2026,FT005,8000,ngay sai',
      '27/11/2026,FT006,9000,Ung ho quy',
    ].join('\n');
    const res = await counter({ method: 'POST', url: '/api/v1/payments/statements', payload: csv, headers: { 'content-type': 'text/csv' } });
    assert.equal(res.statusCode, 200, res.body);
    const r = res.json();
    assert.deepEqual(
      r.matched.map((m: any) => [m.line, m.dossierCode, m.amount]),
      [[2, a.code, FEE]],
    );
    assert.deepEqual(
      r.unmatched.map((u: any) => u.line),
      [3, 4, 5, 6, 7],
    );
    assert.match(r.unmatched.find((u: any) => u.line === 4).reason, /không khớp/);
    assert.equal((await dossier(a.citizen, a.id)).status, 2, 'paid: the dossier goes back into processing');
    assert.equal((await dossier(b.citizen, b.id)).status, 6, 'a wrong amount settles nothing');
    const [paid] = await payments(a.citizen, a.id);
    assert.equal(paid.status, 'paid');
    assert.equal(paid.method, 'vietqr');
    assert.match(paid.receiptNo, /^\d{4}-\d{6}$/);
    // The same statement again: every credit is a duplicate, nothing is settled twice.
    const again = (await counter({ method: 'POST', url: '/api/v1/payments/statements', payload: csv, headers: { 'content-type': 'text/csv' } })).json();
    assert.equal(again.matched.length, 0);
    assert.equal(again.duplicates.length, 4);
    assert.equal((await recordPayments(a.citizen, a.id)).length, 1);
    // Only staff import statements, and only the desk's roles.
    assert.equal(
      (await a.citizen({ method: 'POST', url: '/api/v1/payments/statements', payload: csv, headers: { 'content-type': 'text/csv' } })).statusCode,
      401,
    );
    const specialist = await signIn(ctx.app, 'caikhe.chuyenvien');
    assert.equal(
      (await specialist({ method: 'POST', url: '/api/v1/payments/statements', payload: csv, headers: { 'content-type': 'text/csv' } })).statusCode,
      403,
    );
    const bad = await counter({ method: 'POST', url: '/api/v1/payments/statements', payload: 'a,b\n1,2', headers: { 'content-type': 'text/csv' } });
    assert.equal(bad.statusCode, 400);
  });

  test("a statement settles only the importing officer's dossiers: another agency's credit is reported outside scope and left for that agency", async () => {
    const a = await owing();
    const csv = ['date,reference,amount,description', `2026-11-27,FTX${a.code.replace(/\D/g, '')},8000,${a.code}`].join('\n');
    const post = (who: Requester) => who({ method: 'POST', url: '/api/v1/payments/statements', payload: csv, headers: { 'content-type': 'text/csv' } });
    const other = (await post(await signIn(ctx.app, 'ninhkieu.motcua'))).json();
    assert.deepEqual(other.matched, []);
    assert.deepEqual(
      other.outsideScope.map((o: any) => o.line),
      [2],
    );
    assert.doesNotMatch(JSON.stringify(other), /8\.?000 của hồ sơ/, "nothing about the other agency's obligation is told");
    assert.equal((await dossier(a.citizen, a.id)).status, 6, "another agency's officer settled nothing");
    const own = (await post(await signIn(ctx.app, 'caikhe.motcua'))).json();
    assert.deepEqual(
      own.matched.map((m: any) => m.dossierCode),
      [a.code],
      "the line was not recorded, so the dossier's agency still applies it",
    );
    assert.equal((await dossier(a.citizen, a.id)).status, 2);
  });

  test('bank callback: settles when signed with the shared secret, once; a bad signature is refused', async () => {
    const a = await owing();
    const body = JSON.stringify({ reference: `CB-${a.id}`, amount: FEE, description: `Thanh toan ${a.code}`, bookedAt: new Date().toISOString() });
    const sign = (s: string) => createHmac('sha256', settings.bankCallbackSecret!).update(s).digest('hex');
    const post = (payload: string, signature: string) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/payments/bank/callback',
        payload,
        headers: { 'content-type': 'application/json', 'x-signature': signature },
      });
    const forged = await post(body, sign(body.replace(String(FEE), '80000')));
    assert.equal(forged.statusCode, 401);
    assert.equal((await dossier(a.citizen, a.id)).status, 6);
    const ok = await post(body, sign(body));
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().status, 'matched');
    assert.equal((await post(body, sign(body))).json().status, 'duplicate');
    assert.equal((await dossier(a.citizen, a.id)).status, 2);
    assert.equal((await recordPayments(a.citizen, a.id)).length, 1);
  });

  /** Starts a VNPay payment and lets the sandbox gateway decide; the redirect back (signed query string). */
  const payInSandbox = async (citizen: Requester, id: string, choice: 'pay' | 'cancel', dropIpn = false, amount = FEE) => {
    const start = await citizen({ method: 'POST', url: `/api/v1/dossiers/${id}/payments/vnpay` });
    assert.equal(start.statusCode, 201, start.body);
    const url = new URL(start.json().url, 'http://localhost');
    assert.equal(url.searchParams.get('vnp_Amount'), String(amount * 100));
    const page = await citizen({ url: url.pathname + url.search });
    assert.equal(page.statusCode, 200, page.body);
    assert.ok(page.body.includes(`${amount.toLocaleString('vi-VN')} VND`), page.body);
    const decided = await citizen({
      method: 'POST',
      url: url.pathname,
      payload: `txnRef=${start.json().txnRef}&choice=${choice}${dropIpn ? '&dropIpn=1' : ''}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(decided.statusCode, 303, decided.body);
    return new URL(decided.headers.location as string, 'http://localhost');
  };
  const ipn = async (query: string) => (await ctx.app.inject({ url: `/api/v1/payments/vnpay/ipn?${query}` })).json();

  test('VNPay: a correct signed payment settles once; replayed, tampered and wrong-amount callbacks are refused', async () => {
    const a = await owing();
    const back = await payInSandbox(a.citizen, a.id, 'pay');
    assert.equal(back.pathname, '/api/v1/payments/vnpay/return');
    // The sandbox has already called the IPN: paid, and the dossier moved on in the same transaction.
    assert.equal((await dossier(a.citizen, a.id)).status, 2);
    const ret = await a.citizen({ url: back.pathname + back.search });
    assert.equal(ret.statusCode, 303);
    assert.equal(ret.headers.location, `/ho-so-cua-toi/${a.id}?thanh-toan=da-thanh-toan`);
    // Replays of the IPN and of the return: "already confirmed", nothing settled twice.
    assert.deepEqual(await ipn(back.search.slice(1)), { RspCode: '02', Message: 'Order already confirmed' });
    await a.citizen({ url: back.pathname + back.search });
    assert.equal((await recordPayments(a.citizen, a.id)).length, 1);
    const [paid] = await payments(a.citizen, a.id);
    assert.equal(paid.method, 'vnpay');

    // Tampered: the amount changed after signing.
    const b = await owing();
    const start = (await b.citizen({ method: 'POST', url: `/api/v1/dossiers/${b.id}/payments/vnpay` })).json();
    const answer = (over: Record<string, string>) => {
      const p = {
        vnp_Amount: String(FEE * 100),
        vnp_ResponseCode: '00',
        vnp_TmnCode: settings.vnpay!.tmnCode,
        vnp_TransactionNo: '14000001',
        vnp_TransactionStatus: '00',
        vnp_TxnRef: start.txnRef,
        vnp_OrderInfo: 'Thanh toan',
        ...over,
      };
      return `${signData(p)}&vnp_SecureHash=${signParams(secret, p)}`;
    };
    const good = answer({});
    assert.equal((await ipn(good.replace(`vnp_Amount=${FEE * 100}`, 'vnp_Amount=100'))).RspCode, '97');
    assert.equal((await ipn(good.replace(/vnp_SecureHash=[0-9a-f]+/, `vnp_SecureHash=${'0'.repeat(128)}`))).RspCode, '97');
    // Correctly signed, but not the order's amount.
    assert.equal((await ipn(answer({ vnp_Amount: '100' }))).RspCode, '04');
    // Correctly signed, response code 00 but the transaction status says failed: not paid.
    const failed = await ipn(answer({ vnp_TransactionStatus: '02' }));
    assert.equal(failed.RspCode, '00');
    assert.equal((await dossier(b.citizen, b.id)).status, 6);
    assert.equal((await payments(b.citizen, b.id))[0].status, 'pending');
    // An unknown order.
    assert.equal((await ipn(answer({ vnp_TxnRef: '99999999' }))).RspCode, '01');

    // The IPN twice and the return, all at once: one settlement, one record_payment.
    const retry = (await b.citizen({ method: 'POST', url: `/api/v1/dossiers/${b.id}/payments/vnpay` })).json();
    const signed = answer({ vnp_TxnRef: retry.txnRef });
    const [one, two] = await Promise.all([ipn(signed), ipn(signed), b.citizen({ url: `/api/v1/payments/vnpay/return?${signed}` })]);
    assert.ok([one, two].every((r) => ['00', '02'].includes(r.RspCode)) && [one, two].filter((r) => r.RspCode === '00').length <= 1);
    assert.equal((await dossier(b.citizen, b.id)).status, 2);
    assert.equal((await recordPayments(b.citizen, b.id)).length, 1);
  });

  test('VNPay: a cancelled payment leaves the fee owed; a lost IPN is recovered by the reconciler', async () => {
    const a = await owing();
    const cancelled = await payInSandbox(a.citizen, a.id, 'cancel');
    const ret = await a.citizen({ url: cancelled.pathname + cancelled.search });
    assert.equal(ret.headers.location, `/ho-so-cua-toi/${a.id}?thanh-toan=chua-thanh-toan`);
    assert.equal((await dossier(a.citizen, a.id)).status, 6);

    // Paid at the gateway, but the IPN never arrives and the payer closes the tab before the return.
    await payInSandbox(a.citizen, a.id, 'pay', true);
    assert.equal((await dossier(a.citizen, a.id)).status, 6, 'nothing has told the platform yet');
    const admin = await signIn(ctx.app, 'admin');
    const run = await admin({ method: 'POST', url: '/api/v1/payments/reconcile' });
    assert.equal(run.statusCode, 200, run.body);
    assert.equal(run.json().settled, 1);
    assert.equal((await dossier(a.citizen, a.id)).status, 2);
    const [paid] = await payments(a.citizen, a.id);
    assert.equal(paid.status, 'paid');
    assert.equal((await admin({ method: 'POST', url: '/api/v1/payments/reconcile' })).json().settled, 0, 'settled once');
    assert.equal((await recordPayments(a.citizen, a.id)).length, 1);
  });

  test('gateway and bank callbacks are rate-limited per address', async () => {
    // On a server the counts are shared by every app on the database: start from none (earlier tests called back too).
    await ctx.db.query('DELETE FROM rate_limit_counts');
    const limited = await buildApp({ db: ctx.db, security: { rateLimits: { ...DEFAULT_RATE_LIMITS, paymentCallbacks: 2 } } });
    try {
      const call = () => limited.inject({ url: `/api/v1/payments/vnpay/ipn?vnp_TxnRef=1&vnp_SecureHash=${'a'.repeat(128)}` });
      assert.deepEqual([(await call()).json().RspCode, (await call()).json().RspCode], ['97', '97']);
      const third = await call();
      assert.equal(third.statusCode, 429);
      assert.equal(third.json().code, 'TOO_MANY_REQUESTS');
    } finally {
      await limited.close();
    }
  });

  test('the receipt PDF shows the amount in figures and in Vietnamese words; refunds are recorded and capped', async () => {
    const a = await owing();
    const back = await payInSandbox(a.citizen, a.id, 'pay');
    assert.ok(back);
    const [paid] = await payments(a.citizen, a.id);
    const pdf = await a.citizen({ url: `/api/v1/payments/${paid.id}/receipt` });
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    const file = join(tmp, `${paid.id}.pdf`);
    writeFileSync(file, pdf.rawPayload);
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
    assert.match(text, /BIÊN LAI THU PHÍ, LỆ PHÍ/);
    assert.match(text, new RegExp(`Số: ${paid.receiptNo}`));
    // Mẫu số and ký hiệu: the default series with the year of payment, E for electronic.
    assert.match(text, /Mẫu số: 01BLP0-001/);
    assert.match(text, new RegExp(`Ký hiệu: CT-${paid.paidAt.slice(2, 4)}E`));
    assert.equal(paid.receiptSeries, `CT-${paid.paidAt.slice(2, 4)}E`);
    // Signed with the collecting ward's seal, valid for poppler.
    const report = pdfsig(pdf.rawPayload);
    assert.match(report, /Signature is Valid/, report);
    assert.match(report, /Phường Cái Khế/, report);
    assert.match(text, /Tổng số tiền: 8\.000 đồng/);
    assert.match(text, /Số tiền viết bằng chữ: Tám nghìn đồng\./);
    assert.ok(text.includes(a.code));
    assert.match(text, /Cổng thanh toán VNPay/);

    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const refund = (who: Requester, amount: number) =>
      who({ method: 'POST', url: `/api/v1/payments/${paid.id}/refunds`, payload: { amount, reason: 'Thu thừa một bản sao' } });
    assert.equal((await refund(a.citizen, 3000)).statusCode, 401, 'citizens do not record refunds');
    const first = await refund(counter, 3000);
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(first.json().refunded, 3000);
    const tooMuch = await refund(counter, 6000);
    assert.equal(tooMuch.statusCode, 409);
    assert.equal(tooMuch.json().code, 'REFUND_TOO_LARGE');
    assert.equal((await counter({ url: `/api/v1/payments/${paid.id}/refunds` })).json().items.length, 1);
    const other = await signIn(ctx.app, 'stp.chuyenvien');
    assert.equal((await refund(other, 1000)).statusCode, 403, 'a specialist of another agency may not refund');
    writeFileSync(file, (await a.citizen({ url: `/api/v1/payments/${paid.id}/receipt` })).rawPayload);
    assert.match(execFileSync('pdftotext', [file, '-']).toString().replace(/\s+/g, ' '), /Đã hoàn trả 3\.000 đồng \(ba nghìn đồng\)/);
  });

  test('a fee per copy is charged for the copies asked for: shown from submission, owed on acceptance, on the receipt', async () => {
    const citizen = await citizenSignIn(ctx.app, '092190077777', 'Đặng Thị Hoa');
    const who = { idNumber: '092190077777', name: 'Đặng Thị Hoa' };
    const d = await submitOnline(ctx, citizen, FEE_PROCEDURE, who, { formData: { ...formFor(FEE_PROCEDURE, who.idNumber, who.name), soBanSao: 2 } });
    // Before the desk has received it, the citizen already sees what will be due.
    const due = (await citizen({ url: `/api/v1/dossiers/${d.id}/fees` })).json().due;
    assert.equal(due.total, 2 * FEE);
    assert.deepEqual(due.items, [{ kind: 'fee', name: 'Phí cấp bản sao Trích lục hộ tịch', amount: 2 * FEE, quantity: 2, unit: 'bản', unitAmount: FEE }]);
    assert.equal((await ctx.app.inject({ url: `/api/v1/dossiers/${d.id}/fees` })).statusCode, 401, "only the dossier's parties see it");
    await act(await staff(ctx).counter(), d.id, { action: 'accept' });
    const [owed] = await payments(citizen, d.id);
    assert.equal(owed.amount, 16000);
    assert.equal((await dossier(citizen, d.id)).status, 6);
    const back = await payInSandbox(citizen, d.id, 'pay', false, 2 * FEE);
    assert.ok(back);
    const [paid] = await payments(citizen, d.id);
    const file = join(tmp, `${paid.id}-copies.pdf`);
    writeFileSync(file, (await citizen({ url: `/api/v1/payments/${paid.id}/receipt` })).rawPayload);
    const text = execFileSync('pdftotext', [file, '-']).toString().replace(/\s+/g, ' ');
    assert.match(text, /Phí cấp bản sao Trích lục hộ tịch \(02 bản × 8\.000 đồng\) 16\.000/);
    assert.match(text, /Mười sáu nghìn đồng/);
  });

  test('a free procedure shows nothing due', async () => {
    const citizen = await citizenSignIn(ctx.app, '092190088888', 'Phan Văn Tài');
    const free = await submitOnline(ctx, citizen, FREE_PROCEDURE, { idNumber: '092190088888', name: 'Phan Văn Tài' });
    assert.deepEqual((await citizen({ url: `/api/v1/dossiers/${free.id}/fees` })).json().due, { items: [], total: 0 });
  });
});
