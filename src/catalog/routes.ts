import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../shared/actor.ts';
import { errorResponses, pagingQuery, uuidParam } from '../shared/http.ts';
import * as catalog from './service.ts';

const summarySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    code: { type: 'string' },
    nationalCode: { type: 'string' },
    name: { type: 'string' },
    field: { type: 'string' },
    agencyLevel: { type: 'string' },
    competentAgency: { type: 'string' },
    onlineLevel: { type: 'string' },
    processingTime: { type: 'object', additionalProperties: true },
    free: { type: 'boolean' },
    version: { type: 'integer' },
    status: { type: 'string' },
    agencyId: { type: 'string' },
  },
} as const;
const pageSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: summarySchema }, total: { type: 'integer' }, page: { type: 'integer' }, pageSize: { type: 'integer' } },
} as const;
const filters = {
  q: { type: 'string', maxLength: 200 },
  field: { type: 'string', maxLength: 200 },
  agencyLevel: { type: 'string', enum: ['province', 'department', 'commune'] },
  onlineLevel: { type: 'string', enum: ['full', 'partial', 'offline'] },
  agency: { type: 'string', format: 'uuid' },
  ...pagingQuery,
} as const;
const adminDetail = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    code: { type: 'string' },
    status: { type: 'string' },
    version: { type: 'integer' },
    publishedVersion: { type: ['integer', 'null'] },
    agencyId: { type: 'string' },
    content: { type: 'object', additionalProperties: true },
    versions: {
      type: 'array',
      items: { type: 'object', properties: { version: { type: 'integer' }, createdAt: { type: 'string' }, createdBy: { type: ['string', 'null'] } } },
    },
  },
} as const;
const exportSchema = {
  type: 'object',
  required: ['items'],
  properties: {
    format: { type: 'string', const: catalog.EXPORT_FORMAT },
    exportedAt: { type: 'string' },
    items: { type: 'array', maxItems: 10000, items: { type: 'object', additionalProperties: true } },
  },
} as const;

