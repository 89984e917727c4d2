import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.ts';
import { errorResponses } from '../shared/http.ts';
import { CALLBACK_PATH, type CitizenOidc } from './oidc.ts';
import { beginSignIn, citizenSignOut, completeSignIn, endOtherCitizenSessions } from './service.ts';

export const CITIZEN_COOKIE = 'congso_citizen';
/** Holds the sign-in attempt between leaving for the provider and coming back; sent only to the callback. */
const ATTEMPT_COOKIE = 'congso_oidc';
export const CITIZEN_SIGN_IN_PAGE = '/cong-dan/dang-nhap';

const citizenSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    idNumber: { type: 'string' },
    fullName: { type: 'string' },
    birthDate: { type: ['string', 'null'] },
    phone: { type: ['string', 'null'] },
    email: { type: ['string', 'null'] },
    identityLevel: { type: ['integer', 'null'], description: 'Mức định danh của lần đăng nhập này (VNeID mức 1, 2)' },
  },
} as const;

/** Sign-in happens in full-page navigations: a refusal goes back to the sign-in page, which explains the reason code. */
function backToSignInPage(req: FastifyRequest, reply: FastifyReply, err: unknown) {
  if (!(err instanceof AppError)) throw err;
  req.log.warn({ code: err.code, details: err.details }, 'citizen sign-in refused');
  return reply.redirect(`${CITIZEN_SIGN_IN_PAGE}?loi=${encodeURIComponent(err.code)}`, 303);
}

export async function citizenRoutes(app: FastifyInstance, oidc: CitizenOidc) {
  // SameSite=Lax: the provider sends the browser back with a top-level GET, which carries Lax cookies.
  const cookieOptions = (path: string, expires: Date) => ({ path, httpOnly: true, secure: app.cookieSecure, sameSite: 'lax' as const, expires });

  app.get<{ Querystring: { next?: string } }>(
    '/api/v1/citizen/signin',
    {
      schema: {
        tags: ['Công dân'],
        summary: 'Bắt đầu đăng nhập công dân bằng tài khoản định danh điện tử (OpenID Connect; chuyển hướng tới nhà cung cấp định danh)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { next: { type: 'string', maxLength: 500, description: 'Trang của cổng để quay lại sau khi đăng nhập' } },
        },
        response: { 302: { type: 'null', description: 'Chuyển tới trang đăng nhập của nhà cung cấp định danh' }, ...errorResponses },
      },
    },
    async (req, reply) => {
      try {
        const { attemptToken, expiresAt, authorizationUrl } = await beginSignIn(app.db, oidc, req.query.next);
        reply.setCookie(ATTEMPT_COOKIE, attemptToken, cookieOptions(CALLBACK_PATH, expiresAt));
        return reply.redirect(authorizationUrl, 302);
      } catch (err) {
        return backToSignInPage(req, reply, err);
      }
    },
  );

  // A browser redirect target rather than an API: failures go back to the sign-in page with a reason code.
  app.get(
    CALLBACK_PATH,
    {
      schema: { hide: true, tags: ['Công dân'], summary: 'Nhà cung cấp định danh trả công dân về sau khi đăng nhập' },
    },
    async (req, reply) => {
      const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      reply.clearCookie(ATTEMPT_COOKIE, { path: CALLBACK_PATH });
      try {
        const { token, expiresAt, next } = await completeSignIn(app.db, oidc, req.cookies[ATTEMPT_COOKIE], query);
        reply.setCookie(CITIZEN_COOKIE, token, cookieOptions('/', expiresAt));
        return reply.redirect(next, 303);
      } catch (err) {
        return backToSignInPage(req, reply, err);
      }
    },
  );

  app.get(
    '/api/v1/citizen/me',
    {
      schema: {
        tags: ['Công dân'],
        summary: 'Công dân đang đăng nhập',
        response: { 200: { type: 'object', properties: { citizen: citizenSchema } }, ...errorResponses },
      },
    },
    async (req) => {
      if (!req.citizen) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập bằng tài khoản công dân.');
      return { citizen: req.citizen };
    },
  );

  app.post(
    '/api/v1/citizen/signout',
    {
      schema: {
        tags: ['Công dân'],
        summary: 'Đăng xuất công dân; trả về địa chỉ đăng xuất ở nhà cung cấp định danh (nếu có)',
        response: { 200: { type: 'object', properties: { endSessionUrl: { type: ['string', 'null'] } } }, ...errorResponses },
      },
    },
    async (req, reply) => {
      const result = await citizenSignOut(app.db, oidc, req.cookies[CITIZEN_COOKIE]);
      reply.clearCookie(CITIZEN_COOKIE, { path: '/' });
      return result;
    },
  );

  app.post(
    '/api/v1/citizen/sessions/end-others',
    {
      schema: {
        tags: ['Công dân'],
        summary: 'Đăng xuất mọi phiên khác của công dân (giữ phiên đang dùng)',
        response: { 200: { type: 'object', properties: { ended: { type: 'integer' } } }, ...errorResponses },
      },
    },
    async (req) => {
      if (!req.citizen) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập bằng tài khoản công dân.');
      return { ended: await endOtherCitizenSessions(app.db, req.citizen, req.cookies[CITIZEN_COOKIE]!) };
    },
  );
}
