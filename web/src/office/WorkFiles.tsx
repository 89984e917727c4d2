// Hồ sơ công việc (Nghị định 30/2020/NĐ-CP): the organisation's work files the staff member sees, a form to open one,
// one file with its documents (removable and closable while open, by its creator or the person responsible — the
// server decides), and the control on a document's page that puts the document into one of the user's open files.
import { type FormEvent, useState } from 'react';
import { type Me, api } from '../api.ts';
import { formatDate, formatNumber } from '../format.ts';
import { Link, navigate } from '../router.tsx';
import { Badge, ErrorMessage, Field, Loading, Notice, TableWrap, useAction, useFetch, usePageTitle } from '../ui.tsx';
import { Section } from '../citizen/DossierParts.tsx';

interface WorkFileSummary {
  id: string;
  code: string;
  title: string;
  retention: string;
  responsible: { id: string; name: string | null };
  createdAt: string;
  closedAt: string | null;
}
interface ListedWorkFile extends WorkFileSummary {
  documentCount: number;
}
interface WorkFileDetail extends WorkFileSummary {
  documents: { id: string; direction: 'incoming' | 'outgoing'; subject: string; notation: string | null; from: string | null; addedAt: string }[];
  hiddenDocuments: number;
}

const LIST = '/mot-cua/ho-so-cong-viec';
/** Thời hạn bảo quản offered (years; '' = vĩnh viễn). */
const RETENTIONS = ['5', '10', '20', '50', ''] as const;

function StateBadge({ closedAt }: { closedAt: string | null }) {
  return closedAt ? <Badge>Đã đóng {formatDate(closedAt)}</Badge> : <Badge tone="blue">Đang mở</Badge>;
}

