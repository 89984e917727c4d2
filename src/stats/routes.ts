// Routes of the service-quality indicators (IOC dashboard).
import type { FastifyInstance } from 'fastify';
import { organisationOf } from '../agencies/service.ts';
import { AppError, badRequest, forbidden } from '../shared/errors.ts';
import { errorResponses } from '../shared/http.ts';
import { summary, type SummaryQuery } from './service.ts';

const day = { type: 'string', format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } as const;
const count = { type: 'integer' } as const;
const counts = (...keys: string[]) => ({ type: 'object', properties: Object.fromEntries(keys.map((k) => [k, count])) }) as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const nullableId = { type: ['string', 'null'] } as const;

/** The longest period one query may cover (ten years). */
const MAX_DAYS = 3660;

export async function statsRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db;
  app.get<{ Querystring: SummaryQuery }>('/api/v1/stats/summary', {
    schema: {
      tags: ['Thống kê'],
      summary: 'Chỉ số chất lượng giải quyết hồ sơ theo kỳ (từ ngày, đến ngày) và phạm vi (cơ quan chủ trì, thủ tục): tiếp nhận theo kênh, '
        + 'giải quyết trước hạn / đúng hạn / quá hạn, tỷ lệ đúng hạn, thời gian xử lý bình quân (ngày làm việc), yêu cầu bổ sung, phiếu xin lỗi, '
        + 'hồ sơ đang xử lý trong hạn / sắp đến hạn / quá hạn. Dành cho Trung tâm điều hành, lãnh đạo cơ quan (cơ quan mình) và quản trị hệ thống.',
      querystring: {
        type: 'object', additionalProperties: false, required: ['from', 'to'],
        properties: { from: day, to: day, agency: { type: 'string', format: 'uuid' }, procedure: { type: 'string', format: 'uuid' } },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            period: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' } } },
            agency: nullableId, procedure: nullableId,
            received: counts('total', 'online', 'counter', 'post'),
            finished: counts('total', 'early', 'onTime', 'late', 'other'),
            onTimeRatio: nullableNumber, averageWorkingDays: nullableNumber,
            supplementRequests: count, apologies: count,
            open: counts('inTime', 'atRisk', 'overdue'),
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => {
    const actor = req.actor;
    if (!actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
    const q = { ...req.query };
    if (q.from > q.to) throw badRequest('INVALID_PERIOD', 'Ngày bắt đầu (from) phải trước hoặc bằng ngày kết thúc (to).', { from: q.from, to: q.to });
    if ((Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 > MAX_DAYS) {
      throw badRequest('PERIOD_TOO_LONG', 'Kỳ thống kê dài tối đa 10 năm.', { from: q.from, to: q.to });
    }
    if (!actor.roles.some((r) => r === 'ioc_viewer' || r === 'system_admin')) {
      if (!actor.roles.includes('agency_leader')) throw forbidden('Chỉ Trung tâm điều hành, lãnh đạo cơ quan và quản trị hệ thống được xem thống kê.');
      // An agency leader sees their own organisation only.
      const org = await organisationOf(db, actor.agencyId);
      if (q.agency && q.agency !== org.id) throw forbidden('Lãnh đạo cơ quan chỉ xem được thống kê của cơ quan mình.');
      q.agency = org.id;
    }
    return summary(db, q);
  });
}
