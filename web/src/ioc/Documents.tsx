// Văn bản đi, đến in the operations centre: the desk dashboard's panel (incoming documents the leader directed,
// handled on time or late and still open, per organisation and lead unit; the share sent and received electronically)
// and the list of documents behind a figure. Every figure comes from /api/v1/stats/documents in the dashboard's period
// and agency; a secret document is listed without its trích yếu.
import { useMemo } from 'react';
import { withQuery } from '../api.ts';
import { formatInstant, formatNumber, formatPercent } from '../format.ts';
import { Link, navigate, setSearchParams, useLocation } from '../router.tsx';
import { Badge, ErrorMessage, Loading, Pager, TableWrap, useFetch, usePageTitle } from '../ui.tsx';
import { Chart } from '../chart/Chart.tsx';
import { barsOption } from './options.ts';
import { Card, NoData, Panel, RatioText } from './parts.tsx';
import { periodLabel, periodParams, readPeriod, readScope, type Period, type Scope } from './period.ts';
import { DOCUMENT_FIGURES, type DocumentFigure, type DocumentItems, type DocumentStats } from './types.ts';

const FIGURE_NAMES: Record<DocumentFigure, string> = {
  on_time: 'Văn bản đến giải quyết đúng hạn',
  late: 'Văn bản đến giải quyết quá hạn',
  open: 'Văn bản đến đang giải quyết',
  overdue: 'Văn bản đến đang giải quyết đã quá hạn',
  at_risk: 'Văn bản đến sắp đến hạn giải quyết',
  incoming_electronic: 'Văn bản đến điện tử',
  incoming_paper: 'Văn bản đến bằng giấy',
  outgoing_electronic: 'Văn bản đi gửi điện tử',
  outgoing_paper: 'Văn bản đi không gửi điện tử',
};

/** The documents' figures take the period and the agency (not the commune, field or procedure). */
const documentParams = (period: Period, scope: Scope) => ({ from: period.from, to: period.to, agency: scope.agency });
type DocumentDrill = (figure: DocumentFigure, unit?: string) => string;
const documentHref =
  (period: Period, scope: Scope): DocumentDrill =>
  (figure, unit) =>
    withQuery('/dieu-hanh/van-ban', { figure, ...periodParams(period, scope), unit });

