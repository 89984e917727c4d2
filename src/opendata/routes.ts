// Open data over HTTP: CKAN's action API at /api/3/action/{name} (GET or POST, CKAN's envelope and error types), each
// table's files under /api/v1/open-data (CSV, JSON with its schema, the schema), and the DCAT catalogue /catalog.jsonld.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { Queryable } from '../db/index.ts';
import { CSV_MIME, toCsv } from '../shared/csv.ts';
import { notFound } from '../shared/errors.ts';
import { errorResponses, fastifyError } from '../shared/http.ts';
import * as ckan from './service.ts';

const TAGS = ['Dữ liệu mở (CKAN, DCAT)'];
type Params = Record<string, unknown>;
type Action = (db: Queryable, base: string, p: Params) => unknown;

/** The read actions CKAN's clients call; each answers {help, success, result}. */
const ACTIONS: Record<string, Action> = {
  package_list: (_db, _base, p) => ckan.packageList(p),
  package_show: ckan.packageShow,
  package_search: ckan.packageSearch,
  organization_list: (db, _base, p) => ckan.organizationList(db, p),
  resource_show: ckan.resourceShow,
};

export async function openDataRoutes(app: FastifyInstance) {
  const db = app.db;
  const base = app.publicUrl.replace(/\/$/, '');
  const help = (action: string) => `${base}/api/3/action/help_show?name=${encodeURIComponent(action)}`;

  // biome-ignore lint/nursery/noMisusedPromises: Fastify's register takes an async plugin; Biome's inference sees only the callback overload
  await app.register(async (api) => {
    // Every failure in CKAN's shape: its error types and status codes (a malformed request is a 400 "Bad request").
    api.setErrorHandler((err: FastifyError | ckan.CkanError, req, reply: FastifyReply) => {
      const action = (req.params as { action?: string }).action ?? '';
      if (err instanceof ckan.CkanError)
        return reply.status(err.status).send({ help: help(action), success: false, error: { __type: err.type, message: err.message, ...err.fields } });
      const known = fastifyError(err as FastifyError);
      if (!known) req.log.error({ err }, 'unhandled error');
      return reply.status(known?.statusCode ?? 500).send({
        help: help(action),
        success: false,
        error: { __type: known ? 'Bad request' : 'Internal Server Error', message: known?.message ?? 'Lỗi hệ thống.' },
      });
    });
    const schema = { tags: TAGS, params: { type: 'object', properties: { action: { type: 'string', maxLength: 100 } } } };
    const handle = async (name: string, p: Params) => {
      const action = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
      if (!action) throw new ckan.CkanError(400, 'Bad request', `Action name not known: ${name}`);
      return { help: help(name), success: true, result: await action(db, base, p) };
    };
    api.get<{ Params: { action: string }; Querystring: Params }>(
      '/api/3/action/:action',
      { schema: { ...schema, summary: 'CKAN: package_list, package_show, package_search, organization_list, resource_show (tham số trên URL)' } },
      async (req) => handle(req.params.action, req.query),
    );
    api.post<{ Params: { action: string }; Body: Params }>(
      '/api/3/action/:action',
      { schema: { ...schema, summary: 'CKAN: các thao tác đọc như trên, tham số trong thân JSON', body: { type: 'object' } } },
      async (req) => handle(req.params.action, req.body ?? {}),
    );
  });

  app.get<{ Params: { dataset: string; file: string } }>(
    '/api/v1/open-data/:dataset/:file',
    {
      schema: {
        tags: TAGS,
        summary: 'Tải một bảng dữ liệu mở: {bảng}.csv (UTF-8), {bảng}.json (dữ liệu kèm lược đồ), {bảng}.schema.json (Table Schema)',
        params: { type: 'object', properties: { dataset: { type: 'string', maxLength: 100 }, file: { type: 'string', maxLength: 120 } } },
        response: errorResponses,
      },
    },
    async (req, reply) => {
      const m = /^([a-z0-9-]+)\.(csv|json|schema\.json)$/.exec(req.params.file);
      const table = m ? ckan.tableOf(req.params.dataset, m[1]) : undefined;
      if (!m || !table) throw notFound('tệp dữ liệu mở');
      const schema = ckan.tableSchema(table);
      if (m[2] === 'schema.json') return schema;
      const rows = await table.rows(db);
      if (m[2] === 'json') return { name: table.name, title: table.title, schema, data: rows };
      reply.header('content-disposition', `attachment; filename="${req.params.dataset}-${table.name}.csv"`).type(CSV_MIME);
      return toCsv([
        table.fields.map((f) => f.name),
        ...rows.map((r) => table.fields.map((f) => (typeof r[f.name] === 'boolean' ? String(r[f.name]) : (r[f.name] as string | number | null)))),
      ]);
    },
  );

  app.get('/catalog.jsonld', { schema: { tags: TAGS, summary: 'Danh mục DCAT (JSON-LD) của các bộ dữ liệu mở' } }, async (_req, reply) =>
    reply.type('application/ld+json; charset=utf-8').send(await ckan.dcatCatalog(db, base)),
  );
}
