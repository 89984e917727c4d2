// Payment routes: what the citizen owes and how to pay it (VietQR, VNPay), the gateway's return URL and IPN, the
// bank's callback, statement import, the reconciler, receipts and refunds; and the sandbox gateway outside production.
import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireCitizen } from '../citizens/service.ts';
import { party } from '../dossiers/routes.ts';
import { AppError } from '../shared/errors.ts';
import { errorResponses, uuidParam } from '../shared/http.ts';
import { idempotent } from '../shared/idempotency.ts';
import { sameDigest } from './vnpay.ts';
import { vietQrPng } from './vietqr.ts';
import { renderReceipt } from './receipt.ts';
import { IPN_PATH, sandboxRoutes } from './sandbox.ts';
import {
  bankCallback,
  dossierPayments,
  feesDue,
  httpTransport,
  importStatement,
  listRefunds,
  reconcilePayments,
  recordRefund,
  startVnpayPayment,
  vietQrFor,
  vnpayCallback,
  type GatewayTransport,
  type PaymentSettings,
} from './service.ts';

const anyObject = { type: 'object', additionalProperties: true } as const;
const TAGS = ['Thanh toán'];
/** The gateway's query strings: signed vnp_* fields, checked by their signature rather than one by one. */
const gatewayQuery = {
  type: 'object',
  required: ['vnp_TxnRef', 'vnp_SecureHash'],
  additionalProperties: { type: 'string', maxLength: 2000 },
  properties: { vnp_TxnRef: { type: 'string', minLength: 1, maxLength: 100 }, vnp_SecureHash: { type: 'string', pattern: '^[0-9a-fA-F]{128}$' } },
} as const;

