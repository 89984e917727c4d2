import type { FastifyInstance } from 'fastify';
import { notFound } from '../shared/errors.ts';
import { errorResponses } from '../shared/http.ts';
import { communeAt, communeBoundaries } from './boundaries.ts';
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

  // The boundaries alone (the operations centre's map adds each commune's figures at /api/v1/public/geo/communes).
  app.get(
    '/api/v1/public/geo/boundaries',
    {
      schema: {
        tags: ['Đơn vị hành chính'],
        summary: 'Công khai: ranh giới các xã, phường của tỉnh (GeoJSON giản lược, mã và tên xã, phường)',
        response: { ...errorResponses },
      },
    },
    async (_req, reply) =>
      reply.header('cache-control', 'public, max-age=3600').type('application/geo+json; charset=utf-8').send(JSON.stringify(communeBoundaries())),
  );

  app.get<{ Querystring: { lat: number; long: number } }>(
    '/api/v1/public/geo/commune-at',
    {
      schema: {
        tags: ['Đơn vị hành chính'],
        summary: 'Công khai: xã, phường chứa một điểm (theo ranh giới giản lược; 404 ngoài địa bàn tỉnh)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['lat', 'long'],
          properties: { lat: { type: 'number', minimum: -90, maximum: 90 }, long: { type: 'number', minimum: -180, maximum: 180 } },
        },
        response: { 200: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } }, ...errorResponses },
      },
    },
    async (req) => {
      const commune = communeAt(req.query.lat, req.query.long);
      if (!commune) throw notFound('xã, phường tại vị trí này');
      return commune;
    },
  );
}
