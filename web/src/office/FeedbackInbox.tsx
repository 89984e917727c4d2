// Phản ánh, kiến nghị cần xử lý: what GET /api/v1/feedback gives the officer (every case for the province's operators,
// the cases assigned to their organisation for an agency's staff), overdue and at-risk ones first as the server sorts
// them, filtered by status, level, category and deadline flag, paged; the filters live in the URL.
import { withQuery, type Timeliness } from '../api.ts';
import { formatInstant, formatNumber } from '../format.ts';
import { Link, setSearchParams, useLocation } from '../router.tsx';
import { Badge, ErrorMessage, Field, Loading, Pager, TableWrap, useFetch, usePageTitle } from '../ui.tsx';
import { Due } from '../citizen/DossierParts.tsx';
import { CategorySelect, CHANNELS, type Channel, LEVELS, type Level, StatusTag } from '../feedback/parts.tsx';

const PAGE_SIZE = 20;

/** The states an officer filters by, named as the server names them (src/feedback/workflow.ts FEEDBACK_STATES). */
const STATES: Record<string, string> = {
  received: 'Đã tiếp nhận phản ánh',
  classified: 'Đã phân loại',
  assigned: 'Chờ cơ quan nhận xử lý',
  returned: 'Cơ quan trả lại, chờ chuyển lại',
  processing: 'Đang xử lý',
  info_requested: 'Chờ người phản ánh bổ sung thông tin',
  answered: 'Chờ lãnh đạo duyệt trả lời',
  approved: 'Chờ công bố trả lời',
  published: 'Đã công bố trả lời',
  rated: 'Đã đánh giá',
  rejected: 'Không xử lý (sai phạm vi, spam)',
  merged: 'Đã gộp vào phản ánh trùng',
};

export interface FeedbackSummary {
  id: string;
  code: string;
  title: string;
  category: { code: string; name: string };
  level: Level;
  channel: Channel;
  status: string;
  statusName: string;
  agency: { id: string; name: string | null } | null;
  acceptDueAt: string | null;
  dueAt: string | null;
  pausedAt: string | null;
  createdAt: string;
  overdue: boolean;
  atRisk: boolean;
}

/** The deadline running now: the acceptance deadline while the agency has not taken the case, else the answer deadline. */
export const currentDue = (c: Pick<FeedbackSummary, 'status' | 'acceptDueAt' | 'dueAt'>) => (c.status === 'assigned' ? c.acceptDueAt : c.dueAt);
export const flagOf = (c: Pick<FeedbackSummary, 'overdue' | 'atRisk'>): Timeliness | null => (c.overdue ? 'overdue' : c.atRisk ? 'at_risk' : null);

export function LevelBadge({ level }: { level: Level }) {
  return (
    <Badge tone={level === 'khan' ? 'red' : level === 'phuc_tap' ? 'amber' : 'neutral'} title="Mức độ">
      {LEVELS[level]}
    </Badge>
  );
}

/** Whether the signed-in officer is one of the province's operators, as the server decides (null while asking). */
export function useFeedbackOperator(): boolean | null {
  return useFetch<{ operator: boolean }>('/api/v1/feedback?pageSize=1').data?.operator ?? null;
}

