// The Fastify application: plugins, the actor of each request, every domain's routes, and the web app.
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { loadConfig, type TrustProxy } from './config.ts';
import { useHistoryKey } from './dossiers/chain.ts';
import type { Database } from './db/index.ts';
import { migrationVersion } from './db/migrate.ts';
import type { Actor } from './shared/actor.ts';
import { errorSchema } from './shared/errors.ts';
import { frameworkErrors, registerErrorHandling, registerTextRule, routeNotFound } from './shared/http.ts';
import { registerMetrics } from './shared/metrics.ts';
import { jobStatus, registerJobMetrics } from './jobs/index.ts';
import { actorForSession } from './identity/service.ts';
import { identityRoutes, SESSION_COOKIE } from './identity/routes.ts';
import { agencyRoutes } from './agencies/routes.ts';
import { geoRoutes } from './geo/routes.ts';
import { catalogRoutes } from './catalog/routes.ts';
import { calendarRoutes } from './calendar/routes.ts';
import { citizenRoutes, CITIZEN_COOKIE } from './citizens/routes.ts';
import { dossierRoutes } from './dossiers/routes.ts';
import { dossierExtraRoutes } from './dossiers/extra-routes.ts';
import { statsRoutes } from './stats/routes.ts';
import { registerDossierHooks } from './dossier-hooks.ts';
import { registerFeedbackHooks } from './feedback-hooks.ts';
import { registerExchangeHandlers } from './exchange-hooks.ts';
import { paymentRoutes } from './payments/routes.ts';
import { datastoreRoutes } from './datastore/routes.ts';
import { satisfactionRoutes } from './satisfaction/routes.ts';
import { resultRoutes } from './results/routes.ts';
import { scanRoutes } from './scans/routes.ts';
import { backupRoutes } from './backup/routes.ts';
import { feedbackRoutes } from './feedback/routes.ts';
import { open311Routes } from './open311/routes.ts';
import { documentRoutes } from './documents/routes.ts';
import { documentWorkRoutes } from './documents/work-routes.ts';
import { dtiRoutes } from './dti/routes.ts';
import { openDataRoutes } from './opendata/routes.ts';
import { reportingRoutes } from './reporting/routes.ts';
import { nationalRoutes } from './national/routes.ts';
import { citizenForSession, type Citizen } from './citizens/service.ts';
import { setupCitizenSignIn, type CitizenOidc, type OidcSettings } from './citizens/oidc.ts';
import { registerSecurity, type SecuritySettings } from './shared/security.ts';
import { sharedRateLimitStore } from './shared/rate-limit-store.ts';
import { READ_YOUR_WRITES_SECONDS, registerReadReplica } from './shared/read-replica.ts';
import { procedureContentSchema } from './catalog/schema.ts';
import { signingProvider, type SigningProvider, type SigningSettings } from './signing/service.ts';
import { DEFAULT_UPLOAD_SETTINGS, type UploadSettings } from './dossiers/files.ts';
import { paymentSettings, type PaymentSettings } from './payments/service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
    cookieSecure: boolean;
    production: boolean;
    publicUrl: string;
    citizenOidc: CitizenOidc;
    /** Signing keys (results, sealed forms and receipts); refuses to start in production without configured certificates. */
    signing: SigningProvider;
    uploadSettings: UploadSettings;
    paymentSettings: PaymentSettings;
  }
  interface FastifyRequest {
    actor: Actor | null;
    citizen: Citizen | null;
  }
}

