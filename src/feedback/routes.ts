// Citizen feedback over HTTP: validation (Vietnamese messages from the shared validator), the caller, the service.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireCitizen } from '../citizens/service.ts';
import { AppError } from '../shared/errors.ts';
import { MAX_UPLOAD_BYTES } from '../dossiers/files.ts';
import { errorResponses, pagingQuery, readFiles, uuidParam } from '../shared/http.ts';
import type { Party } from '../workflow/engine.ts';
import * as categories from './categories.ts';
import * as blocks from './blocks.ts';
import { addMedia, EVIDENCE_ROLES, type EvidenceRole, type MediaFile, readMedia, readPublicMedia } from './media.ts';
import * as feedback from './service.ts';
import { FEEDBACK_STATES, LEVELS, RATINGS, type Action } from './workflow.ts';

const TAGS = ['Phản ánh, kiến nghị'];
const anyObject = { type: 'object', additionalProperties: true } as const;
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const uuid = { type: 'string', format: 'uuid' } as const;

const reportProperties = {
  title: { type: 'string', minLength: 5, maxLength: 200 },
  text: { type: 'string', minLength: 10, maxLength: 5000 },
  categoryCode: { type: 'string', pattern: '^[a-z0-9_.-]{2,40}$' },
  level: { enum: LEVELS },
  lat: { type: 'number', minimum: -90, maximum: 90 },
  long: { type: 'number', minimum: -180, maximum: 180 },
  address: text(500),
  communeCode: { type: 'string', pattern: '^[0-9]{2,5}$' },
  reporter: {
    type: 'object',
    additionalProperties: false,
    properties: {
      name: text(200),
      phone: { type: 'string', pattern: '^(0|\\+84)[0-9]{9,10}$' },
      email: { type: 'string', format: 'email', maxLength: 254 },
    },
  },
} as const;

const submitBody = { type: 'object', additionalProperties: false, required: ['title', 'text', 'categoryCode'], properties: reportProperties } as const;
const intakeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'text', 'categoryCode', 'channel'],
  properties: { ...reportProperties, channel: { enum: feedback.OPERATOR_CHANNELS } },
} as const;

const action = (name: string, required: string[] = [], properties: Record<string, object> = {}) => ({
  type: 'object',
  additionalProperties: false,
  required: ['action', ...required],
  properties: { action: { const: name }, ...properties },
});
const note = { note: text(2000) };
const actionSchema = {
  oneOf: [
    action('classify', [], { categoryCode: reportProperties.categoryCode, level: reportProperties.level, ...note }),
    action('assign', ['agencyId'], { agencyId: uuid, ...note }),
    action('accept', [], note),
    action('return', ['reason'], { reason: text(2000) }),
    action('request_info', ['question'], { question: text(2000) }),
    action('provide_info', ['text'], { text: text(5000) }),
    action('request_extension', ['hours', 'reason'], { hours: { type: 'number', exclusiveMinimum: 0, maximum: 400 }, reason: text(2000) }),
    action('answer', ['text'], { text: text(10000), evidence: { type: 'array', maxItems: 10, uniqueItems: true, items: uuid } }),
    action('revise', ['note'], note),
    action('approve', [], note),
    action('send_back', ['note'], note),
    action('publish', [], note),
    action('rate', ['rating'], { rating: { enum: RATINGS }, comment: text(2000) }),
    action('reject_spam', ['reason'], { reason: text(2000) }),
    action('merge_duplicate', ['intoId'], { intoId: uuid, ...note }),
  ],
} as const;

const created = { type: 'object', properties: { id: { type: 'string' }, code: { type: 'string' }, status: { type: 'string' } } } as const;
const list = { type: 'object', additionalProperties: true } as const;

/** The signed-in party: staff first, else the citizen (401 for no one). */
function party(req: FastifyRequest): Party {
  if (req.actor) return { kind: 'staff', actor: req.actor };
  return { kind: 'citizen', citizen: requireCitizen(req.citizen) };
}

