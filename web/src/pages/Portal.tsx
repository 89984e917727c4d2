// The public portal: search the published procedures by name or code, filter, page through the results.
import type { FormEvent } from 'react';
import { withQuery, type Page, type ProcedureSummary } from '../api.ts';
import { AGENCY_LEVELS, ONLINE_LEVELS, formatNumber, keysOf } from '../format.ts';
import { setSearchParams, useLocation } from '../router.tsx';
import { ErrorMessage, Field, Loading, Pager, useFetch, usePageTitle, useSearchParamText } from '../ui.tsx';
import { ProcedureCard } from './ProcedureCard.tsx';

const PAGE_SIZE = 20;

export function Portal() {
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const field = search.get('field') ?? '';
  const agencyLevel = search.get('agencyLevel') ?? '';
  const onlineLevel = search.get('onlineLevel') ?? '';
  const page = Math.max(1, Number(search.get('page')) || 1);
  usePageTitle(q ? `Tìm "${q}"` : 'Tra cứu thủ tục hành chính');

  const box = useSearchParamText(q, (text) => setSearchParams({ q: text.trim(), page: null }, { replace: true }));
  const fields = useFetch<{ items: { name: string; count: number }[] }>('/api/v1/fields');
  const results = useFetch<Page<ProcedureSummary>>(withQuery('/api/v1/procedures', { q, field, agencyLevel, onlineLevel, page, pageSize: PAGE_SIZE }));

  const filter = (name: string) => (e: { target: { value: string } }) => setSearchParams({ [name]: e.target.value, page: null });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    box.flush();
  };
  const filtered = Boolean(q || field || agencyLevel || onlineLevel);
  const data = results.data;

  return (
    <div className="container page">
      <section className="search-panel" aria-labelledby="tra-cuu">
        <h2 id="tra-cuu">Tra cứu thủ tục hành chính</h2>
        <form role="search" onSubmit={submit} className="search-form">
          <Field label="Tìm thủ tục hành chính" className="search-field">
            <input
              type="search"
              value={box.text}
              onChange={(e) => box.setText(e.target.value)}
              placeholder="Nhập tên hoặc mã thủ tục, ví dụ: đăng ký khai sinh"
              autoComplete="off"
              enterKeyHint="search"
            />
          </Field>
          <div className="filters">
            <Field label="Lĩnh vực">
              <select value={field} onChange={filter('field')}>
                <option value="">Tất cả lĩnh vực</option>
                {fields.data?.items.map((f) => (
                  <option key={f.name} value={f.name}>
                    {f.name} ({formatNumber(f.count)})
                  </option>
                ))}
                {field && !fields.data?.items.some((f) => f.name === field) && <option value={field}>{field}</option>}
              </select>
            </Field>
            <Field label="Cấp thực hiện">
              <select value={agencyLevel} onChange={filter('agencyLevel')}>
                <option value="">Tất cả các cấp</option>
                {keysOf(AGENCY_LEVELS).map((k) => (
                  <option key={k} value={k}>
                    {AGENCY_LEVELS[k]}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Mức độ dịch vụ công">
              <select value={onlineLevel} onChange={filter('onlineLevel')}>
                <option value="">Tất cả các mức độ</option>
                {keysOf(ONLINE_LEVELS).map((k) => (
                  <option key={k} value={k}>
                    {ONLINE_LEVELS[k]}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          {filtered && (
            <button
              type="button"
              className="btn btn-link"
              onClick={() => setSearchParams({ q: null, field: null, agencyLevel: null, onlineLevel: null, page: null })}>
              Xóa điều kiện tìm kiếm
            </button>
          )}
        </form>
      </section>

      <section aria-labelledby="ket-qua" className="results">
        <h2 id="ket-qua" className="visually-hidden">
          Kết quả tra cứu
        </h2>
        <p className="result-count" aria-live="polite">
          {results.loading ? 'Đang tìm kiếm…' : data ? `Tìm thấy ${formatNumber(data.total)} thủ tục` : ''}
        </p>
        <ErrorMessage error={results.error} />
        {!data && results.loading && <Loading />}
        {data && data.items.length === 0 && <p className="empty">Không tìm thấy thủ tục phù hợp. Vui lòng thử từ khóa khác hoặc bỏ bớt điều kiện lọc.</p>}
        {data && data.items.length > 0 && (
          <ol className="procedure-list" aria-busy={results.loading}>
            {data.items.map((p) => (
              <li key={p.id}>
                <ProcedureCard procedure={p} />
              </li>
            ))}
          </ol>
        )}
        {data && <Pager page={data.page} pageSize={data.pageSize} total={data.total} onPage={(n) => setSearchParams({ page: n === 1 ? null : n })} />}
      </section>
    </div>
  );
}
