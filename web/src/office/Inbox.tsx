// Hồ sơ cần xử lý: the officer's inbox in the order the server gives (soonest due first), with step and final due
// times and their badges, a page at a time (the page in the URL).
import { withQuery, type InboxItem, type Me } from '../api.ts';
import { formatNumber } from '../format.ts';
import { Link, setSearchParams, useLocation } from '../router.tsx';
import { ErrorMessage, Loading, Pager, TableWrap, useFetch, usePageTitle } from '../ui.tsx';
import { Due, StatusBadge } from '../citizen/DossierParts.tsx';
import { isCounterOfficer } from './session.ts';

/** What waits to be done when the dossier is outside the workflow steps. */
const WAITING: Partial<Record<number, string>> = { 1: 'Chờ tiếp nhận', 5: 'Chờ công dân bổ sung', 7: 'Công dân yêu cầu rút hồ sơ', 9: 'Trả kết quả' };
const PAGE_SIZE = 50;

export function Inbox({ me }: { me: Me }) {
  usePageTitle('Hồ sơ cần xử lý');
  const page = Number(useLocation().search.get('trang') ?? 1) || 1;
  const list = useFetch<{ items: InboxItem[]; total: number }>(withQuery('/api/v1/inbox', { page, pageSize: PAGE_SIZE }));
  const items = list.data?.items;
  const total = list.data?.total ?? 0;
  return (
    <>
      <div className="page-head">
        <h1>Hồ sơ cần xử lý</h1>
        <div className="toolbar-actions">
          <button type="button" className="btn" onClick={list.reload} disabled={list.loading}>
            Tải lại
          </button>
          {isCounterOfficer(me) && (
            <Link className="btn btn-primary" to="/mot-cua/tiep-nhan">
              Tiếp nhận hồ sơ tại quầy
            </Link>
          )}
        </div>
      </div>
      <ErrorMessage error={list.error} />
      {!items && list.loading && <Loading />}
      {items && (
        <p className="result-count" aria-live="polite">
          {total ? `${formatNumber(total)} hồ sơ đang chờ xử lý` : ''}
        </p>
      )}
      {items && total === 0 && <p className="empty">Không có hồ sơ nào đang chờ bạn xử lý.</p>}
      {items && items.length > 0 && (
        <TableWrap label="Hồ sơ cần xử lý" stack>
          <thead>
            <tr>
              <th scope="col">Mã hồ sơ</th>
              <th scope="col">Thủ tục</th>
              <th scope="col">Người nộp</th>
              <th scope="col">Bước</th>
              <th scope="col">Hạn xử lý bước</th>
              <th scope="col">Hạn trả</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id}>
                <td data-label="Mã hồ sơ" className="main-cell nowrap">
                  <Link to={`/mot-cua/ho-so/${d.id}`}>{d.code}</Link>
                </td>
                <td data-label="Thủ tục">{d.procedure.name}</td>
                <td data-label="Người nộp">{d.applicantName}</td>
                <td data-label="Bước">
                  <span className="cell-lines">
                    <span>{d.stepName ?? WAITING[d.status] ?? d.statusName}</span>
                    <StatusBadge status={d.status} name={d.statusName} />
                  </span>
                </td>
                <td data-label="Hạn xử lý bước">
                  <Due at={d.stepDueAt} timeliness={d.stepTimeliness} title="Tiến độ của bước" />
                </td>
                <td data-label="Hạn trả">
                  <Due at={d.dueAt} timeliness={d.timeliness} title="Tiến độ giải quyết hồ sơ" />
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      {list.data && <Pager page={page} pageSize={PAGE_SIZE} total={total} onPage={(p) => setSearchParams({ trang: p })} />}
    </>
  );
}
