// Routes of the national portal sync: a dossier's sync log (staff who see the dossier), an administrator's retry, and
// the sync's health for the operations centre. Nothing here ever carries the portal's credentials or session.
import type { FastifyInstance } from 'fastify';
import { getDossier } from '../dossiers/service.ts';
import { AppError, forbidden } from '../shared/errors.ts';
import { requireSystemAdmin, type Actor } from '../shared/actor.ts';
import { errorResponses, uuidParam } from '../shared/http.ts';
import { dossierSync, retryDossierSync, syncHealth } from './service.ts';

const TAGS = ['Đồng bộ Cổng DVCQG'];
const nullableString = { type: ['string', 'null'] } as const;
const any = {} as const;

const staff = (actor: Actor | null | undefined): Actor => {
  if (!actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
  return actor;
};

/** The deliver job has run lately in some server: the sync is configured (DVCQG_URL) and working. */
const ACTIVE_WITHIN_MS = 10 * 60_000;

/** The scheduled jobs' last runs (jobs/index.ts: jobStatus), handed in by the composition root: the jobs module schedules this one's work. */
type JobRuns = () => Promise<{ name: string; lastStartedAt: string | null; lastFinishedAt: string | null; result: unknown }[]>;

export async function nationalRoutes(app: FastifyInstance, jobRuns: JobRuns) {
  const db = app.db;
  app.get<{ Params: { id: string } }>(
    '/api/v1/dossiers/:id/national-sync',
    {
      schema: {
        tags: TAGS,
        summary: 'Nhật ký đồng bộ hồ sơ lên Cổng DVCQG: từng tin, yêu cầu, trả lời, mã lỗi (cán bộ xem được hồ sơ)',
        params: uuidParam,
        response: {
          200: {
            type: 'object',
            properties: {
              messages: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    service: { type: 'string' },
                    status: { type: 'integer' },
                    state: { enum: ['pending', 'sent', 'failed', 'unmapped'] },
                    attempts: { type: 'integer' },
                    lastError: nullableString,
                    eventAt: { type: 'string' },
                    sentAt: nullableString,
                  },
                },
              },
              log: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    at: { type: 'string' },
                    kind: { enum: ['deliver', 'unmapped', 'reconcile', 'retry'] },
                    ok: { type: 'boolean' },
                    service: nullableString,
                    status: { type: ['integer', 'null'] },
                    errorCode: nullableString,
                    message: nullableString,
                    request: any,
                    response: any,
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const actor = staff(req.actor);
      // Who may not see the dossier gets the unknown id's 404.
      await getDossier(db, { kind: 'staff', actor }, req.params.id);
      return dossierSync(db, req.params.id);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/dossiers/:id/national-sync/retry',
    {
      schema: {
        tags: TAGS,
        summary: 'Gửi lại ngay các tin đồng bộ lỗi hoặc đang chờ của hồ sơ (quản trị hệ thống)',
        params: uuidParam,
        response: { 200: { type: 'object', properties: { requeued: { type: 'integer' } } }, ...errorResponses },
      },
    },
    async (req) => {
      const actor = requireSystemAdmin(req.actor, 'Chỉ quản trị hệ thống được gửi lại tin đồng bộ.');
      return { requeued: await retryDossierSync(db, req.params.id, actor.fullName) };
    },
  );

  app.get(
    '/api/v1/national-sync/health',
    {
      schema: {
        tags: TAGS,
        summary: 'Tình trạng đồng bộ lên Cổng DVCQG: tin chờ, lỗi, chưa ánh xạ, lần gửi và đối soát gần nhất',
        response: {
          200: {
            type: 'object',
            properties: {
              active: { type: 'boolean' },
              pending: { type: 'integer' },
              failed: { type: 'integer' },
              unmappedDossiers: { type: 'integer' },
              sentLastDay: { type: 'integer' },
              errorsLastDay: { type: 'integer' },
              oldestPendingAt: nullableString,
              lastSentAt: nullableString,
              lastReconciledAt: nullableString,
              lastReconcile: any,
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const actor = staff(req.actor);
      if (!actor.roles.some((r) => r === 'ioc_viewer' || r === 'system_admin'))
        throw forbidden('Chỉ Trung tâm điều hành và quản trị hệ thống được xem tình trạng đồng bộ.');
      const jobs = new Map((await jobRuns()).map((j) => [j.name, j]));
      const deliver = jobs.get('national.deliver');
      const reconcile = jobs.get('national.reconcile');
      const active = Boolean(deliver?.lastStartedAt && Date.now() - Date.parse(deliver.lastStartedAt) < ACTIVE_WITHIN_MS);
      return { active, ...(await syncHealth(db)), lastReconciledAt: reconcile?.lastFinishedAt ?? null, lastReconcile: reconcile?.result ?? null };
    },
  );
}
