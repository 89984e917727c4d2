// Open311 GeoReport v2 over HTTP at /open311/v2 (JSON and XML, errors in the spec's shape), and the administrators'
// routes for its API keys. Requests are form-encoded as the spec says; no request body schema, the service checks fields.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.ts';
import { errorResponses, fastifyError, uuidParam } from '../shared/http.ts';
import * as open311 from './service.ts';
import { toXml, type XmlValue } from './xml.ts';

const TAGS = ['Open311 GeoReport v2'];
const BASE = '/open311/v2';
// When the API's shape last changed (discovery's changeset).
const CHANGESET = '2026-12-03T00:00:00Z';
const FORMATS = ['json', 'xml'] as const;
type Format = (typeof FORMATS)[number];
type Doc = { [name: string]: XmlValue };

const formatOf = (req: FastifyRequest): Format => (/\.xml$/i.test(req.url.split('?')[0]) ? 'xml' : 'json');

/** JSON as the Spark convention (arrays at the root); XML with the spec's root and item elements. */
function send(reply: FastifyReply, format: Format, body: Doc | Doc[], root: string, item = 'item', status = 200) {
  if (format === 'json') return reply.status(status).send(body);
  return reply
    .status(status)
    .type('text/xml; charset=utf-8')
    .send(toXml(root, body as Doc[] | Doc, item));
}

/** `name.json` or `name.xml` in a path parameter. */
function splitFile(file: string): [string, Format] {
  const m = /^(.+)\.(json|xml)$/.exec(file);
  if (!m) throw new AppError(404, 'NOT_FOUND', 'Đường dẫn phải kết thúc bằng .json hoặc .xml.');
  return [m[1], m[2] as Format];
}

function parseForm(body: string): open311.Form {
  const form: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = form[k];
    form[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
  }
  return form;
}

const fileParam = { type: 'object', required: ['file'], properties: { file: { type: 'string', maxLength: 200 } } } as const;
const dateTime = { type: 'string', maxLength: 40 } as const;
// The spec's filters; jurisdiction_id and api_key are accepted (and ignored) since clients send them on every call.
const ignored = { jurisdiction_id: { type: 'string', maxLength: 100 }, api_key: { type: 'string', maxLength: 200 } } as const;
const requestsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    service_request_id: { type: 'string', maxLength: 2000 },
    service_code: { type: 'string', maxLength: 500 },
    status: { enum: ['open', 'closed'] },
    start_date: dateTime,
    end_date: dateTime,
    ...ignored,
  },
} as const;
const updatesQuery = { type: 'object', additionalProperties: false, properties: { start_date: dateTime, end_date: dateTime, ...ignored } } as const;
const doc = (summary: string, extra: object = {}) => ({ schema: { tags: TAGS, summary, ...extra } });

