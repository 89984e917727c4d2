// Văn bản đi, đến over HTTP: validation (Vietnamese messages from the shared validator), the signed-in staff member, the service.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.ts';
import type { Actor } from '../shared/actor.ts';
import { MAX_UPLOAD_BYTES } from '../dossiers/files.ts';
import { errorResponses, readFiles, uuidParam } from '../shared/http.ts';
import { documentTypes } from './numbering.ts';
import { REGISTERS, registerFile, type RegisterKind, type RegisterQuery } from './registers.ts';
import * as documents from './service.ts';
import { COMPETENCE, SECRECY, URGENCIES } from './workflow.ts';

const TAGS = ['Văn bản đi, đến'];
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const uuid = { type: 'string', format: 'uuid' } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;
const typeCode = { type: 'string', pattern: '^[a-z_]{2,40}$' } as const;
const readers = { type: 'array', maxItems: 50, uniqueItems: true, items: uuid } as const;

const action = (name: string, required: string[] = [], properties: Record<string, object> = {}) => ({
  type: 'object',
  additionalProperties: false,
  required: ['action', ...required],
  properties: { action: { const: name }, revision: { type: 'integer', minimum: 0 }, ...properties },
});
const note = { note: text(2000) };
const actionSchema = {
  oneOf: [
    action('submit', [], note),
    action('approve_review', [], note),
    action('send_back', ['note'], note),
    action('register', [], note),
    action('refuse', ['reason'], { reason: text(2000) }),
    action('direct', ['leadUnitId', 'deadlineDays'], {
      leadUnitId: uuid,
      coordinatingUnitIds: { type: 'array', maxItems: 20, uniqueItems: true, items: uuid },
      deadlineDays: { type: 'integer', minimum: 1, maximum: 365 },
      ...note,
    }),
    action('assign_handler', ['handlerId'], { handlerId: uuid, ...note }),
    action('report_progress', ['progress', 'note'], { progress: { type: 'integer', minimum: 0, maximum: 99 }, ...note }),
    action('close', ['note'], { replyId: uuid, ...note }),
    action('recall', ['reason'], { reason: text(2000) }),
  ],
} as const;

