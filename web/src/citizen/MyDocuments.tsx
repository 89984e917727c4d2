// Kho dữ liệu của tôi: every document the citizen submitted or received (results), to download or to reuse in a new
// dossier instead of uploading it again.
import { formatInstant, formatSize } from '../format.ts';
import { Link } from '../router.tsx';
import { Badge, ErrorMessage, Field, Loading, TableWrap, useFetch, usePageTitle } from '../ui.tsx';
import type { StoreChoice } from './FileSlots.tsx';
import { CitizenGate } from './session.tsx';

export interface StoredDocument {
  id: string;
  kind: 'submitted' | 'result';
  kindName: string;
  title: string;
  name: string;
  size: number;
  dossierId: string | null;
  dossierCode: string | null;
  createdAt: string;
  reuses: number;
}

export function MyDocumentsPage() {
  return <CitizenGate>{() => <MyDocuments />}</CitizenGate>;
}

function MyDocuments() {
  usePageTitle('Kho dữ liệu của tôi');
  const list = useFetch<{ items: StoredDocument[] }>('/api/v1/citizen/documents');
  const items = list.data?.items;
  return (
    <div className="container page">
      <nav aria-label="Vị trí trang" className="breadcrumb">
        <ol>
          <li>
            <Link to="/">Trang chủ</Link>
          </li>
          <li>
            <Link to="/ho-so-cua-toi">Hồ sơ của tôi</Link>
          </li>
          <li aria-current="page">Kho dữ liệu của tôi</li>
        </ol>
      </nav>
      <h1>Kho dữ liệu của tôi</h1>
      <p>Giấy tờ bạn đã nộp và kết quả giải quyết bạn đã nhận được lưu tại đây. Khi nộp hồ sơ mới, bạn có thể chọn giấy tờ trong kho thay vì tải lên lại.</p>
      <ErrorMessage error={list.error} />
      {!items && list.loading && <Loading />}
      {items && items.length === 0 && <p className="empty">Kho dữ liệu của bạn chưa có giấy tờ nào.</p>}
      {items && items.length > 0 && (
        <TableWrap label="Giấy tờ trong kho dữ liệu" stack>
          <thead>
            <tr>
              <th scope="col">Giấy tờ</th>
              <th scope="col">Loại</th>
              <th scope="col">Hồ sơ</th>
              <th scope="col">Ngày lưu</th>
              <th scope="col">Tệp</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id}>
                <td data-label="Giấy tờ" className="main-cell">
                  {d.title}
                  {d.reuses > 0 && (
                    <>
                      {' '}
                      <span className="muted small">(đã dùng lại {d.reuses} lần)</span>
                    </>
                  )}
                </td>
                <td data-label="Loại">
                  <Badge tone={d.kind === 'result' ? 'green' : 'neutral'}>{d.kindName}</Badge>
                </td>
                <td data-label="Hồ sơ" className="nowrap">
                  {d.dossierId && d.dossierCode ? <Link to={`/ho-so-cua-toi/${d.dossierId}`}>{d.dossierCode}</Link> : '—'}
                </td>
                <td data-label="Ngày lưu" className="nowrap">
                  {formatInstant(d.createdAt)}
                </td>
                <td data-label="Tệp">
                  <a href={`/api/v1/citizen/documents/${d.id}/content`} download={d.name}>
                    Tải {d.name}
                  </a>{' '}
                  <span className="muted small nowrap">{formatSize(d.size)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </div>
  );
}

/** For one dossier component: choose a stored document instead of uploading, and see (or drop) what was chosen. */
export function StoredChoice({ index, component, store, disabled }: { index: number; component: string; store: StoreChoice; disabled?: boolean }) {
  const chosen = store.picks.filter((p) => p.componentIndex === index);
  const choose = (id: string) => {
    const doc = store.documents.find((d) => d.id === id);
    if (doc && !chosen.some((p) => p.documentId === id)) store.onPick((list) => [...list, { componentIndex: index, documentId: doc.id, name: doc.name }]);
  };
  return (
    <>
      <Field label={`Hoặc chọn từ Kho dữ liệu của tôi: ${component}`}>
        <select value="" onChange={(e) => choose(e.target.value)} disabled={disabled}>
          <option value="">— Chọn giấy tờ đã lưu —</option>
          {store.documents.map((d) => (
            <option key={d.id} value={d.id}>
              {d.title} — {d.name}
              {d.dossierCode ? ` (hồ sơ ${d.dossierCode})` : ''}
            </option>
          ))}
        </select>
      </Field>
      {chosen.length > 0 && (
        <ul className="file-list" aria-label={`Giấy tờ lấy từ kho: ${component}`}>
          {chosen.map((p) => (
            <li key={p.documentId}>
              <span className="file-ok" aria-hidden="true">
                ✓
              </span>
              <span className="file-name">{p.name}</span> <span className="muted small">(từ Kho dữ liệu, không cần tải lên lại)</span>
              <button type="button" className="btn btn-link" disabled={disabled} onClick={() => store.onPick((list) => list.filter((x) => x !== p))}>
                Gỡ bỏ<span className="visually-hidden"> giấy tờ {p.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