export async function catalogRoutes(app: FastifyInstance) {
  const db = app.db;

  app.get<{ Querystring: catalog.SearchFilters }>(
    '/api/v1/procedures',
    {
      schema: {
        tags: ['Thủ tục hành chính'],
        summary: 'Tìm thủ tục theo tên, mã, lĩnh vực (không phân biệt dấu, chấp nhận gõ sai)',
        querystring: { type: 'object', additionalProperties: false, properties: filters },
        response: { 200: pageSchema, ...errorResponses },
      },
    },
    async (req) => catalog.searchProcedures(db, req.query),
  );

  app.get(
    '/api/v1/fields',
    {
      schema: {
        tags: ['Thủ tục hành chính'],
        summary: 'Các lĩnh vực có thủ tục đang công bố',
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, count: { type: 'integer' } } } } },
          },
        },
      },
    },
    async () => ({ items: await catalog.listFields(db) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/procedures/:id',
    {
      schema: {
        tags: ['Thủ tục hành chính'],
        summary: 'Thông tin công khai của một thủ tục (theo id hoặc mã)',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 80, pattern: '^[0-9A-Za-z.-]+$' } } },
        response: {
          200: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              code: { type: 'string' },
              version: { type: 'integer' },
              agencyId: { type: 'string' },
              publishedAt: { type: 'string' },
              content: { $ref: 'ProcedureContent#' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req) => catalog.getPublishedProcedure(db, req.params.id),
  );

  // ---- administration ----
  app.get<{ Querystring: catalog.SearchFilters }>(
    '/api/v1/admin/procedures',
    {
      schema: {
        tags: ['Quản trị'],
        summary: 'Thủ tục trong phạm vi quản lý (mọi trạng thái)',
        querystring: { type: 'object', additionalProperties: false, properties: filters },
        response: { 200: pageSchema, ...errorResponses },
      },
    },
    async (req) => catalog.listProceduresForAdmin(db, requireAdmin(req.actor), req.query),
  );

  app.get(
    '/api/v1/admin/procedures/export',
    {
      schema: { tags: ['Quản trị'], summary: 'Xuất danh mục thủ tục (JSON)', response: { 200: exportSchema, ...errorResponses } },
    },
    async (req, reply) => {
      reply.header('content-disposition', 'attachment; filename="thu-tuc-hanh-chinh.json"');
      return catalog.exportProcedures(db, requireAdmin(req.actor));
    },
  );

  app.post<{ Body: { items: unknown[] } }>(
    '/api/v1/admin/procedures/import',
    {
      bodyLimit: 20 * 1024 * 1024,
      schema: {
        tags: ['Quản trị'],
        summary: 'Nhập danh mục thủ tục (JSON của chức năng xuất)',
        body: exportSchema,
        response: {
          200: {
            type: 'object',
            properties: {
              created: { type: 'integer' },
              updated: { type: 'integer' },
              unchanged: { type: 'integer' },
              rejected: {
                type: 'array',
                items: { type: 'object', properties: { index: { type: 'integer' }, code: { type: ['string', 'null'] }, message: { type: 'string' } } },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req) => catalog.importProcedures(db, requireAdmin(req.actor), req.body.items),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/admin/procedures/:id',
    {
      schema: {
        tags: ['Quản trị'],
        summary: 'Thủ tục với phiên bản mới nhất và lịch sử phiên bản',
        params: uuidParam,
        response: { 200: adminDetail, ...errorResponses },
      },
    },
    async (req) => catalog.getProcedureForAdmin(db, requireAdmin(req.actor), req.params.id),
  );

  app.post<{ Body: { agencyId: string; content: unknown } }>(
    '/api/v1/admin/procedures',
    {
      schema: {
        tags: ['Quản trị'],
        summary: 'Thêm thủ tục (bản nháp, phiên bản 1)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['agencyId', 'content'],
          properties: { agencyId: { type: 'string', format: 'uuid' }, content: { $ref: 'ProcedureContent#' } },
        },
        response: { 201: adminDetail, ...errorResponses },
      },
    },
    async (req, reply) => {
      const actor = requireAdmin(req.actor);
      const id = await catalog.createProcedure(db, actor, req.body.agencyId, req.body.content);
      return reply.status(201).send(await catalog.getProcedureForAdmin(db, actor, id));
    },
  );

  app.put<{ Params: { id: string }; Body: { content: unknown } }>(
    '/api/v1/admin/procedures/:id',
    {
      schema: {
        tags: ['Quản trị'],
        summary: 'Sửa thủ tục: lưu thành phiên bản mới',
        params: uuidParam,
        body: { type: 'object', additionalProperties: false, required: ['content'], properties: { content: { $ref: 'ProcedureContent#' } } },
        response: { 200: adminDetail, ...errorResponses },
      },
    },
    async (req) => {
      const actor = requireAdmin(req.actor);
      await catalog.updateProcedure(db, actor, req.params.id, req.body.content);
      return catalog.getProcedureForAdmin(db, actor, req.params.id);
    },
  );

  const synonymList = {
    type: 'object',
    required: ['items'],
    additionalProperties: false,
    properties: {
      items: {
        type: 'array',
        maxItems: 2000,
        items: {
          type: 'object',
          required: ['phrase', 'meaning'],
          additionalProperties: false,
          properties: { phrase: { type: 'string', minLength: 1, maxLength: 100 }, meaning: { type: 'string', minLength: 1, maxLength: 200 } },
        },
      },
    },
  } as const;
  app.get(
    '/api/v1/admin/search-synonyms',
    {
      schema: {
        tags: ['Quản trị'],
        summary: 'Từ đồng nghĩa của tìm kiếm thủ tục ("sổ đỏ" → giấy chứng nhận quyền sử dụng đất)',
        response: { 200: synonymList, ...errorResponses },
      },
    },
    async (req) => {
      requireAdmin(req.actor);
      return { items: await catalog.listSearchSynonyms(db) };
    },
  );
  app.put<{ Body: { items: catalog.SearchSynonym[] } }>(
    '/api/v1/admin/search-synonyms',
    {
      schema: {
        tags: ['Quản trị'],
        summary: 'Thay danh sách từ đồng nghĩa (quản trị hệ thống)',
        body: synonymList,
        response: { 200: synonymList, ...errorResponses },
      },
    },
    async (req) => ({ items: await catalog.replaceSearchSynonyms(db, requireAdmin(req.actor), req.body.items) }),
  );

  for (const [action, run, summary] of [
    ['publish', catalog.publishProcedure, 'Công bố phiên bản mới nhất'],
    ['unpublish', catalog.unpublishProcedure, 'Ngừng công bố'],
  ] as const) {
    app.post<{ Params: { id: string } }>(
      `/api/v1/admin/procedures/:id/${action}`,
      {
        schema: { tags: ['Quản trị'], summary, params: uuidParam, response: { 200: adminDetail, ...errorResponses } },
      },
      async (req) => {
        const actor = requireAdmin(req.actor);
        await run(db, actor, req.params.id);
        return catalog.getProcedureForAdmin(db, actor, req.params.id);
      },
    );
  }
}
