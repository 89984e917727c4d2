// Building blocks shared by the desk dashboard, the wall and the public page: status bars, the rankings table,
// export links, the trend and map charts. On the desk every number links to its dossiers (`drill`); on the wall
// and the public page they are plain text.
import { useMemo, type ReactNode } from 'react';
import { withQuery } from '../api.ts';
import { formatNumber, formatPercent } from '../format.ts';
import { Link, navigate, setSearchParams } from '../router.tsx';
import { ErrorMessage, Loading, Pager, TableWrap } from '../ui.tsx';
import { Chart, registerCommuneMap } from '../chart/Chart.tsx';
import { downloadTable, type Cell } from './export.ts';
import { BREAKDOWN_NAMES, COLOURS } from './labels.ts';
import { mapOption, trendOption, type Look } from './options.ts';
import { trendLabel } from './period.ts';
import type { BreakdownRow, BreakdownBy, CommuneMap, Indicator, Summary, Trend } from './types.ts';

/** Where a number leads: a drill-down address, or nothing (plain text). */
export type Drill = ((indicator: Indicator, extra?: Record<string, string>) => string) | null;

/** A count that links to its dossiers when it can. */
export function Figure({
  value,
  indicator,
  drill,
  extra,
  label,
}: {
  value: number;
  indicator: Indicator;
  drill: Drill;
  extra?: Record<string, string>;
  label?: string;
}) {
  const text = formatNumber(value);
  if (!drill) return <>{text}</>;
  return (
    <Link to={drill(indicator, extra)} className="ioc-figure" aria-label={label ? `${label}: ${text}` : undefined}>
      {text}
    </Link>
  );
}

interface Segment {
  indicator: Indicator;
  label: string;
  value: number;
}