export function WorkFileList() {
  usePageTitle('Hồ sơ công việc');
  const list = useFetch<{ items: ListedWorkFile[] }>('/api/v1/work-files');
  const items = list.data?.items;
  return (
    <>
      <p className="back">
        <Link to="/mot-cua/van-ban">‹ Văn bản đi, đến</Link>
      </p>
      <h1>Hồ sơ công việc</h1>
      <NewWorkFile />
      <ErrorMessage error={list.error} />
      {!items && list.loading && <Loading />}
      {items && items.length === 0 && <p className="empty">Chưa có hồ sơ công việc nào bạn được xem.</p>}
      {items && items.length > 0 && (
        <TableWrap label="Hồ sơ công việc" stack>
          <thead>
            <tr>
              <th scope="col">Ký hiệu</th>
              <th scope="col">Tiêu đề</th>
              <th scope="col">Thời hạn bảo quản</th>
              <th scope="col">Người chịu trách nhiệm</th>
              <th scope="col">Số văn bản</th>
              <th scope="col">Trạng thái</th>
            </tr>
          </thead>
          <tbody>
            {items.map((f) => (
              <tr key={f.id}>
                <td data-label="Ký hiệu" className="nowrap">
                  {f.code}
                </td>
                <td data-label="Tiêu đề" className="main-cell">
                  <Link to={`${LIST}/${f.id}`}>{f.title}</Link>
                </td>
                <td data-label="Thời hạn bảo quản">{f.retention}</td>
                <td data-label="Người chịu trách nhiệm">{f.responsible.name ?? '—'}</td>
                <td data-label="Số văn bản">{formatNumber(f.documentCount)}</td>
                <td data-label="Trạng thái">
                  <StateBadge closedAt={f.closedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </>
  );
}

function NewWorkFile() {
  const [code, setCode] = useState('');
  const [title, setTitle] = useState('');
  const [retention, setRetention] = useState<(typeof RETENTIONS)[number]>('10');
  const { busy, error, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = { code: code.trim(), title: title.trim(), retentionYears: retention ? Number(retention) : null };
    const made = await run(() => api<{ id: string }>('/api/v1/work-files', { body }));
    if (made) navigate(`${LIST}/${made.id}`);
  };
  return (
    <details className="registers">
      <summary>Lập hồ sơ công việc</summary>
      <form className="inline-add" onSubmit={submit} aria-label="Lập hồ sơ công việc">
        <Field label="Ký hiệu hồ sơ">
          <input value={code} onChange={(e) => setCode(e.target.value)} required maxLength={50} disabled={busy} />
        </Field>
        <Field label="Tiêu đề">
          <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={500} disabled={busy} />
        </Field>
        <Field label="Thời hạn bảo quản">
          <select value={retention} onChange={(e) => setRetention(e.target.value as (typeof RETENTIONS)[number])} disabled={busy}>
            {RETENTIONS.map((r) => (
              <option key={r} value={r}>
                {r ? `${r} năm` : 'Vĩnh viễn'}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Lập hồ sơ
        </button>
      </form>
      <ErrorMessage error={error} />
    </details>
  );
}

export function WorkFilePage({ id }: { id: string }) {
  const res = useFetch<WorkFileDetail>(`/api/v1/work-files/${encodeURIComponent(id)}`);
  const { busy, error, run } = useAction();
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState('');
  const f = res.data;
  usePageTitle(f ? f.title : 'Hồ sơ công việc');
  if (!f) return res.error ? <ErrorMessage error={res.error} /> : <Loading />;
  const open = !f.closedAt;
  const change = async (fn: () => Promise<unknown>, message: string) => {
    if ((await run(async () => (await fn()) ?? true)) === undefined) return;
    await res.reload();
    setNotice(message);
  };
  const base = `/api/v1/work-files/${f.id}`;
  return (
    <div className="detail">
      <p className="back">
        <Link to={LIST}>‹ Hồ sơ công việc</Link>
      </p>
      <p className="muted">Hồ sơ công việc · {f.code}</p>
      <h1>{f.title}</h1>
      <p className="badges">
        <StateBadge closedAt={f.closedAt} />
      </p>
      <dl className="meta">
        <div>
          <dt>Thời hạn bảo quản</dt>
          <dd>{f.retention}</dd>
        </div>
        <div>
          <dt>Người chịu trách nhiệm</dt>
          <dd>{f.responsible.name ?? '—'}</dd>
        </div>
        <div>
          <dt>Ngày mở</dt>
          <dd>{formatDate(f.createdAt)}</dd>
        </div>
        {f.closedAt && (
          <div>
            <dt>Ngày kết thúc</dt>
            <dd>{formatDate(f.closedAt)}</dd>
          </div>
        )}
      </dl>
      <Notice>{notice}</Notice>
      <ErrorMessage error={error} />
      <Section id="van-ban-trong-ho-so" title={`Văn bản trong hồ sơ (${formatNumber(f.documents.length)})`}>
        {f.documents.length === 0 ? (
          <p className="muted">Chưa có văn bản nào. Mở trang một văn bản để đưa vào hồ sơ.</p>
        ) : (
          <TableWrap label="Văn bản trong hồ sơ" stack>
            <thead>
              <tr>
                <th scope="col">Trích yếu</th>
                <th scope="col">Số, ký hiệu</th>
                <th scope="col">Ngày đưa vào</th>
                {open && <th scope="col">Thao tác</th>}
              </tr>
            </thead>
            <tbody>
              {f.documents.map((d) => (
                <tr key={d.id}>
                  <td data-label="Trích yếu" className="main-cell">
                    <span className="cell-lines">
                      <Link to={`/mot-cua/van-ban/${d.id}`}>{d.subject}</Link>
                      <span className="muted small">{d.direction === 'incoming' ? `Văn bản đến · ${d.from ?? '—'}` : 'Văn bản đi'}</span>
                    </span>
                  </td>
                  <td data-label="Số, ký hiệu">{d.notation ?? '—'}</td>
                  <td data-label="Ngày đưa vào">{formatDate(d.addedAt)}</td>
                  {open && (
                    <td data-label="Thao tác">
                      <button
                        type="button"
                        className="btn btn-danger"
                        disabled={busy}
                        onClick={() => change(() => api(`${base}/documents/${d.id}`, { method: 'DELETE' }), 'Đã bỏ văn bản khỏi hồ sơ.')}>
                        Bỏ khỏi hồ sơ
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </TableWrap>
        )}
        {f.hiddenDocuments > 0 && <p className="muted small">Và {formatNumber(f.hiddenDocuments)} văn bản bạn không được xem.</p>}
      </Section>
      {open && (
        <div className="form-actions">
          {confirming ? (
            <>
              <span role="alert">Đóng hồ sơ thì không thêm, bỏ văn bản được nữa. Đóng hồ sơ?</span>
              <button
                type="button"
                className="btn btn-danger"
                disabled={busy}
                onClick={() => change(() => api(`${base}/close`, { method: 'POST' }), 'Đã đóng hồ sơ công việc.')}>
                Xác nhận đóng hồ sơ
              </button>
              <button type="button" className="btn" disabled={busy} onClick={() => setConfirming(false)}>
                Thôi
              </button>
            </>
          ) : (
            <button type="button" className="btn btn-danger" onClick={() => setConfirming(true)}>
              Đóng hồ sơ
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/** Đưa vào hồ sơ công việc: the open files the user answers for (those the server lets them change). */
export function AddToWorkFile({ me, documentId }: { me: Me; documentId: string }) {
  const files = useFetch<{ items: WorkFileSummary[] }>('/api/v1/work-files');
  const mine = (files.data?.items ?? []).filter((f) => !f.closedAt && f.responsible.id === me.id);
  const [chosen, setChosen] = useState('');
  const [added, setAdded] = useState<WorkFileSummary | null>(null);
  const { busy, error, run } = useAction();
  if (!files.data || mine.length === 0) return null;
  const target = mine.find((f) => f.id === chosen) ?? mine[0];
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const done = await run(() => api(`/api/v1/work-files/${target.id}/documents/${documentId}`, { method: 'PUT' }).then(() => true));
    if (done) setAdded(target);
  };
  return (
    <form className="inline-add" onSubmit={add}>
      <Field label="Đưa vào hồ sơ công việc">
        <select value={target.id} onChange={(e) => setChosen(e.target.value)} disabled={busy}>
          {mine.map((f) => (
            <option key={f.id} value={f.id}>
              {f.code} — {f.title}
            </option>
          ))}
        </select>
      </Field>
      <button type="submit" className="btn" disabled={busy}>
        Đưa vào hồ sơ
      </button>
      <ErrorMessage error={error} />
      {added && (
        <Notice>
          Đã đưa vào hồ sơ <Link to={`${LIST}/${added.id}`}>{added.title}</Link>.
        </Notice>
      )}
    </form>
  );
}
