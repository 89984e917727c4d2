// Browser-facing protections in one place: security headers (helmet, with a CSP the web app and /docs live with),
// strict CORS, a cross-site request check for cookie sessions (CSRF), per-IP / per-account rate limits, and no caching
// of signed-in answers.
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler, RouteOptions } from 'fastify';
import cors from '@fastify/cors';
import helmet, { type HelmetOptions } from 'helmet';
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { AppError } from './errors.ts';

/** Requests per minute. Generous defaults; tests that prove a limit set it low. */
export interface RateLimits {
  /** Staff sign-in (POST /api/v1/auth/login) per IP address, and per username. */
  staffSignIn: number;
  staffSignInPerAccount: number;
  /** Citizen sign-in (start, callback, the local provider's login form) per IP, and per ID number on that form. */
  citizenSignIn: number;
  citizenSignInPerAccount: number;
  /** Public dossier lookup per IP. */
  lookup: number;
  /** Payment gateway callbacks (/api/v1/payments/…) per IP. */
  paymentCallbacks: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  staffSignIn: 120,
  staffSignInPerAccount: 30,
  citizenSignIn: 120,
  citizenSignInPerAccount: 30,
  lookup: 30,
  paymentCallbacks: 300,
};

export interface SecuritySettings {
  /** Origins of integrators' web apps allowed to call the API cross-origin — without cookies. */
  corsOrigins: string[];
  rateLimits: RateLimits;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const MINUTE = 60_000;

/**
 * A hook that answers 429 with a Vietnamese message once `perMinute` requests with the same key (the client's IP
 * address unless `key` says otherwise) arrived within a minute. `scope` names the limiter, so that its keys are its own
 * in a store that all limiters (and servers) share. Reusable: `onRequest: rateLimited(app, 60, 'exports')`;
 * a key read from the body needs `preHandler`.
 */
export function rateLimited(app: FastifyInstance, perMinute: number, scope: string, key?: (req: FastifyRequest) => string): onRequestAsyncHookHandler {
  // `scope` is no option of the plugin's: it reaches the store's child() with the options (shared/rate-limit-store.ts).
  const limiter = app.createRateLimit({ max: perMinute, timeWindow: MINUTE, scope, ...(key && { keyGenerator: key }) } as Parameters<
    typeof app.createRateLimit
  >[0]);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const r = await limiter(req);
    if (r.isAllowed || !r.isExceeded) return;
    reply.header('retry-after', r.ttlInSeconds);
    throw tooMany(r.ttlInSeconds);
  };
}

const tooMany = (seconds: number) => new AppError(429, 'TOO_MANY_REQUESTS', `Quá nhiều yêu cầu; vui lòng thử lại sau ${seconds} giây.`);

/** Which routes get which limits: matched on the route's method and URL pattern as it is declared. */
function policiesFor(route: RouteOptions, limits: RateLimits): { perMinute: number; key?: (req: FastifyRequest) => string }[] {
  const methods = ([] as string[]).concat(route.method);
  const is = (method: string, url: string) => methods.includes(method) && route.url === url;
  const bodyField = (field: string) => (req: FastifyRequest) =>
    `${field}:${String((req.body as Record<string, unknown> | undefined)?.[field] ?? '')
      .trim()
      .toLowerCase()}`;
  if (is('POST', '/api/v1/auth/login')) return [{ perMinute: limits.staffSignIn }, { perMinute: limits.staffSignInPerAccount, key: bodyField('username') }];
  if (is('GET', '/api/v1/citizen/signin') || is('GET', '/api/v1/citizen/oidc/callback')) return [{ perMinute: limits.citizenSignIn }];
  if (is('POST', '/idp/interaction/:uid/login'))
    return [{ perMinute: limits.citizenSignIn }, { perMinute: limits.citizenSignInPerAccount, key: bodyField('idNumber') }];
  if (route.url.startsWith('/api/v1/payments/')) return [{ perMinute: limits.paymentCallbacks }];
  return [];
}

