import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { requireCitizen } from '../citizens/service.ts';
import { requireAdmin } from '../shared/actor.ts';
import { getPublishedProcedure } from '../catalog/service.ts';
import { AppError } from '../shared/errors.ts';
import { errorResponses, pagingQuery, readFiles, uuidParam } from '../shared/http.ts';
import { idempotent } from '../shared/idempotency.ts';
import * as dossiers from './service.ts';
import { renderDossierForm } from './forms.ts';
import type { FormKind } from '../forms/types.ts';
import { checkUploadContent, checkUploadQuota, getDraft, MAX_UPLOAD_BYTES, readDossierFile, saveDraft, storeUpload } from './files.ts';
import { DOSSIER_CODE_PATTERN } from './rules.ts';
import { MAX_EXTRA_DOCUMENT_NAME, MAX_EXTRA_DOCUMENTS } from './supplement.ts';

const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const fileRefs = {
  type: 'array',
  maxItems: 100,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['componentIndex', 'uploadId'],
    properties: { componentIndex: { type: 'integer', minimum: 0, maximum: 99 }, uploadId: { type: 'string', format: 'uuid' } },
  },
} as const;
// Submitting a supplement, a file may also go to a document the request asked for outside the components (extraIndex).
const supplementFileRefs = {
  type: 'array',
  maxItems: 100,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['uploadId'],
    oneOf: [{ required: ['componentIndex'] }, { required: ['extraIndex'] }],
    properties: {
      componentIndex: { type: 'integer', minimum: 0, maximum: 99 },
      extraIndex: { type: 'integer', minimum: 0, maximum: MAX_EXTRA_DOCUMENTS - 1 },
      uploadId: { type: 'string', format: 'uuid' },
    },
  },
} as const;
const extraDocuments = {
  type: 'array',
  maxItems: MAX_EXTRA_DOCUMENTS,
  items: { ...text(MAX_EXTRA_DOCUMENT_NAME), pattern: '\\S' },
  description: 'Giấy tờ yêu cầu bổ sung ngoài thành phần hồ sơ của thủ tục (tên, ví dụ "Bản sao hợp đồng thuê nhà"); công dân có một ô tải lên cho mỗi giấy tờ',
} as const;
const reasons = { type: 'array', minItems: 1, maxItems: 50, items: text(2000) } as const;
const uuid = { type: 'string', format: 'uuid' } as const;
const uuids = { type: 'array', minItems: 1, maxItems: 20, items: uuid } as const;
// Online, a person applicant's name and ID number come from the e-ID: given here they name someone else (with an
// authorisation); the service says which fields each case needs.
const applicantSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    kind: { enum: ['person', 'organisation'] },
    name: text(200),
    idNumber: { type: 'string', pattern: '^[0-9]{12}$' },
    taxCode: { type: 'string', maxLength: 20, description: 'Mã số thuế: 10 chữ số, hoặc 13 chữ số (10-3) với đơn vị phụ thuộc' },
    address: text(500),
    phone: { type: 'string', pattern: '^\\+?[0-9 .-]{8,20}$' },
    email: { type: 'string', format: 'email', maxLength: 254 },
  },
} as const;
const actionSchema = {
  oneOf: [
    { type: 'object', additionalProperties: false, required: ['action'], properties: { action: { const: 'accept' } } },
    {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'reasons'],
      properties: { action: { const: 'request_supplement' }, reasons, extraDocuments },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['action'],
      properties: { action: { const: 'submit_supplement' }, note: text(2000), files: supplementFileRefs },
    },
    { type: 'object', additionalProperties: false, required: ['action', 'reasons'], properties: { action: { const: 'refuse' }, reasons } },
    {
      type: 'object',
      additionalProperties: false,
      required: ['action'],
      properties: { action: { const: 'forward' }, note: text(2000), toAgencyId: { type: 'string', format: 'uuid' } },
    },
    { type: 'object', additionalProperties: false, required: ['action', 'note'], properties: { action: { const: 'send_back' }, note: text(2000) } },
    {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'assigneeId'],
      properties: { action: { const: 'assign' }, assigneeId: uuid, note: text(2000) },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'note', 'dueAt'],
      anyOf: [{ required: ['officerIds'] }, { required: ['agencyIds'] }],
      properties: { action: { const: 'consult' }, note: text(2000), dueAt: { type: 'string', format: 'date-time' }, officerIds: uuids, agencyIds: uuids },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'consultationId', 'answer'],
      properties: { action: { const: 'answer_consultation' }, consultationId: uuid, answer: text(4000) },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'reason', 'newDueAt'],
      properties: { action: { const: 'apologize' }, reason: text(2000), newDueAt: { type: 'string', format: 'date-time' } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'method'],
      properties: { action: { const: 'return_result' }, method: { enum: ['counter', 'post', 'online'] }, note: text(2000) },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'amount'],
      properties: { action: { const: 'request_payment' }, amount: { type: 'integer', minimum: 1, maximum: 1e12 }, note: text(2000) },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'reference'],
      properties: { action: { const: 'record_payment' }, reference: text(200), note: text(2000) },
    },
    { type: 'object', additionalProperties: false, required: ['action', 'reason'], properties: { action: { const: 'withdraw' }, reason: text(2000) } },
    { type: 'object', additionalProperties: false, required: ['action', 'reason'], properties: { action: { const: 'stop' }, reason: text(2000) } },
  ],
} as const;
const created = { type: 'object', properties: { id: { type: 'string' }, code: { type: 'string' } } } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;

