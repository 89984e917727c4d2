// Văn bản: the staff member's boxes — what waits for them (cần xử lý), incoming and outgoing documents — in the
// server's order (urgent first, then the nearest deadline), overdue and at-risk ones flagged, paged; the box and page
// live in the URL. Words in the search box (`?q=`) list instead the documents the server finds by number, trích yếu,
// sender or the text of their PDF; those who keep the registers print them for a period.
import { useState } from 'react';
import { type Me, withQuery } from '../api.ts';
import { formatNumber } from '../format.ts';
import { Link, setSearchParams, useLocation } from '../router.tsx';
import { ErrorMessage, Field, Loading, Pager, TableWrap, useFetch, usePageTitle, useSearchParamText } from '../ui.tsx';
import { vietnamDate } from '../../../src/shared/time.ts';
import { Due } from '../citizen/DossierParts.tsx';
import { flagOf } from './FeedbackInbox.tsx';
import { type DocumentSummary, SecrecyBadge, UrgencyBadge, registerNumber } from './documentParts.tsx';
import { drafts, printsRegisters, registersPaper } from './session.ts';

const PAGE_SIZE = 30;
const BOXES = {
  'can-xu-ly': { box: 'todo', label: 'Cần xử lý', empty: 'Không có văn bản nào đang chờ bạn xử lý.' },
  den: { box: 'incoming', label: 'Văn bản đến', empty: 'Chưa có văn bản đến nào bạn được xem.' },
  di: { box: 'outgoing', label: 'Văn bản đi', empty: 'Chưa có văn bản đi nào bạn được xem.' },
} as const;
type BoxKey = keyof typeof BOXES;

