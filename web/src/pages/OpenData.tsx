// Dữ liệu mở: the province's open datasets, read from its own CKAN-compatible API (package_search), each table with
// its CSV, JSON and schema links — the same files the API's resources point to — and the DCAT catalogue.
import { withQuery } from '../api.ts';
import { setSearchParams, useLocation } from '../router.tsx';
import { Badge, ErrorMessage, Field, Loading, useFetch, usePageTitle, useSearchParamText } from '../ui.tsx';

interface Resource {
  id: string;
  name: string;
  description: string;
  format: 'CSV' | 'JSON';
  url: string;
  schema: string;
}
interface Dataset {
  id: string;
  name: string;
  title: string;
  notes: string;
  tags: { name: string }[];
  license_title: string;
  organization: { title: string };
  resources: Resource[];
}
interface SearchResult {
  result: { count: number; results: Dataset[] };
}

/** The address of a resource on this site (the API gives absolute ones under the configured public address). */
const local = (url: string) => {
  const u = new URL(url, location.href);
  return u.pathname + u.search;
};

export function OpenData() {
  usePageTitle('Dữ liệu mở');
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const { text, setText } = useSearchParamText(q, (v) => setSearchParams({ q: v || null }, { replace: true }));
  const res = useFetch<SearchResult>(withQuery('/api/3/action/package_search', { q: q || undefined, rows: 1000, sort: 'title_string asc' }));
  const found = res.data?.result;

  return (
    <div className="container page">
      <h1>Dữ liệu mở</h1>
      <p className="lead">
        Dữ liệu do Ủy ban nhân dân Thành phố Cần Thơ công bố để mọi người tự do sử dụng, cập nhật tự động từ hệ thống. Mỗi bảng tải về dạng CSV (UTF-8) hoặc
        JSON kèm lược đồ dữ liệu.
      </p>
      <p className="muted">
        Cho nhà phát triển: giao diện tương thích CKAN tại <code>/api/3/action/package_search</code>, danh mục DCAT tại{' '}
        <a href="/catalog.jsonld" type="application/ld+json">
          /catalog.jsonld
        </a>
        .
      </p>
      <Field label="Tìm bộ dữ liệu">
        <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Ví dụ: thủ tục, phản ánh" />
      </Field>
      <ErrorMessage error={res.error} />
      {!found && res.loading && <Loading />}
      {found && (
        <>
          <p role="status">{found.count === 0 ? 'Không có bộ dữ liệu phù hợp.' : `${found.count} bộ dữ liệu`}</p>
          <ul className="opendata-list">
            {found.results.map((d) => {
              const tables = d.resources.filter((r) => r.format === 'CSV');
              return (
                <li key={d.id} id={d.name} className="opendata-item">
                  <h2>{d.title}</h2>
                  <p>{d.notes}</p>
                  <p className="opendata-tags">
                    {d.tags.map((t) => (
                      <Badge key={t.name}>{t.name}</Badge>
                    ))}
                  </p>
                  <ul className="opendata-tables">
                    {tables.map((csv) => {
                      const json = d.resources.find((r) => r.format === 'JSON' && r.schema === csv.schema);
                      return (
                        <li key={csv.id}>
                          <strong>{csv.name.replace(/ \(CSV\)$/, '')}</strong>
                          <span className="muted"> — {csv.description}</span>
                          <span className="opendata-links">
                            <a href={local(csv.url)} type="text/csv" download>
                              Tải CSV
                            </a>
                            {json && (
                              <a href={local(json.url)} type="application/json">
                                JSON
                              </a>
                            )}
                            <a href={local(csv.schema)} type="application/json">
                              Lược đồ
                            </a>
                          </span>
                        </li>
                      );
                    })}
                  </ul>
                  <p className="muted">
                    Đơn vị công bố: {d.organization.title} · Giấy phép: {d.license_title}
                  </p>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </div>
  );
}