/** The signed-in party: staff first, else the citizen. */
export function party(req: { actor: any; citizen: any }): dossiers.Who {
  if (req.actor) return { kind: 'staff', actor: req.actor };
  return { kind: 'citizen', citizen: requireCitizen(req.citizen) };
}

export async function dossierRoutes(app: FastifyInstance) {
  const db = app.db;
  await app.register(multipart);

  app.post(
    '/api/v1/uploads',
    {
      schema: {
        tags: ['Hồ sơ'],
        summary:
          'Tải lên một tệp (PDF, JPEG, PNG; tối đa 10 MB; kiểu tệp xác định theo nội dung và phải khớp tên tệp; ảnh có giới hạn số điểm ảnh; công dân có hạn mức mỗi ngày; tệp không đính kèm hồ sơ hay bản nháp bị xóa sau thời hạn) để đính kèm vào hồ sơ',
        consumes: ['multipart/form-data'],
        response: {
          201: {
            type: 'object',
            properties: { id: { type: 'string' }, name: { type: 'string' }, mime: { type: 'string' }, size: { type: 'integer' }, sha256: { type: 'string' } },
          },
          ...errorResponses,
          413: { $ref: 'Error#' },
          415: { $ref: 'Error#' },
          422: { $ref: 'Error#' },
          429: { $ref: 'Error#' },
        },
      },
    },
    async (req, reply) => {
      const owner = dossiers.uploadOwner(party(req));
      const [{ filename, mimetype, content }] = await readFiles(req, { field: 'file', maxFiles: 1, maxBytes: MAX_UPLOAD_BYTES });
      await checkUploadQuota(db, owner, content.length, app.uploadSettings);
      await checkUploadContent(filename, mimetype, content, app.uploadSettings);
      return reply.status(201).send(await storeUpload(db, owner, filename, content));
    },
  );

  app.get<{ Params: { procedureId: string } }>(
    '/api/v1/citizen/drafts/:procedureId',
    {
      schema: {
        tags: ['Công dân'],
        summary: 'Bản nháp tờ khai trực tuyến của tôi cho một thủ tục',
        params: { type: 'object', required: ['procedureId'], properties: { procedureId: { type: 'string', format: 'uuid' } } },
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => getDraft(db, requireCitizen(req.citizen).id, req.params.procedureId),
  );

  app.put<{ Params: { procedureId: string }; Body: { formData: Record<string, unknown>; files?: { componentIndex: number; uploadId: string }[] } }>(
    '/api/v1/citizen/drafts/:procedureId',
    {
      schema: {
        tags: ['Công dân'],
        summary: 'Lưu nháp tờ khai trực tuyến',
        params: { type: 'object', required: ['procedureId'], properties: { procedureId: { type: 'string', format: 'uuid' } } },
        body: { type: 'object', additionalProperties: false, required: ['formData'], properties: { formData: { type: 'object' }, files: fileRefs } },
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => {
      const citizen = requireCitizen(req.citizen);
      const procedure = await getPublishedProcedure(db, req.params.procedureId);
      return saveDraft(db, citizen.id, procedure.id, req.body.formData, req.body.files ?? []);
    },
  );

  app.get<{ Params: { id: string; fileId: string } }>(
    '/api/v1/dossiers/:id/files/:fileId',
    {
      schema: {
        tags: ['Hồ sơ'],
        summary: 'Tải một tệp của hồ sơ',
        params: {
          type: 'object',
          required: ['id', 'fileId'],
          properties: { id: { type: 'string', format: 'uuid' }, fileId: { type: 'string', format: 'uuid' } },
        },
      },
    },
    async (req, reply) => {
      await dossiers.getDossier(db, party(req), req.params.id); // access check
      const file = await readDossierFile(db, req.params.id, req.params.fileId);
      reply.type(file.mime).header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`);
      return reply.send(file.content);
    },
  );

  app.post<{ Body: dossiers.SubmitInput }>(
    '/api/v1/dossiers',
    {
      schema: {
        tags: ['Hồ sơ'],
        summary: 'Nộp hồ sơ: trực tuyến (công dân) hoặc tại quầy / qua bưu chính (cán bộ một cửa). Hỗ trợ Idempotency-Key.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['procedureId', 'agencyId', 'applicant', 'formData', 'channel'],
          properties: {
            procedureId: { type: 'string', minLength: 1, maxLength: 80 },
            agencyId: { type: 'string', format: 'uuid' },
            applicant: applicantSchema,
            formData: { type: 'object' },
            channel: { enum: ['online', 'counter', 'post'] },
            files: fileRefs,
            authorisation: {
              type: 'object',
              additionalProperties: false,
              required: ['uploadId'],
              description: 'Giấy ủy quyền (nộp thay người khác, hoặc cho tổ chức với tư cách người được ủy quyền)',
              properties: { uploadId: { type: 'string', format: 'uuid' } },
            },
            storedDocuments: {
              type: 'array',
              maxItems: 100,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['componentIndex', 'documentId'],
                properties: { componentIndex: { type: 'integer', minimum: 0, maximum: 99 }, documentId: { type: 'string', format: 'uuid' } },
              },
            },
          },
        },
        response: { 201: created, ...errorResponses, 422: { $ref: 'Error#' } },
      },
    },
    async (req, reply) => idempotent(db, req, reply, 201, (keyed) => dossiers.submitDossier(keyed, party(req), req.body)),
  );

  app.post<{ Params: { id: string }; Body: dossiers.PartyAction; Querystring: { revision?: number } }>(
    '/api/v1/dossiers/:id/actions',
    {
      schema: {
        tags: ['Hồ sơ'],
        summary: 'Một thao tác xử lý hồ sơ (tiếp nhận, bổ sung, từ chối, chuyển, trả lại, phân công, xin ý kiến và trả lời, xin lỗi, trả kết quả, rút, dừng)',
        params: uuidParam,
        body: actionSchema,
        querystring: { type: 'object', additionalProperties: false, properties: { revision: { type: 'integer', minimum: 1 } } },
        response: { 200: created, ...errorResponses, 422: { $ref: 'Error#' } },
      },
    },
    async (req, reply) => idempotent(db, req, reply, 200, (keyed) => dossiers.act(keyed, party(req), req.params.id, req.body, req.query.revision)),
  );

  app.get<{ Params: { id: string }; Querystring: { agencyId?: string } }>(
    '/api/v1/dossiers/:id/staff',
    {
      schema: {
        tags: ['Hồ sơ'],
        summary: 'Cán bộ có thể được phân công bước hiện tại (vai trò của bước, tại cơ quan đang xử lý), hoặc cán bộ của một cơ quan, đơn vị để xin ý kiến',
        params: uuidParam,
        querystring: { type: 'object', additionalProperties: false, properties: { agencyId: uuid } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: anyObject } } }, ...errorResponses },
      },
    },
    async (req) => {
      if (!req.actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
      return { items: await dossiers.dossierStaff(db, req.actor, req.params.id, req.query.agencyId) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/dossiers/:id',
    {
      schema: { tags: ['Hồ sơ'], summary: 'Hồ sơ và dòng thời gian (phiếu kiểm soát)', params: uuidParam, response: { 200: anyObject, ...errorResponses } },
    },
    async (req) => dossiers.getDossier(db, party(req), req.params.id),
  );

  app.get<{ Params: { id: string; kind: FormKind } }>(
    '/api/v1/dossiers/:id/forms/:kind',
    {
      schema: {
        tags: ['Hồ sơ'],
        summary:
          'Phiếu in (PDF, có chữ ký số của cơ quan): receipt = Mẫu 01, supplement = Mẫu 02, refusal = Mẫu 03, apology = Mẫu 04, stop = Mẫu 05, control = phiếu kiểm soát',
        params: {
          type: 'object',
          required: ['id', 'kind'],
          properties: { id: { type: 'string', format: 'uuid' }, kind: { enum: ['receipt', 'supplement', 'refusal', 'apology', 'stop', 'control'] } },
        },
      },
    },
    async (req, reply) => {
      const pdf = await renderDossierForm(db, app.signing, party(req), req.params.id, req.params.kind, app.publicUrl);
      reply.type('application/pdf').header('content-disposition', `inline; filename="${req.params.kind}.pdf"`);
      return reply.send(pdf);
    },
  );

  const settingsSchema = { type: 'object', properties: { atRiskShare: { type: 'number' } } } as const;
  app.get(
    '/api/v1/admin/dossier-settings',
    {
      schema: {
        tags: ['Quản trị'],
        summary: 'Quy tắc hồ sơ: tỷ lệ thời gian còn lại dưới đó hồ sơ "sắp đến hạn"',
        response: { 200: settingsSchema, ...errorResponses },
      },
    },
    async (req) => {
      requireAdmin(req.actor);
      return { atRiskShare: await dossiers.atRiskShare(db) };
    },
  );
  app.put<{ Body: { atRiskShare: number } }>(
    '/api/v1/admin/dossier-settings',
    {
      schema: {
        tags: ['Quản trị'],
        summary: 'Đặt tỷ lệ "sắp đến hạn" (0–1, mặc định 0,2); chỉ quản trị hệ thống',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['atRiskShare'],
          properties: { atRiskShare: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 } },
        },
        response: { 200: settingsSchema, ...errorResponses },
      },
    },
    async (req) => ({ atRiskShare: await dossiers.setAtRiskShare(db, requireAdmin(req.actor), req.body.atRiskShare) }),
  );

  app.get<{ Querystring: { page: number; pageSize: number } }>(
    '/api/v1/inbox',
    {
      schema: {
        tags: ['Hồ sơ'],
        summary: 'Hồ sơ chờ tôi xử lý, sắp xếp theo hạn, từng trang',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...pagingQuery, pageSize: { ...pagingQuery.pageSize, default: dossiers.INBOX_PAGE_SIZE } },
        },
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: anyObject }, total: { type: 'integer' }, page: { type: 'integer' }, pageSize: { type: 'integer' } },
          },
          ...errorResponses,
        },
      },
    },
    async (req) => {
      if (!req.actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
      return dossiers.inbox(db, req.actor, req.query);
    },
  );

  app.get<{ Querystring: { taxCode?: string } }>(
    '/api/v1/citizen/dossiers',
    {
      schema: {
        tags: ['Công dân'],
        summary: 'Hồ sơ tôi đã nộp (taxCode: chỉ những hồ sơ tôi nộp cho tổ chức có mã số thuế này)',
        querystring: { type: 'object', additionalProperties: false, properties: { taxCode: { type: 'string', maxLength: 20 } } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: anyObject } } }, ...errorResponses },
      },
    },
    async (req) => ({ items: await dossiers.listCitizenDossiers(db, requireCitizen(req.citizen), req.query.taxCode) }),
  );

  app.get<{ Params: { code: string }; Querystring: { verify?: string } }>(
    '/api/v1/lookup/:code',
    {
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['Hồ sơ'],
        summary:
          'Tra cứu công khai theo mã hồ sơ: tình trạng, thủ tục, cơ quan, các mốc ngày; tên người nộp (đã che) chỉ hiện khi ' +
          'gửi kèm verify = 4 số cuối số định danh hoặc số điện thoại của người nộp. Giới hạn số lần tra cứu.',
        params: { type: 'object', required: ['code'], properties: { code: { type: 'string', pattern: DOSSIER_CODE_PATTERN } } },
        querystring: { type: 'object', additionalProperties: false, properties: { verify: { type: 'string', pattern: '^[0-9]{4}$' } } },
        response: { 200: anyObject, ...errorResponses, 429: { $ref: 'Error#' } },
      },
    },
    async (req) => dossiers.lookupDossier(app.readDb(req), req.params.code, req.query.verify),
  );
}
