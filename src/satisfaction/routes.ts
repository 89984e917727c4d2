import type { FastifyInstance } from 'fastify';
import { requireCitizen } from '../citizens/service.ts';
import { errorResponses, uuidParam } from '../shared/http.ts';
import { dossierRating, rateDossier, type RatingInput } from './service.ts';

const TAGS = ['Đánh giá hài lòng'];
const rating = { type: ['object', 'null'], additionalProperties: true } as const;

export async function satisfactionRoutes(app: FastifyInstance) {
  const db = app.db;
  app.get<{ Params: { id: string } }>(
    '/api/v1/dossiers/:id/rating',
    {
      schema: {
        tags: TAGS,
        summary: 'Đánh giá của tôi về việc giải quyết hồ sơ (null nếu chưa đánh giá)',
        params: uuidParam,
        response: { 200: { type: 'object', properties: { rating } }, ...errorResponses },
      },
    },
    async (req) => ({ rating: await dossierRating(db, requireCitizen(req.citizen), req.params.id) }),
  );

  app.post<{ Params: { id: string }; Body: RatingInput }>(
    '/api/v1/dossiers/:id/rating',
    {
      schema: {
        tags: TAGS,
        summary: 'Đánh giá mức độ hài lòng (5 mức, kèm lý do) sau khi nhận kết quả; mỗi hồ sơ một lần',
        params: uuidParam,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['level', 'reasons'],
          properties: {
            level: { type: 'integer', minimum: 1, maximum: 5 },
            reasons: { type: 'array', maxItems: 10, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 200 } },
            comment: { type: 'string', minLength: 1, maxLength: 2000 },
          },
        },
        response: { 201: { type: 'object', additionalProperties: true }, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await rateDossier(db, requireCitizen(req.citizen), req.params.id, req.body)),
  );
}