export interface AppOptions {
  db: Database;
  /** A streaming replica of db (config DATABASE_READ_URL) for the lookup and the operations centre's reads. */
  readDb?: Database;
  /** After a write, this client reads from the primary for so many seconds (config READ_YOUR_WRITES_SECONDS). */
  readYourWritesSeconds?: number;
  logger?: boolean;
  webDir?: string;
  /** pino level of the request log (config LOG_LEVEL); default info. */
  logLevel?: string;
  /** Mark the session cookie Secure (HTTPS only; browsers also accept it on http://localhost). Default true. */
  cookieSecure?: boolean;
  /** Production mode refuses development-only features (the local identity provider: production needs `oidc`). */
  production?: boolean;
  /** The platform's public address, printed in QR codes of lookup links. */
  publicUrl?: string;
  /** The citizens' OpenID Connect provider; absent → the local development provider under /idp. */
  oidc?: OidcSettings;
  /** CORS allow-list and rate limits (defaults: no cross-origin callers, generous limits). */
  security?: Partial<SecuritySettings>;
  /** Proxies whose X-Forwarded-For names the client (config TRUST_PROXY); default none: the socket's address. */
  trustProxy?: TrustProxy;
  /** Idle timeouts of staff and citizen sessions, in minutes (defaults 30). */
  sessionIdleMinutes?: { staff: number; citizen: number };
  /** The key of the dossier history's MACs (config HISTORY_KEY); absent → the one loadConfig() finds (development: DATA_DIR/history.key). */
  historyKey?: Buffer;
  /** Upload limits (defaults: DEFAULT_UPLOAD_SETTINGS). */
  uploads?: Partial<UploadSettings>;
  /** Payment channels (default: the development sandbox and demo account outside production, none in production). */
  payments?: PaymentSettings;
  /** Configured signing certificates; absent → test certificates outside production. */
  signing?: SigningSettings;
}

const defaultWebDir = fileURLToPath(new URL('../web/dist/', import.meta.url));

