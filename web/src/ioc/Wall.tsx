// Màn hình giám sát: the operations centre's video wall. Full screen, dark, large type, no site navigation; it
// re-fetches its figures when the server pushes a `stats` event (no page reload), and shows when it last did.
import { useEffect, useState } from 'react';
import { ApiError, withQuery, type Me } from '../api.ts';
import { formatClock, formatNumber, formatPercent } from '../format.ts';
import { navigate, useLocation } from '../router.tsx';
import { ErrorMessage, useFetch, usePageTitle } from '../ui.tsx';
import { useLiveFetch, useStatsStream } from './live.ts';
import { BreakdownTable, CommuneMapChart, Panel, StatusBars, TrendChart } from './parts.tsx';
import { apiParams, grainOf, periodLabel, readPeriod, readScope } from './period.ts';
import type { Breakdown, CommuneMap, FeedbackStats, Summary, Trend } from './types.ts';
import { feedbackStatsPath } from './Feedback.tsx';

export function Wall() {
  usePageTitle('Màn hình giám sát');
  const me = useFetch<{ user: Me }>('/api/v1/auth/me');
  const unauthenticated = me.error instanceof ApiError && me.error.status === 401;
  useEffect(() => {
    if (unauthenticated) navigate(`/dang-nhap?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
  }, [unauthenticated]);
  return (
    <div className="ioc-wall">
      <a className="ioc-wall-exit" href="/dieu-hanh">
        Về bảng điều hành
      </a>
      {me.data ? <WallBoard /> : <ErrorMessage error={unauthenticated ? null : me.error} />}
    </div>
  );
}

function WallBoard() {
  const { search } = useLocation();
  const period = readPeriod(search);
  const scope = readScope(search);
  const query = apiParams(period, scope);
  const live = useStatsStream();
  const summary = useLiveFetch<Summary>(withQuery('/api/v1/stats/summary', query), live.revision);
  const trend = useLiveFetch<Trend>(withQuery('/api/v1/stats/trend', { ...query, grain: grainOf(period) }), live.revision);
  const ranking = useLiveFetch<Breakdown>(withQuery('/api/v1/stats/breakdown', { ...query, by: 'agency' }), live.revision);
  const map = useLiveFetch<CommuneMap>(withQuery('/api/v1/public/geo/communes', { from: period.from, to: period.to }), live.revision);
  const feedback = useLiveFetch<FeedbackStats>(feedbackStatsPath(period, scope), live.revision);
  const s = summary.data;
  const f = feedback.data;
  const error = summary.error ?? trend.error ?? ranking.error ?? map.error ?? feedback.error;

  return (
    <>
      <header className="ioc-wall-head">
        <div>
          <h1>Trung tâm Điều hành — Thành phố Cần Thơ</h1>
          <p className="ioc-wall-sub">
            Giải quyết thủ tục hành chính · {periodLabel(period)}
            {Object.keys(scope).length ? ' · theo phạm vi đã lọc' : ''}
          </p>
        </div>
        <div className="ioc-wall-status">
          <Clock />
          <p className={`ioc-wall-live ${live.connected ? 'is-live' : 'is-down'}`} role="status">
            {live.connected ? 'Trực tiếp' : 'Đang kết nối lại…'}
            {live.updatedAt && <> · cập nhật {formatClock(live.updatedAt)}</>}
          </p>
        </div>
      </header>
      {error && (
        <div className="ioc-wall-error">
          <ErrorMessage error={error} />
        </div>
      )}
      {s && (
        <ul className="ioc-wall-kpis" aria-label="Chỉ số chính">
          <Kpi name="Tiếp nhận" value={formatNumber(s.received.total)} note={`Trực tuyến ${formatNumber(s.received.online)}`} />
          <Kpi name="Đã giải quyết" value={formatNumber(s.finished.total)} note={`Quá hạn ${formatNumber(s.finished.late)}`} />
          <Kpi
            name="Tỷ lệ đúng hạn"
            value={s.onTimeRatio === null ? 'Chưa có dữ liệu' : formatPercent(s.onTimeRatio)}
            tone={s.onTimeRatio === null ? undefined : s.onTimeRatio >= 0.95 ? 'good' : s.onTimeRatio >= 0.8 ? 'warn' : 'bad'}
          />
          <Kpi
            name="Đang giải quyết"
            value={formatNumber(s.open.inTime + s.open.atRisk + s.open.overdue)}
            note={`Sắp đến hạn ${formatNumber(s.open.atRisk)}`}
          />
          <Kpi name="Đang quá hạn" value={formatNumber(s.open.overdue)} tone={s.open.overdue ? 'bad' : 'good'} />
          {f && (
            <Kpi
              name="Phản ánh, kiến nghị"
              value={formatNumber(f.received.total)}
              tone={f.open.overdue ? 'bad' : undefined}
              note={`Đúng hạn ${formatPercent(f.onTimeRatio)} · Quá hạn ${formatNumber(f.open.overdue)} · Hài lòng ${formatPercent(f.satisfaction.satisfiedRatio)}`}
            />
          )}
        </ul>
      )}
      <div className="ioc-wall-grid">
        <Panel id="w-dien-bien" title={`Diễn biến theo ${grainOf(period) === 'day' ? 'ngày' : 'tháng'}`} className="ioc-wall-trend">
          {trend.data && <TrendChart trend={trend.data} look="wall" />}
        </Panel>
        <Panel id="w-ban-do" title="Tỷ lệ đúng hạn theo xã, phường" className="ioc-wall-map">
          {map.data && <CommuneMapChart map={map.data} look="wall" />}
        </Panel>
        <Panel id="w-tinh-trang" title="Tình trạng giải quyết" className="ioc-wall-status-bars">
          {s && <StatusBars summary={s} drill={null} />}
        </Panel>
        <Panel id="w-xep-hang" title="Xếp hạng cơ quan" className="ioc-wall-ranking">
          {ranking.data && (
            <BreakdownTable by="agency" rows={ranking.data.rows.map((r) => ({ ...r, name: shortName(r.name) }))} drill={null} limit={8} compact />
          )}
        </Panel>
      </div>
    </>
  );
}

/** "Ủy ban nhân dân Phường Cái Khế" → "UBND Phường Cái Khế": the usual short form, so a row fits the wall's column. */
const shortName = (name: string) => name.replace(/^Ủy ban nhân dân /, 'UBND ');

function Kpi({ name, value, note, tone }: { name: string; value: string; note?: string; tone?: 'good' | 'warn' | 'bad' }) {
  return (
    <li className={`ioc-wall-kpi ${tone ? `is-${tone}` : ''}`}>
      <span className="ioc-wall-kpi-name">{name}</span>
      <span className={`ioc-wall-kpi-value ${/\d/.test(value) ? '' : 'is-text'}`}>{value}</span>
      {note && <span className="ioc-wall-kpi-note">{note}</span>}
    </li>
  );
}

function Clock() {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(t);
  }, []);
  return <p className="ioc-wall-clock">{formatClock(now)}</p>;
}
