// Routes of counter scanning (số hóa): the scanned pages in, one PDF upload out.
import type { FastifyInstance } from 'fastify';
import { AppError } from '../shared/errors.ts';
import { errorResponses, readFiles, uuidParam } from '../shared/http.ts';
import { MAX_UPLOAD_BYTES } from '../dossiers/files.ts';
import { createScan, getScan, MAX_SCAN_PAGES } from './service.ts';

const scanSchema = { type: 'object', additionalProperties: true } as const;

export async function scanRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db;
  app.post<{ Querystring: { name?: string } }>(
    '/api/v1/scans',
    {
      bodyLimit: MAX_UPLOAD_BYTES * 5,
      schema: {
        tags: ['Hồ sơ'],
        summary:
          'Số hóa hồ sơ giấy tại Bộ phận Một cửa: gửi các trang quét (ảnh JPEG/PNG, multipart, trường "page", đúng thứ tự; mỗi ảnh trong giới hạn số điểm ảnh); nhận lại một tệp PDF đã tải lên, ghi người số hóa và thời gian',
        consumes: ['multipart/form-data'],
        querystring: { type: 'object', additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 200 } } },
        response: { 201: scanSchema, ...errorResponses, 413: { $ref: 'Error#' }, 415: { $ref: 'Error#' }, 422: { $ref: 'Error#' } },
      },
    },
    async (req, reply) => {
      if (!req.actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
      // Parts arrive in the order the scanner produced them; that order is the page order.
      const pages = (await readFiles(req, { field: 'page', maxFiles: MAX_SCAN_PAGES, maxBytes: MAX_UPLOAD_BYTES })).map((f) => f.content);
      return reply.status(201).send(await createScan(db, req.actor, req.query.name ?? 'Bản số hóa', pages, app.uploadSettings.maxImagePixels));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/scans/:id',
    {
      schema: {
        tags: ['Hồ sơ'],
        summary: 'Thông tin bản số hóa: số trang, người số hóa, thời gian, mã băm từng trang',
        params: uuidParam,
        response: { 200: scanSchema, ...errorResponses },
      },
    },
    async (req) => {
      if (!req.actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
      return getScan(db, req.actor, req.params.id);
    },
  );
}
