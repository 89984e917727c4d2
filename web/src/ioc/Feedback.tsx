// Phản ánh, kiến nghị in the operations centre: the desk dashboard's panel (received by channel and by category,
// answered on time, overdue, satisfaction, average time), the list of cases behind a figure, and the wall's tile.
// Every figure comes from /api/v1/stats/feedback in the dashboard's period and scope (agency, commune); each case
// opens the staff case page /mot-cua/phan-anh/:id.
import { useMemo } from 'react';
import { withQuery } from '../api.ts';
import { formatDecimal, formatInstant, formatNumber, formatPercent } from '../format.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { ErrorMessage, Loading, TableWrap, useFetch, usePageTitle } from '../ui.tsx';
import { Chart } from '../chart/Chart.tsx';
import { COLOURS } from './labels.ts';
import { barsOption } from './options.ts';
import { Card, DRILL_PAGE_SIZE, DrillDownPage, NoData, Panel } from './parts.tsx';
import { periodLabel, periodParams, readPeriod, readScope, type Period, type Scope } from './period.ts';
import { FEEDBACK_FIGURES, type FeedbackCases, type FeedbackFigure, type FeedbackStats } from './types.ts';

export const CHANNEL_NAMES: Record<string, string> = {
  portal: 'Cổng, ứng dụng',
  phone: 'Điện thoại',
  paper: 'Văn bản',
  email: 'Thư điện tử',
  zalo: 'Zalo',
  open311: 'Open311 (ứng dụng khác)',
};
const RATING_NAMES: Record<string, string> = { hai_long: 'Hài lòng', chap_nhan: 'Chấp nhận được', khong_hai_long: 'Không hài lòng' };

const FIGURE_NAMES: Record<FeedbackFigure, string> = {
  received: 'Phản ánh, kiến nghị tiếp nhận',
  handled: 'Phản ánh, kiến nghị đã trả lời (công bố trong kỳ)',
  on_time: 'Phản ánh, kiến nghị trả lời đúng hạn',
  late: 'Phản ánh, kiến nghị trả lời trễ hạn',
  overdue: 'Phản ánh, kiến nghị đang quá hạn',
  at_risk: 'Phản ánh, kiến nghị sắp đến hạn',
  missed: 'Phản ánh, kiến nghị quá hạn chưa trả lời',
  not_rated: 'Phản ánh, kiến nghị chưa được đánh giá',
  hai_long: 'Phản ánh, kiến nghị được đánh giá hài lòng',
  chap_nhan: 'Phản ánh, kiến nghị được đánh giá chấp nhận được',
  khong_hai_long: 'Phản ánh, kiến nghị bị đánh giá không hài lòng',
};

/** The feedback figures take the period, the agency and the commune (not the dossier-only field and procedure). */
export const feedbackParams = (period: Period, scope: Scope) => ({ from: period.from, to: period.to, agency: scope.agency, commune: scope.commune });

type FeedbackDrill = (figure: FeedbackFigure, extra?: { channel?: string; category?: string }) => string;
const feedbackHref =
  (period: Period, scope: Scope): FeedbackDrill =>
  (figure, extra) =>
    withQuery('/dieu-hanh/phan-anh', { figure, ...periodParams(period, scope), ...extra });

export const feedbackStatsPath = (period: Period, scope: Scope) => withQuery('/api/v1/stats/feedback', feedbackParams(period, scope));

