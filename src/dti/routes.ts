// DTI self-assessment over HTTP: catalogues (load a shipped one or one given as JSON), the year's assessment with its
// scores and formulas, owners, values, evidence files, the what-if score, and the published results of past years.
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { MAX_UPLOAD_BYTES } from '../dossiers/files.ts';
import { errorResponses, readFiles } from '../shared/http.ts';
import * as dti from './service.ts';
import type { Catalogue, Value } from './scoring.ts';

const TAGS = ['Chỉ số chuyển đổi số (DTI)'];
const year = { type: 'integer', minimum: 2000, maximum: 2100 } as const;
const code = { type: 'string', pattern: '^[0-9A-Za-z.]{1,20}$' } as const;
const yearParams = { type: 'object', required: ['year'], properties: { year } } as const;
const componentParams = { type: 'object', required: ['year', 'code'], properties: { year, code } } as const;
const value = {
  anyOf: [
    { type: 'number', minimum: 0 },
    { type: 'boolean' },
    {
      type: 'object',
      additionalProperties: false,
      required: ['numerator', 'denominator'],
      properties: { numerator: { type: 'number', minimum: 0 }, denominator: { type: 'number', exclusiveMinimum: 0 } },
    },
  ],
} as const;
const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
const scoring = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { enum: ['steps', 'ratio', 'yes_no'] },
    unit: text(50),
    target: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    steps: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['min', 'points'],
        properties: { min: { type: 'number' }, points: { type: 'number', minimum: 0 } },
      },
    },
  },
} as const;
const points = { type: 'number', minimum: 0, maximum: 10000 } as const;
const catalogueSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['year', 'decision', 'title', 'maxPoints', 'pillars'],
  properties: {
    year,
    decision: text(100),
    title: text(300),
    note: text(2000),
    maxPoints: points,
    pillars: {
      type: 'array',
      minItems: 1,
      maxItems: 10,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'name', 'indicators'],
        properties: {
          code,
          name: text(200),
          indicators: {
            type: 'array',
            maxItems: 30,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['code', 'name', 'maxPoints', 'components'],
              properties: {
                code,
                name: text(300),
                maxPoints: points,
                components: {
                  type: 'array',
                  maxItems: 100,
                  items: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['code', 'name', 'maxPoints', 'scoring', 'evidenceRequired'],
                    properties: { code, name: text(500), maxPoints: points, scoring, evidenceRequired: { type: 'boolean' }, autoKey: text(100) },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

export async function dtiRoutes(app: FastifyInstance) {
  const db = app.db;
  if (!app.hasContentTypeParser('multipart/form-data')) await app.register(multipart);
  const doc = (summary: string, extra: object = {}) => ({ schema: { tags: TAGS, summary, response: errorResponses, ...extra } });

  app.get('/api/v1/dti/years', doc('Các năm đã nạp bộ chỉ số DTI, và các bộ chỉ số có sẵn để nạp'), async (req) => ({
    items: await dti.listYears(db, req.actor),
    builtin: dti.builtinYears(),
  }));

  app.post<{ Body: { builtin: number } | { catalogue: Catalogue } }>(
    '/api/v1/dti/catalogues',
    doc('Nạp bộ chỉ số của một năm: bộ có sẵn (2022 theo QĐ 922/QĐ-BTTTT, 2025 theo QĐ 405/QĐ-BKHCN) hoặc một bộ dạng JSON; chỉ quản trị hệ thống', {
      body: {
        oneOf: [
          { type: 'object', additionalProperties: false, required: ['builtin'], properties: { builtin: year } },
          { type: 'object', additionalProperties: false, required: ['catalogue'], properties: { catalogue: catalogueSchema } },
        ],
      },
    }),
    async (req, reply) => {
      const c = 'builtin' in req.body ? dti.builtinCatalogue(req.body.builtin) : req.body.catalogue;
      return reply.status(201).send(await dti.loadCatalogue(db, req.actor, c));
    },
  );

  app.get<{ Params: { year: number } }>(
    '/api/v1/dti/:year',
    doc(
      'Tự đánh giá DTI của năm: từng thành phần (cơ quan phụ trách, giá trị, minh chứng, điểm và công thức), điểm chỉ số chính, trụ cột, tổng; kết quả đã công bố các năm',
      {
        params: yearParams,
      },
    ),
    async (req) => dti.getAssessment(db, req.actor, req.params.year),
  );

  app.post<{ Params: { year: number }; Body: { values: Record<string, Value | null> } }>(
    '/api/v1/dti/:year/what-if',
    doc('Thử tính điểm với các giá trị thay đổi (null = bỏ giá trị) mà không lưu', {
      params: yearParams,
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['values'],
        properties: { values: { type: 'object', maxProperties: 200, additionalProperties: { anyOf: [...value.anyOf, { type: 'null' }] } } },
      },
    }),
    async (req) => dti.whatIf(db, req.actor, req.params.year, req.body.values),
  );

  app.put<{ Params: { year: number; code: string }; Body: { agencyId: string | null } }>(
    '/api/v1/dti/:year/components/:code/owner',
    doc('Phân công thành phần cho cơ quan phụ trách (chỉ quản trị hệ thống)', {
      params: componentParams,
      body: { type: 'object', additionalProperties: false, required: ['agencyId'], properties: { agencyId: { type: ['string', 'null'], format: 'uuid' } } },
    }),
    async (req, reply) => {
      await dti.setOwner(db, req.actor, req.params.year, req.params.code, req.body.agencyId);
      return reply.status(204).send();
    },
  );

  app.put<{ Params: { year: number; code: string }; Body: { value: Value | null; note?: string } }>(
    '/api/v1/dti/:year/components/:code/value',
    doc('Nhập giá trị tự đánh giá của thành phần (số cho bậc thang, tử số/mẫu số cho tỷ lệ, true/false cho có/không; null để xóa)', {
      params: componentParams,
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['value'],
        properties: { value: { anyOf: [...value.anyOf, { type: 'null' }] }, note: { type: 'string', maxLength: 2000 } },
      },
    }),
    async (req, reply) => {
      await dti.setValue(db, req.actor, req.params.year, req.params.code, req.body);
      return reply.status(204).send();
    },
  );

  app.post<{ Params: { year: number; code: string } }>(
    '/api/v1/dti/:year/components/:code/evidence',
    doc('Thêm tệp minh chứng (PDF, JPEG, PNG; multipart, trường "file")', { params: componentParams, consumes: ['multipart/form-data'] }),
    async (req, reply) => {
      const [file] = await readFiles(req, { field: 'file', maxFiles: 1, maxBytes: MAX_UPLOAD_BYTES });
      return reply.status(201).send(await dti.addEvidence(db, req.actor, req.params.year, req.params.code, file, app.uploadSettings));
    },
  );

  app.get<{ Params: { year: number; id: string } }>(
    '/api/v1/dti/:year/evidence/:id',
    doc('Một tệp minh chứng, đúng từng byte như đã lưu', {
      params: { type: 'object', required: ['year', 'id'], properties: { year, id: { type: 'string', format: 'uuid' } } },
    }),
    async (req, reply) => {
      const f = await dti.readEvidence(db, req.actor, req.params.year, req.params.id);
      return reply
        .header('content-type', f.mime)
        .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(f.name)}`)
        .send(f.content);
    },
  );

  app.put<{ Params: { year: number }; Body: Omit<dti.PublishedResult, 'year'> }>(
    '/api/v1/dti/published/:year',
    doc('Nhập kết quả DTI đã công bố của tỉnh cho một năm (điểm hoặc giá trị 0–1, xếp hạng, theo trụ cột); chỉ quản trị hệ thống', {
      params: yearParams,
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['score', 'maxScore', 'rank', 'provinces', 'pillars', 'source'],
        properties: {
          score: points,
          maxScore: { type: 'number', exclusiveMinimum: 0, maximum: 10000 },
          rank: { type: ['integer', 'null'], minimum: 1 },
          provinces: { type: ['integer', 'null'], minimum: 1 },
          pillars: {
            type: 'array',
            maxItems: 10,
            items: { type: 'object', additionalProperties: false, required: ['code', 'name', 'score'], properties: { code, name: text(200), score: points } },
          },
          source: text(500),
        },
      },
    }),
    async (req, reply) => {
      await dti.setPublished(db, req.actor, { year: req.params.year, ...req.body });
      return reply.status(204).send();
    },
  );
}
