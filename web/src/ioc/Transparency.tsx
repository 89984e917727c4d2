// Công khai kết quả (transparency): the province's aggregates and the agencies' ranking for a year, without login,
// with the definitions of the figures and links to the same data as open data (JSON, CSV).
import { withQuery } from '../api.ts';
import { formatDateTime, formatDay, formatDecimal, formatNumber } from '../format.ts';
import { setSearchParams, useLocation } from '../router.tsx';
import { ErrorMessage, Field, Loading, TableWrap, useFetch, usePageTitle } from '../ui.tsx';
import { Card, CommuneMapChart, LocalExport, NoData, Panel, RatioText } from './parts.tsx';
import { today } from './period.ts';
import type { CommuneMap } from './types.ts';

export interface PublicStats {
  period: { from: string; to: string };
  figures: { key: string; name: string; value: number | null; unit: string; definition: string }[];
  rankingDefinition: string;
  ranking: { rank: number | null; agencyId: string; name: string; received: number; finished: number; onTimeRatio: number | null }[];
}

/** The history seals the province publishes (GET /api/v1/history/anchors): an auditor keeps copies and compares later. */
interface HistoryAnchors {
  keyId: string;
  days: { day: string; dossiers: number; hash: string; mac: string | null }[];
  checkpoints: { id: string; at: string; dayDossiers: number; mac: string }[];
}

/** "92,9%", "3,5", "1.234" (the unit goes below); "Chưa có dữ liệu" when the figure is not available. */
const figureText = (f: PublicStats['figures'][number]) =>
  f.value === null ? <NoData /> : f.unit === '%' ? `${formatDecimal(f.value)}%` : formatDecimal(f.value);

