// The public face of phản ánh, kiến nghị: answered cases on the map and in a list, both by the same filter (category,
// commune, public status, words without diacritics), and each case at its stable address /phan-anh/{code} with its
// place on the map, without the reporter's identity.
import { withQuery, type Unit } from '../api.ts';
import { DEFAULT_PROVINCE, formatInstant, formatNumber } from '../format.ts';
import { Link, setSearchParams, useLocation } from '../router.tsx';
import { ErrorMessage, Field, Loading, Pager, useFetch, usePageTitle, useSearchParamText } from '../ui.tsx';
import {
  Breadcrumb,
  CategorySelect,
  FeedbackMap,
  LEVELS,
  LocationText,
  EvidenceList,
  type MapPoint,
  MediaList,
  PUBLIC_STATUSES,
  type PublicCase,
  type PublicCaseDetail,
  RATINGS,
  StatusTag,
} from './parts.tsx';

const PAGE_SIZE = 20;

export function FeedbackListPage() {
  usePageTitle('Phản ánh, kiến nghị');
  const { search } = useLocation();
  const category = search.get('linh-vuc') ?? '';
  const commune = search.get('xa') ?? '';
  const status = search.get('tinh-trang') ?? '';
  const q = search.get('q') ?? '';
  const page = Number(search.get('trang') ?? 1) || 1;
  const box = useSearchParamText(q, (text) => setSearchParams({ q: text.trim(), trang: null }, { replace: true }));
  const communes = useFetch<{ items: Unit[] }>(withQuery('/api/v1/units', { level: 'commune', province: DEFAULT_PROVINCE }));
  const filter = { category, commune, status, q: q.trim() };
  const list = useFetch<{ total: number; items: PublicCase[] }>(withQuery('/api/v1/public/feedback', { ...filter, page, pageSize: PAGE_SIZE }));
  const points = useFetch<{ items: MapPoint[] }>(withQuery('/api/v1/public/feedback/map', filter));
  const communeName = (code: string | null) => communes.data?.items.find((u) => u.code === code)?.name ?? null;
  return (
    <div className="container page">
      <div className="page-head">
        <h1>Phản ánh, kiến nghị</h1>
        <div className="form-actions">
          <Link className="btn btn-primary" to="/phan-anh/gui">
            Gửi phản ánh, kiến nghị
          </Link>
          <Link className="btn" to="/phan-anh/cua-toi">
            Phản ánh của tôi
          </Link>
        </div>
      </div>
      <p className="muted">Các phản ánh, kiến nghị đã được cơ quan có thẩm quyền trả lời và công bố. Thông tin người phản ánh được giữ bí mật.</p>
      <form
        className="filters feedback-filters"
        role="search"
        aria-label="Tìm phản ánh"
        onSubmit={(e) => {
          e.preventDefault();
          box.flush();
        }}>
        <Field label="Tìm kiếm" hint="Gõ có dấu hoặc không dấu">
          <input type="search" value={box.text} onChange={(e) => box.setText(e.target.value)} maxLength={200} />
        </Field>
        <Field label="Lĩnh vực">
          <CategorySelect value={category} onChange={(code) => setSearchParams({ 'linh-vuc': code, trang: null })} emptyLabel="Tất cả lĩnh vực" />
        </Field>
        <Field label="Xã, phường">
          <select value={commune} onChange={(e) => setSearchParams({ xa: e.target.value, trang: null })}>
            <option value="">Tất cả xã, phường</option>
            {communes.data?.items.map((u) => (
              <option key={u.code} value={u.code}>
                {u.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Tình trạng">
          <select value={status} onChange={(e) => setSearchParams({ 'tinh-trang': e.target.value, trang: null })}>
            <option value="">Tất cả tình trạng</option>
            {Object.entries(PUBLIC_STATUSES).map(([key, s]) => (
              <option key={key} value={key}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
      </form>
      <div className="feedback-browse">
        <section aria-labelledby="ban-do-phan-anh">
          <h2 id="ban-do-phan-anh" className="visually-hidden">
            Bản đồ phản ánh
          </h2>
          <ErrorMessage error={points.error} />
          {points.data && (
            <FeedbackMap
              points={points.data.items}
              label={`Bản đồ ${formatNumber(points.data.items.length)} phản ánh có vị trí, tô màu theo tình trạng; chạm vào một điểm để xem phản ánh. Danh sách phản ánh ở ngay sau bản đồ.`}
            />
          )}
        </section>
        <section aria-label="Danh sách phản ánh">
          <ErrorMessage error={list.error} />
          {!list.data && list.loading && <Loading />}
          {list.data && (
            <>
              <p className="muted" role="status">
                {formatNumber(list.data.total)} phản ánh đã trả lời
              </p>
              {list.data.items.length === 0 ? (
                <p className="empty">Không có phản ánh nào phù hợp.</p>
              ) : (
                <ul className="feedback-list" aria-label="Phản ánh đã trả lời">
                  {list.data.items.map((c) => (
                    <li key={c.code} className="card">
                      <h2 className="feedback-title">
                        <Link to={`/phan-anh/${c.code}`}>{c.title}</Link>
                      </h2>
                      <p className="badges">
                        <StatusTag status={c.status} name={c.statusName} /> <span className="muted small">{c.category.name}</span>
                      </p>
                      <p className="muted small">
                        {c.code} · gửi {formatInstant(c.createdAt)} · trả lời {formatInstant(c.publishedAt)}
                        {communeName(c.location.communeCode) ? ` · ${communeName(c.location.communeCode)}` : ''}
                      </p>
                    </li>
                  ))}
                </ul>
              )}
              <Pager page={page} pageSize={PAGE_SIZE} total={list.data.total} onPage={(p) => setSearchParams({ trang: p })} />
            </>
          )}
        </section>
      </div>
    </div>
  );
}

export function PublicCasePage({ code }: { code: string }) {
  const res = useFetch<PublicCaseDetail>(`/api/v1/public/feedback/${encodeURIComponent(code)}`);
  const c = res.data;
  usePageTitle(c ? c.title : 'Phản ánh, kiến nghị');
  return (
    <div className="container page detail">
      <Breadcrumb trail={[]} current={code} />
      <ErrorMessage error={res.error} />
      {!c && res.loading && <Loading />}
      {c && (
        <>
          <h1>{c.title}</h1>
          <p className="badges">
            <StatusTag status={c.status} name={c.statusName} /> <span className="muted small">{c.category.name}</span>
            {c.level && <span className="muted small"> · Mức độ {LEVELS[c.level].toLowerCase()}</span>}
          </p>
          <p className="muted small">
            Mã phản ánh {c.code} · gửi lúc {formatInstant(c.createdAt)}
          </p>
          <section className="card" aria-labelledby="noi-dung-phan-anh">
            <h2 id="noi-dung-phan-anh">Nội dung phản ánh</h2>
            <p className="prewrap">{c.text}</p>
            <LocationText location={c.location} />
            {c.location.lat !== null && c.location.long !== null && (
              <FeedbackMap
                pin={{ lat: c.location.lat, long: c.location.long }}
                label={`Bản đồ vị trí phản ánh ${c.code}${c.location.address ? `: ${c.location.address}` : ''}`}
              />
            )}
            <MediaList media={c.media.filter((m) => m.kind === 'report')} src={(m) => `/api/v1/public/feedback/${c.code}/media/${m.id}`} label="Ảnh phản ánh" />
          </section>
          <section className="card" aria-labelledby="tra-loi">
            <h2 id="tra-loi">Trả lời{c.agencyName ? ` của ${c.agencyName}` : ''}</h2>
            <p className="prewrap">{c.answer}</p>
            <p className="muted small">Công bố lúc {formatInstant(c.publishedAt)}</p>
            <EvidenceList media={c.media.filter((m) => m.kind === 'evidence')} src={(m) => `/api/v1/public/feedback/${c.code}/media/${m.id}`} />
            {c.rating && <p>Người phản ánh đánh giá: {RATINGS[c.rating]}</p>}
          </section>
          <section aria-labelledby="qua-trinh">
            <h2 id="qua-trinh">Quá trình xử lý</h2>
            <ol className="timeline">
              {c.steps.map((s, i) => (
                <li key={i}>
                  <p className="timeline-head">
                    <strong>{s.step}</strong> <span className="muted small">{formatInstant(s.at)}</span>
                  </p>
                  {s.agencyName && <p className="timeline-note">{s.agencyName}</p>}
                </li>
              ))}
            </ol>
          </section>
        </>
      )}
    </div>
  );
}
