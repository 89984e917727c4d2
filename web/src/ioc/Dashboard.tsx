// Bảng điều hành: the desk dashboard of the operations centre. Period and scope in the URL; indicator cards, status
// bars, trend, commune map, rankings, citizen feedback, documents (văn bản đi, đến) and the 766 index. Every count links to the dossiers (or
// feedback cases) behind it.
import { useState } from 'react';
import { withQuery, type Me } from '../api.ts';
import { formatDecimal, formatNumber, formatPercent } from '../format.ts';
import { Link, navigate, setSearchParams, useLocation } from '../router.tsx';
import { ErrorMessage, Loading, TableWrap, useFetch, usePageTitle } from '../ui.tsx';
import { DocumentsPanel } from './Documents.tsx';
import { FeedbackPanel } from './Feedback.tsx';
import { SyncHealthPanel } from './SyncHealth.tsx';
import { PeriodPicker, ScopeFilters } from './Filters.tsx';
import { BREAKDOWN_NAMES, SHARE_NAMES, drillHref } from './labels.ts';
import { BreakdownTable, Card, CommuneMapChart, ExportLinks, Figure, LocalExport, NoData, Panel, StatusBars, TrendChart, type Drill } from './parts.tsx';
import { apiParams, grainOf, index766Period, periodAround, periodLabel, periodParams, readPeriod, readScope, type Period, type Scope } from './period.ts';
import {
  SHARE_KEYS,
  type Breakdown,
  type BreakdownBy,
  type CommuneMap,
  type Index766,
  type Index766Indicator,
  type Indicator,
  type Summary,
  type Trend,
} from './types.ts';

export function Dashboard({ me }: { me: Me }) {
  usePageTitle('Bảng điều hành');
  const { search } = useLocation();
  const period = readPeriod(search);
  const scope = readScope(search);
  const query = apiParams(period, scope);
  const summary = useFetch<Summary>(withQuery('/api/v1/stats/summary', query));
  const trend = useFetch<Trend>(withQuery('/api/v1/stats/trend', { ...query, grain: grainOf(period) }));
  const map = useFetch<CommuneMap>(withQuery('/api/v1/public/geo/communes', { from: period.from, to: period.to }));
  const drill: Drill = (indicator, extra) => drillHref(indicator, period, scope, extra);
  const s = summary.data;

  return (
    <>
      <div className="page-head">
        <h1>Bảng điều hành</h1>
        <div className="toolbar-actions">
          <Link className="btn" to={withQuery('/dieu-hanh/man-hinh', periodParams(period, scope))}>
            Màn hình giám sát
          </Link>
        </div>
      </div>
      <div className="card ioc-filters">
        <PeriodPicker period={period} />
        <ScopeFilters scope={scope} me={me} />
      </div>
      <ErrorMessage error={summary.error} />
      {!s && summary.loading && <Loading />}
      {s && (
        <>
          <h2 className="ioc-period-title">{periodLabel(period)}</h2>
          <Cards summary={s} drill={drill} />
          <Panel id="tinh-trang" title="Tình trạng giải quyết hồ sơ">
            <StatusBars summary={s} drill={drill} />
          </Panel>
        </>
      )}
      <div className="ioc-grid-2">
        <Panel id="dien-bien" title={`Diễn biến theo ${grainOf(period) === 'day' ? 'ngày' : 'tháng'}`}>
          <ErrorMessage error={trend.error} />
          {trend.data &&
            (trend.data.points.length ? (
              <TrendChart trend={trend.data} look="desk" onPick={(indicator, sub) => navigate(drillHref(indicator, subPeriod(sub), scope))} />
            ) : (
              <p className="empty">Không có số liệu trong kỳ.</p>
            ))}
          <p className="small muted">Bấm vào một cột để xem danh sách hồ sơ của ngày (tháng) đó.</p>
        </Panel>
        <Panel id="ban-do" title="Tỷ lệ giải quyết đúng hạn theo xã, phường">
          <ErrorMessage error={map.error} />
          {map.data && <CommuneMapChart map={map.data} look="desk" onPick={(code) => setSearchParams({ commune: code }, { replace: true })} />}
          <p className="small muted">Bấm vào một xã, phường để xem số liệu của xã, phường đó.</p>
        </Panel>
      </div>
      <Rankings period={period} query={query} drill={drill} />
      <FeedbackPanel period={period} scope={scope} />
      <DocumentsPanel period={period} scope={scope} />
      {s && <Shares summary={s} period={period} />}
      <Index766Panel period={period} scope={scope} />
      <SyncHealthPanel />
    </>
  );
}