/** Two validators: query strings and path parameters arrive as text and are coerced; JSON bodies must have the right types. */
function makeAjv(coerce: boolean) {
  const ajv = new Ajv({ coerceTypes: coerce ? 'array' : false, useDefaults: true, removeAdditional: false, allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv;
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  // A hop count trusts that many proxies in front of this server (what Fastify does with a number, typed as a function).
  const trust = opts.trustProxy;
  const app = Fastify({
    logger: opts.logger ? { level: opts.logLevel ?? 'info' } : false,
    bodyLimit: 1024 * 1024,
    trustProxy: typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : (trust ?? false),
    frameworkErrors,
    schemaController: {
      compilersFactory: {
        // Shared schemas ($ref 'Error#', 'ProcedureContent#') are added to both validators.
        buildValidator: ((shared: Record<string, object>) => {
          const strict = makeAjv(false);
          const coercing = makeAjv(true);
          for (const s of Object.values(shared)) {
            strict.addSchema(s);
            coercing.addSchema(s);
          }
          return ({ schema, httpPart }: { schema: object; httpPart?: string }) => (httpPart === 'body' ? strict : coercing).compile(schema);
        }) as any, // fastify's typing expects its own Ajv compiler shape; the runtime contract is ({schema, httpPart}) => validate
      },
    },
  });
  registerDossierHooks();
  registerFeedbackHooks();
  useHistoryKey(opts.historyKey ?? loadConfig().historyKey);
  app.decorate('db', opts.db);
  app.decorate('cookieSecure', opts.cookieSecure ?? true);
  app.decorate('production', opts.production ?? false);
  app.decorate('publicUrl', opts.publicUrl ?? 'http://localhost:3000');
  app.decorate('uploadSettings', { ...DEFAULT_UPLOAD_SETTINGS, ...opts.uploads });
  app.decorate('paymentSettings', opts.payments ?? paymentSettings({}, app.production));
  app.decorateRequest('actor', null);
  app.decorateRequest('citizen', null);
  app.addSchema(errorSchema);
  app.addSchema(procedureContentSchema);
  registerErrorHandling(app);
  registerJobMetrics(registerMetrics(app), opts.db);

  await app.register(cookie);
  registerTextRule(app);
  await registerSecurity(app, {
    settings: opts.security,
    publicUrl: app.publicUrl,
    cookieSecure: app.cookieSecure,
    sessionCookies: [SESSION_COOKIE, CITIZEN_COOKIE],
    // A server database may have other servers beside this one: they count limits together. PGlite is one process.
    rateLimitStore: opts.db.kind === 'postgres' ? sharedRateLimitStore(opts.db) : undefined,
  });
  registerReadReplica(app, { primary: opts.db, replica: opts.readDb, readYourWritesSeconds: opts.readYourWritesSeconds ?? READ_YOUR_WRITES_SECONDS });
  app.decorate('citizenOidc', await setupCitizenSignIn(app, { oidc: opts.oidc, production: app.production, publicUrl: app.publicUrl }));
  app.decorate('signing', signingProvider(app.production, opts.signing));
  registerExchangeHandlers(app.signing);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'congso API',
        version: '1',
        description: 'API của nền tảng chính quyền số congso. Lỗi: { code, message, details } với thông điệp tiếng Việt.',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
    },
  });
  // Collapsed by area: with 135 operations, Swagger UI's expanded list stopped rendering after the first few.
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'none' } });

  app.addHook('onRequest', async (req) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) req.actor = await actorForSession(opts.db, token, opts.sessionIdleMinutes?.staff);
    const citizenToken = req.cookies[CITIZEN_COOKIE];
    if (citizenToken) req.citizen = await citizenForSession(opts.db, citizenToken, opts.sessionIdleMinutes?.citizen);
  });

  app.get(
    '/health',
    {
      schema: {
        tags: ['Hệ thống'],
        summary: 'Tình trạng hệ thống và lần chạy gần nhất của mỗi việc định kỳ',
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string' },
              database: { type: 'string' },
              migration: { type: 'integer' },
              jobs: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    name: { type: 'string' },
                    lastStartedAt: { type: ['string', 'null'] },
                    lastFinishedAt: { type: ['string', 'null'] },
                    ok: { type: ['boolean', 'null'] },
                    error: { type: ['string', 'null'] },
                    result: {},
                  },
                },
              },
            },
          },
        },
      },
    },
    async () => ({ status: 'ok', database: opts.db.kind, migration: await migrationVersion(opts.db), jobs: await jobStatus(opts.db) }),
  );

  // biome-ignore lint/nursery/noMisusedPromises: Fastify's register takes an async plugin; Biome's inference sees only the callback overload
  await app.register(async (api) => {
    await identityRoutes(api);
    await agencyRoutes(api);
    await geoRoutes(api);
    await catalogRoutes(api);
    await calendarRoutes(api);
    await citizenRoutes(api, app.citizenOidc);
    await dossierRoutes(api);
    await dossierExtraRoutes(api);
    await statsRoutes(api);
    await paymentRoutes(api);
    await datastoreRoutes(api);
    await satisfactionRoutes(api);
    await resultRoutes(api);
    await scanRoutes(api);
    await backupRoutes(api);
    await feedbackRoutes(api);
    await open311Routes(api);
    await documentRoutes(api);
    await documentWorkRoutes(api);
    await dtiRoutes(api);
    await openDataRoutes(api);
    await reportingRoutes(api);
    await nationalRoutes(api, () => jobStatus(app.db));
  });

  const webDir = opts.webDir ?? defaultWebDir;
  const hasWeb = existsSync(webDir);
  // Files are looked up per request, so a rebuilt web app is served without a restart.
  // Vite names assets by their content hash, so they never change under one name: cached for a year. index.html names
  // the current ones, so browsers revalidate it every time. The build writes .br and .gz copies, sent by negotiation.
  if (hasWeb)
    await app.register(fastifyStatic, {
      root: webDir,
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply, path) => {
        const hashed = path.startsWith(join(webDir, 'assets') + sep);
        reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  // The web app routes on the client: any other GET outside the API gets index.html.
  app.setNotFoundHandler((req, reply) => {
    // Pages of the web app answer with the app; machine interfaces (the API, Open311, the docs) with a 404.
    if (hasWeb && req.method === 'GET' && !['/api/', '/open311/', '/docs'].some((p) => req.url.startsWith(p))) return reply.sendFile('index.html');
    return reply.status(404).send(routeNotFound);
  });
  return app;
}
