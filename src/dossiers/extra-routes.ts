// Routes of the historical import, the tracking register (Mẫu 07) and the officers' dossier search.
// Registered in a child scope, so the NDJSON body parser and its 50 MB limit apply to the import route only.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireSystemAdmin } from '../shared/actor.ts';
import { AppError } from '../shared/errors.ts';
import { errorResponses, pagingQuery } from '../shared/http.ts';
import { importDossiers, linesOf } from './import.ts';
import { searchDossiers, trackingRegister, type RegisterFilters, type SearchQuery } from './register.ts';

export const IMPORT_BODY_LIMIT = 50 * 1024 * 1024;
const NDJSON = 'application/x-ndjson';
const day = { type: 'string', format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;

async function requireImporter(req: FastifyRequest) {
  requireSystemAdmin(req.actor, 'Chỉ quản trị hệ thống được nhập hồ sơ từ hệ thống cũ.');
}

export async function dossierExtraRoutes(app: FastifyInstance): Promise<void> {
  // biome-ignore lint/nursery/noMisusedPromises: Fastify's register takes an async plugin; Biome's inference sees only the callback overload
  await app.register(async (scope) => {
    const db = scope.db;
    scope.addContentTypeParser(NDJSON, { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (_req, body, done) => done(null, body));

    scope.post<{ Body: string }>(
      '/api/v1/import/dossiers',
      {
        bodyLimit: IMPORT_BODY_LIMIT,
        // Checked before the body is read, so nobody else can make the server read 50 MB.
        onRequest: requireImporter,
        schema: {
          tags: ['Hồ sơ'],
          summary:
            'Nhập hồ sơ lịch sử từ hệ thống cũ (NDJSON, mỗi dòng một hồ sơ; hồ sơ đã có mã thì bỏ qua; dòng lỗi bị từ chối kèm số dòng và lý do). Chỉ quản trị hệ thống.',
          consumes: [NDJSON],
          body: { type: 'string', maxLength: IMPORT_BODY_LIMIT },
          response: {
            200: {
              type: 'object',
              properties: {
                imported: { type: 'integer' },
                skipped: { type: 'integer' },
                rejected: {
                  type: 'array',
                  items: { type: 'object', properties: { line: { type: 'integer' }, code: { type: ['string', 'null'] }, reason: { type: 'string' } } },
                },
              },
            },
            ...errorResponses,
            413: { $ref: 'Error#' },
            415: { $ref: 'Error#' },
          },
        },
      },
      async (req) => {
        if (typeof req.body !== 'string') throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', `Hãy gửi tệp NDJSON với Content-Type ${NDJSON}.`);
        if (!req.body.trim()) throw new AppError(400, 'EMPTY_BODY', 'Nội dung gửi lên đang trống.');
        return importDossiers(db, linesOf(req.body), { importedBy: { id: req.actor!.userId, name: req.actor!.fullName } });
      },
    );

    scope.get<{ Querystring: RegisterFilters & { format: 'xlsx' | 'csv' } }>(
      '/api/v1/register',
      {
        schema: {
          tags: ['Hồ sơ'],
          summary: 'Sổ theo dõi hồ sơ (Mẫu 07) theo lĩnh vực và khoảng ngày tiếp nhận, dạng Excel (xlsx) hoặc CSV; cán bộ xem hồ sơ của cơ quan mình',
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              field: { type: 'string', minLength: 1, maxLength: 200 },
              from: day,
              to: day,
              agency: { type: 'string', format: 'uuid' },
              format: { enum: ['xlsx', 'csv'], default: 'xlsx' },
            },
          },
          response: { ...errorResponses },
        },
      },
      async (req, reply) => {
        const { format, ...filters } = req.query;
        const file = await trackingRegister(db, req.actor, filters, format);
        reply.type(file.mime).header('content-disposition', `attachment; filename="${file.filename}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
        return reply.send(file.stream);
      },
    );

    scope.get<{ Querystring: SearchQuery }>(
      '/api/v1/dossiers',
      {
        schema: {
          tags: ['Hồ sơ'],
          summary: 'Tìm hồ sơ (cán bộ): theo mã hồ sơ (đúng hoặc phần đầu), số định danh cá nhân, họ tên người nộp (không phân biệt dấu); mới nhất trước',
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              q: { type: 'string', maxLength: 200 },
              status: { type: 'integer', minimum: 1, maximum: 10 },
              ...pagingQuery,
            },
          },
          response: {
            200: {
              type: 'object',
              properties: { items: { type: 'array', items: anyObject }, total: { type: 'integer' }, page: { type: 'integer' }, pageSize: { type: 'integer' } },
            },
            ...errorResponses,
          },
        },
      },
      async (req) => searchDossiers(db, req.actor, req.query),
    );
  });
}