/** The headers helmet sets with these options, taken once from its middleware run on a stand-in response. */
function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string) {
      headers[name.toLowerCase()] = value;
    },
    removeHeader() {},
  };
  helmet(options)({} as never, res as never, (err?: unknown) => {
    if (err) throw err;
  });
  return headers;
}

/**
 * Registers the protections. Call after @fastify/cookie (the CSRF check reads the session cookies) and before the
 * routes (limits attach to routes as they are declared).
 */
export async function registerSecurity(
  app: FastifyInstance,
  opts: {
    settings?: Partial<SecuritySettings>;
    publicUrl: string;
    cookieSecure: boolean;
    sessionCookies: string[];
    /** Where the limits are counted: absent → in this process's memory (one server); servers sharing a database pass its store. */
    rateLimitStore?: FastifyRateLimitStoreCtor;
  },
) {
  const limits = { ...DEFAULT_RATE_LIMITS, ...opts.settings?.rateLimits };
  const corsOrigins = opts.settings?.corsOrigins ?? [];

  // The same headers on every answer: computed once by helmet, set on each reply by one synchronous hook (the
  // @fastify/helmet plugin ran two hooks and helmet's chain of eleven middlewares on every request).
  const headers = securityHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'self'"],
        formAction: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        // React and ECharts set style attributes, the API docs inject style elements.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
      },
    },
    // HSTS only where the site is served over HTTPS (COOKIE_SECURE=0 is a plain-HTTP trial).
    strictTransportSecurity: opts.cookieSecure ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });

  // Integrators' origins may read responses; credentials never cross origins, so a session cookie is never usable there.
  await app.register(cors, { origin: corsOrigins.length ? corsOrigins : false, credentials: false });

  // CSRF: a state-changing request that carries a session cookie must come from this site. Browsers send Origin (and
  // Sec-Fetch-Site) on such requests; clients without them (curl, app.inject, server-to-server) are not browsers
  // riding on a victim's cookie and pass.
  const ownOrigin = new URL(opts.publicUrl).origin;
  app.addHook('onRequest', async (req) => {
    if (SAFE_METHODS.has(req.method) || !opts.sessionCookies.some((name) => req.cookies[name])) return;
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    const fromThisSite =
      origin !== undefined ? origin === ownOrigin || origin === `${req.protocol}://${req.host}` : site !== 'cross-site' && site !== 'same-site';
    if (!fromThisSite) {
      throw new AppError(
        403,
        'CROSS_SITE_REQUEST',
        'Yêu cầu đến từ trang web khác nên bị từ chối để bảo vệ phiên đăng nhập của bạn. Vui lòng thao tác trực tiếp trên Cổng dịch vụ công.',
      );
    }
  });

  // Answers to a signed-in user (files included) and answers that set a session cookie are personal: no browser or
  // proxy cache may keep them.
  app.addHook('onSend', async (req, reply) => {
    if ((req.url.startsWith('/api/') && (req.actor || req.citizen)) || reply.hasHeader('set-cookie')) reply.header('cache-control', 'no-store');
  });

  // global: false — only the routes below and routes that declare `config.rateLimit` are limited.
  app.addHook('onRoute', (route) => {
    for (const [i, { perMinute, key }] of policiesFor(route, limits).entries()) {
      const hook = rateLimited(app, perMinute, `${([] as string[]).concat(route.method).join(',')} ${route.url} ${i}`, key);
      // A key read from the body waits for the body; an IP limit runs first, ahead of any route-level onRequest.
      if (key) route.preHandler = [...([] as any[]).concat(route.preHandler ?? []), hook];
      else route.onRequest = [hook, ...([] as any[]).concat(route.onRequest ?? [])];
    }
    // The lookup route declares its own limit; its number comes from the settings.
    if (route.url === '/api/v1/lookup/:code' && route.config && typeof (route.config as any).rateLimit === 'object') {
      (route.config as any).rateLimit = { ...(route.config as any).rateLimit, max: limits.lookup };
    }
  });
  await app.register(rateLimit, {
    global: false,
    ...(opts.rateLimitStore && { store: opts.rateLimitStore }),
    errorResponseBuilder: (_req, ctx) => tooMany(Math.ceil(ctx.ttl / 1000)),
  });
}
