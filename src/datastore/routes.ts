// The data store: the citizen's list and downloads and who looked at it; officers look at the store of the applicant
// of a dossier they handle; the reuse log of a dossier.
import type { FastifyInstance } from 'fastify';
import { requireCitizen } from '../citizens/service.ts';
import { party } from '../dossiers/routes.ts';
import { dossierInHand, getDossier } from '../dossiers/service.ts';
import { AppError } from '../shared/errors.ts';
import { errorResponses, uuidParam } from '../shared/http.ts';
import { dossierReuses, listMyDocuments, lookAtApplicantStore, looksAtMyStore, readMyDocument } from './service.ts';

const TAGS = ['Kho dữ liệu'];
const items = {
  200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', additionalProperties: true } } } },
  ...errorResponses,
} as const;

export async function datastoreRoutes(app: FastifyInstance) {
  const db = app.db;

  app.get(
    '/api/v1/citizen/documents',
    {
      schema: { tags: TAGS, summary: 'Kho dữ liệu của tôi: giấy tờ đã nộp và kết quả đã nhận', response: items },
    },
    async (req) => ({ items: await listMyDocuments(db, requireCitizen(req.citizen)) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/citizen/documents/:id/content',
    {
      schema: { tags: TAGS, summary: 'Tải một giấy tờ trong kho dữ liệu của tôi', params: uuidParam, response: { ...errorResponses } },
    },
    async (req, reply) => {
      const doc = await readMyDocument(db, requireCitizen(req.citizen), req.params.id);
      reply.type(doc.mime).header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(doc.name)}`);
      return reply.send(doc.content);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/dossiers/:id/applicant-documents',
    {
      schema: {
        tags: TAGS,
        summary: 'Cán bộ một cửa: kho dữ liệu của người nộp một hồ sơ đang giải quyết (để dùng lại, không bắt nộp lại); mỗi lần xem được ghi lại',
        params: uuidParam,
        response: items,
      },
    },
    async (req) => {
      if (!req.actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
      const actor = req.actor;
      return { items: await lookAtApplicantStore(db, actor, () => dossierInHand(db, actor, req.params.id)) };
    },
  );

  app.get(
    '/api/v1/citizen/documents/looks',
    {
      schema: { tags: TAGS, summary: 'Những lần cán bộ xem kho dữ liệu của tôi (ai, lúc nào, vì hồ sơ nào)', response: items },
    },
    async (req) => ({ items: await looksAtMyStore(db, requireCitizen(req.citizen)) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/dossiers/:id/reused-documents',
    {
      schema: { tags: TAGS, summary: 'Thành phần hồ sơ được lấy từ kho dữ liệu (ai chọn, lúc nào)', params: uuidParam, response: items },
    },
    async (req) => {
      await getDossier(db, party(req), req.params.id);
      return { items: await dossierReuses(db, req.params.id) };
    },
  );
}
