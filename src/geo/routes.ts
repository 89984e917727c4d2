import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../shared/http.ts';
import { listUnits, type UnitLevel } from './service.ts';

export async function geoRoutes(app: FastifyInstance) {
  app.get<{ Querystring: { level?: UnitLevel; province?: string; q?: string } }>(
    '/api/v1/units',
    {
      schema: {
        tags: ['Đơn vị hành chính'],
        summary: 'Đơn vị hành chính đang có hiệu lực (tỉnh, xã)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            level: { type: 'string', enum: ['province', 'commune'] },
            province: { type: 'string', pattern: '^[0-9]{2}$' },
            q: { type: 'string', maxLength: 100 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    code: { type: 'string' },
                    name: { type: 'string' },
                    fullName: { type: 'string' },
                    level: { type: 'string' },
                    unitType: { type: 'string' },
                    provinceCode: { type: ['string', 'null'] },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req) => ({ items: await listUnits(app.db, req.query) }),
  );
}
