import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../shared/actor.ts';
import { errorResponses, uuidParam } from '../shared/http.ts';
import { AGENCY_CODE_PATTERN, AGENCY_KINDS, createAgency, listAgencies, updateAgency, type AgencyPatch, type NewAgency } from './service.ts';

const timeSchema = { type: 'string', pattern: '^[0-9]{2}:[0-9]{2}$' } as const;
const saturdaySchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  required: ['start', 'end'],
  properties: { start: timeSchema, end: timeSchema },
} as const;
const agencySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    code: { type: 'string' },
    legacyCode: { type: ['string', 'null'] },
    name: { type: 'string' },
    kind: { type: 'string' },
    parentId: { type: ['string', 'null'] },
    unitCode: { type: ['string', 'null'] },
    active: { type: 'boolean' },
    saturdaySession: saturdaySchema,
    abbreviation: { type: ['string', 'null'] },
  },
} as const;
const listSchema = { type: 'object', properties: { items: { type: 'array', items: agencySchema } } } as const;
const codeSchema = { type: 'string', maxLength: 35, pattern: AGENCY_CODE_PATTERN } as const;
// Ký hiệu cơ quan in document notations (15/QĐ-UBND): letters (Vietnamese ones included: À–ỹ holds Đ) and digits only,
// "-" and "/" separate the notation's groups. No \p{…} classes: the API docs' example generator cannot read them.
const abbreviationSchema = { type: ['string', 'null'], pattern: '^[0-9A-Za-zÀ-ỹ]{1,20}$' } as const;
const unitCodeSchema = { type: ['string', 'null'], pattern: '^[0-9]{2,5}$' } as const;

export async function agencyRoutes(app: FastifyInstance) {
  const db = app.db;

  app.get(
    '/api/v1/agencies',
    {
      schema: { tags: ['Cơ quan'], summary: 'Danh sách cơ quan đang hoạt động (công khai)', response: { 200: listSchema } },
    },
    async () => ({ items: await listAgencies(db, null) }),
  );

  app.get(
    '/api/v1/admin/agencies',
    {
      schema: { tags: ['Quản trị'], summary: 'Cơ quan trong phạm vi quản lý', response: { 200: listSchema, ...errorResponses } },
    },
    async (req) => ({ items: await listAgencies(db, requireAdmin(req.actor)) }),
  );

  app.post<{ Body: NewAgency }>(
    '/api/v1/admin/agencies',
    {
      schema: {
        tags: ['Quản trị'],
        summary: 'Thêm cơ quan, đơn vị',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['code', 'name', 'kind'],
          properties: {
            code: codeSchema,
            legacyCode: { type: ['string', 'null'], maxLength: 35 },
            name: { type: 'string', minLength: 2, maxLength: 300 },
            kind: { type: 'string', enum: AGENCY_KINDS },
            parentId: { type: ['string', 'null'], format: 'uuid' },
            unitCode: unitCodeSchema,
            abbreviation: abbreviationSchema,
          },
        },
        response: { 201: agencySchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await createAgency(db, requireAdmin(req.actor), req.body)),
  );

  app.patch<{ Params: { id: string }; Body: AgencyPatch }>(
    '/api/v1/admin/agencies/:id',
    {
      schema: {
        tags: ['Quản trị'],
        summary: 'Sửa cơ quan, ngừng hoạt động',
        params: uuidParam,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            code: codeSchema,
            name: { type: 'string', minLength: 2, maxLength: 300 },
            unitCode: unitCodeSchema,
            active: { type: 'boolean' },
            saturdaySession: saturdaySchema,
            abbreviation: abbreviationSchema,
          },
        },
        response: { 200: agencySchema, ...errorResponses },
      },
    },
    async (req) => updateAgency(db, requireAdmin(req.actor), req.params.id, req.body),
  );
}
