import type { FastifyInstance } from 'fastify';
import { requireAdmin, ROLES } from '../shared/actor.ts';
import { AppError } from '../shared/errors.ts';
import { errorResponses, uuidParam } from '../shared/http.ts';
import * as identity from './service.ts';

export const SESSION_COOKIE = 'congso_sid';

const meSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    fullName: { type: 'string' },
    roles: { type: 'array', items: { type: 'string' } },
    agency: { type: 'object', properties: { id: { type: 'string' }, code: { type: 'string' }, name: { type: 'string' } } },
  },
} as const;

const userSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    fullName: { type: 'string' },
    email: { type: ['string', 'null'] },
    phone: { type: ['string', 'null'] },
    roles: { type: 'array', items: { type: 'string' } },
    agencyId: { type: 'string' },
    agencyName: { type: 'string' },
    active: { type: 'boolean' },
    lockedUntil: { type: ['string', 'null'] },
  },
} as const;

const rolesSchema = { type: 'array', minItems: 1, maxItems: ROLES.length, uniqueItems: true, items: { type: 'string', enum: ROLES } } as const;
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;

export async function identityRoutes(app: FastifyInstance) {
  const db = app.db;

  app.post<{ Body: { username: string; password: string } }>(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['Xác thực'],
        summary: 'Đăng nhập cán bộ (tên đăng nhập, mật khẩu)',
        body: { type: 'object', required: ['username', 'password'], additionalProperties: false, properties: { username: text(64), password: text(256) } },
        response: { 200: { type: 'object', properties: { user: meSchema } }, ...errorResponses },
      },
    },
    async (req, reply) => {
      const result = await identity
        .login(db, req.body.username, req.body.password, { ip: req.ip, userAgent: req.headers['user-agent'] ?? null })
        .catch((err) => {
          if (err instanceof AppError && err.code === 'LOGIN_THROTTLED')
            reply.header('retry-after', (err.details as { retryAfterSeconds: number }).retryAfterSeconds);
          throw err;
        });
      reply.setCookie(SESSION_COOKIE, result.token, {
        path: '/',
        httpOnly: true,
        secure: app.cookieSecure,
        sameSite: 'lax',
        expires: result.expiresAt,
      });
      return { user: await identity.describeActor(db, result.actor) };
    },
  );

  app.post('/api/v1/auth/logout', { schema: { tags: ['Xác thực'], summary: 'Đăng xuất' } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await identity.logout(db, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.post(
    '/api/v1/auth/sessions/end-others',
    {
      schema: {
        tags: ['Xác thực'],
        summary: 'Đăng xuất mọi phiên khác của tài khoản (giữ phiên đang dùng)',
        response: { 200: { type: 'object', properties: { ended: { type: 'integer' } } }, ...errorResponses },
      },
    },
    async (req) => {
      if (!req.actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
      return { ended: await identity.endOtherSessions(db, req.actor, req.cookies[SESSION_COOKIE]!) };
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      schema: {
        tags: ['Xác thực'],
        summary: 'Người dùng đang đăng nhập',
        response: { 200: { type: 'object', properties: { user: meSchema } }, ...errorResponses },
      },
    },
    async (req) => {
      if (!req.actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
      return { user: await identity.describeActor(db, req.actor) };
    },
  );

  app.get<{ Querystring: { agency?: string } }>(
    '/api/v1/admin/users',
    {
      schema: {
        tags: ['Quản trị'],
        summary: 'Danh sách người dùng trong phạm vi quản lý',
        querystring: { type: 'object', additionalProperties: false, properties: { agency: { type: 'string', format: 'uuid' } } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: userSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ items: await identity.listUsers(db, requireAdmin(req.actor), req.query.agency) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/admin/users/:id',
    {
      schema: { tags: ['Quản trị'], summary: 'Một người dùng', params: uuidParam, response: { 200: userSchema, ...errorResponses } },
    },
    async (req) => identity.getUser(db, requireAdmin(req.actor), req.params.id),
  );

  app.post<{ Body: identity.NewUser }>(
    '/api/v1/admin/users',
    {
      schema: {
        tags: ['Quản trị'],
        summary: 'Tạo tài khoản cán bộ',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['username', 'password', 'fullName', 'roles', 'agencyId'],
          properties: {
            username: { type: 'string', pattern: '^[A-Za-z0-9._-]{3,64}$' },
            password: text(256),
            fullName: text(200),
            email: { type: ['string', 'null'], format: 'email', maxLength: 254 },
            roles: rolesSchema,
            agencyId: { type: 'string', format: 'uuid' },
            phone: { type: ['string', 'null'], pattern: '^[0-9 +().-]{6,20}$' },
          },
        },
        response: { 201: userSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await identity.createUser(db, requireAdmin(req.actor), req.body)),
  );

  app.patch<{ Params: { id: string }; Body: identity.UserPatch }>(
    '/api/v1/admin/users/:id',
    {
      schema: {
        tags: ['Quản trị'],
        summary: 'Sửa tài khoản: vai trò, cơ quan, khóa/mở, đặt lại mật khẩu',
        params: uuidParam,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            fullName: text(200),
            email: { type: ['string', 'null'], format: 'email', maxLength: 254 },
            phone: { type: ['string', 'null'], pattern: '^[0-9 +().-]{6,20}$' },
            roles: rolesSchema,
            agencyId: { type: 'string', format: 'uuid' },
            active: { type: 'boolean' },
            password: text(256),
          },
        },
        response: { 200: userSchema, ...errorResponses },
      },
    },
    async (req) => identity.updateUser(db, requireAdmin(req.actor), req.params.id, req.body),
  );
}