export function FeedbackPanel({ period, scope }: { period: Period; scope: Scope }) {
  const res = useFetch<FeedbackStats>(feedbackStatsPath(period, scope));
  const f = res.data;
  const drill = feedbackHref(period, scope);
  const link = (value: number, figure: FeedbackFigure) => (
    <Link to={drill(figure)} className="ioc-figure" aria-label={`${FIGURE_NAMES[figure]}: ${formatNumber(value)}`}>
      {formatNumber(value)}
    </Link>
  );
  const channels = useMemo(
    () => f?.received.byChannel.map((c) => ({ id: c.channel, name: CHANNEL_NAMES[c.channel] ?? c.channel, value: c.received })) ?? [],
    [f],
  );
  const categories = useMemo(() => f?.byCategory.map((c) => ({ id: c.code, name: c.name, value: c.received })) ?? [], [f]);
  const channelOption = useMemo(() => barsOption(channels, 'desk', COLOURS.received), [channels]);
  const categoryOption = useMemo(() => barsOption(categories, 'desk', '#6f42c1'), [categories]);
  const text = (rows: { name: string; value: number }[]) => rows.map((r) => `${r.name}: ${formatNumber(r.value)}`).join('; ');
  return (
    <Panel id="phan-anh" title="Phản ánh, kiến nghị">
      <ErrorMessage error={res.error} />
      {!f && res.loading && <Loading />}
      {f && (
        <>
          <ul className="ioc-cards">
            <Card name="Tiếp nhận" value={link(f.received.total, 'received')} note="phản ánh, kiến nghị từ mọi kênh" />
            <Card
              name="Đã trả lời"
              value={link(f.handled.total, 'handled')}
              note={
                <>
                  Đúng hạn {link(f.handled.onTime, 'on_time')} · Trễ hạn {link(f.handled.late, 'late')}
                </>
              }
            />
            <Card
              name="Tỷ lệ trả lời đúng hạn"
              tone="accent"
              value={f.onTimeRatio === null ? <NoData /> : formatPercent(f.onTimeRatio)}
              note="trên số đã trả lời"
            />
            <Card
              name="Đang quá hạn"
              tone={f.open.overdue ? 'alarm' : undefined}
              value={link(f.open.overdue, 'overdue')}
              note={
                <>
                  Sắp đến hạn {link(f.open.atRisk, 'at_risk')} · Quá hạn chưa trả lời trong kỳ {link(f.open.missed, 'missed')}
                </>
              }
            />
            <Card
              name="Hài lòng"
              value={f.satisfaction.satisfiedRatio === null ? <NoData /> : formatPercent(f.satisfaction.satisfiedRatio)}
              note={
                <>
                  Hài lòng {link(f.satisfaction.hai_long, 'hai_long')} · Chấp nhận {link(f.satisfaction.chap_nhan, 'chap_nhan')} · Không hài lòng{' '}
                  {link(f.satisfaction.khong_hai_long, 'khong_hai_long')} · Chưa đánh giá {link(f.satisfaction.notRated, 'not_rated')}
                </>
              }
            />
            <Card
              name="Thời gian trả lời bình quân"
              value={f.averageWorkingHours === null ? <NoData /> : formatDecimal(f.averageWorkingHours)}
              note="giờ làm việc, từ tiếp nhận đến công bố trả lời (trừ thời gian chờ bổ sung)"
            />
          </ul>
          <div className="ioc-grid-2 ioc-feedback-charts">
            <section aria-labelledby="phan-anh-kenh">
              <h3 id="phan-anh-kenh">Tiếp nhận theo kênh</h3>
              <Chart
                className="ioc-chart-bars"
                option={channelOption}
                label={`Phản ánh tiếp nhận theo kênh — ${text(channels)}`}
                onClick={(e) => navigate(drill('received', { channel: channels.find((c) => c.name === e.name)?.id }))}
              />
            </section>
            <section aria-labelledby="phan-anh-linh-vuc">
              <h3 id="phan-anh-linh-vuc">Tiếp nhận theo lĩnh vực</h3>
              {categories.length ? (
                <Chart
                  className="ioc-chart-bars"
                  option={categoryOption}
                  label={`Phản ánh tiếp nhận theo lĩnh vực — ${text(categories)}`}
                  onClick={(e) => navigate(drill('received', { category: categories.find((c) => c.name === e.name)?.id }))}
                />
              ) : (
                <p className="empty">Không có phản ánh trong kỳ.</p>
              )}
            </section>
          </div>
          <p className="small muted">
            {scope.field || scope.procedure ? 'Phản ánh, kiến nghị không lọc theo lĩnh vực, thủ tục hành chính. ' : ''}
            Đúng hạn: lãnh đạo cơ quan duyệt trả lời trước hạn xử lý (hạn đã cộng thời gian chờ người phản ánh bổ sung). Bấm vào một số hoặc một cột để xem danh
            sách phản ánh.
          </p>
        </>
      )}
    </Panel>
  );
}

/** /dieu-hanh/phan-anh: the cases behind one feedback figure (no reporter identity), each opening the staff case page. */
export function FeedbackCaseList() {
  const { search } = useLocation();
  const period = readPeriod(search);
  const scope = readScope(search);
  const raw = search.get('figure') ?? '';
  const figure = (FEEDBACK_FIGURES as readonly string[]).includes(raw) ? (raw as FeedbackFigure) : null;
  const channel = search.get('channel') ?? undefined;
  const category = search.get('category') ?? undefined;
  const page = Math.max(1, Number(search.get('page')) || 1);
  const res = useFetch<FeedbackCases>(
    figure ? withQuery('/api/v1/stats/feedback/cases', { figure, ...feedbackParams(period, scope), channel, category, page, pageSize: DRILL_PAGE_SIZE }) : null,
  );
  const title = figure ? FIGURE_NAMES[figure] : 'Danh sách phản ánh, kiến nghị';
  usePageTitle(title);
  const back = `${withQuery('/dieu-hanh', periodParams(period, scope))}#phan-anh`;
  return (
    <DrillDownPage
      title={title}
      back={back}
      context={`${periodLabel(period)}${channel ? ` — kênh ${CHANNEL_NAMES[channel] ?? channel}` : ''}${category ? ' — theo lĩnh vực đã chọn' : ''}${
        scope.agency || scope.commune ? ' — trong phạm vi đã lọc' : ''
      }`}
      valid={figure !== null}
      res={res}
      noun="phản ánh, kiến nghị"
      page={page}>
      {(data) => (
        <TableWrap label={title} stack>
          <thead>
            <tr>
              <th scope="col">Mã</th>
              <th scope="col">Nội dung</th>
              <th scope="col">Lĩnh vực</th>
              <th scope="col">Kênh</th>
              <th scope="col">Cơ quan xử lý</th>
              <th scope="col">Trạng thái</th>
              <th scope="col">Tiếp nhận</th>
              <th scope="col">Hạn xử lý</th>
              <th scope="col">Công bố trả lời</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((c) => (
              <tr key={c.id}>
                <td className="main-cell nowrap" data-label="Mã">
                  <Link to={`/mot-cua/phan-anh/${c.id}`}>{c.code}</Link>
                </td>
                <td data-label="Nội dung">{c.title}</td>
                <td data-label="Lĩnh vực">{c.category.name}</td>
                <td data-label="Kênh">{CHANNEL_NAMES[c.channel] ?? c.channel}</td>
                <td data-label="Cơ quan xử lý">{c.agency?.name ?? '—'}</td>
                <td data-label="Trạng thái">
                  {c.statusName}
                  {c.rating && <div className="small muted">{RATING_NAMES[c.rating]}</div>}
                </td>
                <td data-label="Tiếp nhận" className="nowrap">
                  {formatInstant(c.createdAt)}
                </td>
                <td data-label="Hạn xử lý" className="nowrap">
                  {formatInstant(c.dueAt) || '—'}
                </td>
                <td data-label="Công bố trả lời" className="nowrap">
                  {formatInstant(c.publishedAt) || '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </DrillDownPage>
  );
}