export function Transparency() {
  usePageTitle('Công khai kết quả giải quyết thủ tục hành chính');
  const { search } = useLocation();
  const thisYear = Number(today().slice(0, 4));
  const year = Number(search.get('nam')) || thisYear;
  const res = useFetch<PublicStats>(withQuery('/api/v1/public/stats', { year }));
  const map = useFetch<CommuneMap>(withQuery('/api/v1/public/geo/communes', { year }));
  const seals = useFetch<HistoryAnchors>('/api/v1/history/anchors').data;
  const x = res.data;
  const years = Array.from({ length: 5 }, (_, i) => thisYear - i);

  return (
    <div className="container page">
      <h1>Công khai kết quả giải quyết thủ tục hành chính</h1>
      <p className="lead">
        Số liệu tổng hợp của Thành phố Cần Thơ về tiếp nhận và giải quyết hồ sơ thủ tục hành chính, cập nhật tự động từ hệ thống một cửa điện tử.
      </p>
      <div className="ioc-public-bar">
        <Field label="Năm">
          <select value={year} onChange={(e) => setSearchParams({ nam: e.target.value === String(thisYear) ? null : e.target.value }, { replace: true })}>
            {years.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </Field>
        <p className="ioc-opendata">
          Dữ liệu mở:{' '}
          <a href={withQuery('/api/v1/public/stats', { year })} type="application/json">
            JSON
          </a>{' '}
          ·{' '}
          <a href={withQuery('/api/v1/public/stats.csv', { year })} type="text/csv" download>
            CSV
          </a>
        </p>
      </div>
      <ErrorMessage error={res.error} />
      {!x && res.loading && <Loading />}
      {x && (
        <>
          <ul className="ioc-cards">
            {x.figures.map((f) => (
              <Card
                key={f.key}
                name={f.name}
                value={figureText(f)}
                note={f.value === null || f.unit === '%' ? undefined : f.unit}
                tone={f.key === 'onTimeRatio' ? 'accent' : undefined}
              />
            ))}
          </ul>
          <Panel
            id="xep-hang-cong-khai"
            title={`Xếp hạng cơ quan năm ${year}`}
            actions={
              x.ranking.length > 0 && (
                <LocalExport
                  filename={`xep-hang-${year}`}
                  what="bảng xếp hạng"
                  header={['Hạng', 'Cơ quan', 'Tiếp nhận', 'Đã giải quyết', 'Tỷ lệ đúng hạn (%)']}
                  rows={() =>
                    x.ranking.map((r) => [r.rank, r.name, r.received, r.finished, r.onTimeRatio === null ? null : Math.round(r.onTimeRatio * 1000) / 10])
                  }
                />
              )
            }>
            {x.ranking.length === 0 ? (
              <p className="empty">Chưa có hồ sơ nào trong năm.</p>
            ) : (
              <TableWrap label={`Xếp hạng cơ quan năm ${year}`} stack>
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      Hạng
                    </th>
                    <th scope="col">Cơ quan</th>
                    <th scope="col" className="num">
                      Tiếp nhận
                    </th>
                    <th scope="col" className="num">
                      Đã giải quyết
                    </th>
                    <th scope="col" className="num">
                      Tỷ lệ đúng hạn
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
                      <td className="num" data-label="Tiếp nhận">
                        {formatNumber(r.received)}
                      </td>
                      <td className="num" data-label="Đã giải quyết">
                        {formatNumber(r.finished)}
                      </td>
                      <td className="num" data-label="Tỷ lệ đúng hạn">
                        <RatioText ratio={r.onTimeRatio} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </TableWrap>
            )}
            <p className="small muted">{x.rankingDefinition}</p>
          </Panel>
        </>
      )}
      <Panel id="ban-do-cong-khai" title="Tỷ lệ giải quyết đúng hạn theo xã, phường">
        {map.data && <CommuneMapChart map={map.data} look="desk" />}
      </Panel>
      {seals && (
        <Panel id="niem-phong-lich-su" title="Niêm phong lịch sử hồ sơ">
          <p className="small">
            Mỗi ngày và mỗi 5 phút, hệ thống chốt đầu chuỗi băm của các hồ sơ có thay đổi và số hồ sơ đã nộp, kèm mã xác thực (HMAC, khóa mã {seals.keyId}). Lưu
            lại các mã dưới đây (
            <a href="/api/v1/history/anchors" type="application/json">
              các mốc niêm phong, JSON
            </a>
            ) để đối chiếu về sau: lịch sử bị sửa hay hồ sơ bị xóa sẽ không còn khớp.
          </p>
          <TableWrap label="Mốc niêm phong theo ngày" stack>
            <thead>
              <tr>
                <th scope="col">Ngày</th>
                <th scope="col" className="num">
                  Hồ sơ có thay đổi
                </th>
                <th scope="col">Mã xác thực</th>
              </tr>
            </thead>
            <tbody>
              {seals.checkpoints.slice(0, 1).map((c) => (
                <tr key={c.id}>
                  <td data-label="Ngày">
                    {formatDateTime(c.at)} (mốc gần nhất, {formatNumber(c.dayDossiers)} hồ sơ nộp trong ngày)
                  </td>
                  <td className="num" data-label="Hồ sơ có thay đổi">
                    —
                  </td>
                  <td data-label="Mã xác thực">
                    <code>{c.mac}</code>
                  </td>
                </tr>
              ))}
              {seals.days.slice(0, 7).map((a) => (
                <tr key={a.day}>
                  <td data-label="Ngày">{formatDay(a.day)}</td>
                  <td className="num" data-label="Hồ sơ có thay đổi">
                    {formatNumber(a.dossiers)}
                  </td>
                  <td data-label="Mã xác thực">
                    <code>{a.mac ?? a.hash}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        </Panel>
      )}
      {x && (
        <Panel id="dinh-nghia" title="Cách tính các chỉ số">
          <dl className="ioc-definitions">
            {x.figures.map((f) => (
              <div key={f.key}>
                <dt>{f.name}</dt>
                <dd>{f.definition}</dd>
              </div>
            ))}
          </dl>
        </Panel>
      )}
    </div>
  );
}
