// Routes of the service-quality indicators (operations centre): summary, trend, breakdown, drill-down, the citizen
// feedback figures and their cases, the 766 index, the live stream, and the public transparency page with its open data and map.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { getAgencyRow, organisationOf } from '../agencies/service.ts';
import { AppError, badRequest, forbidden } from '../shared/errors.ts';
import { errorResponses, pagingQuery } from '../shared/http.ts';
import { TIMELINESS_NAMES, OPEN_TIMELINESS_NAMES, STATUS_NAMES, type StatusCode } from '../dossiers/rules.ts';
import {
  breakdown,
  drillDown,
  INDICATORS,
  summary,
  trend,
  type BreakdownBy,
  type BreakdownRow,
  type DrillItem,
  type Indicator,
  type PeriodQuery,
} from './query.ts';
import { index766 } from './index766.ts';
import { FEEDBACK_CHANNELS, FEEDBACK_FIGURES, feedbackStats, feedbackStatsCases, type FeedbackFigure, type FeedbackScope } from '../feedback/stats.ts';
import { DOCUMENT_FIGURES, documentsStats, documentsStatsItems, type DocumentFigure, type DocumentsScope } from '../documents/stats.ts';
import { communesMap, publicStats } from './public.ts';
import { percent, sendTable, tableCsv, type Column } from './export.ts';
import { subscribe } from './stream.ts';
import { vietnamDate, vietnamIso } from '../shared/time.ts';
import { CSV_MIME } from '../shared/csv.ts';

const TAGS = ['Thống kê'];
const day = { type: 'string', format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } as const;
const count = { type: 'integer' } as const;
const counts = (...keys: string[]) => ({ type: 'object', properties: Object.fromEntries(keys.map((k) => [k, count])) }) as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const nullableString = { type: ['string', 'null'] } as const;
const format = { enum: ['json', 'csv', 'xlsx'], default: 'json' } as const;

/** from, to (inclusive Vietnam dates) and the scope filters every indicator query takes. */
const scopeProperties = {
  from: day,
  to: day,
  agency: { type: 'string', format: 'uuid' },
  commune: { type: 'string', pattern: '^[0-9]{5}$' },
  field: { type: 'string', minLength: 1, maxLength: 200 },
  procedure: { type: 'string', format: 'uuid' },
} as const;
const periodQuery = (extra: Record<string, unknown> = {}, required: string[] = []) =>
  ({ type: 'object', additionalProperties: false, required: ['from', 'to', ...required], properties: { ...scopeProperties, ...extra } }) as const;

const shareSchema = {
  type: 'object',
  properties: { numerator: nullableNumber, denominator: nullableNumber, ratio: nullableNumber, available: { type: 'boolean' } },
} as const;
const SHARES = ['fullOnline', 'paidOnline', 'digitisedComponents', 'digitisedResults', 'electronicResults', 'reusedData', 'satisfaction'];
const summarySchema = {
  type: 'object',
  properties: {
    period: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' } } },
    agency: nullableString,
    commune: nullableString,
    field: nullableString,
    procedure: nullableString,
    received: counts('total', 'online', 'counter', 'post'),
    carriedOver: count,
    finished: counts('total', 'early', 'onTime', 'late', 'other'),
    openAtEnd: counts('total', 'inTime', 'late'),
    onTimeRatio: nullableNumber,
    averageWorkingDays: nullableNumber,
    open: counts('inTime', 'atRisk', 'overdue'),
    supplementRequests: count,
    apologies: count,
    shares: { type: 'object', properties: Object.fromEntries(SHARES.map((k) => [k, shareSchema])) },
  },
} as const;

/** A page of a list: its total and the items, each an object with these properties. */
const pageOf = (properties: Record<string, unknown>) =>
  ({ type: 'object', properties: { total: count, items: { type: 'array', items: { type: 'object', properties } } } }) as const;

/** The longest period one query may cover (ten years). */
const MAX_DAYS = 3660;

