// The personal data store: the citizen's list and downloads; officers look up an applicant's stored documents; the
// reuse log of a dossier.
import type { FastifyInstance } from 'fastify';
import { requireCitizen } from '../citizens/service.ts';
import { party } from '../dossiers/routes.ts';
import { getDossier } from '../dossiers/service.ts';
import { AppError } from '../shared/errors.ts';
import { errorResponses, uuidParam } from '../shared/http.ts';
import { dossierReuses, listMyDocuments, listPersonDocuments, readMyDocument } from './service.ts';

const TAGS = ['Kho dữ liệu'];
const items = { 200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', additionalProperties: true } } } }, ...errorResponses } as const;

export async function datastoreRoutes(app: FastifyInstance) {
  const db = app.db;

  app.get('/api/v1/citizen/documents', {
    schema: { tags: TAGS, summary: 'Kho dữ liệu của tôi: giấy tờ đã nộp và kết quả đã nhận', response: items },
  }, async (req) => ({ items: await listMyDocuments(db, requireCitizen(req.citizen)) }));

  app.get<{ Params: { id: string } }>('/api/v1/citizen/documents/:id/content', {
    schema: { tags: TAGS, summary: 'Tải một giấy tờ trong kho dữ liệu của tôi', params: uuidParam, response: { ...errorResponses } },
  }, async (req, reply) => {
    const doc = await readMyDocument(db, requireCitizen(req.citizen), req.params.id);
    reply.type(doc.mime).header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(doc.name)}`);
    return reply.send(doc.content);
  });

  app.get<{ Params: { idNumber: string } }>('/api/v1/datastore/people/:idNumber/documents', {
    schema: { tags: TAGS, summary: 'Cán bộ một cửa: giấy tờ trong kho của người nộp (để dùng lại khi tiếp nhận, không bắt nộp lại)',
      params: { type: 'object', required: ['idNumber'], properties: { idNumber: { type: 'string', pattern: '^[0-9]{12}$' } } }, response: items },
  }, async (req) => {
    if (!req.actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
    return { items: await listPersonDocuments(db, req.actor, req.params.idNumber) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/dossiers/:id/reused-documents', {
    schema: { tags: TAGS, summary: 'Thành phần hồ sơ được lấy từ kho dữ liệu (ai chọn, lúc nào)', params: uuidParam, response: items },
  }, async (req) => {
    await getDossier(db, party(req), req.params.id);
    return { items: await dossierReuses(db, req.params.id) };
  });
}
