// The running server's own backup (PGlite: only the process that holds the data directory can copy it consistently).
import type { FastifyInstance } from 'fastify';
import { requireSystemAdmin } from '../shared/actor.ts';
import { AppError } from '../shared/errors.ts';
import { errorResponses } from '../shared/http.ts';
import { pgliteBackup } from './backup.ts';
import { vietnamDate } from '../shared/time.ts';

export async function backupRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/v1/admin/backup',
    {
      schema: {
        tags: ['Quản trị'],
        summary:
          'Sao lưu nhất quán cơ sở dữ liệu nhúng (PGlite) khi máy chủ đang chạy: thư mục dữ liệu dạng tar.gz, phục hồi bằng npm run restore. Chỉ quản trị hệ thống.',
        response: { ...errorResponses, 409: { $ref: 'Error#' } },
      },
    },
    async (req, reply) => {
      requireSystemAdmin(req.actor);
      if (app.db.kind !== 'pglite')
        throw new AppError(409, 'USE_PG_DUMP', 'Cơ sở dữ liệu là máy chủ PostgreSQL: sao lưu bằng npm run backup (pg_dump), không qua API.');
      const day = vietnamDate(new Date()).replaceAll('-', '');
      reply.type('application/gzip').header('content-disposition', `attachment; filename="congso-${day}.tar.gz"`);
      return reply.send(await pgliteBackup(app.db));
    },
  );
}
