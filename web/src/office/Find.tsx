// Tra cứu hồ sơ và sổ theo dõi: find a dossier of one's agency by code, personal ID number or the applicant's name
// (with or without diacritics), and download the tracking register (Mẫu 07) of a field for a period.
import { useState, type FormEvent } from 'react';
import { withQuery, type DossierStatus } from '../api.ts';
import { formatNumber } from '../format.ts';
import { Link } from '../router.tsx';
import { ErrorMessage, Field, Loading, Pager, TableWrap, useFetch, usePageTitle } from '../ui.tsx';
import { Due, StatusBadge } from '../citizen/DossierParts.tsx';

interface Found {
  id: string;
  code: string;
  status: DossierStatus;
  statusName: string;
  procedure: { name: string };
  applicantName: string;
  applicantIdNumber: string;
  receivedAt: string | null;
  dueAt: string | null;
}

const PAGE_SIZE = 20;

export function Find() {
  usePageTitle('Tra cứu hồ sơ, sổ theo dõi');
  const [text, setText] = useState('');
  const [query, setQuery] = useState<{ q: string; page: number } | null>(null);
  const found = useFetch<{ items: Found[]; total: number }>(
    query ? withQuery('/api/v1/dossiers', { q: query.q, page: query.page, pageSize: PAGE_SIZE }) : null,
  );
  const fields = useFetch<{ items: { name: string }[] }>('/api/v1/fields');
  const [register, setRegister] = useState({ field: '', from: '', to: '', format: 'xlsx' });
  const search = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ q: text.trim(), page: 1 });
  };
  const registerUrl = withQuery('/api/v1/register', {
    field: register.field || undefined,
    from: register.from || undefined,
    to: register.to || undefined,
    format: register.format,
  });
  return (
    <>
      <h1>Tra cứu hồ sơ, sổ theo dõi</h1>
      <form className="card" onSubmit={search} role="search">
        <Field label="Mã hồ sơ, số định danh cá nhân hoặc họ tên người nộp" hint="Họ tên có thể gõ không dấu, ví dụ: nguyen van an.">
          <input value={text} onChange={(e) => setText(e.target.value)} maxLength={200} />
        </Field>
        <button type="submit" className="btn btn-primary">
          Tìm hồ sơ
        </button>
      </form>
      <ErrorMessage error={found.error} />
      {found.loading && <Loading />}
      {found.data && (
        <p className="result-count" aria-live="polite">
          Tìm thấy {formatNumber(found.data.total)} hồ sơ
        </p>
      )}
      {found.data && found.data.items.length > 0 && (
        <TableWrap label="Kết quả tìm hồ sơ" stack>
          <thead>
            <tr>
              <th scope="col">Mã hồ sơ</th>
              <th scope="col">Thủ tục</th>
              <th scope="col">Người nộp</th>
              <th scope="col">Tình trạng</th>
              <th scope="col">Hạn trả</th>
            </tr>
          </thead>
          <tbody>
            {found.data.items.map((d) => (
              <tr key={d.id}>
                <td data-label="Mã hồ sơ" className="main-cell nowrap">
                  <Link to={`/mot-cua/ho-so/${d.id}`}>{d.code}</Link>
                </td>
                <td data-label="Thủ tục">{d.procedure.name}</td>
                <td data-label="Người nộp">
                  {d.applicantName} ({d.applicantIdNumber})
                </td>
                <td data-label="Tình trạng">
                  <StatusBadge status={d.status} name={d.statusName} />
                </td>
                <td data-label="Hạn trả">
                  <Due at={d.dueAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      {found.data && query && <Pager page={query.page} pageSize={PAGE_SIZE} total={found.data.total} onPage={(page) => setQuery({ ...query, page })} />}

      <section className="card" aria-labelledby="so-theo-doi">
        <h2 id="so-theo-doi">Sổ theo dõi hồ sơ (Mẫu 07)</h2>
        <div className="grid-2">
          <Field label="Lĩnh vực">
            <select value={register.field} onChange={(e) => setRegister({ ...register, field: e.target.value })}>
              <option value="">Tất cả lĩnh vực</option>
              {fields.data?.items.map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Tiếp nhận từ ngày">
            <input type="date" value={register.from} onChange={(e) => setRegister({ ...register, from: e.target.value })} />
          </Field>
          <Field label="Đến ngày">
            <input type="date" value={register.to} onChange={(e) => setRegister({ ...register, to: e.target.value })} />
          </Field>
          <Field label="Định dạng">
            <select value={register.format} onChange={(e) => setRegister({ ...register, format: e.target.value })}>
              <option value="xlsx">Excel (.xlsx)</option>
              <option value="csv">CSV</option>
            </select>
          </Field>
        </div>
        <a className="btn btn-primary" href={registerUrl} download>
          Tải sổ theo dõi
        </a>
      </section>
    </>
  );
}
