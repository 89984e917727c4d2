// Routes of electronic results (sign, read, download), public verification, and the dossier-history check.
// Registered in a child scope, so the raw PDF body parser applies to these routes only.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireCitizen } from '../citizens/service.ts';
import { requireSystemAdmin } from '../shared/actor.ts';
import { checkHistory, publishedAnchors } from '../dossiers/chain.ts';
import type { Who } from '../dossiers/service.ts';
import { AppError } from '../shared/errors.ts';
import { errorResponses, uuidParam } from '../shared/http.ts';
import { idempotent } from '../shared/idempotency.ts';
import { getResult, issueResult, readResultPdf, verifyCode, verifyPdf } from './service.ts';

const MAX_PDF_BYTES = 20 * 1024 * 1024;
const anyObject = { type: 'object', additionalProperties: true } as const;
const codeSchema = { type: 'string', pattern: '^[0-9A-Fa-f]{16}$' } as const;

/** The signed-in party: staff first, else the citizen. */
const party = (req: FastifyRequest): Who => (req.actor ? { kind: 'staff', actor: req.actor } : { kind: 'citizen', citizen: requireCitizen(req.citizen) });

export async function resultRoutes(app: FastifyInstance): Promise<void> {
  const provider = app.signing;
  // biome-ignore lint/nursery/noMisusedPromises: Fastify's register takes an async plugin; Biome's inference sees only the callback overload
  await app.register(async (scope) => {
    const db = scope.db;
    scope.addContentTypeParser('application/pdf', { parseAs: 'buffer', bodyLimit: MAX_PDF_BYTES }, (_req, body, done) => done(null, body));

    scope.post<{ Params: { id: string } }>(
      '/api/v1/dossiers/:id/result',
      {
        schema: {
          tags: ['Kết quả'],
          summary: 'Lãnh đạo phê duyệt ký số kết quả giải quyết (cơ quan đóng dấu số); cấp số văn bản theo Nghị định 30/2020',
          params: uuidParam,
          response: { 201: anyObject, ...errorResponses, 422: { $ref: 'Error#' } },
        },
      },
      async (req, reply) => {
        if (!req.actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
        const actor = req.actor;
        return idempotent(db, req, reply, 201, (keyed) => issueResult(keyed, actor, req.params.id, { provider, publicUrl: scope.publicUrl }));
      },
    );

    scope.get<{ Params: { id: string } }>(
      '/api/v1/dossiers/:id/result',
      {
        schema: {
          tags: ['Kết quả'],
          summary: 'Thông tin kết quả điện tử của hồ sơ (số, ký hiệu, người ký, mã xác minh)',
          params: uuidParam,
          response: { 200: anyObject, ...errorResponses },
        },
      },
      async (req) => getResult(db, party(req), req.params.id, scope.publicUrl),
    );

    scope.get<{ Params: { id: string } }>(
      '/api/v1/dossiers/:id/result/pdf',
      {
        schema: { tags: ['Kết quả'], summary: 'Tải kết quả điện tử đã ký số (PDF, nguyên bản đã ký)', params: uuidParam, response: { ...errorResponses } },
      },
      async (req, reply) => {
        const file = await readResultPdf(db, party(req), req.params.id);
        reply.type('application/pdf').header('content-disposition', `attachment; filename="${file.name}"`);
        return reply.send(file.content);
      },
    );

    scope.post<{ Body: Buffer | { code: string } }>(
      '/api/v1/verify',
      {
        bodyLimit: MAX_PDF_BYTES,
        config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
        schema: {
          tags: ['Kết quả'],
          summary: 'Xác minh văn bản điện tử (công khai): gửi tệp PDF (Content-Type: application/pdf) hoặc { "code": mã xác minh in trên văn bản }',
          consumes: ['application/pdf', 'application/json'],
          // A PDF arrives as a Buffer (an object to the validator); JSON must carry a well-formed code.
          body: { type: 'object', properties: { code: codeSchema } },
          response: { 200: anyObject, ...errorResponses, 413: { $ref: 'Error#' }, 415: { $ref: 'Error#' }, 429: { $ref: 'Error#' } },
        },
      },
      async (req) => {
        if (Buffer.isBuffer(req.body)) {
          if (!req.body.subarray(0, 1024).includes('%PDF-')) throw new AppError(415, 'NOT_A_PDF', 'Tệp gửi lên không phải PDF.');
          return verifyPdf(db, provider, req.body);
        }
        const code = (req.body as { code?: unknown } | null)?.code;
        if (typeof code !== 'string') throw new AppError(400, 'PDF_OR_CODE_REQUIRED', 'Hãy gửi tệp PDF (application/pdf) hoặc mã xác minh { "code": "…" }.');
        return { verdict: 'registered', document: await verifyCode(db, code) };
      },
    );

    scope.get<{ Params: { code: string } }>(
      '/api/v1/verify/:code',
      {
        config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
        schema: {
          tags: ['Kết quả'],
          summary: 'Văn bản đã phát hành có mã xác minh này (mã QR trên văn bản dẫn tới đây)',
          params: { type: 'object', required: ['code'], properties: { code: codeSchema } },
          response: { 200: anyObject, ...errorResponses, 429: { $ref: 'Error#' } },
        },
      },
      async (req) => verifyCode(db, req.params.code),
    );

    scope.get(
      '/api/v1/verify-authorities',
      {
        schema: {
          tags: ['Kết quả'],
          summary: 'Chứng thư số của các tổ chức chứng thực mà hệ thống tin cậy (PEM), để tự kiểm tra bằng công cụ khác',
          response: { 200: anyObject },
        },
      },
      async () => ({
        test: provider.test,
        authorities: (await provider.trustedAuthorities(db)).map((c) => ({ subject: c.subject, fingerprint256: c.fingerprint256, pem: c.toString() })),
      }),
    );

    scope.get<{ Querystring: { dossierId?: string } }>(
      '/api/v1/admin/history/verify',
      {
        schema: {
          tags: ['Quản trị'],
          summary: 'Kiểm tra chuỗi băm lịch sử của một hồ sơ hoặc toàn bộ cơ sở dữ liệu và các mốc ngày; nêu mắt xích đứt đầu tiên. Chỉ quản trị hệ thống.',
          querystring: { type: 'object', additionalProperties: false, properties: { dossierId: { type: 'string', format: 'uuid' } } },
          response: { 200: anyObject, ...errorResponses },
        },
      },
      async (req) => {
        requireSystemAdmin(req.actor);
        return checkHistory(db, req.query.dossierId ? [req.query.dossierId] : undefined);
      },
    );

    scope.get(
      '/api/v1/history/anchors',
      {
        schema: {
          tags: ['Kết quả'],
          summary: 'Các mốc niêm phong lịch sử hồ sơ (công khai): mốc ngày và mốc kiểm tra gần nhất với mã xác thực HMAC, để kiểm toán đối chiếu về sau',
          response: { 200: anyObject },
        },
      },
      async () => publishedAnchors(db),
    );
  });
}