function requireStaff(req: FastifyRequest) {
  if (!req.actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
  return req.actor;
}

/** Where the platform is reached: the configured public address in production, else the address the browser used. */
const originOf = (app: FastifyInstance, req: FastifyRequest) => (app.production ? app.publicUrl : `${req.protocol}://${req.host}`);

// The local sandbox's merchant API is this server: reached in-process (there may be no listening socket, as in tests).
const gatewayTransport =
  (app: FastifyInstance): GatewayTransport =>
  async (url, body) =>
    url.startsWith('/') ? (await app.inject({ method: 'POST', url, payload: body })).json() : httpTransport(url, body);

/** The reconciler's run (scheduled: src/jobs): a lost IPN or an abandoned return page is caught up by asking the gateway. */
export const paymentReconciler =
  (app: FastifyInstance, settings: PaymentSettings = app.paymentSettings) =>
  () =>
    reconcilePayments(app.db, settings, gatewayTransport(app));

export async function paymentRoutes(app: FastifyInstance, settings: PaymentSettings = app.paymentSettings) {
  const db = app.db;

  app.get<{ Params: { id: string } }>(
    '/api/v1/dossiers/:id/payments',
    {
      schema: {
        tags: TAGS,
        summary: 'Các khoản phí, lệ phí của hồ sơ và tình trạng thanh toán',
        params: uuidParam,
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: anyObject }, vnpay: { type: 'boolean' }, vietqr: { type: 'boolean' } } },
          ...errorResponses,
        },
      },
    },
    async (req) => ({ items: await dossierPayments(db, party(req), req.params.id), vnpay: Boolean(settings.vnpay), vietqr: Boolean(settings.account) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/dossiers/:id/payments/vietqr',
    {
      schema: {
        tags: TAGS,
        summary: 'Thông tin chuyển khoản VietQR của khoản đang chờ thanh toán (nội dung chuyển khoản là mã hồ sơ)',
        params: uuidParam,
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => vietQrFor(db, settings, party(req), req.params.id),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/dossiers/:id/payments/vietqr.png',
    {
      schema: { tags: TAGS, summary: 'Ảnh mã VietQR (PNG) để quét bằng ứng dụng ngân hàng', params: uuidParam, response: { ...errorResponses } },
    },
    async (req, reply) => {
      const qr = await vietQrFor(db, settings, party(req), req.params.id);
      reply.type('image/png').header('cache-control', 'no-store');
      return reply.send(await vietQrPng(qr.payload));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/dossiers/:id/payments/vnpay',
    {
      schema: {
        tags: TAGS,
        summary: 'Tạo giao dịch thanh toán qua cổng VNPay; trả về địa chỉ chuyển tới cổng thanh toán',
        params: uuidParam,
        response: { 201: { type: 'object', properties: { txnRef: { type: 'string' }, url: { type: 'string' } } }, ...errorResponses },
      },
    },
    async (req, reply) => {
      const citizen = requireCitizen(req.citizen);
      return idempotent(db, req, reply, 201, (keyed) =>
        keyed.transaction((tx) =>
          startVnpayPayment(tx, settings, { kind: 'citizen', citizen }, req.params.id, `${originOf(app, req)}/api/v1/payments/vnpay/return`, req.ip),
        ),
      );
    },
  );

  app.get<{ Querystring: Record<string, string> }>(
    '/api/v1/payments/vnpay/return',
    {
      schema: {
        tags: TAGS,
        summary: 'Địa chỉ trả về từ cổng VNPay: kiểm tra chữ ký, ghi nhận kết quả, chuyển người nộp về trang hồ sơ',
        querystring: gatewayQuery,
      },
    },
    async (req, reply) => {
      const r = await vnpayCallback(db, settings, req.query, 'return');
      // 02 = the IPN got there first: the order's own outcome is shown.
      const outcome = r.paid ? 'da-thanh-toan' : ['00', '02'].includes(r.answer.RspCode) ? 'chua-thanh-toan' : 'loi';
      return reply.redirect(r.dossierId ? `/ho-so-cua-toi/${r.dossierId}?thanh-toan=${outcome}` : `/ho-so-cua-toi?thanh-toan=${outcome}`, 303);
    },
  );

  app.get<{ Querystring: Record<string, string> }>(
    IPN_PATH,
    {
      schema: {
        tags: TAGS,
        summary: 'IPN của cổng VNPay (máy chủ gọi máy chủ): kiểm tra chữ ký, số tiền, đơn hàng; ghi nhận thanh toán một lần',
        querystring: gatewayQuery,
        response: { 200: { type: 'object', properties: { RspCode: { type: 'string' }, Message: { type: 'string' } } } },
      },
    },
    async (req) => {
      try {
        return (await vnpayCallback(db, settings, req.query, 'ipn')).answer;
      } catch (err) {
        req.log.error({ err }, 'VNPay IPN');
        return { RspCode: '99', Message: 'Unknown error' };
      }
    },
  );

  // The bank's callback is signed over its exact bytes: this scope keeps the raw body beside the parsed one.
  // biome-ignore lint/nursery/noMisusedPromises: Fastify's register takes an async plugin; Biome's inference sees only the callback overload
  await app.register(async (scope) => {
    const raw = new WeakMap<FastifyRequest, string>();
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (req, body, done) => {
      raw.set(req, body as string);
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(new AppError(400, 'MALFORMED_JSON', 'Nội dung gửi lên không phải JSON hợp lệ.'), undefined);
      }
    });
    scope.post<{ Body: { reference: string; amount: number; description: string; bookedAt: string } }>(
      '/api/v1/payments/bank/callback',
      {
        schema: {
          tags: TAGS,
          summary: 'Ngân hàng báo có một giao dịch vào tài khoản thu (ký HMAC-SHA256 nội dung, tiêu đề X-Signature); khớp theo mã hồ sơ và số tiền',
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['reference', 'amount', 'description', 'bookedAt'],
            properties: {
              reference: { type: 'string', minLength: 1, maxLength: 100 },
              amount: { type: 'integer', minimum: 1, maximum: 1e12 },
              description: { type: 'string', maxLength: 500 },
              bookedAt: { type: 'string', format: 'date-time' },
            },
          },
          response: { 200: anyObject, ...errorResponses },
        },
      },
      async (req) => {
        const signature = req.headers['x-signature'];
        const expected = settings.bankCallbackSecret
          ? createHmac('sha256', settings.bankCallbackSecret)
              .update(raw.get(req) ?? '')
              .digest('hex')
          : '';
        if (!expected || typeof signature !== 'string' || !sameDigest(signature, expected)) {
          throw new AppError(401, 'INVALID_SIGNATURE', 'Chữ ký của ngân hàng không hợp lệ.');
        }
        return bankCallback(db, { ...req.body, bookedAt: new Date(req.body.bookedAt) });
      },
    );
  });

  // biome-ignore lint/nursery/noMisusedPromises: Fastify's register takes an async plugin; Biome's inference sees only the callback overload
  await app.register(async (scope) => {
    scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: 5 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    scope.post<{ Body: string }>(
      '/api/v1/payments/statements',
      {
        bodyLimit: 5 * 1024 * 1024,
        schema: {
          tags: TAGS,
          summary: 'Nhập sao kê ngân hàng (CSV: ngày, số tham chiếu, số tiền, nội dung); khớp theo mã hồ sơ trong nội dung và số tiền, báo các dòng không khớp',
          consumes: ['text/csv'],
          body: { type: 'string', minLength: 1, maxLength: 5 * 1024 * 1024 },
          response: { 200: anyObject, ...errorResponses },
        },
      },
      async (req) => importStatement(db, requireStaff(req), req.body),
    );
  });

  app.post(
    '/api/v1/payments/reconcile',
    {
      schema: {
        tags: TAGS,
        summary: 'Đối soát ngay các giao dịch VNPay còn chờ (truy vấn querydr); hệ thống tự chạy định kỳ',
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => {
      const actor = requireStaff(req);
      if (!actor.roles.includes('system_admin')) throw new AppError(403, 'FORBIDDEN', 'Chỉ quản trị hệ thống được chạy đối soát.');
      return reconcilePayments(db, settings, gatewayTransport(app), { minAgeMs: 0 });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/dossiers/:id/fees',
    {
      schema: {
        tags: TAGS,
        summary: 'Phí, lệ phí hồ sơ phải nộp (khi được tiếp nhận): các khoản theo số lượng yêu cầu; due = null khi mức thu theo quy định do cán bộ xác định',
        params: uuidParam,
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => ({ due: await feesDue(db, party(req), req.params.id) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/payments/:id/receipt',
    {
      schema: { tags: TAGS, summary: 'Biên lai thu phí, lệ phí điện tử (PDF)', params: uuidParam, response: { ...errorResponses } },
    },
    async (req, reply) => {
      const pdf = await renderReceipt(db, app.signing, party(req), req.params.id, app.publicUrl);
      reply.type('application/pdf').header('content-disposition', 'inline; filename="bien-lai.pdf"');
      return reply.send(pdf);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/payments/:id/refunds',
    {
      schema: {
        tags: TAGS,
        summary: 'Các lần hoàn trả của một khoản thanh toán',
        params: uuidParam,
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: anyObject } } }, ...errorResponses },
      },
    },
    async (req) => ({ items: await listRefunds(db, party(req), req.params.id) }),
  );

  app.post<{ Params: { id: string }; Body: { amount: number; reason: string; reference?: string } }>(
    '/api/v1/payments/:id/refunds',
    {
      schema: {
        tags: TAGS,
        summary: 'Ghi nhận hoàn trả phí, lệ phí (không vượt quá số đã nộp); cán bộ một cửa hoặc lãnh đạo',
        params: uuidParam,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['amount', 'reason'],
          properties: {
            amount: { type: 'integer', minimum: 1, maximum: 1e12 },
            reason: { type: 'string', minLength: 1, maxLength: 2000 },
            reference: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
        response: { 201: anyObject, ...errorResponses },
      },
    },
    async (req, reply) => idempotent(db, req, reply, 201, (keyed) => recordRefund(keyed, requireStaff(req), req.params.id, req.body)),
  );

  await sandboxRoutes(app, settings);
}