const requireStaff = (req: FastifyRequest) => {
  if (!req.actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
  return req.actor;
};

/**
 * One byte range `bytes=a-b`, `bytes=a-` or `bytes=-n` of a file of `size` bytes (inclusive ends); null for none or
 * several (the whole file is sent, as RFC 9110 allows); 'unsatisfiable' past the end.
 */
export function byteRange(header: string | undefined, size: number): [number, number] | null | 'unsatisfiable' {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') return size === 0 || Number(m[2]) === 0 ? 'unsatisfiable' : [Math.max(0, size - Number(m[2])), size - 1];
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  return start > end ? null : [start, end];
}

/** A file inline, of its type, whole or the one range asked for (a phone's video player asks for ranges). */
async function sendFile(req: FastifyRequest, reply: FastifyReply, file: MediaFile) {
  reply
    .header('content-type', file.mime)
    .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.name)}`)
    .header('accept-ranges', 'bytes');
  const range = byteRange(req.headers.range, file.size);
  if (range === 'unsatisfiable') {
    reply.header('content-range', `bytes */${file.size}`);
    throw new AppError(416, 'RANGE_NOT_SATISFIABLE', 'Khoảng dữ liệu yêu cầu nằm ngoài tệp.');
  }
  if (!range) return reply.send(await file.read(0, file.size - 1));
  const [start, end] = range;
  return reply
    .status(206)
    .header('content-range', `bytes ${start}-${end}/${file.size}`)
    .send(await file.read(start, end));
}
const codeParam = { type: 'string', pattern: '^PA-[0-9]{6}-[0-9]{4,}$' } as const;

export async function feedbackRoutes(app: FastifyInstance) {
  const db = app.db;
  // The dossiers' routes register the multipart parser on the same instance; register it here only when they do not.
  if (!app.hasContentTypeParser('multipart/form-data')) await app.register(multipart);

  app.get('/api/v1/feedback-categories', { schema: { tags: TAGS, summary: 'Lĩnh vực phản ánh (cây phân loại)', response: { 200: list } } }, async () =>
    categories.feedbackCategories(db),
  );

  app.get(
    '/api/v1/admin/feedback-categories',
    { schema: { tags: TAGS, summary: 'Mọi lĩnh vực phản ánh, kể cả lĩnh vực đã ngừng sử dụng (quản trị)', response: { 200: list, ...errorResponses } } },
    async (req) => categories.adminCategories(db, req.actor),
  );

  const categoryName = { type: 'string', minLength: 1, maxLength: 200 } as const;
  const parentId = { anyOf: [uuid, { type: 'null' }] } as const;
  app.post<{ Body: categories.CategoryInput }>(
    '/api/v1/admin/feedback-categories',
    {
      schema: {
        tags: TAGS,
        summary: 'Thêm lĩnh vực phản ánh (quản trị hệ thống), đặt dưới một lĩnh vực cha nếu có',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['code', 'name'],
          properties: { code: reportProperties.categoryCode, name: categoryName, parentId },
        },
        response: { 201: anyObject, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await categories.createCategory(db, req.actor, req.body)),
  );

  app.patch<{ Params: { id: string }; Body: categories.CategoryPatch }>(
    '/api/v1/admin/feedback-categories/:id',
    {
      schema: {
        tags: TAGS,
        summary:
          'Đổi tên, chuyển sang lĩnh vực cha khác, ngừng hoặc dùng lại một lĩnh vực phản ánh; cơ quan thường xử lý và cấp xử lý trước (gợi ý khi chuyển phản ánh) (quản trị hệ thống)',
        params: uuidParam,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            name: categoryName,
            parentId,
            active: { type: 'boolean' },
            defaultAgencyId: { anyOf: [uuid, { type: 'null' }] },
            handlingKind: { enum: ['commune_committee', 'department'] },
          },
        },
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => categories.updateCategory(db, req.actor, req.params.id, req.body),
  );

  app.post<{ Body: feedback.SubmitInput }>(
    '/api/v1/feedback',
    {
      schema: {
        tags: TAGS,
        summary:
          'Gửi phản ánh, kiến nghị (công dân đăng nhập; không đăng nhập kèm số điện thoại nếu tỉnh cho phép): nội dung, lĩnh vực, vị trí trong địa bàn tỉnh',
        body: submitBody,
        response: { 201: created, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await feedback.submitFeedback(db, req, req.body)),
  );

  app.post<{ Body: feedback.IntakeInput }>(
    '/api/v1/feedback/intake',
    {
      schema: {
        tags: TAGS,
        summary: 'Cán bộ tiếp nhận của tỉnh nhập phản ánh nhận qua điện thoại, văn bản, thư điện tử, Zalo',
        body: intakeBody,
        response: { 201: created, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await feedback.intakeFeedback(db, requireStaff(req), req.body)),
  );

  app.get<{ Querystring: feedback.ListQuery }>(
    '/api/v1/feedback',
    {
      schema: {
        tags: TAGS,
        summary: 'Danh sách phản ánh: cán bộ tiếp nhận của tỉnh xem tất cả, cơ quan xử lý xem phản ánh được chuyển đến (quá hạn, sắp đến hạn)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { enum: Object.keys(FEEDBACK_STATES) },
            level: { enum: LEVELS },
            category: reportProperties.categoryCode,
            flag: { enum: ['overdue', 'at_risk'] },
            code: { type: 'string', pattern: '^[A-Za-z0-9-]{2,20}$' },
            escalated: { type: 'boolean' },
            ...pagingQuery,
          },
        },
        response: { 200: list, ...errorResponses },
      },
    },
    async (req) => feedback.listFeedback(db, requireStaff(req), req.query),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/feedback/:id',
    {
      schema: {
        tags: TAGS,
        summary:
          'Một phản ánh, dòng thời gian và các thao tác được phép; thông tin người phản ánh chỉ cho cán bộ tiếp nhận của tỉnh (mỗi lần xem được ghi lại)',
        params: uuidParam,
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => feedback.getFeedback(db, party(req), req.params.id),
  );

  app.post<{ Params: { id: string }; Body: Action; Querystring: { revision?: number } }>(
    '/api/v1/feedback/:id/actions',
    {
      schema: {
        tags: TAGS,
        summary:
          'Một thao tác xử lý phản ánh (phân loại, chuyển, nhận xử lý, trả lại, đề nghị bổ sung, bổ sung, gia hạn, trả lời, duyệt, trả lại cơ quan, công bố, đánh giá, từ chối, gộp)',
        params: uuidParam,
        body: actionSchema,
        querystring: { type: 'object', additionalProperties: false, properties: { revision: { type: 'integer', minimum: 1 } } },
        response: { 200: created, ...errorResponses },
      },
    },
    async (req) => feedback.actOnFeedback(db, party(req), req.params.id, req.body, req.query.revision),
  );

  app.post<{ Params: { id: string }; Querystring: { role?: EvidenceRole } }>(
    '/api/v1/feedback/:id/media',
    {
      schema: {
        tags: TAGS,
        summary:
          'Thêm ảnh, video, tài liệu (tối đa 5 tệp mỗi lần; ảnh, tài liệu 10 MB, video MP4/MOV/WebM theo cấu hình, mặc định 50 MB; kiểm tra theo nội dung): ảnh, video phản ánh của người phản ánh hoặc cán bộ tiếp nhận; minh chứng của cơ quan xử lý (role: ảnh trước, ảnh sau khi xử lý, văn bản PDF)',
        params: uuidParam,
        querystring: { type: 'object', additionalProperties: false, properties: { role: { enum: EVIDENCE_ROLES } } },
        consumes: ['multipart/form-data'],
        response: { 201: list, ...errorResponses },
      },
    },
    async (req, reply) => {
      const by = party(req);
      const { maxVideoBytes } = app.uploadSettings;
      // Read no further than the larger of one video and five photos; each file's own limit by its type in addMedia.
      const files = await readFiles(req, {
        field: 'file',
        maxFiles: 5,
        maxBytes: Math.max(maxVideoBytes, MAX_UPLOAD_BYTES),
        maxTotalBytes: Math.max(maxVideoBytes, 5 * MAX_UPLOAD_BYTES),
      });
      return reply.status(201).send(await addMedia(db, by, req.params.id, files, app.uploadSettings, req.query.role));
    },
  );

  const mediaParams = { type: 'object', required: ['id', 'mediaId'], properties: { id: uuid, mediaId: uuid } } as const;
  app.get<{ Params: { id: string; mediaId: string } }>(
    '/api/v1/feedback/:id/media/:mediaId',
    { schema: { tags: TAGS, summary: 'Một ảnh, video, tài liệu của phản ánh (bản gốc; nhận Range)', params: mediaParams, response: errorResponses } },
    async (req, reply) => sendFile(req, reply, await readMedia(db, party(req), req.params.id, req.params.mediaId)),
  );

  app.get<{ Params: { code: string; mediaId: string } }>(
    '/api/v1/public/feedback/:code/media/:mediaId',
    {
      schema: {
        tags: TAGS,
        summary: 'Một ảnh, video, tài liệu của phản ánh đã công bố (đã xóa siêu dữ liệu, kể cả tọa độ GPS; nhận Range)',
        params: { type: 'object', required: ['code', 'mediaId'], properties: { code: codeParam, mediaId: uuid } },
        response: errorResponses,
      },
    },
    async (req, reply) => sendFile(req, reply, await readPublicMedia(db, req.params.code, req.params.mediaId)),
  );

  app.get('/api/v1/citizen/feedback', { schema: { tags: TAGS, summary: 'Phản ánh của tôi', response: { 200: list, ...errorResponses } } }, async (req) =>
    feedback.citizenFeedback(db, requireCitizen(req.citizen)),
  );

  const publicFilter = {
    category: reportProperties.categoryCode,
    commune: reportProperties.communeCode,
    status: { enum: feedback.PUBLIC_STATUSES },
    q: text(200),
  } as const;
  app.get<{ Querystring: feedback.PublicQuery }>(
    '/api/v1/public/feedback',
    {
      schema: {
        tags: TAGS,
        summary:
          'Phản ánh đã công bố trả lời (không có thông tin người phản ánh), lọc theo lĩnh vực, xã phường, tình trạng (đã trả lời, đã đánh giá, đang xử lý lại), tìm không dấu',
        querystring: { type: 'object', additionalProperties: false, properties: { ...publicFilter, ...pagingQuery } },
        response: { 200: list, ...errorResponses },
      },
    },
    async (req) => feedback.publicFeedback(db, req.query),
  );

  app.get<{ Querystring: feedback.PublicFilter }>(
    '/api/v1/public/feedback/map',
    {
      schema: {
        tags: TAGS,
        summary: `Các điểm trên bản đồ phản ánh: phản ánh đã công bố có vị trí (mới nhất, tối đa ${feedback.MAP_POINTS}), cùng bộ lọc với danh sách`,
        querystring: { type: 'object', additionalProperties: false, properties: publicFilter },
        response: { 200: list, ...errorResponses },
      },
    },
    async (req) => feedback.publicFeedbackPoints(db, req.query),
  );

  app.get<{ Params: { code: string } }>(
    '/api/v1/public/feedback/:code',
    {
      schema: {
        tags: TAGS,
        summary:
          'Một phản ánh đã công bố: nội dung, vị trí, các bước công khai, trả lời và minh chứng (media: ảnh, video phản ánh và minh chứng kèm trả lời đã công bố)',
        params: { type: 'object', required: ['code'], properties: { code: codeParam } },
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => feedback.publicFeedbackCase(db, req.params.code),
  );

  const phone = reportProperties.reporter.properties.phone;
  app.get<{ Querystring: { active?: boolean } }>(
    '/api/v1/feedback-blocks',
    {
      schema: {
        tags: TAGS,
        summary: 'Người gửi bị chặn gửi phản ánh (lạm dụng): mọi lần chặn và bỏ chặn, cho cán bộ tiếp nhận của tỉnh',
        querystring: { type: 'object', additionalProperties: false, properties: { active: { type: 'boolean' } } },
        response: { 200: list, ...errorResponses },
      },
    },
    async (req) => blocks.listBlocks(db, requireStaff(req), req.query),
  );

  app.post<{ Body: blocks.BlockInput }>(
    '/api/v1/feedback-blocks',
    {
      schema: {
        tags: TAGS,
        summary: 'Chặn người gửi phản ánh lạm dụng (tài khoản công dân của một phản ánh, hoặc số điện thoại), kèm lý do',
        body: {
          oneOf: [
            { type: 'object', additionalProperties: false, required: ['caseId', 'reason'], properties: { caseId: uuid, reason: text(2000) } },
            { type: 'object', additionalProperties: false, required: ['phone', 'reason'], properties: { phone, reason: text(2000) } },
          ],
        },
        response: { 201: anyObject, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await blocks.blockReporter(db, requireStaff(req), req.body)),
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/v1/feedback-blocks/:id/unblock',
    {
      schema: {
        tags: TAGS,
        summary: 'Bỏ chặn người gửi phản ánh, kèm lý do',
        params: uuidParam,
        body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: text(2000) } },
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => blocks.unblockReporter(db, requireStaff(req), req.params.id, req.body.reason),
  );

  app.get(
    '/api/v1/admin/feedback-settings',
    {
      schema: {
        tags: TAGS,
        summary: 'Cấu hình tiếp nhận phản ánh (thời hạn theo giờ làm việc, khung tọa độ của tỉnh)',
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => feedback.getFeedbackSettings(db, req.actor),
  );

  const hours = { type: 'number', exclusiveMinimum: 0, maximum: 2000 } as const;
  const coordinate = { type: 'number', minimum: -180, maximum: 180 } as const;
  app.put<{ Body: feedback.SettingsPatch }>(
    '/api/v1/admin/feedback-settings',
    {
      schema: {
        tags: TAGS,
        summary: 'Sửa cấu hình tiếp nhận phản ánh (quản trị hệ thống)',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            acceptHours: hours,
            answerHours: { type: 'object', additionalProperties: false, properties: { thuong: hours, khan: hours, phuc_tap: hours } },
            maxExtensionHours: { type: 'number', minimum: 0, maximum: 2000 },
            atRiskShare: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
            allowAnonymous: { type: 'boolean' },
            bbox: {
              type: 'object',
              additionalProperties: false,
              required: ['minLat', 'maxLat', 'minLong', 'maxLong'],
              properties: { minLat: coordinate, maxLat: coordinate, minLong: coordinate, maxLong: coordinate },
            },
          },
        },
        response: { 200: anyObject, ...errorResponses },
      },
    },
    async (req) => feedback.updateFeedbackSettings(db, req.actor, req.body),
  );
}