export const requireStaff = (req: FastifyRequest): Actor => {
  if (!req.actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
  return req.actor;
};
const day = { type: 'string', format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } as const;
const fileParams = { type: 'object', required: ['id', 'fileId'], properties: { id: uuid, fileId: uuid } } as const;

export async function documentRoutes(app: FastifyInstance) {
  const db = app.db;
  if (!app.hasContentTypeParser('multipart/form-data')) await app.register(multipart);

  app.get(
    '/api/v1/document-types',
    { schema: { tags: TAGS, summary: '29 loại văn bản hành chính và chữ viết tắt (Nghị định 30/2020/NĐ-CP)', response: { 200: anyObject } } },
    async () => ({ items: await documentTypes(db) }),
  );

  app.get<{ Querystring: { box: (typeof documents.BOXES)[number]; page?: number; pageSize?: number } }>(
    '/api/v1/documents',
    {
      schema: {
        tags: TAGS,
        summary: 'Hộp văn bản: đến, đi, hoặc việc cần làm; khẩn trước, rồi hạn gần nhất; đánh dấu quá hạn, sắp đến hạn',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['box'],
          properties: {
            box: { enum: documents.BOXES },
            page: { type: 'integer', minimum: 1, maximum: 10000 },
            pageSize: { type: 'integer', minimum: 1, maximum: documents.PAGE_SIZES.max },
          },
        },
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => {
      const { box, ...paging } = req.query;
      return documents.listDocuments(db, requireStaff(req), box, paging);
    },
  );

  app.get<{ Params: { book: RegisterKind }; Querystring: RegisterQuery & { format: 'pdf' | 'xlsx' } }>(
    '/api/v1/documents/registers/:book',
    {
      schema: {
        tags: TAGS,
        summary:
          'In sổ (Phụ lục IV Nghị định 30/2020): sổ đăng ký văn bản đi (outgoing), văn bản đi mật (outgoing_secret), văn bản đến (incoming), ' +
          'sổ theo dõi giải quyết văn bản đến (follow_up) của một cơ quan trong kỳ; PDF khổ A4 ngang hoặc XLSX. Văn thư, lãnh đạo, quản trị cơ quan; ' +
          'trích yếu văn bản mật chỉ hiện với người được xem',
        params: { type: 'object', required: ['book'], properties: { book: { enum: Object.keys(REGISTERS) } } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['from', 'to'],
          properties: { from: day, to: day, agencyId: uuid, format: { enum: ['pdf', 'xlsx'], default: 'pdf' } },
        },
        response: errorResponses,
      },
    },
    async (req, reply) => {
      const { format, ...q } = req.query;
      const file = await registerFile(db, req.actor, req.params.book, q, format);
      reply.type(file.mime).header('content-disposition', `attachment; filename="${file.filename}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
      return reply.send(file.stream);
    },
  );

  app.post<{ Body: documents.OutgoingInput }>(
    '/api/v1/documents',
    {
      schema: {
        tags: TAGS,
        summary: 'Tạo dự thảo văn bản đi: loại văn bản, trích yếu, độ khẩn, độ mật, nơi nhận trên hệ thống và ngoài hệ thống (liên thông)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['typeCode', 'subject', 'recipients'],
          properties: {
            typeCode,
            subject: text(500),
            urgency: { enum: URGENCIES },
            urgentAt: { type: 'string', format: 'date-time' },
            secrecy: { enum: SECRECY },
            readers,
            recipients: { type: 'array', maxItems: 200, items: uuid },
            outsideRecipients: {
              type: 'array',
              maxItems: 200,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['organId', 'name'],
                properties: { organId: { type: 'string', minLength: 1, maxLength: 35 }, name: text(300) },
              },
            },
          },
        },
        response: { 201: anyObject, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await documents.createOutgoing(db, requireStaff(req), req.body)),
  );

  app.post<{ Body: documents.PaperInput }>(
    '/api/v1/documents/incoming',
    {
      schema: {
        tags: TAGS,
        summary: 'Văn thư vào sổ văn bản đến nhận bằng giấy (cấp số đến); bản quét thêm sau',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['typeCode', 'subject', 'fromName', 'sourceNotation', 'sourceDate'],
          properties: {
            typeCode,
            subject: text(500),
            fromName: text(200),
            sourceNotation: text(30),
            sourceDate: { type: 'string', format: 'date' },
            urgency: { enum: URGENCIES },
            urgentAt: { type: 'string', format: 'date-time' },
            secrecy: { enum: SECRECY },
            readers,
            arrivedAt: { type: 'string', format: 'date-time' },
          },
        },
        response: { 201: anyObject, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await documents.registerPaper(db, requireStaff(req), req.body)),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/documents/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Một văn bản: thông tin, tệp, lịch sử, trạng thái từng nơi nhận, thao tác được phép',
        params: uuidParam,
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => documents.getDocument(db, requireStaff(req), req.params.id),
  );

  app.post<{ Params: { id: string }; Querystring: { kind: 'main' | 'attachment' | 'scan' } }>(
    '/api/v1/documents/:id/files',
    {
      schema: {
        tags: TAGS,
        summary: 'Thêm tệp: tệp chính PDF của dự thảo (lần sau là phiên bản mới), tệp đính kèm, bản quét văn bản giấy',
        params: uuidParam,
        querystring: { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { enum: ['main', 'attachment', 'scan'] } } },
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (req, reply) => {
      const actor = requireStaff(req);
      const [file] = await readFiles(req, { field: 'file', maxFiles: 1, maxBytes: MAX_UPLOAD_BYTES });
      await documents.attachFile(db, actor, req.params.id, file, req.query.kind, app.uploadSettings);
      return reply.status(204).send();
    },
  );

  app.get<{ Params: { id: string; fileId: string } }>(
    '/api/v1/documents/:id/files/:fileId',
    { schema: { tags: TAGS, summary: 'Một tệp của văn bản, đúng từng byte như đã lưu', params: fileParams, response: errorResponses } },
    async (req, reply) => {
      const file = await documents.readFile(db, requireStaff(req), req.params.id, req.params.fileId);
      return reply
        .header('content-type', file.mime)
        .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.name)}`)
        .send(file.content);
    },
  );

  app.post<{ Params: { id: string }; Body: documents.JsonAction & { revision?: number } }>(
    '/api/v1/documents/:id/actions',
    {
      schema: {
        tags: TAGS,
        summary: 'Thao tác: trình, trả lại, vào sổ, từ chối, phân công (phiếu giải quyết), giao người xử lý, báo cáo tiến độ, hoàn thành',
        params: uuidParam,
        body: actionSchema,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { revision, ...input } = req.body;
      await documents.act(db, requireStaff(req), req.params.id, input as documents.JsonAction, revision);
      return reply.status(204).send();
    },
  );

  app.post<{ Params: { id: string }; Body: documents.SignInput }>(
    '/api/v1/documents/:id/sign',
    {
      schema: {
        tags: TAGS,
        summary: 'Lãnh đạo duyệt và ký số văn bản đi (thẩm quyền ký KT., TM., TL., TUQ.)',
        params: uuidParam,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['position'],
          properties: { competence: { enum: COMPETENCE }, onBehalfOf: text(100), position: text(100), ...note },
        },
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (req, reply) => {
      await documents.signOutgoing(db, requireStaff(req), req.params.id, req.body, app.signing);
      return reply.status(204).send();
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/documents/:id/issue',
    {
      schema: {
        tags: TAGS,
        summary: 'Văn thư cấp số, ký số của cơ quan, phát hành và gửi văn bản đến các nơi nhận trên hệ thống',
        params: uuidParam,
        response: { 200: { type: 'object', properties: { notation: { type: 'string' } } }, ...errorResponses },
      },
    },
    async (req) => documents.issueOutgoing(db, requireStaff(req), req.params.id, app.signing),
  );
}