export async function open311Routes(app: FastifyInstance) {
  const db = app.db;

  // biome-ignore lint/nursery/noMisusedPromises: Fastify's register takes an async plugin; Biome's inference sees only the callback overload
  await app.register(async (api) => {
    api.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) =>
      done(null, parseForm(body as string)),
    );
    // The spec's error shape, in the format the URL asked for: [{code, description}] or <errors><error>…
    api.setErrorHandler((err: FastifyError | AppError, req, reply) => {
      const e = err instanceof AppError ? err : (fastifyError(err) ?? null);
      if (!e) req.log.error({ err }, 'unhandled error');
      const code = e?.statusCode ?? 500;
      const description = e?.message ?? 'Hệ thống gặp lỗi, vui lòng thử lại sau.';
      return send(reply, formatOf(req), [{ code, description }], 'errors', 'error', code);
    });

    for (const format of FORMATS) {
      api.get(`${BASE}/discovery.${format}`, doc('Khám phá dịch vụ Open311 (discovery)'), async (req, reply) => {
        const head = { changeset: CHANGESET, contact: 'Trung tâm điều hành của tỉnh', key_service: 'Quản trị hệ thống cấp khóa api_key' };
        const endpoint = {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: `${req.protocol}://${req.host}${BASE}`,
          changeset: CHANGESET,
          type: 'production',
        };
        const formats = ['application/json', 'text/xml'];
        return format === 'json'
          ? reply.send({ ...head, endpoints: [{ ...endpoint, formats }] })
          : send(reply, format, { ...head, endpoints: { endpoint: { ...endpoint, formats: { format: formats } } } }, 'discovery');
      });

      api.get(`${BASE}/services.${format}`, doc('Danh sách dịch vụ: mỗi lĩnh vực phản ánh là một dịch vụ'), async (_req, reply) =>
        send(reply, format, await open311.services(db), 'services', 'service'),
      );

      api.get(
        `${BASE}/requests.${format}`,
        doc('Các yêu cầu (phản ánh): lọc theo mã, dịch vụ, trạng thái, thời gian (mặc định 90 ngày)', { querystring: requestsQuery }),
        async (req, reply) => send(reply, format, await open311.listRequests(db, req.query as open311.Form), 'service_requests', 'request'),
      );

      api.post(`${BASE}/requests.${format}`, doc('Gửi phản ánh qua Open311 (form-encoded, cần api_key)'), async (req, reply) =>
        send(reply, format, await open311.createRequest(db, (req.body ?? {}) as open311.Form), 'service_requests', 'request', 201),
      );

      api.get(
        `${BASE}/servicerequestupdates.${format}`,
        doc('Các bước công khai của phản ánh từ một thời điểm (mở rộng của FixMyStreet)', { querystring: updatesQuery }),
        async (req, reply) => send(reply, format, await open311.requestUpdates(db, req.query as open311.Form), 'service_request_updates', 'request_update'),
      );
    }

    api.get<{ Params: { file: string } }>(`${BASE}/services/:file`, doc('Định nghĩa dịch vụ ({code}.json|xml)', { params: fileParam }), async (req, reply) => {
      const [code, format] = splitFile(req.params.file);
      const def = await open311.serviceDefinition(db, code);
      return format === 'json' ? reply.send(def) : send(reply, format, { service_code: def.service_code, attributes: { attribute: [] } }, 'service_definition');
    });

    api.get<{ Params: { file: string } }>(`${BASE}/requests/:file`, doc('Một yêu cầu theo mã ({id}.json|xml)', { params: fileParam }), async (req, reply) => {
      const [code, format] = splitFile(req.params.file);
      return send(reply, format, await open311.getRequest(db, code), 'service_requests', 'request');
    });

    api.get<{ Params: { file: string } }>(
      `${BASE}/tokens/:file`,
      doc('Tra mã yêu cầu theo token ({token}.json|xml)', { params: fileParam }),
      async (req, reply) => {
        const [token, format] = splitFile(req.params.file);
        return send(reply, format, await open311.tokenLookup(db, token), 'service_requests', 'request');
      },
    );
  });

  const keyTags = ['Quản trị'];
  app.get(
    '/api/v1/admin/open311-keys',
    { schema: { tags: keyTags, summary: 'Khóa Open311 đã cấp (không có khóa, chỉ thông tin)', response: errorResponses } },
    async (req) => open311.listKeys(db, req.actor),
  );
  app.post<{ Body: { name: string } }>(
    '/api/v1/admin/open311-keys',
    {
      schema: {
        tags: keyTags,
        summary: 'Cấp khóa Open311 cho một ứng dụng (khóa chỉ hiện một lần)',
        body: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 200 } } },
        response: errorResponses,
      },
    },
    async (req, reply) => reply.status(201).send(await open311.issueKey(db, req.actor, req.body.name)),
  );
  app.post<{ Params: { id: string } }>(
    '/api/v1/admin/open311-keys/:id/revoke',
    { schema: { tags: keyTags, summary: 'Thu hồi khóa Open311', params: uuidParam, response: errorResponses } },
    async (req) => open311.revokeKey(db, req.actor, req.params.id),
  );
}
