// The dossiers behind one number of the dashboard (drill-down): same period and scope, paged; each dossier opens
// the officer's dossier page with its timeline (the server lets the IOC, administrators and the agencies handling a
// dossier read it).
import { withQuery, type DossierStatus } from '../api.ts';
import { TIMELINESS, formatInstant } from '../format.ts';
import { Link, useLocation } from '../router.tsx';
import { TableWrap, useFetch, usePageTitle } from '../ui.tsx';
import { StatusBadge, TimelinessBadge } from '../citizen/DossierParts.tsx';
import { STATUS_NAMES } from '../../../src/dossiers/rules.ts';
import { INDICATOR_NAMES } from './labels.ts';
import { DRILL_PAGE_SIZE, DrillDownPage, ExportLinks } from './parts.tsx';
import { apiParams, periodLabel, periodParams, readPeriod, readScope } from './period.ts';
import { INDICATORS, type Indicator, type IndicatorDossiers } from './types.ts';

export function DossierList() {
  const { search } = useLocation();
  const period = readPeriod(search);
  const scope = readScope(search);
  const raw = search.get('indicator') ?? '';
  const indicator = (INDICATORS as readonly string[]).includes(raw) ? (raw as Indicator) : null;
  const page = Math.max(1, Number(search.get('page')) || 1);
  const query = { indicator: indicator ?? undefined, ...apiParams(period, scope) };
  const res = useFetch<IndicatorDossiers>(indicator ? withQuery('/api/v1/stats/dossiers', { ...query, page, pageSize: DRILL_PAGE_SIZE }) : null);
  const title = indicator ? INDICATOR_NAMES[indicator] : 'Danh sách hồ sơ';
  usePageTitle(title);
  const back = withQuery('/dieu-hanh', periodParams(period, scope));

  return (
    <DrillDownPage
      title={title}
      back={back}
      actions={indicator && <ExportLinks path="/api/v1/stats/dossiers" query={query} what="danh sách hồ sơ" />}
      context={`${periodLabel(period)}${Object.keys(scope).length ? ' — trong phạm vi đã lọc' : ''}`}
      valid={indicator !== null}
      res={res}
      noun="hồ sơ"
      page={page}>
      {(data) => (
        <TableWrap label={title} stack>
          <thead>
            <tr>
              <th scope="col">Mã hồ sơ</th>
              <th scope="col">Thủ tục</th>
              <th scope="col">Cơ quan</th>
              <th scope="col">Trạng thái</th>
              <th scope="col">Tiếp nhận</th>
              <th scope="col">Hạn trả</th>
              <th scope="col">Hoàn thành</th>
              <th scope="col">Tiến độ</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((d) => (
              <tr key={d.id}>
                <td className="main-cell nowrap" data-label="Mã hồ sơ">
                  <Link to={`/mot-cua/ho-so/${d.id}`}>{d.code}</Link>
                </td>
                <td data-label="Thủ tục">{d.procedureName}</td>
                <td data-label="Cơ quan">{d.agencyName}</td>
                <td data-label="Trạng thái">
                  <StatusBadge status={d.status as DossierStatus} name={STATUS_NAMES[d.status as DossierStatus] ?? String(d.status)} />
                </td>
                <td data-label="Tiếp nhận" className="nowrap">
                  {formatInstant(d.receivedAt)}
                </td>
                <td data-label="Hạn trả" className="nowrap">
                  {formatInstant(d.dueAt)}
                </td>
                <td data-label="Hoàn thành" className="nowrap">
                  {formatInstant(d.finishedAt)}
                </td>
                <td data-label="Tiến độ">{d.timeliness ? <TimelinessBadge value={d.timeliness} title={TIMELINESS[d.timeliness]} /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </DrillDownPage>
  );
}