/** The day ("2026-11-27") or month ("2026-11") a trend point stands for. */
const subPeriod = (sub: string): Period => (sub.length === 7 ? periodAround('thang', `${sub}-01`) : periodAround('ngay', sub));

function Cards({ summary: s, drill }: { summary: Summary; drill: Drill }) {
  const figure = (value: number, indicator: Indicator, label: string) => <Figure value={value} indicator={indicator} drill={drill} label={label} />;
  return (
    <ul className="ioc-cards">
      <Card
        name="Tiếp nhận"
        value={figure(s.received.total, 'received', 'Hồ sơ tiếp nhận')}
        note={`Trực tuyến ${formatNumber(s.received.online)} · Trực tiếp ${formatNumber(s.received.counter)} · Bưu chính ${formatNumber(s.received.post)}`}
      />
      {s.carriedOver !== undefined && <Card name="Kỳ trước chuyển sang" value={formatNumber(s.carriedOver)} note="hồ sơ chưa giải quyết xong khi bắt đầu kỳ" />}
      <Card
        name="Đã giải quyết"
        value={formatNumber(s.finished.total)}
        note={
          <>
            Trước hạn {figure(s.finished.early, 'early', 'Giải quyết trước hạn')} · Đúng hạn {figure(s.finished.onTime, 'on_time', 'Giải quyết đúng hạn')} · Quá
            hạn {figure(s.finished.late, 'late', 'Giải quyết quá hạn')}
          </>
        }
      />
      <Card
        name="Tỷ lệ đúng hạn"
        tone="accent"
        value={s.onTimeRatio === null ? <NoData /> : formatPercent(s.onTimeRatio)}
        note="trước hạn, đúng hạn và còn trong hạn trên tổng số hồ sơ (cách tính 766)"
      />
      <Card
        name="Thời gian giải quyết bình quân"
        value={s.averageWorkingDays === null ? <NoData /> : formatDecimal(s.averageWorkingDays)}
        note="ngày làm việc mỗi hồ sơ"
      />
      <Card
        name="Đang quá hạn"
        tone={s.open.overdue ? 'alarm' : undefined}
        value={figure(s.open.overdue, 'overdue', 'Hồ sơ đang giải quyết quá hạn')}
        note={<>Sắp đến hạn {figure(s.open.atRisk, 'at_risk', 'Hồ sơ sắp đến hạn')}</>}
      />
      <Card name="Yêu cầu bổ sung" value={figure(s.supplementRequests, 'supplements', 'Yêu cầu bổ sung')} note="lần yêu cầu bổ sung, hoàn thiện hồ sơ" />
      <Card name="Phiếu xin lỗi" value={figure(s.apologies, 'apologies', 'Phiếu xin lỗi')} note="phiếu xin lỗi và hẹn lại ngày trả" />
    </ul>
  );
}

const BYS: BreakdownBy[] = ['agency', 'commune', 'field', 'procedure'];

