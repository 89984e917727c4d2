// Công khai kết quả (transparency): the province's aggregates and the agencies' ranking for a year, without login,
// with the definitions of the figures and links to the same data as open data (JSON, CSV).
import { withQuery } from '../api.ts';
import { formatDecimal, formatNumber, formatPercent } from '../format.ts';
import { setSearchParams, useLocation } from '../router.tsx';
import { ErrorMessage, Field, Loading, TableWrap, useFetch, usePageTitle } from '../ui.tsx';
import { CommuneMapChart, Panel, RatioText } from './parts.tsx';
import { today } from './period.ts';
import type { CommuneMap } from './types.ts';

export interface PublicStats {
  year: number;
  summary: {
    received: { total: number; online: number; counter: number; post: number };
    finished: { total: number; early: number; onTime: number; late: number; other: number };
    onTimeRatio: number | null; averageWorkingDays: number | null;
  };
  ranking: { rank: number | null; name: string; received: number; finished: number; onTimeRatio: number | null }[];
  definitions: { name: string; text: string }[];
}

export function Transparency() {
  usePageTitle('Công khai kết quả giải quyết thủ tục hành chính');
  const { search } = useLocation();
  const thisYear = Number(today().slice(0, 4));
  const year = Number(search.get('nam')) || thisYear;
  const res = useFetch<PublicStats>(withQuery('/api/v1/public/stats', { year }));
  const map = useFetch<CommuneMap>(withQuery('/api/v1/public/geo/communes', { from: `${year}-01-01`, to: `${year}-12-31` }));
  const x = res.data;
  const years = Array.from({ length: 5 }, (_, i) => thisYear - i);

  return (
    <div className="container page">
      <h1>Công khai kết quả giải quyết thủ tục hành chính</h1>
      <p className="lead">Số liệu tổng hợp của Thành phố Cần Thơ về tiếp nhận và giải quyết hồ sơ thủ tục hành chính, cập nhật tự động từ hệ thống một cửa điện tử.</p>
      <div className="ioc-public-bar">
        <Field label="Năm">
          <select value={year} onChange={(e) => setSearchParams({ nam: e.target.value === String(thisYear) ? null : e.target.value }, { replace: true })}>
            {years.map((y) => <option key={y} value={y}>{y}</option>)}
          </select>
        </Field>
        <p className="ioc-opendata">
          Dữ liệu mở: <a href={withQuery('/api/v1/public/stats', { year })} type="application/json">JSON</a> · <a href="/api/v1/public/stats.csv" type="text/csv" download>CSV</a>
        </p>
      </div>
      <ErrorMessage error={res.error} />
      {!x && res.loading && <Loading />}
      {x && (
        <>
          <ul className="ioc-cards">
            <Card name="Hồ sơ tiếp nhận" value={formatNumber(x.summary.received.total)} note={`Trực tuyến ${formatNumber(x.summary.received.online)}`} />
            <Card name="Hồ sơ đã giải quyết" value={formatNumber(x.summary.finished.total)} note={`Trước hạn ${formatNumber(x.summary.finished.early)} · Đúng hạn ${formatNumber(x.summary.finished.onTime)} · Quá hạn ${formatNumber(x.summary.finished.late)}`} />
            <Card name="Tỷ lệ đúng hạn" value={x.summary.onTimeRatio === null ? 'Chưa có dữ liệu' : formatPercent(x.summary.onTimeRatio)} accent />
            <Card name="Thời gian giải quyết bình quân" value={x.summary.averageWorkingDays === null ? 'Chưa có dữ liệu' : formatDecimal(x.summary.averageWorkingDays)} note="ngày làm việc mỗi hồ sơ" />
          </ul>
          <Panel id="xep-hang-cong-khai" title={`Xếp hạng cơ quan năm ${x.year}`}>
            {x.ranking.length === 0 ? <p className="empty">Chưa có hồ sơ nào trong năm.</p> : (
              <TableWrap label={`Xếp hạng cơ quan năm ${x.year}`} stack>
                <thead><tr><th scope="col" className="num">Hạng</th><th scope="col">Cơ quan</th><th scope="col" className="num">Tiếp nhận</th><th scope="col" className="num">Đã giải quyết</th><th scope="col" className="num">Tỷ lệ đúng hạn</th></tr></thead>
                <tbody>
                  {x.ranking.map((r) => (
                    <tr key={r.name}>
                      <td className="num" data-label="Hạng">{r.rank ?? '—'}</td>
                      <td className="main-cell" data-label="Cơ quan">{r.name}</td>
                      <td className="num" data-label="Tiếp nhận">{formatNumber(r.received)}</td>
                      <td className="num" data-label="Đã giải quyết">{formatNumber(r.finished)}</td>
                      <td className="num" data-label="Tỷ lệ đúng hạn"><RatioText ratio={r.onTimeRatio} /></td>
                    </tr>
                  ))}
                </tbody>
              </TableWrap>
            )}
          </Panel>
        </>
      )}
      <Panel id="ban-do-cong-khai" title="Tỷ lệ giải quyết đúng hạn theo xã, phường">
        {map.data && <CommuneMapChart map={map.data} look="desk" />}
      </Panel>
      {x && x.definitions.length > 0 && (
        <Panel id="dinh-nghia" title="Cách tính các chỉ số">
          <dl className="ioc-definitions">
            {x.definitions.map((d) => <div key={d.name}><dt>{d.name}</dt><dd>{d.text}</dd></div>)}
          </dl>
        </Panel>
      )}
    </div>
  );
}

function Card({ name, value, note, accent }: { name: string; value: string; note?: string; accent?: boolean }) {
  return (
    <li className={`ioc-card ${accent ? 'ioc-card-accent' : ''}`}>
      <span className="ioc-card-name">{name}</span>
      <span className="ioc-card-value">{value}</span>
      {note && <span className="ioc-card-note">{note}</span>}
    </li>
  );
}
