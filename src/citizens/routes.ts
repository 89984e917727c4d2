import type { FastifyInstance } from 'fastify';
import { AppError } from '../shared/errors.ts';
import { errorResponses } from '../shared/http.ts';
import { citizenSignOut, developmentSignIn } from './service.ts';

export const CITIZEN_COOKIE = 'congso_citizen';

const citizenSchema = { type: 'object', properties: { id: { type: 'string' }, idNumber: { type: 'string' }, fullName: { type: 'string' },
  phone: { type: ['string', 'null'] }, email: { type: ['string', 'null'] } } } as const;

export async function citizenRoutes(app: FastifyInstance) {
  app.post<{ Body: { idNumber: string; fullName: string } }>('/api/v1/citizen/dev-signin', {
    schema: {
      tags: ['Công dân'], summary: 'Đăng nhập thử nghiệm của công dân (chỉ môi trường phát triển; bị từ chối khi chạy chính thức)',
      body: { type: 'object', additionalProperties: false, required: ['idNumber', 'fullName'],
        properties: { idNumber: { type: 'string', pattern: '^[0-9]{12}$' }, fullName: { type: 'string', minLength: 2, maxLength: 200 } } },
      response: { 200: { type: 'object', properties: { citizen: citizenSchema } }, ...errorResponses },
    },
  }, async (req, reply) => {
    const { token, expiresAt, citizen } = await developmentSignIn(app.db, app.production, req.body);
    reply.setCookie(CITIZEN_COOKIE, token, { path: '/', httpOnly: true, secure: app.cookieSecure, sameSite: 'lax', expires: expiresAt });
    return { citizen };
  });

  app.get('/api/v1/citizen/me', {
    schema: { tags: ['Công dân'], summary: 'Công dân đang đăng nhập', response: { 200: { type: 'object', properties: { citizen: citizenSchema } }, ...errorResponses } },
  }, async (req) => {
    if (!req.citizen) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập bằng tài khoản công dân.');
    return { citizen: req.citizen };
  });

  app.post('/api/v1/citizen/signout', { schema: { tags: ['Công dân'], summary: 'Đăng xuất công dân' } }, async (req, reply) => {
    const token = req.cookies[CITIZEN_COOKIE];
    if (token) await citizenSignOut(app.db, token);
    reply.clearCookie(CITIZEN_COOKIE, { path: '/' });
    return reply.status(204).send();
  });
}