export function DocumentsPanel({ period, scope }: { period: Period; scope: Scope }) {
  const res = useFetch<DocumentStats>(withQuery('/api/v1/stats/documents', documentParams(period, scope)));
  const s = res.data;
  const drill = documentHref(period, scope);
  const link = (value: number, figure: DocumentFigure, unit?: { id: string; name: string }) => (
    <Link to={drill(figure, unit?.id)} className="ioc-figure" aria-label={`${unit ? `${unit.name} — ` : ''}${FIGURE_NAMES[figure]}: ${formatNumber(value)}`}>
      {formatNumber(value)}
    </Link>
  );
  const shares = useMemo(
    () =>
      s
        ? [
            { id: 'incoming_electronic', name: 'Đến điện tử', value: s.electronic.incoming.electronic },
            { id: 'incoming_paper', name: 'Đến bằng giấy', value: s.electronic.incoming.paper },
            { id: 'outgoing_electronic', name: 'Đi gửi điện tử', value: s.electronic.outgoing.electronic },
            { id: 'outgoing_paper', name: 'Đi không gửi điện tử', value: s.electronic.outgoing.paper },
          ]
        : [],
    [s],
  );
  const shareOption = useMemo(() => barsOption(shares, 'desk', '#2f6fbf', 'Văn bản'), [shares]);
  return (
    <Panel id="van-ban" title="Văn bản đi, đến">
      <ErrorMessage error={res.error} />
      {!s && res.loading && <Loading />}
      {s && (
        <>
          <ul className="ioc-cards">
            <Card
              name="Đã giải quyết"
              value={formatNumber(s.handling.onTime + s.handling.late)}
              note={
                <>
                  Đúng hạn {link(s.handling.onTime, 'on_time')} · Quá hạn {link(s.handling.late, 'late')}
                </>
              }
            />
            <Card
              name="Tỷ lệ giải quyết đúng hạn"
              tone="accent"
              value={s.handling.onTimeRatio === null ? <NoData /> : formatPercent(s.handling.onTimeRatio)}
              note="trên số văn bản đến đã giải quyết trong kỳ"
            />
            <Card
              name="Đang giải quyết"
              tone={s.handling.overdue ? 'alarm' : undefined}
              value={link(s.handling.open, 'open')}
              note={
                <>
                  Quá hạn {link(s.handling.overdue, 'overdue')} · Sắp đến hạn {link(s.handling.atRisk, 'at_risk')}
                </>
              }
            />
            <Card
              name="Văn bản điện tử"
              value={s.electronic.ratio === null ? <NoData /> : formatPercent(s.electronic.ratio)}
              note={`Đến ${formatPercent(s.electronic.incoming.ratio)} · Đi ${formatPercent(s.electronic.outgoing.ratio)}`}
            />
          </ul>
          <div className="ioc-documents">
            <section aria-labelledby="van-ban-don-vi">
              <h3 id="van-ban-don-vi">Giải quyết văn bản đến theo cơ quan, đơn vị chủ trì</h3>
              {s.units.length ? (
                <TableWrap label="Giải quyết văn bản đến theo cơ quan, đơn vị chủ trì" stack>
                  <thead>
                    <tr>
                      <th scope="col">Cơ quan, đơn vị</th>
                      <th scope="col" className="num">
                        Đúng hạn
                      </th>
                      <th scope="col" className="num">
                        Quá hạn
                      </th>
                      <th scope="col" className="num">
                        Tỷ lệ đúng hạn
                      </th>
                      <th scope="col" className="num">
                        Đang giải quyết
                      </th>
                      <th scope="col" className="num">
                        Trong đó quá hạn
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.units.map((u) => (
                      <tr key={u.id}>
                        <td className="main-cell name-cell" data-label="Cơ quan, đơn vị">
                          {u.organisationId ? <span className="ioc-unit">{u.name}</span> : u.name}
                        </td>
                        <td className="num" data-label="Đúng hạn">
                          {link(u.onTime, 'on_time', u)}
                        </td>
                        <td className="num" data-label="Quá hạn">
                          {link(u.late, 'late', u)}
                        </td>
                        <td className="num" data-label="Tỷ lệ đúng hạn">
                          <RatioText ratio={u.onTimeRatio} />
                        </td>
                        <td className="num" data-label="Đang giải quyết">
                          {link(u.open, 'open', u)}
                        </td>
                        <td className="num" data-label="Trong đó quá hạn">
                          {link(u.overdue, 'overdue', u)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </TableWrap>
              ) : (
                <p className="empty">Không có văn bản đến được phân công giải quyết trong kỳ.</p>
              )}
            </section>
            <section aria-labelledby="van-ban-dien-tu">
              <h3 id="van-ban-dien-tu">Văn bản điện tử và văn bản giấy</h3>
              <Chart
                className="ioc-chart-bars"
                option={shareOption}
                label={`Văn bản trong kỳ — ${shares.map((x) => `${x.name}: ${formatNumber(x.value)}`).join('; ')}`}
                onClick={(e) => {
                  const figure = shares.find((x) => x.name === e.name)?.id;
                  if (figure) navigate(drill(figure as DocumentFigure));
                }}
              />
            </section>
          </div>
          <p className="small muted">
            {scope.commune || scope.field || scope.procedure ? 'Văn bản không lọc theo xã, phường, lĩnh vực, thủ tục. ' : ''}
            Văn bản đến được lãnh đạo phân công (phiếu giải quyết) tính cho đơn vị chủ trì; hạn giải quyết tính theo ngày làm việc. Đang giải quyết: chưa hoàn
            thành đến cuối kỳ. Văn bản đi điện tử: gửi ít nhất một nơi nhận qua hệ thống hoặc trục liên thông. Bấm vào một số để xem danh sách văn bản.
          </p>
        </>
      )}
    </Panel>
  );
}

const PAGE_SIZE = 20;

/** /dieu-hanh/van-ban: the documents behind one figure (secret ones without their trích yếu). */
export function DocumentList() {
  const { search } = useLocation();
  const period = readPeriod(search);
  const scope = readScope(search);
  const raw = search.get('figure') ?? '';
  const figure = (DOCUMENT_FIGURES as readonly string[]).includes(raw) ? (raw as DocumentFigure) : null;
  const unit = search.get('unit') ?? undefined;
  const page = Math.max(1, Number(search.get('page')) || 1);
  const res = useFetch<DocumentItems>(
    figure ? withQuery('/api/v1/stats/documents/items', { figure, ...documentParams(period, scope), unit, page, pageSize: PAGE_SIZE }) : null,
  );
  const title = figure ? FIGURE_NAMES[figure] : 'Danh sách văn bản';
  usePageTitle(title);
  const back = `${withQuery('/dieu-hanh', periodParams(period, scope))}#van-ban`;
  const data = res.data;
  const unitName = unit && data?.items.length ? (data.items[0].leadUnit?.id === unit ? data.items[0].leadUnit.name : data.items[0].organisation.name) : null;
  return (
    <>
      <p className="back">
        <Link to={back}>‹ Bảng điều hành</Link>
      </p>
      <h1>{title}</h1>
      <p className="muted">
        {periodLabel(period)}
        {unitName ? ` — ${unitName}` : unit ? ' — theo cơ quan, đơn vị đã chọn' : ''}
        {scope.agency && !unit ? ' — trong phạm vi đã lọc' : ''}
      </p>
      {!figure && (
        <p className="empty">
          Chỉ tiêu không hợp lệ. <Link to={back}>Về bảng điều hành</Link>
        </p>
      )}
      <ErrorMessage error={res.error} />
      {!data && res.loading && <Loading />}
      {data && (
        <p className="result-count" aria-live="polite">
          {formatNumber(data.total)} văn bản
        </p>
      )}
      {data && data.total === 0 && <p className="empty">Không có văn bản nào.</p>}
      {data && data.items.length > 0 && (
        <TableWrap label={title} stack>
          <thead>
            <tr>
              <th scope="col">Số, ký hiệu</th>
              <th scope="col">Tên loại và trích yếu</th>
              <th scope="col">Cơ quan, đơn vị chủ trì</th>
              <th scope="col">Trạng thái</th>
              <th scope="col">{data.items[0].direction === 'outgoing' ? 'Ngày ban hành' : 'Ngày vào sổ'}</th>
              <th scope="col">Hạn giải quyết</th>
              <th scope="col">Hoàn thành</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((d) => (
              <tr key={d.id}>
                {/* One block per cell: a phone's stacked card puts each cell's label beside one value. */}
                <td className="main-cell nowrap" data-label="Số, ký hiệu">
                  <div>
                    {d.notation ?? '—'}
                    {d.arrivalNumber !== null && <div className="small muted">Số đến {String(d.arrivalNumber).padStart(2, '0')}</div>}
                  </div>
                </td>
                <td data-label="Tên loại và trích yếu">
                  <div>
                    <strong>{d.typeName}</strong>
                    {d.secret ? <span className="muted"> — văn bản mật, không hiển thị trích yếu</span> : d.subject && <> — {d.subject}</>}
                    {d.from && <div className="small muted">Nơi gửi: {d.from}</div>}
                  </div>
                </td>
                <td data-label="Cơ quan, đơn vị chủ trì">
                  <div>
                    {d.organisation.name}
                    {d.leadUnit && <div className="small muted">{d.leadUnit.name}</div>}
                  </div>
                </td>
                <td data-label="Trạng thái">
                  <div>
                    {d.statusName}
                    {d.overdue && (
                      <div>
                        <Badge tone="red">Quá hạn</Badge>
                      </div>
                    )}
                  </div>
                </td>
                <td data-label={d.direction === 'outgoing' ? 'Ngày ban hành' : 'Ngày vào sổ'} className="nowrap">
                  {formatInstant(d.direction === 'outgoing' ? d.issuedAt : d.registeredAt)}
                </td>
                <td data-label="Hạn giải quyết" className="nowrap">
                  {formatInstant(d.dueAt)}
                </td>
                <td data-label="Hoàn thành" className="nowrap">
                  {formatInstant(d.closedAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      {data && <Pager page={page} pageSize={PAGE_SIZE} total={data.total} onPage={(p) => setSearchParams({ page: p })} />}
    </>
  );
}
