// Routes of counter scanning (số hóa): the scanned pages in, one PDF upload out.
import type { FastifyInstance } from 'fastify';
import { AppError } from '../shared/errors.ts';
import { errorResponses, uuidParam } from '../shared/http.ts';
import { MAX_UPLOAD_BYTES } from '../dossiers/files.ts';
import { createScan, getScan, MAX_SCAN_PAGES } from './service.ts';

const scanSchema = { type: 'object', additionalProperties: true } as const;

export async function scanRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db;
  app.post<{ Querystring: { name?: string } }>('/api/v1/scans', {
    bodyLimit: MAX_UPLOAD_BYTES * 5,
    schema: {
      tags: ['Hồ sơ'],
      summary: 'Số hóa hồ sơ giấy tại Bộ phận Một cửa: gửi các trang quét (ảnh JPEG/PNG, multipart, trường "page", đúng thứ tự); nhận lại một tệp PDF đã tải lên, ghi người số hóa và thời gian',
      consumes: ['multipart/form-data'],
      querystring: { type: 'object', additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 200 } } },
      response: { 201: scanSchema, ...errorResponses, 413: { $ref: 'Error#' }, 415: { $ref: 'Error#' } },
    },
  }, async (req, reply) => {
    if (!req.actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
    if (!req.isMultipart()) throw new AppError(415, 'MULTIPART_REQUIRED', 'Hãy gửi các trang quét dưới dạng multipart/form-data, mỗi trang một trường "page".');
    const pages: Buffer[] = [];
    try {
      // Parts arrive in the order the scanner produced them; that order is the page order.
      for await (const part of req.files({ limits: { files: MAX_SCAN_PAGES + 1, parts: MAX_SCAN_PAGES + 1, fileSize: MAX_UPLOAD_BYTES } })) {
        if (part.fieldname !== 'page') throw new AppError(400, 'PAGE_REQUIRED', 'Mỗi trang quét phải nằm trong trường "page".');
        pages.push(await part.toBuffer());
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError(413, 'FILE_TOO_LARGE', `Mỗi trang tối đa ${MAX_UPLOAD_BYTES / 1024 / 1024} MB, tối đa ${MAX_SCAN_PAGES} trang.`);
    }
    return reply.status(201).send(await createScan(db, req.actor, req.query.name ?? 'Bản số hóa', pages));
  });

  app.get<{ Params: { id: string } }>('/api/v1/scans/:id', {
    schema: { tags: ['Hồ sơ'], summary: 'Thông tin bản số hóa: số trang, người số hóa, thời gian, mã băm từng trang', params: uuidParam,
      response: { 200: scanSchema, ...errorResponses } },
  }, async (req) => {
    if (!req.actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
    return getScan(db, req.actor, req.params.id);
  });
}
