// Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg,
// 23/6/2022), as DVCQG scores it (province maximum 100). Every indicator whose data the platform holds is computed
// (dossiers from the counters, publication from the catalogue, payments, signed results, feedback from its module); one whose data it does not
// hold scores 0 and is marked, so the total is out of the published 100 and comparable with the national portal's.
import type { Queryable } from '../db/index.ts';
import { badRequest } from '../shared/errors.ts';
import { publishedProcedureFacts, type PublishedProcedureFacts } from '../catalog/service.ts';
import { figuresBy, indicatorContext, rankRows, resolveScope, type Figures } from './query.ts';
import { addDays } from '../shared/time.ts';
import { feedbackIndexInputs, type FeedbackIndexInputs } from '../feedback/stats.ts';
import { syncIndexInputs, type SyncIndexInputs } from '../national/service.ts';

export interface IndicatorDefinition {
  key: string;
  name: string;
  formula: string;
  maxPoints: number;
  group: string;
}

/** One named input of a formula (a ratio's numerator and denominator). */
export interface Part {
  name: string;
  numerator: number;
  denominator: number;
}
/** What the catalogue and the period's per-procedure payments tell. */
interface CatalogueFacts {
  published: number;
  complete: number;
  /** Published procedures that charge a fee; those whose fees are fixed amounts a citizen pays online with the dossier. */
  charging: number;
  integrated: number;
  /** Procedures with fees paid in the scope and period, and those of them paid online at least once. */
  withPayments: number;
  withOnlinePayments: number;
}
interface Inputs {
  f: Figures;
  catalogue: CatalogueFacts;
  feedback: FeedbackIndexInputs;
  sync: SyncIndexInputs;
}

/**
 * The indicator's parts (the first is its main ratio); null: the platform does not hold the data. `points` turns the
 * parts' ratios into points (default: maximum × the first ratio).
 */
type Scorer = ((x: Inputs) => Part[] | null) | null;