export function FeedbackInbox() {
  usePageTitle('Phản ánh, kiến nghị');
  const { search } = useLocation();
  const status = search.get('trang-thai') ?? '';
  const level = search.get('muc-do') ?? '';
  const category = search.get('linh-vuc') ?? '';
  const flag = search.get('han') ?? '';
  const page = Number(search.get('trang') ?? 1) || 1;
  const list = useFetch<{ total: number; operator: boolean; items: FeedbackSummary[] }>(
    withQuery('/api/v1/feedback', { status, level, category, flag, page, pageSize: PAGE_SIZE }),
  );
  const filter = (key: string) => (e: { target: { value: string } }) => setSearchParams({ [key]: e.target.value, trang: null });
  const items = list.data?.items;
  const operator = list.data?.operator ?? false;
  return (
    <>
      <div className="page-head">
        <h1>Phản ánh, kiến nghị</h1>
        <div className="toolbar-actions">
          <button type="button" className="btn" onClick={list.reload} disabled={list.loading}>
            Tải lại
          </button>
          {operator && (
            <Link className="btn btn-primary" to="/mot-cua/phan-anh/moi">
              Nhập phản ánh
            </Link>
          )}
        </div>
      </div>
      <p className="muted">
        {operator
          ? 'Mọi phản ánh, kiến nghị gửi đến thành phố; phản ánh quá hạn và sắp đến hạn được xếp lên đầu.'
          : 'Phản ánh, kiến nghị được chuyển đến cơ quan bạn; phản ánh quá hạn và sắp đến hạn được xếp lên đầu.'}
      </p>
      <form className="filters filters-4" aria-label="Lọc phản ánh" onSubmit={(e) => e.preventDefault()}>
        <Field label="Trạng thái">
          <select value={status} onChange={filter('trang-thai')}>
            <option value="">Tất cả</option>
            {Object.entries(STATES).map(([k, name]) => (
              <option key={k} value={k}>
                {name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Mức độ">
          <select value={level} onChange={filter('muc-do')}>
            <option value="">Tất cả</option>
            {(Object.keys(LEVELS) as Level[]).map((l) => (
              <option key={l} value={l}>
                {LEVELS[l]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Lĩnh vực">
          <CategorySelect value={category} onChange={(code) => setSearchParams({ 'linh-vuc': code, trang: null })} emptyLabel="Tất cả lĩnh vực" />
        </Field>
        <Field label="Thời hạn">
          <select value={flag} onChange={filter('han')}>
            <option value="">Tất cả</option>
            <option value="overdue">Quá hạn</option>
            <option value="at_risk">Sắp đến hạn</option>
          </select>
        </Field>
      </form>
      <ErrorMessage error={list.error} />
      {!items && list.loading && <Loading />}
      {list.data && (
        <p className="result-count" aria-live="polite">
          {formatNumber(list.data.total)} phản ánh
        </p>
      )}
      {items && items.length === 0 && <p className="empty">Không có phản ánh nào phù hợp.</p>}
      {items && items.length > 0 && (
        <TableWrap label="Phản ánh, kiến nghị" stack>
          <thead>
            <tr>
              <th scope="col">Mã phản ánh</th>
              <th scope="col">Nội dung</th>
              <th scope="col">Trạng thái</th>
              <th scope="col">Cơ quan xử lý</th>
              <th scope="col">Hạn</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id} className={c.overdue ? 'row-overdue' : c.atRisk ? 'row-at-risk' : undefined}>
                <td data-label="Mã phản ánh" className="main-cell nowrap">
                  <span className="cell-lines">
                    <Link to={`/mot-cua/phan-anh/${c.id}`}>{c.code}</Link>
                    <span className="muted small">{formatInstant(c.createdAt)}</span>
                  </span>
                </td>
                <td data-label="Nội dung">
                  <span className="cell-lines">
                    <span>{c.title}</span>
                    <span className="muted small">
                      {c.category.name} · {CHANNELS[c.channel]}
                    </span>
                  </span>
                </td>
                <td data-label="Trạng thái">
                  <span className="badges">
                    <StatusTag status={c.status} name={c.statusName} />
                    <LevelBadge level={c.level} />
                  </span>
                </td>
                <td data-label="Cơ quan xử lý">{c.agency?.name ?? '—'}</td>
                <td data-label="Hạn">
                  {c.pausedAt ? (
                    <Badge tone="blue" title="Thời hạn tạm dừng khi chờ người phản ánh bổ sung">
                      Tạm dừng
                    </Badge>
                  ) : (
                    <Due at={currentDue(c)} timeliness={flagOf(c)} title={c.status === 'assigned' ? 'Hạn nhận xử lý' : 'Hạn trả lời'} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      {list.data && <Pager page={page} pageSize={PAGE_SIZE} total={list.data.total} onPage={(p) => setSearchParams({ trang: p })} />}
    </>
  );
}
