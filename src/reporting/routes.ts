// Indicators and periodic reports over HTTP: validation (Vietnamese messages from the shared validator), the signed-in
// staff member, the service.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.ts';
import type { Actor } from '../shared/actor.ts';
import { errorResponses, readFiles, uuidParam } from '../shared/http.ts';
import { vietnamYear } from '../shared/time.ts';
import { AGGREGATIONS, COMPUTED, DISAGGREGATIONS, type IndicatorInput, listIndicators, saveIndicator } from './indicators.ts';
import { COLUMNS, ENTERED } from './form.ts';
import * as reporting from './service.ts';

const TAGS = ['Chỉ tiêu và báo cáo định kỳ'];
const text = (max: number, min = 1) => ({ type: 'string', minLength: min, maxLength: max }) as const;
const uuid = { type: 'string', format: 'uuid' } as const;
const date = { type: 'string', format: 'date' } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;
const year = { type: 'integer', minimum: 2000, maximum: 2199 } as const;
const figure = { type: ['number', 'null'], minimum: -1e15, maximum: 1e15 } as const;
const MAX_XLSX_BYTES = 2 * 1024 * 1024;

const requireStaff = (req: FastifyRequest): Actor => {
  if (!req.actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
  return req.actor;
};

const action = (name: string, required: string[] = [], properties: Record<string, object> = {}) => ({
  type: 'object',
  additionalProperties: false,
  required: ['action', ...required],
  properties: { action: { const: name }, revision: { type: 'integer', minimum: 0 }, ...properties },
});
const note = { note: text(2000) };

export async function reportingRoutes(app: FastifyInstance) {
  const db = app.db;
  if (!app.hasContentTypeParser('multipart/form-data')) await app.register(multipart);

  app.get<{ Querystring: { year?: number } }>(
    '/api/v1/indicators',
    {
      schema: {
        tags: TAGS,
        summary: 'Từ điển chỉ tiêu của một năm (mỗi mã: phiên bản của năm đó hoặc năm gần nhất trước đó), và các số liệu hệ thống tính được',
        querystring: { type: 'object', additionalProperties: false, properties: { year } },
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => {
      requireStaff(req);
      const y = req.query.year ?? vietnamYear(new Date());
      return {
        year: y,
        items: await listIndicators(db, y),
        computations: Object.entries(COMPUTED).map(([key, c]) => ({ key, label: c.label })),
      };
    },
  );

  app.put<{ Params: { code: string; year: number }; Body: IndicatorInput }>(
    '/api/v1/indicators/:code/:year',
    {
      schema: {
        tags: TAGS,
        summary: 'Quản trị hệ thống ghi phiên bản của năm cho một chỉ tiêu (năm mới: phiên bản mới; năm trước giữ nguyên)',
        params: {
          type: 'object',
          required: ['code', 'year'],
          properties: { code: { type: 'string', pattern: '^[A-Z][A-Z0-9_.]{1,39}$' }, year },
        },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'unit', 'area', 'definition', 'formula', 'aggregation', 'disaggregations', 'source'],
          properties: {
            name: text(300),
            unit: text(40),
            area: text(100),
            definition: text(4000, 0),
            formula: text(1000, 0),
            aggregation: { enum: AGGREGATIONS },
            disaggregations: { type: 'array', uniqueItems: true, items: { enum: DISAGGREGATIONS } },
            source: { enum: ['computed', 'reported'] },
            computedBy: { type: ['string', 'null'], maxLength: 100 },
            numerator: { type: ['string', 'null'], maxLength: 40 },
            denominator: { type: ['string', 'null'], maxLength: 40 },
          },
        },
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => saveIndicator(db, req.actor, req.params.code, req.params.year, req.body),
  );

  app.get(
    '/api/v1/report-regimes',
    { schema: { tags: TAGS, summary: 'Các chế độ báo cáo (Nghị định 09/2019/NĐ-CP)', response: { 200: anyObject, ...errorResponses } } },
    async (req) => {
      requireStaff(req);
      return { items: await reporting.listRegimes(db) };
    },
  );

  app.patch<{ Params: { id: string }; Body: reporting.RegimeSettings }>(
    '/api/v1/report-regimes/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Quản trị hệ thống đặt ngày chốt số liệu, hạn gửi (ngày làm việc sau ngày chốt, ít nhất 1), ngày nhắc trước hạn',
        params: uuidParam,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['cutoffDay', 'dueWorkingDays', 'remindDaysBefore', 'active'],
          properties: {
            cutoffDay: { type: 'integer', minimum: 1, maximum: 28 },
            dueWorkingDays: { type: 'integer', minimum: 1, maximum: 30 },
            remindDaysBefore: { type: 'integer', minimum: 0, maximum: 30 },
            active: { type: 'boolean' },
          },
        },
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => reporting.updateRegime(db, req.actor, req.params.id, req.body),
  );

  app.post<{ Params: { id: string }; Body: { label: string; startsOn: string; endsOn: string; dueOn: string } }>(
    '/api/v1/report-regimes/:id/periods',
    {
      schema: {
        tags: TAGS,
        summary: 'Yêu cầu báo cáo chuyên đề, đột xuất cho một khoảng thời gian (kỳ định kỳ tự mở theo ngày chốt)',
        params: uuidParam,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['label', 'startsOn', 'endsOn', 'dueOn'],
          properties: { label: text(200), startsOn: date, endsOn: date, dueOn: date },
        },
        response: { 201: anyObject, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send({ id: await reporting.openRequestedPeriod(db, req.actor, req.params.id, req.body) }),
  );

  app.get<{ Querystring: { periodId?: string } }>(
    '/api/v1/reports',
    {
      schema: {
        tags: TAGS,
        summary: 'Báo cáo của đơn vị mình và báo cáo gửi đến cơ quan mình, kỳ mới nhất trước; đánh dấu quá hạn, sắp đến hạn',
        querystring: { type: 'object', additionalProperties: false, properties: { periodId: uuid } },
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => ({ items: await reporting.listReports(db, requireStaff(req), req.query) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/reports/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Một báo cáo: biểu số liệu (số liệu hệ thống tính điền sẵn), kiểm tra (lỗi, cảnh báo), phiên bản, lịch sử, thao tác được phép',
        params: uuidParam,
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => reporting.getReport(db, requireStaff(req), req.params.id),
  );

  const entryColumns = Object.fromEntries(ENTERED.map((c) => [c, figure]));
  app.put<{ Params: { id: string }; Body: { entries: Record<string, Record<string, number | null>>; narrative?: string; revision?: number } }>(
    '/api/v1/reports/:id/values',
    {
      schema: {
        tags: TAGS,
        summary: 'Lưu số liệu đơn vị nhập (ô để trống: null, chưa có số liệu — không phải 0) và phần thuyết minh',
        params: uuidParam,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['entries'],
          properties: {
            entries: {
              type: 'object',
              maxProperties: 500,
              additionalProperties: { type: 'object', additionalProperties: false, properties: entryColumns },
            },
            narrative: text(20000, 0),
            revision: { type: 'integer', minimum: 0 },
          },
        },
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (req, reply) => {
      await reporting.saveReport(db, requireStaff(req), req.params.id, req.body);
      return reply.status(204).send();
    },
  );

  app.post<{ Params: { id: string }; Body: { action: 'sign'; note?: string } | (Parameters<typeof reporting.actOnReport>[3] & { revision?: number }) }>(
    '/api/v1/reports/:id/actions',
    {
      schema: {
        tags: TAGS,
        summary:
          'Thao tác trên báo cáo: trình, trả lại để sửa, ký số và gửi (lãnh đạo đơn vị), tiếp nhận hoặc trả lại (nơi nhận), chỉnh sửa thành phiên bản mới',
        params: uuidParam,
        body: {
          oneOf: [
            action('submit', [], note),
            action('send_back', ['note'], note),
            action('sign', [], note),
            action('accept', [], note),
            action('return', ['reason'], { reason: text(2000) }),
            action('correct', [], note),
          ],
        },
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (req, reply) => {
      const actor = requireStaff(req);
      const { revision, ...input } = req.body as { revision?: number } & typeof req.body;
      if (input.action === 'sign') await reporting.signReport(db, actor, req.params.id, app.signing, input.note);
      else await reporting.actOnReport(db, actor, req.params.id, input as Parameters<typeof reporting.actOnReport>[3], revision);
      return reply.status(204).send();
    },
  );

  app.get<{ Params: { id: string; version: number } }>(
    '/api/v1/reports/:id/versions/:version/pdf',
    {
      schema: {
        tags: TAGS,
        summary: 'Bản PDF đã ký số của một phiên bản báo cáo',
        params: { type: 'object', required: ['id', 'version'], properties: { id: uuid, version: { type: 'integer', minimum: 1 } } },
        response: { ...errorResponses },
      },
    },
    async (req, reply) => {
      const pdf = await reporting.signedPdf(db, requireStaff(req), req.params.id, req.params.version);
      return reply.header('content-type', 'application/pdf').header('content-disposition', `inline; filename="bao-cao-v${req.params.version}.pdf"`).send(pdf);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/reports/:id/xlsx',
    { schema: { tags: TAGS, summary: 'Tải biểu mẫu báo cáo dạng XLSX (số liệu hiện có)', params: uuidParam, response: { ...errorResponses } } },
    async (req, reply) => {
      const { fileName, bytes } = await reporting.exportReport(db, requireStaff(req), req.params.id);
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .send(bytes);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/reports/:id/xlsx',
    {
      schema: {
        tags: TAGS,
        summary: 'Nhập biểu mẫu XLSX đã điền (trường "file"); tệp có lỗi bị từ chối cả tệp, nêu từng ô, không ghi gì',
        params: uuidParam,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (req, reply) => {
      const actor = requireStaff(req);
      const [file] = await readFiles(req, { field: 'file', maxFiles: 1, maxBytes: MAX_XLSX_BYTES });
      await reporting.importReport(db, actor, req.params.id, file.content);
      return reply.status(204).send();
    },
  );

  app.get<{ Params: { id: string }; Querystring: { agencyId?: string } }>(
    '/api/v1/report-periods/:id/rollup',
    {
      schema: {
        tags: TAGS,
        summary: 'Tổng hợp báo cáo của kỳ: xã → cơ quan → tỉnh, số liệu từng cấp dưới để xem chi tiết; chưa có số liệu là null',
        params: uuidParam,
        querystring: { type: 'object', additionalProperties: false, properties: { agencyId: uuid } },
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => ({ ...(await reporting.rollup(db, requireStaff(req), req.params.id, req.query.agencyId)), columns: COLUMNS }),
  );
}