function StatusBar({ title, segments, drill }: { title: string; segments: Segment[]; drill: Drill }) {
  const total = segments.reduce((s, x) => s + x.value, 0);
  return (
    <section className="ioc-statusbar" aria-label={title}>
      <h3>
        {title}: <span className="ioc-statusbar-total">{formatNumber(total)}</span> hồ sơ
      </h3>
      <div className="ioc-bar" aria-hidden="true">
        {total === 0 && <span className="ioc-bar-empty" />}
        {segments
          .filter((s) => s.value > 0)
          .map((s) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions: the bar is aria-hidden; its legend below has the same drill-downs as links
            <span
              key={s.indicator}
              style={{ width: `${(100 * s.value) / total}%`, background: COLOURS[s.indicator as keyof typeof COLOURS] }}
              className={drill ? 'ioc-bar-link' : undefined}
              title={`${s.label}: ${formatNumber(s.value)}`}
              onClick={drill ? () => navigate(drill(s.indicator)) : undefined}
            />
          ))}
      </div>
      <ul className="ioc-legend">
        {segments.map((s) => (
          <li key={s.indicator}>
            <span className="ioc-swatch" style={{ background: COLOURS[s.indicator as keyof typeof COLOURS] }} aria-hidden="true" />
            <span className="ioc-legend-name">{s.label}</span>
            <span className="ioc-legend-value">
              {drill ? (
                <Link to={drill(s.indicator)} aria-label={`${title} — ${s.label}: ${formatNumber(s.value)} hồ sơ`}>
                  {formatNumber(s.value)}
                </Link>
              ) : (
                formatNumber(s.value)
              )}
              {total > 0 && <span className="ioc-legend-share"> ({formatPercent(s.value / total)})</span>}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Finished dossiers by timeliness, and dossiers in progress by how close their deadline is. */
export function StatusBars({ summary: s, drill }: { summary: Summary; drill: Drill }) {
  return (
    <div className="ioc-statusbars">
      <StatusBar
        title="Đã giải quyết"
        drill={drill}
        segments={[
          { indicator: 'early', label: 'Trước hạn', value: s.finished.early },
          { indicator: 'on_time', label: 'Đúng hạn', value: s.finished.onTime },
          { indicator: 'late', label: 'Quá hạn', value: s.finished.late },
          { indicator: 'finished_other', label: 'Từ chối, dừng xử lý', value: s.finished.other },
        ]}
      />
      <StatusBar
        title="Đang giải quyết"
        drill={drill}
        segments={[
          { indicator: 'in_time', label: 'Trong hạn', value: s.open.inTime },
          { indicator: 'at_risk', label: 'Sắp đến hạn', value: s.open.atRisk },
          { indicator: 'overdue', label: 'Quá hạn', value: s.open.overdue },
        ]}
      />
    </div>
  );
}

/** "Tải XLSX" and "Tải CSV" of a table the API can export. */
export function ExportLinks({ path, query, what }: { path: string; query: Record<string, string | number | undefined>; what: string }) {
  return (
    <span className="ioc-export">
      <a className="btn btn-small" href={withQuery(path, { ...query, format: 'xlsx' })} download aria-label={`Tải ${what} (XLSX)`}>
        Tải XLSX
      </a>
      <a className="btn btn-small" href={withQuery(path, { ...query, format: 'csv' })} download aria-label={`Tải ${what} (CSV)`}>
        Tải CSV
      </a>
    </span>
  );
}

/** "Tải XLSX" and "Tải CSV" of a table the page holds in full (made in the browser). */
export function LocalExport({ filename, header, rows, what }: { filename: string; header: string[]; rows: () => Cell[][]; what: string }) {
  return (
    <span className="ioc-export">
      <button type="button" className="btn btn-small" onClick={() => downloadTable(filename, header, rows(), 'xlsx')} aria-label={`Tải ${what} (XLSX)`}>
        Tải XLSX
      </button>
      <button type="button" className="btn btn-small" onClick={() => downloadTable(filename, header, rows(), 'csv')} aria-label={`Tải ${what} (CSV)`}>
        Tải CSV
      </button>
    </span>
  );
}

/** The rankings table (xếp hạng): one row per agency, commune, field or procedure; `compact` (the wall) keeps the main columns. */
export function BreakdownTable({
  by,
  rows,
  drill,
  limit,
  compact,
}: {
  by: BreakdownBy;
  rows: BreakdownRow[];
  drill: Drill;
  limit?: number;
  compact?: boolean;
}) {
  const shown = limit ? rows.slice(0, limit) : rows;
  const cell = (row: BreakdownRow, value: number, indicator: Indicator | null, label: string) => (
    <td className="num" data-label={label}>
      {indicator ? (
        <Figure value={value} indicator={indicator} drill={drill} extra={{ [by]: row.key }} label={`${row.name} — ${label}`} />
      ) : (
        formatNumber(value)
      )}
    </td>
  );
  if (!shown.length) return <p className="empty">Không có hồ sơ nào trong kỳ và phạm vi đã chọn.</p>;
  return (
    <TableWrap label={`Xếp hạng theo ${BREAKDOWN_NAMES[by].toLowerCase()}`} stack>
      <thead>
        <tr>
          <th scope="col" className="num">
            Hạng
          </th>
          <th scope="col">{BREAKDOWN_NAMES[by]}</th>
          <th scope="col" className="num">
            Tiếp nhận
          </th>
          <th scope="col" className="num">
            Đã giải quyết
          </th>
          {!compact && (
            <>
              <th scope="col" className="num">
                Trước hạn
              </th>
              <th scope="col" className="num">
                Đúng hạn
              </th>
              <th scope="col" className="num">
                Quá hạn
              </th>
            </>
          )}
          <th scope="col" className="num">
            Tỷ lệ đúng hạn
          </th>
          <th scope="col" className="num">
            Đang quá hạn
          </th>
        </tr>
      </thead>
      <tbody>
        {shown.map((r) => (
          <tr key={r.key}>
            <td className="num" data-label="Hạng">
              {r.rank ?? '—'}
            </td>
            <td className="main-cell name-cell" data-label={BREAKDOWN_NAMES[by]}>
              {r.name}
            </td>
            {cell(r, r.received, 'received', 'Tiếp nhận')}
            {cell(r, r.finished, null, 'Đã giải quyết')}
            {!compact && cell(r, r.early, 'early', 'Trước hạn')}
            {!compact && cell(r, r.onTime, 'on_time', 'Đúng hạn')}
            {!compact && cell(r, r.late, 'late', 'Quá hạn')}
            <td className="num" data-label="Tỷ lệ đúng hạn">
              <RatioText ratio={r.onTimeRatio} />
            </td>
            {cell(r, r.overdueOpen, 'overdue', 'Đang quá hạn')}
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

/** A ratio, or a dash titled "no finished dossier" when there is nothing to divide. */
export function RatioText({ ratio }: { ratio: number | null }) {
  return ratio === null ? <span title="Chưa có hồ sơ giải quyết">—</span> : formatPercent(ratio);
}

/** The trend: received and finished (by timeliness) per day or month, and the on-time ratio. */
export function TrendChart({ trend, look, onPick }: { trend: Trend; look: Look; onPick?: (indicator: Indicator, period: string) => void }) {
  const option = useMemo(() => trendOption(trend, look), [trend, look]);
  const last = trend.points[trend.points.length - 1];
  const label =
    `Biểu đồ diễn biến theo ${trend.grain === 'day' ? 'ngày' : 'tháng'}: ${formatNumber(trend.points.reduce((s, p) => s + p.received, 0))} hồ sơ tiếp nhận` +
    (last ? `; kỳ gần nhất ${trendLabel(last.period)} tiếp nhận ${formatNumber(last.received)}` : '');
  return (
    <Chart
      option={option}
      label={label}
      className="ioc-chart-trend"
      onClick={
        onPick
          ? (e) => {
              if (e.seriesId && e.seriesId !== 'ratio') onPick(e.seriesId as Indicator, trend.points[e.dataIndex].period);
            }
          : undefined
      }
    />
  );
}

/** The commune map coloured by on-time ratio; `onPick` gets the commune's code. */
export function CommuneMapChart({ map, look, onPick }: { map: CommuneMap; look: Look; onPick?: (code: string) => void }) {
  const option = useMemo(() => mapOption(registerCommuneMap(map), map, look), [map, look]);
  const withRatio = map.features.filter((f) => f.properties.onTimeRatio !== null).length;
  return (
    <>
      <Chart
        option={option}
        className="ioc-chart-map"
        label={`Bản đồ ${formatNumber(map.features.length)} xã, phường tô màu theo tỷ lệ giải quyết đúng hạn; ${formatNumber(withRatio)} xã, phường có hồ sơ đã giải quyết`}
        onClick={onPick ? (e) => onPick(e.name) : undefined}
      />
      <p className="ioc-map-note">
        <span className="ioc-swatch ioc-swatch-empty" aria-hidden="true" /> Màu xám: chưa có hồ sơ giải quyết trong kỳ.
      </p>
    </>
  );
}

export function NoData() {
  return <span className="ioc-nodata">Chưa có dữ liệu</span>;
}

/** An indicator card: its name, the figure, a line of detail. */
export function Card({ name, value, note, tone }: { name: string; value: ReactNode; note?: ReactNode; tone?: 'accent' | 'alarm' }) {
  return (
    <li className={`ioc-card ${tone ? `ioc-card-${tone}` : ''}`}>
      <span className="ioc-card-name">{name}</span>
      <span className="ioc-card-value">{value}</span>
      {note && <span className="ioc-card-note">{note}</span>}
    </li>
  );
}

/** A titled block of the dashboard. */
export function Panel({
  id,
  title,
  actions,
  children,
  className,
}: {
  id: string;
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={`ioc-panel ${className ?? ''}`} aria-labelledby={id}>
      <div className="ioc-panel-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export const DRILL_PAGE_SIZE = 20;

/**
 * The frame of every drill-down page (the cases behind one figure): the way back to the dashboard, the title, what the
 * list covers, its count, the table the page draws for the loaded items, and the pages (`?page=`).
 */
export function DrillDownPage<T extends { total: number; items: unknown[] }>({
  title,
  back,
  actions,
  context,
  valid,
  res,
  noun,
  page,
  children,
}: {
  title: string;
  back: string;
  actions?: ReactNode;
  context: ReactNode;
  /** False when the address names no known figure. */
  valid: boolean;
  res: { data: T | null; error: Error | null; loading: boolean };
  /** What one item is called, e.g. "hồ sơ". */
  noun: string;
  page: number;
  children: (data: T) => ReactNode;
}) {
  const data = res.data;
  return (
    <>
      <p className="back">
        <Link to={back}>‹ Bảng điều hành</Link>
      </p>
      <div className="page-head">
        <h1>{title}</h1>
        {actions}
      </div>
      <p className="muted">{context}</p>
      {!valid && (
        <p className="empty">
          Chỉ tiêu không hợp lệ. <Link to={back}>Về bảng điều hành</Link>
        </p>
      )}
      <ErrorMessage error={res.error} />
      {!data && res.loading && <Loading />}
      {data && (
        <p className="result-count" aria-live="polite">
          {formatNumber(data.total)} {noun}
        </p>
      )}
      {data && data.total === 0 && <p className="empty">Không có {noun} nào.</p>}
      {data && data.items.length > 0 && children(data)}
      {data && <Pager page={page} pageSize={DRILL_PAGE_SIZE} total={data.total} onPage={(p) => setSearchParams({ page: p })} />}
    </>
  );
}
