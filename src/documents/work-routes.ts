// Tìm kiếm văn bản and hồ sơ công việc over HTTP: validation, the signed-in staff member, the service.
import type { FastifyInstance } from 'fastify';
import { errorResponses, uuidParam } from '../shared/http.ts';
import { requireStaff } from './routes.ts';
import { searchDocuments } from './search.ts';
import * as workFiles from './work-files.ts';

const TAGS = ['Văn bản đi, đến'];
const anyObject = { type: 'object', additionalProperties: true } as const;
const uuid = { type: 'string', format: 'uuid' } as const;
const noContent = { 204: { type: 'null' }, ...errorResponses };
const fileDocParams = { type: 'object', required: ['id', 'documentId'], properties: { id: uuid, documentId: uuid } } as const;

export async function documentWorkRoutes(app: FastifyInstance) {
  const db = app.db;

  app.get<{ Querystring: { q: string } }>(
    '/api/v1/documents/search',
    {
      schema: {
        tags: TAGS,
        summary: 'Tìm văn bản theo số, ký hiệu, trích yếu, nơi gửi và nội dung tệp PDF, không cần dấu (chỉ văn bản người dùng được xem)',
        querystring: { type: 'object', additionalProperties: false, required: ['q'], properties: { q: { type: 'string', minLength: 1, maxLength: 200 } } },
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => searchDocuments(db, requireStaff(req), req.query.q),
  );

  app.get(
    '/api/v1/work-files',
    { schema: { tags: TAGS, summary: 'Hồ sơ công việc của cơ quan mà người dùng được xem', response: { 200: anyObject, ...errorResponses } } },
    async (req) => workFiles.listWorkFiles(db, requireStaff(req)),
  );

  app.post<{ Body: workFiles.WorkFileInput }>(
    '/api/v1/work-files',
    {
      schema: {
        tags: TAGS,
        summary: 'Lập hồ sơ công việc: tiêu đề, ký hiệu hồ sơ, thời hạn bảo quản (số năm, null là vĩnh viễn), người chịu trách nhiệm (mặc định là người lập)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['code', 'title', 'retentionYears'],
          properties: {
            code: { type: 'string', minLength: 1, maxLength: 50 },
            title: { type: 'string', minLength: 1, maxLength: 500 },
            retentionYears: { type: ['integer', 'null'], minimum: 1, maximum: 100 },
            responsibleId: uuid,
          },
        },
        response: { 201: anyObject, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await workFiles.createWorkFile(db, requireStaff(req), req.body)),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/work-files/:id',
    { schema: { tags: TAGS, summary: 'Một hồ sơ công việc và các văn bản trong hồ sơ', params: uuidParam, response: { 200: anyObject, ...errorResponses } } },
    async (req) => workFiles.getWorkFile(db, requireStaff(req), req.params.id),
  );

  app.put<{ Params: { id: string; documentId: string } }>(
    '/api/v1/work-files/:id/documents/:documentId',
    { schema: { tags: TAGS, summary: 'Đưa văn bản vào hồ sơ công việc (hồ sơ chưa kết thúc)', params: fileDocParams, response: noContent } },
    async (req, reply) => {
      await workFiles.addToWorkFile(db, requireStaff(req), req.params.id, req.params.documentId);
      return reply.status(204).send();
    },
  );

  app.delete<{ Params: { id: string; documentId: string } }>(
    '/api/v1/work-files/:id/documents/:documentId',
    { schema: { tags: TAGS, summary: 'Rút văn bản khỏi hồ sơ công việc (hồ sơ chưa kết thúc)', params: fileDocParams, response: noContent } },
    async (req, reply) => {
      await workFiles.removeFromWorkFile(db, requireStaff(req), req.params.id, req.params.documentId);
      return reply.status(204).send();
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/work-files/:id/close',
    { schema: { tags: TAGS, summary: 'Kết thúc hồ sơ công việc: ghi ngày kết thúc, sau đó không thay đổi được', params: uuidParam, response: noContent } },
    async (req, reply) => {
      await workFiles.closeWorkFile(db, requireStaff(req), req.params.id);
      return reply.status(204).send();
    },
  );
}