/** `empty`: the points when there is nothing to count, where the published formula names them (otherwise 0, marked). */
const INDICATORS: (IndicatorDefinition & { score: Scorer; points?: (ratios: number[]) => number; empty?: number })[] = [
  {
    group: 'Công khai, minh bạch',
    key: 'PUBLISH_ON_TIME',
    name: 'TTHC được công bố đúng hạn',
    maxPoints: 6,
    score: null,
    formula: 'Số TTHC công bố đúng hạn / tổng số TTHC công bố × 6 (quyết định công bố trước ngày văn bản có hiệu lực ít nhất 5 ngày làm việc)',
  },
  {
    group: 'Công khai, minh bạch',
    key: 'PUBLIC_UPDATE_ON_TIME',
    name: 'TTHC được cập nhật, công khai đúng hạn',
    maxPoints: 4,
    score: null,
    formula: 'Số TTHC công khai trên CSDL quốc gia trong 5 ngày làm việc từ ngày công bố / tổng số TTHC công bố × 4',
  },
  {
    group: 'Công khai, minh bạch',
    key: 'PUBLIC_CONTENT_FULL',
    name: 'TTHC công khai đầy đủ 7 bộ phận',
    maxPoints: 2,
    formula: 'Số TTHC công khai đủ tên, trình tự, cách thức, hồ sơ, thời hạn, đối tượng, cơ quan / tổng số TTHC đang công bố × 2 (danh mục của tỉnh)',
    score: ({ catalogue: c }) => [{ name: 'TTHC công khai đủ 7 bộ phận / TTHC đang công bố', numerator: c.complete, denominator: c.published }],
  },
  {
    group: 'Công khai, minh bạch',
    key: 'DOSSIER_SYNC',
    name: 'Hồ sơ đồng bộ trạng thái lên Cổng Dịch vụ công quốc gia',
    maxPoints: 6,
    formula: 'Số hồ sơ tiếp nhận trong kỳ được Cổng DVCQG xác nhận / số hồ sơ tiếp nhận trong kỳ × 6 (theo nhật ký đồng bộ; đúng hạn: xác nhận trong 24 giờ)',
    // From the sync log (national/service.ts): dossiers received in the period whose reception the portal acknowledged.
    score: ({ sync }) => [
      { name: 'Hồ sơ tiếp nhận được đồng bộ / hồ sơ tiếp nhận', numerator: sync.synced, denominator: sync.received },
      { name: 'Hồ sơ đồng bộ đúng hạn / hồ sơ tiếp nhận', numerator: sync.syncedOnTime, denominator: sync.received },
    ],
    points: ([synced]) => 6 * synced,
  },
  {
    group: 'Tiến độ, kết quả giải quyết',
    key: 'ON_TIME_PROCESSING',
    name: 'Hồ sơ giải quyết trước hạn, đúng hạn và đang trong hạn',
    maxPoints: 20,
    formula:
      '(Hồ sơ hoàn thành trước hạn, đúng hạn + hồ sơ chưa hoàn thành còn trong hạn ở cuối kỳ) / (hồ sơ hoàn thành được phân loại + hồ sơ chưa hoàn thành) × 20',
    score: ({ f }) => [
      {
        name: 'Hồ sơ trước hạn, đúng hạn, còn trong hạn / hồ sơ phải giải quyết',
        numerator: f.finished.early + f.finished.onTime + f.openAtEnd.inTime,
        denominator: f.finished.early + f.finished.onTime + f.finished.late + f.openAtEnd.total,
      },
    ],
  },
  {
    group: 'Cung cấp dịch vụ trực tuyến',
    key: 'FULL_ONLINE_DOSSIERS',
    name: 'Hồ sơ trực tuyến toàn trình',
    maxPoints: 12,
    formula: 'Hồ sơ tiếp nhận trực tuyến của TTHC cung cấp DVC trực tuyến toàn trình / hồ sơ tiếp nhận của các TTHC đó × 12',
    score: ({ f }) => [{ name: 'Hồ sơ trực tuyến toàn trình / hồ sơ của TTHC toàn trình', numerator: f.sums.full_online, denominator: f.sums.full_received }],
  },
  // DVCQG's curve is reverse-engineered (⚠U): 6·A + min(2; 2,5·B) + 2,5·C, capped at the maximum.
  {
    group: 'Thanh toán trực tuyến',
    key: 'ONLINE_PAYMENT',
    name: 'Thanh toán trực tuyến nghĩa vụ tài chính',
    maxPoints: 10,
    formula:
      'min(10; 6 × A + min(2; 2,5 × B) + 2,5 × C) — A: hồ sơ nộp phí trực tuyến / hồ sơ đã nộp phí; B: TTHC có giao dịch thanh toán trực tuyến / TTHC có hồ sơ nộp phí trong kỳ; C: TTHC có phí tích hợp thanh toán trực tuyến / TTHC có phí',
    score: ({ f, catalogue: c }) => [
      { name: 'A. Hồ sơ nộp phí trực tuyến / hồ sơ đã nộp phí', numerator: f.sums.paid_online, denominator: f.sums.paid },
      { name: 'B. TTHC có giao dịch trực tuyến / TTHC có hồ sơ nộp phí', numerator: c.withOnlinePayments, denominator: c.withPayments },
      { name: 'C. TTHC có phí tích hợp thanh toán trực tuyến / TTHC có phí', numerator: c.integrated, denominator: c.charging },
    ],
    points: ([a, b, c]) => Math.min(10, 6 * a + Math.min(2, 2.5 * b) + 2.5 * c),
  },
  {
    group: 'Số hóa hồ sơ',
    key: 'ORIGINAL_RESULT_AVAILABLE',
    name: 'Kết quả giải quyết điện tử',
    maxPoints: 6,
    formula: 'Hồ sơ có kết quả điện tử được ký số / hồ sơ đã giải quyết xong × 6 (theo tệp kết quả, không theo kênh trả)',
    score: ({ f }) => [{ name: 'Hồ sơ có kết quả điện tử ký số / hồ sơ giải quyết xong', numerator: f.sums.results_signed, denominator: f.sums.approved }],
  },
  {
    group: 'Số hóa hồ sơ',
    key: 'SO_HOA_GIAY_TO_GIAI_QUYET',
    name: 'Số hóa thành phần hồ sơ',
    maxPoints: 4,
    formula: 'Hồ sơ trực tiếp, bưu chính có thành phần được số hóa khi tiếp nhận / hồ sơ tiếp nhận trực tiếp, bưu chính × 4',
    score: ({ f }) => [
      { name: 'Hồ sơ trực tiếp, bưu chính được số hóa / hồ sơ trực tiếp, bưu chính', numerator: f.sums.paper_digitised, denominator: f.sums.paper_received },
    ],
  },
  {
    group: 'Số hóa hồ sơ',
    key: 'ELECTRONIC_CERTIFIED_COPY',
    name: 'Cấp bản sao điện tử có chứng thực',
    maxPoints: 2,
    score: null,
    formula: 'Số xã cung cấp chứng thực bản sao điện tử / tổng số xã × 2',
  },
  {
    group: 'Số hóa hồ sơ',
    key: 'REUSED_DIGITIZED_DATA',
    name: 'Tái sử dụng dữ liệu số hóa',
    maxPoints: 2,
    formula: 'min(2; 2 × tỷ lệ hồ sơ tái sử dụng dữ liệu / 80%) — hồ sơ nộp có thành phần lấy từ kho dữ liệu / hồ sơ nộp trên nền tảng',
    score: ({ f }) => [{ name: 'Hồ sơ tái sử dụng dữ liệu / hồ sơ nộp', numerator: f.sums.reused_data, denominator: f.sums.submitted }],
    points: ([ratio]) => Math.min(2, (2 * ratio) / 0.8),
  },
  {
    group: 'Số hóa hồ sơ',
    key: 'SYNCED_WITH_DVCQG_PERSONAL_STORAGE',
    name: 'Số hóa có kết nối kho dữ liệu trên Cổng DVCQG',
    maxPoints: 4,
    score: null,
    formula: 'Hồ sơ có ít nhất một thành phần lấy từ Kho hoặc kết quả đồng bộ vào Kho / tổng số hồ sơ × 4',
  },
  {
    group: 'Số hóa hồ sơ',
    key: 'CITIZEN_DATA_CONNECTED_DOSSIER',
    name: 'Hồ sơ sử dụng dữ liệu dân cư',
    maxPoints: 2,
    score: null,
    formula: 'Hồ sơ khai thác CSDL quốc gia về dân cư / tổng số hồ sơ × 2',
  },
  {
    group: 'Số hóa hồ sơ',
    key: 'CITIZEN_DATA_CONNECTED_FORMALITY',
    name: 'TTHC kết nối dữ liệu dân cư',
    maxPoints: 2,
    score: null,
    formula: 'TTHC đã kết nối CSDL quốc gia về dân cư / TTHC cần kết nối × 2',
  },
  // From the feedback module (feedback/stats.ts defines handled, on time, missed, reopened).
  {
    group: 'Mức độ hài lòng',
    key: 'PETITION_PROCESSING_ON_TIME',
    name: 'Phản ánh, kiến nghị được xử lý đúng hạn',
    maxPoints: 6,
    formula: 'PAKN xử lý đúng hạn / PAKN phải xử lý × 6 (6 điểm khi không có PAKN)',
    score: ({ feedback: p }) => [
      { name: 'PAKN trả lời đúng hạn / PAKN phải xử lý (đã trả lời + quá hạn chưa trả lời)', numerator: p.onTime, denominator: p.mustHandle },
    ],
    empty: 6,
  },
  {
    group: 'Mức độ hài lòng',
    key: 'PETITION_HANDLING_SATISFACTION',
    name: 'Hài lòng về xử lý phản ánh, kiến nghị',
    maxPoints: 6,
    formula: '(PAKN đã xử lý − không hài lòng, lặp lại, trễ hạn) / PAKN đã xử lý × 6',
    score: ({ feedback: p }) => [
      { name: 'PAKN đã xử lý không bị đánh giá không hài lòng, mở lại hay trễ hạn / PAKN đã xử lý', numerator: p.clean, denominator: p.handled },
    ],
  },
  {
    group: 'Mức độ hài lòng',
    key: 'DOSSIER_RECEIVING_SATISFACTION',
    name: 'Hài lòng về tiếp nhận, giải quyết TTHC',
    maxPoints: 6,
    formula: 'min(6; 6 × tỷ lệ đánh giá hài lòng / 90%) — đánh giá hài lòng, rất hài lòng / tổng số đánh giá',
    score: ({ f }) =>
      f.shares.satisfaction.available
        ? [
            {
              name: 'Đánh giá hài lòng, rất hài lòng / tổng số đánh giá',
              numerator: f.shares.satisfaction.numerator!,
              denominator: f.shares.satisfaction.denominator!,
            },
          ]
        : null,
    points: ([ratio]) => Math.min(6, (6 * ratio) / 0.9),
  },
];