function Rankings({ period, query, drill }: { period: Period; query: Record<string, string>; drill: Drill }) {
  const [by, setBy] = useState<BreakdownBy>('agency');
  const rows = useFetch<Breakdown>(withQuery('/api/v1/stats/breakdown', { ...query, by }));
  return (
    <Panel
      id="xep-hang"
      title="Xếp hạng"
      actions={<ExportLinks path="/api/v1/stats/breakdown" query={{ ...query, by }} what={`bảng xếp hạng theo ${BREAKDOWN_NAMES[by].toLowerCase()}`} />}>
      <div className="ioc-switch" role="group" aria-label="Xếp hạng theo">
        {BYS.map((b) => (
          <button key={b} type="button" className="btn btn-small" aria-pressed={b === by} onClick={() => setBy(b)}>
            {BREAKDOWN_NAMES[b]}
          </button>
        ))}
      </div>
      <ErrorMessage error={rows.error} />
      {!rows.data && rows.loading && <Loading />}
      {rows.data && rows.data.by === by && <BreakdownTable by={by} rows={rows.data.rows} drill={drill} />}
      <p className="small muted">{periodLabel(period)}. Xếp hạng theo tỷ lệ giải quyết đúng hạn; bấm vào một số để xem danh sách hồ sơ.</p>
    </Panel>
  );
}

const NO_DATA = 'Chưa có dữ liệu';
/** A ratio as a percentage with one decimal for the exported files. */
const percentCell = (ratio: number | null) => (ratio === null ? null : Math.round(ratio * 1000) / 10);

function Shares({ summary, period }: { summary: Summary; period: Period }) {
  if (!summary.shares) return null;
  const rows = () =>
    SHARE_KEYS.map((k) => {
      const x = summary.shares?.[k];
      return x?.available ? [SHARE_NAMES[k], x.numerator, x.denominator, percentCell(x.ratio)] : [SHARE_NAMES[k], null, null, NO_DATA];
    });
  return (
    <Panel
      id="so-hoa"
      title="Dịch vụ công trực tuyến và số hóa"
      actions={
        <LocalExport
          filename={`so-hoa-${period.from}-${period.to}`}
          header={['Chỉ tiêu', 'Tử số', 'Mẫu số', 'Tỷ lệ (%)']}
          rows={rows}
          what="bảng dịch vụ công trực tuyến và số hóa"
        />
      }>
      <TableWrap label="Tỷ lệ dịch vụ công trực tuyến và số hóa" stack>
        <thead>
          <tr>
            <th scope="col">Chỉ tiêu</th>
            <th scope="col" className="num">
              Tử số
            </th>
            <th scope="col" className="num">
              Mẫu số
            </th>
            <th scope="col" className="num">
              Tỷ lệ
            </th>
          </tr>
        </thead>
        <tbody>
          {SHARE_KEYS.map((k) => {
            const x = summary.shares?.[k];
            const ok = x?.available === true;
            return (
              <tr key={k}>
                <td className="main-cell" data-label="Chỉ tiêu">
                  {SHARE_NAMES[k]}
                </td>
                <td className="num" data-label="Tử số">
                  {ok && x.numerator !== null ? formatNumber(x.numerator) : '—'}
                </td>
                <td className="num" data-label="Mẫu số">
                  {ok && x.denominator !== null ? formatNumber(x.denominator) : '—'}
                </td>
                <td className="num" data-label="Tỷ lệ">
                  {ok && x.ratio !== null ? formatPercent(x.ratio) : <NoData />}
                </td>
              </tr>
            );
          })}
        </tbody>
      </TableWrap>
    </Panel>
  );
}

