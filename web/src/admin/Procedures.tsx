// The procedure catalogue for administrators: search, publish/unpublish, add, export and import as JSON.
import { useState, type ChangeEvent } from 'react';
import { api, withQuery, type AdminProcedure, type AdminProcedureSummary, type ImportResult, type Page, type ProcedureStatus } from '../api.ts';
import { STATUSES, formatNumber } from '../format.ts';
import { Link, setSearchParams, useLocation } from '../router.tsx';
import { Badge, ErrorMessage, Field, Loading, Notice, Pager, TableWrap, useAction, useFetch, usePageTitle, useSearchParamText } from '../ui.tsx';

const PAGE_SIZE = 20;
const STATUS_TONE: Record<ProcedureStatus, 'neutral' | 'green' | 'red'> = { draft: 'neutral', published: 'green', unpublished: 'red' };

export function StatusBadge({ status }: { status: ProcedureStatus }) {
  return <Badge tone={STATUS_TONE[status] ?? 'neutral'}>{STATUSES[status] ?? status}</Badge>;
}

/** Offers `data` as a file download. */
function download(data: unknown, filename: string) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function Procedures() {
  usePageTitle('Quản lý thủ tục hành chính');
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const page = Math.max(1, Number(search.get('page')) || 1);
  const box = useSearchParamText(q, (text) => setSearchParams({ q: text.trim(), page: null }, { replace: true }));
  const list = useFetch<Page<AdminProcedureSummary>>(withQuery('/api/v1/admin/procedures', { q, page, pageSize: PAGE_SIZE }));
  const action = useAction();
  const [notice, setNotice] = useState('');
  const [imported, setImported] = useState<ImportResult | null>(null);

  const setStatus = (p: AdminProcedureSummary, verb: 'publish' | 'unpublish') =>
    void action.run(async () => {
      setNotice('');
      const updated = await api<AdminProcedure>(`/api/v1/admin/procedures/${p.id}/${verb}`, { method: 'POST' });
      if (list.data)
        list.setData({ ...list.data, items: list.data.items.map((x) => (x.id === p.id ? { ...x, status: updated.status, version: updated.version } : x)) });
      setNotice(verb === 'publish' ? `Đã công bố thủ tục ${p.code}.` : `Đã ngừng công bố thủ tục ${p.code}.`);
      void list.reload();
    });

  const exportAll = () =>
    void action.run(async () => {
      setNotice('');
      const data = await api<{ items: unknown[] }>('/api/v1/admin/procedures/export');
      download(data, `thu-tuc-hanh-chinh-${new Date().toISOString().slice(0, 10)}.json`);
      setNotice(`Đã xuất ${formatNumber(data.items.length)} thủ tục.`);
    });

  const importFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    void action.run(async () => {
      setNotice('');
      setImported(null);
      let body: unknown;
      try {
        body = JSON.parse(await file.text());
      } catch {
        throw new Error(`Tệp "${file.name}" không phải JSON hợp lệ.`);
      }
      setImported(await api<ImportResult>('/api/v1/admin/procedures/import', { body }));
      void list.reload();
    });
  };

  return (
    <>
      <div className="page-head">
        <h1>Thủ tục hành chính</h1>
        <div className="toolbar-actions">
          <Link to="/quan-tri/thu-tuc/moi" className="btn btn-primary">
            Thêm thủ tục
          </Link>
          <button type="button" className="btn" onClick={exportAll} disabled={action.busy}>
            Xuất JSON
          </button>
          <label className="btn file-button">
            Nhập JSON
            <input type="file" accept="application/json,.json" onChange={importFile} disabled={action.busy} className="visually-hidden" />
          </label>
        </div>
      </div>
      <Notice>{notice}</Notice>
      <ErrorMessage error={action.error} />
      {imported && <ImportReport result={imported} />}

      <form
        role="search"
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          box.flush();
        }}>
        <Field label="Tìm thủ tục" className="search-field">
          <input type="search" value={box.text} onChange={(e) => box.setText(e.target.value)} placeholder="Tên hoặc mã thủ tục" autoComplete="off" />
        </Field>
      </form>
      <ErrorMessage error={list.error} />
      {!list.data ? (
        <Loading />
      ) : (
        <>
          <p className="result-count" aria-live="polite">
            Tìm thấy {formatNumber(list.data.total)} thủ tục
          </p>
          <TableWrap label="Danh sách thủ tục hành chính">
            <thead>
              <tr>
                <th scope="col">Mã thủ tục</th>
                <th scope="col">Tên thủ tục</th>
                <th scope="col">Lĩnh vực</th>
                <th scope="col">Trạng thái</th>
                <th scope="col">Phiên bản</th>
                <th scope="col">
                  <span className="visually-hidden">Thao tác</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.length === 0 && (
                <tr>
                  <td colSpan={6} className="muted">
                    Không có thủ tục phù hợp.
                  </td>
                </tr>
              )}
              {list.data.items.map((p) => (
                <tr key={p.id}>
                  <td className="nowrap">{p.code}</td>
                  <td className="name-cell">{p.name}</td>
                  <td>{p.field}</td>
                  <td>
                    <StatusBadge status={p.status} />
                  </td>
                  <td className="num">{formatNumber(p.version)}</td>
                  <td className="actions">
                    <Link to={`/quan-tri/thu-tuc/${p.id}`} className="btn btn-small" aria-label={`Sửa ${p.name}`}>
                      Sửa
                    </Link>
                    {p.status === 'published' ? (
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={action.busy}
                        onClick={() => setStatus(p, 'unpublish')}
                        aria-label={`Ngừng công bố ${p.name}`}>
                        Ngừng công bố
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="btn btn-small btn-primary"
                        disabled={action.busy}
                        onClick={() => setStatus(p, 'publish')}
                        aria-label={`Công bố ${p.name}`}>
                        Công bố
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
          <Pager page={list.data.page} pageSize={list.data.pageSize} total={list.data.total} onPage={(n) => setSearchParams({ page: n === 1 ? null : n })} />
        </>
      )}
    </>
  );
}

function ImportReport({ result }: { result: ImportResult }) {
  return (
    <div className={`alert ${result.rejected.length ? 'alert-warning' : 'alert-success'}`} role="status">
      <p>
        Kết quả nhập: {formatNumber(result.created)} thủ tục mới, {formatNumber(result.updated)} thủ tục cập nhật
        {result.unchanged !== undefined ? `, ${formatNumber(result.unchanged)} không thay đổi` : ''}, {formatNumber(result.rejected.length)} bị từ chối.
      </p>
      {result.rejected.length > 0 && (
        <ul>
          {result.rejected.map((r) => (
            <li key={r.index}>
              Mục {formatNumber(r.index + 1)}
              {r.code ? ` (${r.code})` : ''}: {r.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
