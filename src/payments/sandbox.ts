// A local stand-in for the VNPay gateway, for development and tests (never served in production). It plays the bank:
// checks the merchant's signed redirect, shows the order with "Thanh toán" / "Hủy", then calls the IPN and sends the
// payer back to the return URL, both signed with the configured secret exactly as VNPay signs them; it also answers
// querydr from its own ledger, so the reconciler can be exercised against it.
import { randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import { errorResponses } from '../shared/http.ts';
import { SANDBOX_API_PATH, SANDBOX_PAY_PATH, type PaymentSettings } from './service.ts';
import { signData, signParams, signQueryDrAnswer, verifiedParams, verifyQueryDrRequest, vnpDate, type VnpParams } from './vnpay.ts';

export const IPN_PATH = '/api/v1/payments/vnpay/ipn';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — Cổng thanh toán thử nghiệm</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
.note{background:#fff4d6;border:1px solid #e0b84c;padding:.5rem .75rem;border-radius:4px}dl{display:grid;grid-template-columns:auto 1fr;gap:.4rem 1rem}
dt{color:#555}dd{margin:0;font-weight:600}button{font-size:1rem;padding:.6rem 1.2rem;margin-right:.5rem;border-radius:4px;border:1px solid #0b5cad;background:#fff;cursor:pointer}
button.pay{background:#0b5cad;color:#fff}</style></head><body><h1>${escapeHtml(title)}</h1>
<p class="note">Cổng thanh toán thử nghiệm (mô phỏng VNPay) — chỉ dùng khi phát triển và kiểm thử, không có tiền thật.</p>${body}</body></html>`;
}

export async function sandboxRoutes(app: FastifyInstance, settings: PaymentSettings) {
  const config = settings.vnpay;
  if (!settings.sandbox || !config) return;
  const db = app.db;

  // biome-ignore lint/nursery/noMisusedPromises: Fastify's register takes an async plugin; Biome's inference sees only the callback overload
  await app.register(async (scope) => {
    await scope.register(formbody);

    scope.get<{ Querystring: Record<string, string> }>(
      SANDBOX_PAY_PATH,
      {
        schema: {
          hide: true,
          tags: ['Thanh toán (thử nghiệm)'],
          summary: 'Cổng thanh toán thử nghiệm: trang thanh toán của đơn hàng (kiểm tra chữ ký như VNPay)',
          querystring: { type: 'object', additionalProperties: { type: 'string', maxLength: 2000 } },
        },
      },
      async (req, reply) => {
        // The page's form posts back here; under "no-referrer" Chrome would send "Origin: null" and the CSRF check refuses it.
        reply.type('text/html; charset=utf-8').header('referrer-policy', 'same-origin');
        const p = verifiedParams(config.hashSecret, req.query);
        if (!p || p.vnp_TmnCode !== config.tmnCode || p.vnp_Command !== 'pay' || !/^\d+$/.test(p.vnp_Amount ?? '') || !p.vnp_TxnRef || !p.vnp_ReturnUrl) {
          return reply.status(400).send(page('Sai chữ ký', '<p>Yêu cầu thanh toán không hợp lệ: chữ ký hoặc tham số không đúng (mã lỗi 97).</p>'));
        }
        await db.query(
          `INSERT INTO sandbox_vnpay_transactions (txn_ref, tmn_code, amount, order_info, return_url, create_date, status)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending') ON CONFLICT (txn_ref) DO NOTHING`,
          [p.vnp_TxnRef, p.vnp_TmnCode, Number(p.vnp_Amount), p.vnp_OrderInfo ?? '', p.vnp_ReturnUrl, p.vnp_CreateDate ?? vnpDate(new Date())],
        );
        const [t] = await db.query('SELECT * FROM sandbox_vnpay_transactions WHERE txn_ref = $1', [p.vnp_TxnRef]);
        if (t.status !== 'pending') return reply.status(409).send(page('Giao dịch đã được xử lý', '<p>Đơn hàng này đã được thanh toán hoặc đã hủy.</p>'));
        const amount = (Number(t.amount) / 100).toLocaleString('vi-VN');
        return reply.send(
          page(
            'Thanh toán đơn hàng',
            `<dl><dt>Đơn vị</dt><dd>${escapeHtml(config.tmnCode)}</dd><dt>Mã đơn hàng</dt><dd>${escapeHtml(t.txn_ref)}</dd>
<dt>Nội dung</dt><dd>${escapeHtml(t.order_info)}</dd><dt>Số tiền</dt><dd>${escapeHtml(amount)} VND</dd></dl>
<form method="post" action="${SANDBOX_PAY_PATH}"><input type="hidden" name="txnRef" value="${escapeHtml(t.txn_ref)}">
<p><label><input type="checkbox" name="dropIpn" value="1"> Không gửi IPN (mô phỏng mất kết nối tới máy chủ của đơn vị)</label></p>
<button class="pay" name="choice" value="pay">Thanh toán</button><button name="choice" value="cancel">Hủy</button></form>`,
          ),
        );
      },
    );

    scope.post<{ Body: { txnRef: string; choice: 'pay' | 'cancel'; dropIpn?: string } }>(
      SANDBOX_PAY_PATH,
      {
        schema: {
          hide: true,
          tags: ['Thanh toán (thử nghiệm)'],
          summary: 'Cổng thanh toán thử nghiệm: người trả tiền chọn thanh toán hoặc hủy',
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['txnRef', 'choice'],
            properties: {
              txnRef: { type: 'string', maxLength: 100 },
              choice: { enum: ['pay', 'cancel'] },
              dropIpn: { type: 'string', maxLength: 1 },
            },
          },
          response: { ...errorResponses },
        },
      },
      async (req, reply) => {
        const paid = req.body.choice === 'pay';
        const [t] = await db.query(
          `UPDATE sandbox_vnpay_transactions SET status = $2, transaction_no = $3, pay_date = $4 WHERE txn_ref = $1 AND status = 'pending' RETURNING *`,
          [req.body.txnRef, paid ? 'paid' : 'cancelled', paid ? String(randomInt(10_000_000, 99_999_999)) : null, vnpDate(new Date())],
        );
        if (!t)
          return reply
            .status(409)
            .type('text/html; charset=utf-8')
            .send(page('Giao dịch đã được xử lý', '<p>Đơn hàng này đã được thanh toán hoặc đã hủy.</p>'));
        const params: VnpParams = {
          vnp_Amount: String(t.amount),
          vnp_BankCode: 'NCB',
          vnp_CardType: 'ATM',
          vnp_OrderInfo: t.order_info,
          vnp_PayDate: t.pay_date,
          vnp_ResponseCode: paid ? '00' : '24',
          vnp_TmnCode: t.tmn_code,
          vnp_TransactionNo: t.transaction_no ?? '0',
          vnp_TransactionStatus: paid ? '00' : '02',
          vnp_TxnRef: t.txn_ref,
        };
        const query = `${signData(params)}&vnp_SecureHash=${signParams(config.hashSecret, params)}`;
        // VNPay calls the merchant's IPN server to server; here the server is this one.
        if (req.body.dropIpn !== '1') await app.inject({ method: 'GET', url: `${IPN_PATH}?${query}` });
        return reply.redirect(`${t.return_url}${t.return_url.includes('?') ? '&' : '?'}${query}`, 303);
      },
    );

    scope.post<{ Body: VnpParams }>(
      SANDBOX_API_PATH,
      {
        schema: {
          hide: true,
          tags: ['Thanh toán (thử nghiệm)'],
          summary: 'Cổng thanh toán thử nghiệm: truy vấn kết quả giao dịch (querydr)',
          body: { type: 'object', additionalProperties: { type: 'string', maxLength: 500 } },
        },
      },
      async (req) => {
        const q = req.body;
        const base = { vnp_ResponseId: q.vnp_RequestId ?? '', vnp_Command: 'querydr', vnp_TmnCode: config.tmnCode, vnp_TxnRef: q.vnp_TxnRef ?? '' };
        if (!verifyQueryDrRequest(config.hashSecret, q) || q.vnp_TmnCode !== config.tmnCode) {
          return signQueryDrAnswer(config.hashSecret, { ...base, vnp_ResponseCode: '97', vnp_Message: 'Invalid Checksum' });
        }
        const [t] = await db.query('SELECT * FROM sandbox_vnpay_transactions WHERE txn_ref = $1', [q.vnp_TxnRef]);
        if (!t) return signQueryDrAnswer(config.hashSecret, { ...base, vnp_ResponseCode: '91', vnp_Message: 'Transaction not found' });
        return signQueryDrAnswer(config.hashSecret, {
          ...base,
          vnp_ResponseCode: '00',
          vnp_Message: 'QueryDR Success',
          vnp_Amount: String(t.amount),
          vnp_BankCode: 'NCB',
          vnp_PayDate: t.pay_date ?? '',
          vnp_TransactionNo: t.transaction_no ?? '',
          vnp_TransactionType: '01',
          vnp_OrderInfo: t.order_info,
          vnp_TransactionStatus: t.status === 'paid' ? '00' : t.status === 'pending' ? '01' : '02',
          vnp_PromotionCode: '',
          vnp_PromotionAmount: '',
        });
      },
    );
  });
}