/** 2026 | 2026-Q3 | 2026-07 → inclusive Vietnam dates. */
export function periodOf(period: string): { from: string; to: string } {
  let m = /^(\d{4})$/.exec(period);
  if (m) return { from: `${m[1]}-01-01`, to: `${m[1]}-12-31` };
  m = /^(\d{4})-Q([1-4])$/.exec(period);
  if (m) {
    const first = (Number(m[2]) - 1) * 3 + 1;
    return { from: `${m[1]}-${String(first).padStart(2, '0')}-01`, to: endOfMonth(m[1], first + 2) };
  }
  m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (m) return { from: `${m[1]}-${m[2]}-01`, to: endOfMonth(m[1], Number(m[2])) };
  throw badRequest('INVALID_PERIOD', 'Kỳ đánh giá phải có dạng YYYY, YYYY-Qn hoặc YYYY-MM.', { period });
}
const endOfMonth = (year: string, month: number) =>
  addDays(month === 12 ? `${Number(year) + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`, -1);

const round = (x: number) => Math.round(x * 100) / 100;

/**
 * Each indicator's inputs and points. Not held (`available` false) or nothing to count in the period (a denominator of
 * 0): 0 points, marked, and the maximum still counts — the total is out of 100 as on the national portal.
 */
function score(x: Inputs) {
  const indicators = INDICATORS.map(({ score: scorer, points, group, empty, ...def }) => {
    const parts = scorer?.(x) ?? null;
    if (!parts) return { ...def, group, parts: [], numerator: null, denominator: null, points: 0, available: false, counted: false };
    const [{ numerator, denominator }] = parts;
    // A part with nothing to count adds nothing (a period with no fee paid still scores its integrated procedures).
    const ratios = parts.map((p) => (p.denominator ? p.numerator / p.denominator : 0));
    const counted = parts.some((p) => p.denominator > 0);
    const value = counted ? (points ? points(ratios) : def.maxPoints * ratios[0]) : (empty ?? 0);
    return { ...def, group, parts, numerator, denominator, points: round(value), available: true, counted: counted || empty !== undefined };
  });
  return { indicators, total: { points: round(indicators.reduce((s, i) => s + i.points, 0)), maxPoints: indicators.reduce((s, i) => s + i.maxPoints, 0) } };
}