function checkPeriod(q: { from: string; to: string }) {
  if (q.from > q.to) throw badRequest('INVALID_PERIOD', 'Ngày bắt đầu (from) phải trước hoặc bằng ngày kết thúc (to).', { from: q.from, to: q.to });
  if ((Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 > MAX_DAYS) {
    throw badRequest('PERIOD_TOO_LONG', 'Kỳ thống kê dài tối đa 10 năm.', { from: q.from, to: q.to });
  }
}

/**
 * Who may read statistics, and over what: the operations centre (ioc_viewer) and system administrators the whole
 * province; an agency leader their own organisation (the agency filter is set to it, or must lie inside it).
 */
async function scopedQuery<T extends { agency?: string }>(app: FastifyInstance, req: FastifyRequest, q: T): Promise<T> {
  const actor = req.actor;
  if (!actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
  if (actor.roles.some((r) => r === 'ioc_viewer' || r === 'system_admin')) return q;
  if (!actor.roles.includes('agency_leader')) throw forbidden('Chỉ Trung tâm điều hành, lãnh đạo cơ quan và quản trị hệ thống được xem thống kê.');
  const org = await organisationOf(app.db, actor.agencyId);
  if (q.agency && q.agency !== org.id) {
    const row = await getAgencyRow(app.db, q.agency);
    if (!row?.path.split('/').includes(org.id)) throw forbidden('Lãnh đạo cơ quan chỉ xem được thống kê của cơ quan mình.');
    return q;
  }
  return { ...q, agency: org.id };
}

const BREAKDOWN_TITLES: Record<BreakdownBy, string> = { agency: 'Cơ quan', commune: 'Xã, phường', field: 'Lĩnh vực', procedure: 'Thủ tục' };
const breakdownColumns = (by: BreakdownBy): Column<BreakdownRow>[] => [
  { header: 'Hạng', value: (r) => r.rank },
  { header: BREAKDOWN_TITLES[by], value: (r) => r.name },
  { header: 'Mã', value: (r) => r.key },
  { header: 'Tiếp nhận', value: (r) => r.received },
  { header: 'Đã giải quyết', value: (r) => r.finished },
  { header: 'Trước hạn', value: (r) => r.early },
  { header: 'Đúng hạn', value: (r) => r.onTime },
  { header: 'Quá hạn', value: (r) => r.late },
  { header: 'Tỷ lệ đúng hạn (%)', value: (r) => percent(r.onTimeRatio) },
  { header: 'Đang xử lý quá hạn', value: (r) => r.overdueOpen },
];
const TIMELINESS_LABELS: Record<string, string> = { ...TIMELINESS_NAMES, ...OPEN_TIMELINESS_NAMES };
const localTime = (iso: string | null) => (iso ? vietnamIso(new Date(iso)).slice(0, 16).replace('T', ' ') : null);
const dossierColumns: Column<DrillItem>[] = [
  { header: 'Mã hồ sơ', value: (r) => r.code },
  { header: 'Thủ tục', value: (r) => r.procedureName },
  { header: 'Cơ quan giải quyết', value: (r) => r.agencyName },
  { header: 'Trạng thái', value: (r) => STATUS_NAMES[r.status as StatusCode] },
  { header: 'Ngày tiếp nhận', value: (r) => localTime(r.receivedAt) },
  { header: 'Hẹn trả', value: (r) => localTime(r.dueAt) },
  { header: 'Ngày có kết quả', value: (r) => localTime(r.finishedAt) },
  { header: 'Tiến độ', value: (r) => (r.timeliness ? TIMELINESS_LABELS[r.timeliness] : null) },
];
/** A download lists at most this many dossiers. */
const EXPORT_LIMIT = 10_000;

/** Default public period: the current year up to today. */
function publicPeriod(q: { year?: number; from?: string; to?: string }) {
  if (q.from || q.to) {
    if (!q.from || !q.to) throw badRequest('INVALID_PERIOD', 'Cần cả ngày bắt đầu (from) và ngày kết thúc (to).');
    checkPeriod({ from: q.from, to: q.to });
    return { from: q.from, to: q.to };
  }
  const year = q.year ?? Number(vietnamDate(new Date()).slice(0, 4));
  return { from: `${year}-01-01`, to: `${year}-12-31` };
}

export async function statsRoutes(app: FastifyInstance): Promise<void> {
  // Every route here only reads: from the replica when there is one (shared/read-replica.ts).

  app.get<{ Querystring: PeriodQuery }>(
    '/api/v1/stats/summary',
    {
      schema: {
        tags: TAGS,
        summary:
          'Chỉ số chất lượng giải quyết hồ sơ theo kỳ (từ ngày, đến ngày) và phạm vi (cơ quan, xã/phường, lĩnh vực, thủ tục): tiếp nhận theo kênh, ' +
          'kỳ trước chuyển sang, giải quyết trước hạn / đúng hạn / quá hạn, tỷ lệ đúng hạn theo cách tính của Cổng DVCQG, thời gian xử lý bình quân (ngày làm việc), ' +
          'yêu cầu bổ sung, phiếu xin lỗi, hồ sơ đang xử lý trong hạn / sắp đến hạn / quá hạn, các tỷ lệ toàn trình, số hóa, kết quả điện tử (chưa có dữ liệu thì available=false). ' +
          'Dành cho Trung tâm điều hành, lãnh đạo cơ quan (cơ quan mình) và quản trị hệ thống.',
        querystring: periodQuery(),
        response: { 200: summarySchema, ...errorResponses },
      },
    },
    async (req) => {
      checkPeriod(req.query);
      return summary(app.readDb(req), await scopedQuery(app, req, req.query));
    },
  );

  app.get<{ Querystring: PeriodQuery & { grain: 'day' | 'month' } }>(
    '/api/v1/stats/trend',
    {
      schema: {
        tags: TAGS,
        summary:
          'Diễn biến theo ngày hoặc tháng: hồ sơ tiếp nhận, giải quyết trước hạn / đúng hạn / quá hạn và tỷ lệ đúng hạn của hồ sơ có kết quả trong từng ngày, tháng.',
        querystring: periodQuery({ grain: { enum: ['day', 'month'], default: 'day' } }),
        response: {
          200: {
            type: 'object',
            properties: {
              grain: { type: 'string' },
              points: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    period: { type: 'string' },
                    received: count,
                    early: count,
                    onTime: count,
                    late: count,
                    onTimeRatio: nullableNumber,
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
      checkPeriod(req.query);
      if (req.query.grain === 'day' && (Date.parse(req.query.to) - Date.parse(req.query.from)) / 86_400_000 > 400) {
        throw badRequest('PERIOD_TOO_LONG', 'Diễn biến theo ngày tối đa 400 ngày; hãy chọn theo tháng.');
      }
      return trend(app.readDb(req), await scopedQuery(app, req, req.query));
    },
  );

  app.get<{ Querystring: PeriodQuery & { by: BreakdownBy; format: 'json' | 'csv' | 'xlsx' } }>(
    '/api/v1/stats/breakdown',
    {
      schema: {
        tags: TAGS,
        summary:
          'Chỉ số theo cơ quan, xã/phường, lĩnh vực hoặc thủ tục, xếp hạng theo tỷ lệ đúng hạn rồi số hồ sơ tiếp nhận; tải về CSV hoặc Excel với format=csv|xlsx.',
        querystring: periodQuery({ by: { enum: ['agency', 'commune', 'field', 'procedure'] }, format }, ['by']),
        response: {
          200: {
            type: 'object',
            properties: {
              by: { type: 'string' },
              rows: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    key: { type: 'string' },
                    name: { type: 'string' },
                    received: count,
                    finished: count,
                    early: count,
                    onTime: count,
                    late: count,
                    onTimeRatio: nullableNumber,
                    overdueOpen: count,
                    rank: count,
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      checkPeriod(req.query);
      const { format: as, ...q } = req.query;
      const result = await breakdown(app.readDb(req), await scopedQuery(app, req, q));
      if (as === 'json') return result;
      return sendTable(reply, as, `thong-ke-${q.by}-${q.from}-${q.to}`, 'Thống kê', breakdownColumns(q.by), result.rows);
    },
  );

  app.get<{ Querystring: PeriodQuery & { indicator: Indicator; page: number; pageSize: number; format: 'json' | 'csv' | 'xlsx' } }>(
    '/api/v1/stats/dossiers',
    {
      schema: {
        tags: TAGS,
        summary:
          'Danh sách hồ sơ đứng sau một con số (tiếp nhận, trước hạn, đúng hạn, quá hạn, kết thúc khác, đang trong hạn, sắp đến hạn, đang quá hạn, ' +
          'yêu cầu bổ sung, xin lỗi) trong phạm vi người dùng được xem; mỗi hồ sơ mở tiếp tại /api/v1/dossiers/{id}. Tải về với format=csv|xlsx.',
        querystring: periodQuery({ indicator: { enum: [...INDICATORS] }, ...pagingQuery, format }, ['indicator']),
        response: {
          200: pageOf({
            id: { type: 'string' },
            code: { type: 'string' },
            procedureName: { type: 'string' },
            agencyName: { type: 'string' },
            status: count,
            receivedAt: nullableString,
            dueAt: nullableString,
            finishedAt: nullableString,
            timeliness: nullableString,
          }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      checkPeriod(req.query);
      const { format: as, ...q } = await scopedQuery(app, req, req.query);
      if (as === 'json') return drillDown(app.readDb(req), q);
      const { items } = await drillDown(app.readDb(req), { ...q, page: 1, pageSize: EXPORT_LIMIT });
      return sendTable(reply, as, `ho-so-${q.indicator}-${q.from}-${q.to}`, 'Hồ sơ', dossierColumns, items);
    },
  );

  // ---- citizen feedback (phản ánh, kiến nghị), from the feedback module ---------------------------

  const feedbackScope = { from: day, to: day, agency: scopeProperties.agency, commune: scopeProperties.commune } as const;
  const feedbackQuery = (extra: Record<string, unknown> = {}, required: string[] = []) =>
    ({ type: 'object', additionalProperties: false, required: ['from', 'to', ...required], properties: { ...feedbackScope, ...extra } }) as const;

  app.get<{ Querystring: FeedbackScope }>(
    '/api/v1/stats/feedback',
    {
      schema: {
        tags: TAGS,
        summary:
          'Phản ánh, kiến nghị theo kỳ và phạm vi (cơ quan xử lý, xã/phường nơi phản ánh): tiếp nhận theo kênh và lĩnh vực; đã xử lý (trả lời được công bố trong kỳ) ' +
          'đúng hạn / trễ hạn (lãnh đạo duyệt trả lời trước hạn xử lý, hạn đã cộng thời gian chờ người phản ánh bổ sung); đang quá hạn, sắp đến hạn, quá hạn chưa trả lời; ' +
          'đánh giá của người phản ánh; thời gian trả lời bình quân (giờ làm việc, trừ thời gian chờ bổ sung). Cùng quyền như số liệu hồ sơ.',
        querystring: feedbackQuery(),
        response: {
          200: {
            type: 'object',
            properties: {
              period: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' } } },
              agency: nullableString,
              commune: nullableString,
              received: {
                type: 'object',
                properties: {
                  total: count,
                  byChannel: { type: 'array', items: { type: 'object', properties: { channel: { type: 'string' }, received: count } } },
                },
              },
              byCategory: {
                type: 'array',
                items: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' }, received: count } },
              },
              handled: counts('total', 'onTime', 'late'),
              onTimeRatio: nullableNumber,
              open: counts('overdue', 'atRisk', 'missed'),
              satisfaction: {
                type: 'object',
                properties: { hai_long: count, chap_nhan: count, khong_hai_long: count, notRated: count, satisfiedRatio: nullableNumber },
              },
              averageWorkingHours: nullableNumber,
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req) => {
      checkPeriod(req.query);
      return feedbackStats(app.readDb(req), await scopedQuery(app, req, req.query));
    },
  );

  app.get<{ Querystring: FeedbackScope & { figure: FeedbackFigure; channel?: string; category?: string; page: number; pageSize: number } }>(
    '/api/v1/stats/feedback/cases',
    {
      schema: {
        tags: TAGS,
        summary:
          'Danh sách phản ánh đứng sau một con số (received, handled, on_time, late, overdue, at_risk, missed, not_rated, hai_long, chap_nhan, khong_hai_long; ' +
          'tiếp nhận có thể lọc theo kênh, lĩnh vực), mới nhất trước, không có thông tin người phản ánh; mỗi phản ánh mở tiếp tại /api/v1/feedback/{id}.',
        querystring: feedbackQuery(
          {
            figure: { enum: [...FEEDBACK_FIGURES] },
            channel: { enum: [...FEEDBACK_CHANNELS] },
            category: { type: 'string', pattern: '^[a-z0-9_.-]{2,40}$' },
            ...pagingQuery,
          },
          ['figure'],
        ),
        response: {
          200: pageOf({
            id: { type: 'string' },
            code: { type: 'string' },
            title: { type: 'string' },
            category: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
            level: { type: 'string' },
            channel: { type: 'string' },
            status: { type: 'string' },
            statusName: { type: 'string' },
            agency: { type: ['object', 'null'], properties: { id: { type: 'string' }, name: nullableString } },
            communeCode: nullableString,
            createdAt: nullableString,
            dueAt: nullableString,
            approvedAt: nullableString,
            publishedAt: nullableString,
            rating: nullableString,
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      checkPeriod(req.query);
      return feedbackStatsCases(app.readDb(req), await scopedQuery(app, req, req.query));
    },
  );

  // ---- văn bản đi, đến, from the documents module ---------------------------------------------------

  const documentsQuery = (extra: Record<string, unknown> = {}, required: string[] = []) =>
    ({
      type: 'object',
      additionalProperties: false,
      required: ['from', 'to', ...required],
      properties: { from: day, to: day, agency: scopeProperties.agency, ...extra },
    }) as const;
  const handling = counts('onTime', 'late', 'open', 'overdue', 'atRisk');
  const share = { type: 'object', properties: { electronic: count, paper: count, ratio: nullableNumber } } as const;

  app.get<{ Querystring: DocumentsScope }>(
    '/api/v1/stats/documents',
    {
      schema: {
        tags: TAGS,
        summary:
          'Văn bản đi, đến theo kỳ và phạm vi: văn bản đến đã phân công (phiếu giải quyết) theo từng cơ quan và đơn vị chủ trì — hoàn thành đúng hạn, quá hạn ' +
          'trong kỳ; còn đang giải quyết cuối kỳ, trong đó quá hạn, sắp đến hạn (hạn tính theo ngày làm việc); tỷ lệ văn bản đến, đi điện tử so với giấy. ' +
          'Cùng quyền như số liệu hồ sơ.',
        querystring: documentsQuery(),
        response: {
          200: {
            type: 'object',
            properties: {
              period: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' } } },
              agency: nullableString,
              handling: { type: 'object', properties: { ...handling.properties, onTimeRatio: nullableNumber } },
              units: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    name: { type: 'string' },
                    organisationId: nullableString,
                    ...handling.properties,
                    onTimeRatio: nullableNumber,
                  },
                },
              },
              electronic: { type: 'object', properties: { incoming: share, outgoing: share, ratio: nullableNumber } },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req) => {
      checkPeriod(req.query);
      return documentsStats(app.readDb(req), await scopedQuery(app, req, req.query));
    },
  );

  app.get<{ Querystring: DocumentsScope & { figure: DocumentFigure; unit?: string; page: number; pageSize: number } }>(
    '/api/v1/stats/documents/items',
    {
      schema: {
        tags: TAGS,
        summary:
          'Danh sách văn bản đứng sau một con số (on_time, late, open, overdue, at_risk, incoming_electronic, incoming_paper, outgoing_electronic, outgoing_paper), ' +
          'có thể lọc theo một dòng của bảng (cơ quan hoặc đơn vị chủ trì), mới nhất trước; văn bản mật không hiện trích yếu.',
        querystring: documentsQuery({ figure: { enum: [...DOCUMENT_FIGURES] }, unit: { type: 'string', format: 'uuid' }, ...pagingQuery }, ['figure']),
        response: {
          200: pageOf({
            id: { type: 'string' },
            direction: { type: 'string' },
            organisation: { type: 'object', properties: { id: { type: 'string' }, name: nullableString } },
            leadUnit: { type: ['object', 'null'], properties: { id: { type: 'string' }, name: nullableString } },
            typeName: nullableString,
            secret: { type: 'boolean' },
            subject: nullableString,
            notation: nullableString,
            arrivalNumber: { type: ['integer', 'null'] },
            from: nullableString,
            channel: nullableString,
            status: { type: 'string' },
            statusName: { type: 'string' },
            registeredAt: nullableString,
            issuedAt: nullableString,
            dueAt: nullableString,
            closedAt: nullableString,
            overdue: { type: 'boolean' },
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      checkPeriod(req.query);
      return documentsStatsItems(app.readDb(req), await scopedQuery(app, req, req.query));
    },
  );

  app.get<{ Querystring: { period: string; agency?: string } }>(
    '/api/v1/stats/index766',
    {
      schema: {
        tags: TAGS,
        summary:
          'Bộ chỉ số 766 (Quyết định 766/QĐ-TTg) theo năm (YYYY), quý (YYYY-Qn) hoặc tháng (YYYY-MM): từng chỉ số với công thức, đầu vào (parts), điểm tối đa và điểm; ' +
          'chỉ số nền tảng chưa có dữ liệu (available=false) hoặc không có hồ sơ để tính trong kỳ (counted=false) được 0 điểm; tổng điểm trên thang 100; kèm xếp hạng các cơ quan, UBND xã, phường.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['period'],
          properties: {
            period: { type: 'string', pattern: '^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$' },
            agency: { type: 'string', format: 'uuid' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              period: { type: 'string' },
              from: { type: 'string' },
              to: { type: 'string' },
              agency: nullableString,
              indicators: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    key: { type: 'string' },
                    group: { type: 'string' },
                    name: { type: 'string' },
                    formula: { type: 'string' },
                    maxPoints: { type: 'number' },
                    parts: {
                      type: 'array',
                      items: { type: 'object', properties: { name: { type: 'string' }, numerator: { type: 'number' }, denominator: { type: 'number' } } },
                    },
                    numerator: nullableNumber,
                    denominator: nullableNumber,
                    points: { type: 'number' },
                    available: { type: 'boolean' },
                    counted: { type: 'boolean' },
                  },
                },
              },
              total: { type: 'object', properties: { points: { type: 'number' }, maxPoints: { type: 'number' } } },
              ranking: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    agencyId: { type: 'string' },
                    name: { type: 'string' },
                    points: { type: 'number' },
                    maxPoints: { type: 'number' },
                    rank: count,
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req) => index766(app.readDb(req), await scopedQuery(app, req, req.query)),
  );

  app.get(
    '/api/v1/stats/stream',
    {
      schema: {
        tags: TAGS,
        summary:
          'Luồng sự kiện (Server-Sent Events) cho màn hình điều hành: "event: stats" kèm số phiên bản mỗi khi số liệu thay đổi (trong vòng 2 giây sau khi hồ sơ có sự kiện mới), ' +
          'dòng chú thích giữ kết nối mỗi 15 giây.',
        produces: ['text/event-stream'],
        response: { ...errorResponses },
      },
    },
    async (req, reply) => {
      await scopedQuery(app, req, {});
      reply.hijack();
      await subscribe(app.readDb(req), reply.raw);
    },
  );

  // ---- public, no login -------------------------------------------------------------------------

  const publicQuery = {
    type: 'object',
    additionalProperties: false,
    properties: {
      year: { type: 'integer', minimum: 2000, maximum: 2100 },
      from: day,
      to: day,
    },
  } as const;
  type PublicQuery = { year?: number; from?: string; to?: string };
  const figureSchema = {
    type: 'object',
    properties: { key: { type: 'string' }, name: { type: 'string' }, value: nullableNumber, unit: { type: 'string' }, definition: { type: 'string' } },
  } as const;

  app.get<{ Querystring: PublicQuery }>(
    '/api/v1/public/stats',
    {
      schema: {
        tags: TAGS,
        summary:
          'Công khai (không cần đăng nhập): chỉ số giải quyết thủ tục hành chính của tỉnh theo năm hoặc khoảng ngày, mỗi số kèm định nghĩa, và xếp hạng các cơ quan.',
        querystring: publicQuery,
        response: {
          200: {
            type: 'object',
            properties: {
              period: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' } } },
              figures: { type: 'array', items: figureSchema },
              rankingDefinition: { type: 'string' },
              ranking: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    rank: count,
                    agencyId: { type: 'string' },
                    name: { type: 'string' },
                    received: count,
                    finished: count,
                    onTimeRatio: nullableNumber,
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
      const p = publicPeriod(req.query);
      return publicStats(app.readDb(req), p.from, p.to);
    },
  );

  app.get<{ Querystring: PublicQuery }>(
    '/api/v1/public/stats.csv',
    {
      schema: {
        tags: TAGS,
        summary: 'Công khai, dữ liệu mở (CSV, UTF-8): các chỉ số của tỉnh với định nghĩa và bảng xếp hạng cơ quan.',
        querystring: publicQuery,
        response: { ...errorResponses },
      },
    },
    async (req, reply) => {
      const p = publicPeriod(req.query);
      const s = await publicStats(app.readDb(req), p.from, p.to);
      type Line = { section: string; key: string; name: string; value: number | null; unit: string; definition: string };
      const lines: Line[] = [
        ...s.figures.map((f) => ({ section: 'Chỉ số', ...f })),
        ...s.ranking.map((r) => ({
          section: `Xếp hạng ${r.rank}`,
          key: r.agencyId,
          name: r.name,
          value: percent(r.onTimeRatio),
          unit: '% đúng hạn',
          definition: `${s.rankingDefinition} Tiếp nhận ${r.received}, đã giải quyết ${r.finished}.`,
        })),
      ];
      const columns: Column<Line>[] = [
        { header: 'Kỳ', value: () => `${p.from}..${p.to}` },
        { header: 'Mục', value: (l) => l.section },
        { header: 'Mã', value: (l) => l.key },
        { header: 'Tên', value: (l) => l.name },
        { header: 'Giá trị', value: (l) => l.value },
        { header: 'Đơn vị', value: (l) => l.unit },
        { header: 'Định nghĩa', value: (l) => l.definition },
      ];
      reply.header('content-disposition', `attachment; filename="thong-ke-${p.from}-${p.to}.csv"`);
      return reply.type(CSV_MIME).send(tableCsv(columns, lines));
    },
  );

  app.get<{ Querystring: PublicQuery }>(
    '/api/v1/public/geo/communes',
    {
      schema: {
        tags: TAGS,
        summary:
          'Công khai: ranh giới các xã, phường của tỉnh (GeoJSON giản lược) kèm tỷ lệ giải quyết đúng hạn và số hồ sơ tiếp nhận của từng xã, phường trong kỳ.',
        querystring: publicQuery,
        response: { ...errorResponses },
      },
    },
    async (req, reply) => {
      const p = publicPeriod(req.query);
      return reply.type('application/geo+json; charset=utf-8').send(JSON.stringify(await communesMap(app.readDb(req), p.from, p.to)));
    },
  );
}
