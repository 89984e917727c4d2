import type { FastifyInstance } from 'fastify';
import { badRequest } from '../shared/errors.ts';
import { errorResponses, uuidParam } from '../shared/http.ts';
import { TIME_ZONE, vietnamIso } from '../shared/time.ts';
import { DATE_TIME_PATTERN, FIRST_YEAR, LAST_YEAR, parseDateTime } from './dates.ts';
import * as calendar from './service.ts';
import type { OfficePeriod } from './working-calendar.ts';

const TAGS = ['Lịch làm việc'];
const year = { type: 'integer', minimum: FIRST_YEAR, maximum: LAST_YEAR } as const;
const dayKinds = ['holiday', 'compensatory', 'adjustment', 'workday'];
const adjustmentKinds = ['holiday', 'workday', 'not_holiday'] as const;
const adjustmentSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    date: { type: 'string' },
    kind: { type: 'string', enum: adjustmentKinds },
    name: { type: 'string' },
    source: { type: 'string' },
    createdAt: { type: 'string' },
  },
} as const;
const hhmm = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' } as const;
const officeHoursSchema = {
  type: 'object',
  required: ['periods'],
  additionalProperties: false,
  properties: {
    periods: {
      type: 'array',
      minItems: 1,
      maxItems: 4,
      items: {
        type: 'object',
        required: ['start', 'end'],
        additionalProperties: false,
        properties: { start: hhmm, end: hhmm },
      },
    },
  },
} as const;

export async function calendarRoutes(app: FastifyInstance) {
  const db = app.db;

  app.get<{ Querystring: { from: string; workingDays?: number; workingHours?: number } }>(
    '/api/v1/calendar/due',
    {
      schema: {
        tags: TAGS,
        summary: 'Tính ngày hẹn trả kết quả theo ngày hoặc giờ làm việc',
        description:
          'Cho đúng một trong hai tham số workingDays, workingHours. Thời điểm không ghi múi giờ được hiểu là giờ Việt Nam. ' +
          'Hồ sơ nhận ngoài giờ hành chính được tính từ đầu buổi làm việc kế tiếp; một ngày làm việc bằng tổng giờ hành chính của một ngày.',
        querystring: {
          type: 'object',
          required: ['from'],
          additionalProperties: false,
          properties: {
            from: { type: 'string', maxLength: 40, pattern: DATE_TIME_PATTERN },
            workingDays: { type: 'number', minimum: 0, maximum: 3650 },
            workingHours: { type: 'number', minimum: 0, maximum: 30000 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'string' },
              due: { type: 'string' },
              workingDays: { type: 'number' },
              workingHours: { type: 'number' },
              timeZone: { type: 'string' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const { from, workingDays, workingHours } = req.query;
      if ((workingDays === undefined) === (workingHours === undefined)) {
        throw badRequest('DUE_AMOUNT_REQUIRED', 'Cần đúng một trong hai tham số workingDays (số ngày làm việc) hoặc workingHours (số giờ làm việc).');
      }
      const start = parseDateTime(from);
      if (!start) {
        throw badRequest(
          'INVALID_DATE_TIME',
          `Tham số from phải là một thời điểm có thật trong các năm ${FIRST_YEAR}–${LAST_YEAR}, ví dụ 2026-02-12T09:00:00+07:00.`,
        );
      }
      const cal = await calendar.workingCalendar(db);
      const due = workingDays !== undefined ? cal.addWorkingDays(start, workingDays) : cal.addWorkingHours(start, workingHours!);
      return { from: vietnamIso(start, true), due: vietnamIso(due, true), workingDays, workingHours, timeZone: TIME_ZONE };
    },
  );

  app.get<{ Querystring: { year: number } }>(
    '/api/v1/calendar/holidays',
    {
      schema: {
        tags: TAGS,
        summary: 'Ngày nghỉ lễ, tết, nghỉ bù và ngày làm bù trong năm',
        querystring: { type: 'object', required: ['year'], additionalProperties: false, properties: { year } },
        response: {
          200: {
            type: 'object',
            properties: {
              year: { type: 'integer' },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    date: { type: 'string' },
                    name: { type: 'string' },
                    kind: { type: 'string', enum: dayKinds },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req) => ({ year: req.query.year, items: (await calendar.workingCalendar(db)).holidays(req.query.year) }),
  );

  app.get<{ Querystring: { year?: number } }>(
    '/api/v1/admin/calendar/adjustments',
    {
      schema: {
        tags: TAGS,
        summary: 'Danh sách điều chỉnh lịch làm việc (quản trị hệ thống)',
        security: [{ session: [] }],
        querystring: { type: 'object', additionalProperties: false, properties: { year } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: adjustmentSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ items: await calendar.listAdjustments(db, req.actor, req.query.year) }),
  );

  app.post<{ Body: calendar.AdjustmentInput }>(
    '/api/v1/admin/calendar/adjustments',
    {
      schema: {
        tags: TAGS,
        summary: 'Thêm điều chỉnh lịch làm việc: ngày nghỉ thêm, ngày làm bù hoặc hủy ngày nghỉ',
        security: [{ session: [] }],
        body: {
          type: 'object',
          required: ['date', 'kind', 'name', 'source'],
          additionalProperties: false,
          properties: {
            date: { type: 'string', format: 'date' },
            kind: { type: 'string', enum: adjustmentKinds },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            source: { type: 'string', minLength: 1, maxLength: 500 },
          },
        },
        response: { 201: adjustmentSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await calendar.createAdjustment(db, req.actor, req.body)),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/admin/calendar/adjustments/:id',
    {
      schema: { tags: TAGS, summary: 'Xóa một điều chỉnh lịch làm việc', security: [{ session: [] }], params: uuidParam, response: errorResponses },
    },
    async (req, reply) => {
      await calendar.deleteAdjustment(db, req.actor, req.params.id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/calendar/office-hours',
    {
      schema: { tags: TAGS, summary: 'Giờ làm việc hành chính (giờ Việt Nam)', response: { 200: officeHoursSchema, ...errorResponses } },
    },
    async () => ({ periods: await calendar.getOfficeHours(db) }),
  );

  app.put<{ Body: { periods: OfficePeriod[] } }>(
    '/api/v1/admin/calendar/office-hours',
    {
      schema: {
        tags: TAGS,
        summary: 'Sửa giờ làm việc hành chính',
        security: [{ session: [] }],
        body: officeHoursSchema,
        response: { 200: officeHoursSchema, ...errorResponses },
      },
    },
    async (req) => ({ periods: await calendar.setOfficeHours(db, req.actor, req.body.periods) }),
  );
}