export function DocumentsInbox({ me }: { me: Me }) {
  usePageTitle('Văn bản đi, đến');
  const { search } = useLocation();
  const key: BoxKey = (search.get('hop') as BoxKey) in BOXES ? (search.get('hop') as BoxKey) : 'can-xu-ly';
  const page = Number(search.get('trang') ?? 1) || 1;
  const q = (search.get('q') ?? '').trim();
  const box = useSearchParamText(q, (text) => setSearchParams({ q: text.trim() || null, trang: null }, { replace: true }));
  const list = useFetch<{ total: number; items: DocumentSummary[] }>(
    q ? null : withQuery('/api/v1/documents', { box: BOXES[key].box, page, pageSize: PAGE_SIZE }),
  );
  const items = list.data?.items;
  return (
    <>
      <div className="page-head">
        <h1>Văn bản đi, đến</h1>
        <div className="toolbar-actions">
          <button type="button" className="btn" onClick={list.reload} disabled={list.loading}>
            Tải lại
          </button>
          {registersPaper(me) && (
            <Link className="btn btn-primary" to="/mot-cua/van-ban/den-moi">
              Vào sổ văn bản đến
            </Link>
          )}
          {drafts(me) && (
            <Link className="btn" to="/mot-cua/van-ban/du-thao">
              Soạn dự thảo văn bản đi
            </Link>
          )}
          <Link className="btn" to="/mot-cua/ho-so-cong-viec">
            Hồ sơ công việc
          </Link>
        </div>
      </div>
      <form
        className="filters"
        role="search"
        aria-label="Tìm kiếm văn bản"
        onSubmit={(e) => {
          e.preventDefault();
          box.flush();
        }}>
        <Field label="Tìm văn bản" hint="Số, ký hiệu, trích yếu, nơi gửi hoặc nội dung văn bản; gõ có dấu hoặc không dấu">
          <input type="search" value={box.text} onChange={(e) => box.setText(e.target.value)} maxLength={200} />
        </Field>
      </form>
      {printsRegisters(me) && <Registers />}
      {q ? (
        <SearchResults q={q} />
      ) : (
        <>
          <nav className="tabs box-tabs" aria-label="Hộp văn bản">
            {(Object.keys(BOXES) as BoxKey[]).map((k) => (
              <Link key={k} to={`/mot-cua/van-ban?hop=${k}`} aria-current={k === key ? 'page' : undefined}>
                {BOXES[k].label}
              </Link>
            ))}
          </nav>
          <ErrorMessage error={list.error} />
          {!items && list.loading && <Loading />}
          {list.data && (
            <p className="result-count" aria-live="polite">
              {formatNumber(list.data.total)} văn bản · văn bản khẩn xếp trước, rồi đến hạn gần nhất
            </p>
          )}
          {items && items.length === 0 && <p className="empty">{BOXES[key].empty}</p>}
          {items && items.length > 0 && (
            <TableWrap label={BOXES[key].label} stack>
              <thead>
                <tr>
                  <th scope="col">Trích yếu</th>
                  <th scope="col">Số, ký hiệu</th>
                  <th scope="col">Nơi gửi, nơi nhận</th>
                  <th scope="col">Trạng thái</th>
                  <th scope="col">Hạn xử lý</th>
                </tr>
              </thead>
              <tbody>
                {items.map((d) => (
                  <tr key={d.id} className={d.overdue ? 'row-overdue' : d.atRisk ? 'row-at-risk' : undefined}>
                    <td data-label="Trích yếu" className="main-cell">
                      <span className="cell-lines">
                        <Link to={`/mot-cua/van-ban/${d.id}`}>{d.subject}</Link>
                        <span className="muted small">
                          {d.direction === 'incoming' ? 'Văn bản đến' : 'Văn bản đi'} · {d.typeName}
                        </span>
                      </span>
                    </td>
                    <td data-label="Số, ký hiệu">
                      <span className="cell-lines">
                        {d.arrivalNumber !== null && <span className="nowrap">Số đến {registerNumber(d.arrivalNumber)}</span>}
                        <span className={d.notation ? undefined : 'muted'}>{d.notation ?? 'Chưa cấp số'}</span>
                      </span>
                    </td>
                    <td data-label="Nơi gửi, nơi nhận">
                      {d.direction === 'incoming' ? `Từ: ${d.from ?? '—'}` : d.recipients.length ? `Gửi: ${d.recipients.join('; ')}` : '—'}
                    </td>
                    <td data-label="Trạng thái">
                      <span className="cell-lines">
                        <span>{d.statusName}</span>
                        {d.waiting.length > 0 && <span className="muted small">Cần: {d.waiting.join(', ')}</span>}
                        <span className="badges">
                          <UrgencyBadge urgency={d.urgency} />
                          <SecrecyBadge secrecy={d.secrecy} />
                        </span>
                      </span>
                    </td>
                    <td data-label="Hạn xử lý">
                      <Due at={d.dueAt} timeliness={flagOf(d)} title="Hạn xử lý văn bản" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </TableWrap>
          )}
          {list.data && <Pager page={page} pageSize={PAGE_SIZE} total={list.data.total} onPage={(p) => setSearchParams({ trang: p })} />}
        </>
      )}
    </>
  );
}

interface Found {
  id: string;
  direction: 'incoming' | 'outgoing';
  statusName: string | null;
  typeName: string;
  subject: string;
  notation: string | null;
  arrivalNumber: number | null;
  from: string | null;
  inContent: boolean;
}

function SearchResults({ q }: { q: string }) {
  const found = useFetch<{ items: Found[] }>(withQuery('/api/v1/documents/search', { q }));
  const items = found.data?.items;
  return (
    <>
      <ErrorMessage error={found.error} />
      {!items && found.loading && <Loading />}
      {items && (
        <p className="result-count" aria-live="polite">
          Tìm thấy {formatNumber(items.length)} văn bản cho “{q}”
        </p>
      )}
      {items && items.length > 0 && (
        <TableWrap label="Kết quả tìm văn bản" stack>
          <thead>
            <tr>
              <th scope="col">Trích yếu</th>
              <th scope="col">Số, ký hiệu</th>
              <th scope="col">Nơi gửi</th>
              <th scope="col">Trạng thái</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id}>
                <td data-label="Trích yếu" className="main-cell">
                  <span className="cell-lines">
                    <Link to={`/mot-cua/van-ban/${d.id}`}>{d.subject}</Link>
                    <span className="muted small">
                      {d.direction === 'incoming' ? 'Văn bản đến' : 'Văn bản đi'} · {d.typeName}
                      {d.inContent ? ' · khớp trong nội dung tệp' : ''}
                    </span>
                  </span>
                </td>
                <td data-label="Số, ký hiệu">
                  <span className="cell-lines">
                    {d.arrivalNumber !== null && <span className="nowrap">Số đến {registerNumber(d.arrivalNumber)}</span>}
                    <span className={d.notation ? undefined : 'muted'}>{d.notation ?? 'Chưa cấp số'}</span>
                  </span>
                </td>
                <td data-label="Nơi gửi">{d.from ?? '—'}</td>
                <td data-label="Trạng thái">{d.statusName ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </>
  );
}

const REGISTER_BOOKS = {
  incoming: 'Sổ đăng ký văn bản đến',
  follow_up: 'Sổ theo dõi giải quyết văn bản đến',
  outgoing: 'Sổ đăng ký văn bản đi',
  outgoing_secret: 'Sổ đăng ký văn bản đi (mật)',
} as const;

/** In sổ: one register of the signed-in staff member's organisation for a period, as PDF or XLSX (Phụ lục IV). */
function Registers() {
  const today = vietnamDate(new Date());
  const [book, setBook] = useState<keyof typeof REGISTER_BOOKS>('incoming');
  const [from, setFrom] = useState(`${today.slice(0, 4)}-01-01`);
  const [to, setTo] = useState(today);
  const href = (format: 'pdf' | 'xlsx') => withQuery(`/api/v1/documents/registers/${book}`, { from, to, format });
  return (
    <details className="registers">
      <summary>In sổ văn bản</summary>
      <div className="inline-add">
        <Field label="Sổ">
          <select value={book} onChange={(e) => setBook(e.target.value as keyof typeof REGISTER_BOOKS)}>
            {Object.entries(REGISTER_BOOKS).map(([k, name]) => (
              <option key={k} value={k}>
                {name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Từ ngày">
          <input type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} />
        </Field>
        <Field label="Đến ngày">
          <input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} />
        </Field>
        {from && to && (
          <span className="toolbar-actions">
            <a className="btn" href={href('pdf')}>
              Tải PDF
            </a>
            <a className="btn" href={href('xlsx')}>
              Tải XLSX
            </a>
          </span>
        )}
      </div>
    </details>
  );
}