/** Bộ chỉ số 766 (Quyết định 766/QĐ-TTg): each indicator with its formula, points and, where not measured, "Chưa có dữ liệu". */
function Index766Panel({ period, scope }: { period: Period; scope: Scope }) {
  const which = index766Period(period);
  // The 766 index is computed per agency (the other scope filters do not apply to it).
  const res = useFetch<Index766>(withQuery('/api/v1/stats/index766', { period: which, agency: scope.agency }));
  const x = res.data;
  const label = /Q/.test(which)
    ? `quý ${which.slice(-1)}/${which.slice(0, 4)}`
    : which.length === 7
      ? `tháng ${Number(which.slice(5))}/${which.slice(0, 4)}`
      : `năm ${which}`;
  const points = (p: number, max: number) => (
    <>
      {formatDecimal(p)} / {formatNumber(max)}
    </>
  );
  // Not held or nothing to count: 0 points, marked, as the national portal scores it.
  const mark = (i: Index766Indicator) => (!i.available ? NO_DATA : !i.counted ? 'Không có hồ sơ để tính trong kỳ' : null);
  return (
    <Panel
      id="chi-so-766"
      title={`Bộ chỉ số phục vụ người dân, doanh nghiệp (766) — ${label}`}
      actions={
        x && (
          <LocalExport
            filename={`chi-so-766-${which}`}
            what="bộ chỉ số 766"
            header={['Nhóm', 'Chỉ số', 'Cách tính', 'Đầu vào', 'Tử số', 'Mẫu số', 'Điểm', 'Điểm tối đa', 'Ghi chú']}
            rows={() => [
              ...x.indicators.map((i) => [
                i.group ?? null,
                i.name,
                i.formula,
                i.parts.map((p) => `${p.name}: ${p.numerator}/${p.denominator}`).join('; ') || null,
                i.numerator,
                i.denominator,
                i.points,
                i.maxPoints,
                mark(i),
              ]),
              [null, 'Tổng điểm', null, null, null, null, x.total.points, x.total.maxPoints, null],
              ...x.ranking.map((r) => ['Xếp hạng', `${r.rank ?? '—'}. ${r.name}`, null, null, null, null, r.points, r.maxPoints, null]),
            ]}
          />
        )
      }>
      <ErrorMessage error={res.error} />
      {!x && res.loading && <Loading />}
      {x && (
        <>
          <TableWrap label="Bộ chỉ số 766" stack>
            <thead>
              <tr>
                <th scope="col">Chỉ số</th>
                <th scope="col">Cách tính và đầu vào</th>
                <th scope="col" className="num">
                  Điểm / tối đa
                </th>
              </tr>
            </thead>
            <tbody>
              {x.indicators.map((i) => (
                <tr key={i.key}>
                  <td className="main-cell" data-label="Chỉ số">
                    {i.group && <span className="ioc-group">{i.group}</span>}
                    {i.name}
                  </td>
                  <td data-label="Cách tính và đầu vào" className="small">
                    {i.formula}
                    {i.parts.length > 0 && (
                      <ul className="ioc-parts">
                        {i.parts.map((p) => (
                          <li key={p.name}>
                            {p.name}:{' '}
                            <strong>
                              {formatNumber(p.numerator)} / {formatNumber(p.denominator)}
                            </strong>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td className="num" data-label="Điểm / tối đa">
                    {points(i.points, i.maxPoints)}
                    {mark(i) && <div className="muted small">{mark(i)}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={2}>
                  Tổng điểm (thang 100 như Cổng Dịch vụ công quốc gia; chỉ số chưa có dữ liệu tính 0 điểm)
                </th>
                <td className="num" data-label="Tổng điểm">
                  {points(x.total.points, x.total.maxPoints)}
                </td>
              </tr>
            </tfoot>
          </TableWrap>
          {x.ranking.length > 0 && (
            <TableWrap label="Xếp hạng cơ quan theo bộ chỉ số 766" stack>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Hạng
                  </th>
                  <th scope="col">Cơ quan</th>
                  <th scope="col" className="num">
                    Điểm / tối đa
                  </th>
                </tr>
              </thead>
              <tbody>
                {x.ranking.map((r) => (
                  <tr key={r.agencyId}>
                    <td className="num" data-label="Hạng">
                      {r.rank ?? '—'}
                    </td>
                    <td className="main-cell" data-label="Cơ quan">
                      {r.name}
                    </td>
                    <td className="num" data-label="Điểm / tối đa">
                      {points(r.points, r.maxPoints)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </TableWrap>
          )}
        </>
      )}
    </Panel>
  );
}