/** The catalogue's facts and, over the scope's period, which procedures had fees paid, and paid online. */
function catalogueFacts(facts: PublishedProcedureFacts[], perProcedure: Map<string, Figures>): CatalogueFacts {
  const charging = facts.filter((p) => p.fees.some((f) => f.amount !== 0));
  // Integrated: amounts fixed in the catalogue (per dossier or per copy), owed with an online dossier and paid by VietQR
  // or the gateway on the dossier's page; "theo quy định" needs an officer to set it first.
  const integrated = charging.filter((p) => p.onlineLevel !== 'offline' && p.fees.every((f) => f.amount !== null));
  return {
    published: facts.length,
    complete: facts.filter((p) => !p.missingParts.length).length,
    charging: charging.length,
    integrated: integrated.length,
    withPayments: [...perProcedure.values()].filter((f) => f.sums.paid > 0).length,
    withOnlinePayments: [...perProcedure.values()].filter((f) => f.sums.paid_online > 0).length,
  };
}

const NO_FEEDBACK: FeedbackIndexInputs = { mustHandle: 0, onTime: 0, handled: 0, clean: 0 };
const NO_SYNC: SyncIndexInputs = { received: 0, synced: 0, syncedOnTime: 0 };

/** The index for a period, for the province or one agency, with the ranking of agencies (and commune committees). */
export async function index766(db: Queryable, q: { period: string; agency?: string }) {
  const { from, to } = periodOf(q.period);
  const ctx = await indicatorContext(db);
  const agencies = resolveScope(ctx.dims, { agency: q.agency }).agencyIds;
  const [whole, perAgency, perProcedure, facts, feedback, feedbackPerAgency, sync, syncPerAgency] = await Promise.all([
    figuresBy(db, ctx, { from, to, agency: q.agency }, null),
    figuresBy(db, ctx, { from, to }, 'agency_id'),
    figuresBy(db, ctx, { from, to, agency: q.agency }, 'procedure_id'),
    publishedProcedureFacts(db),
    feedbackIndexInputs(db, { from, to, agency: q.agency }, false),
    feedbackIndexInputs(db, { from, to }, true),
    syncIndexInputs(db, { from, to, agencies }, false),
    syncIndexInputs(db, { from, to, agencies: null }, true),
  ]);
  // The ranking scores each agency's dossiers against the same catalogue facts (the province publishes the catalogue).
  const catalogue = catalogueFacts(facts, perProcedure);
  const { indicators, total } = score({ f: whole.get('')!, catalogue, feedback: feedback.get('')!, sync: sync.get('') ?? NO_SYNC });
  // An agency that had feedback to handle but no dossier figures is ranked too, with its (empty) dossier figures;
  // an agency without feedback scores 6 for feedback timeliness, as the formula says.
  for (const agencyId of feedbackPerAgency.keys()) {
    if (!perAgency.has(agencyId) && ctx.dims.agencies.has(agencyId))
      perAgency.set(agencyId, (await figuresBy(db, ctx, { from, to, agency: agencyId }, null)).get('')!);
  }
  const ranking = [...perAgency].map(([agencyId, f]) => {
    const s = score({ f, catalogue, feedback: feedbackPerAgency.get(agencyId) ?? NO_FEEDBACK, sync: syncPerAgency.get(agencyId) ?? NO_SYNC }).total;
    return { agencyId, name: ctx.dims.agencies.get(agencyId)?.name ?? agencyId, points: s.points, maxPoints: s.maxPoints, rank: 0 };
  });
  const share = (r: { points: number; maxPoints: number }) => r.points / r.maxPoints;
  ranking.sort((a, b) => share(b) - share(a) || a.name.localeCompare(b.name, 'vi'));
  rankRows(ranking, (r) => String(share(r)));
  return { period: q.period, from, to, agency: q.agency ?? null, indicators, total, ranking };
}
