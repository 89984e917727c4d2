// One văn bản as staff read it: its marks and numbers, the leader's direction (phiếu giải quyết), the files, for an
// outgoing one each recipient's status on the national axis, the history, and every action the server allows, each
// with the inputs it needs (the choices — units, the lead unit's staff, replies — come with the document too). JSON
// actions carry the revision shown, so acting on a stale page is refused and the page reloads.
import { type FormEvent, useState } from 'react';
import { ApiError, api, type AllowedAction, type Me } from '../api.ts';
import { formatDay, formatInstant, formatNumber, formatSize } from '../format.ts';
import { Link } from '../router.tsx';
import { Badge, ErrorMessage, Field, Loading, Notice, TableWrap, useAction, useFetch, usePageTitle } from '../ui.tsx';
import { Due, Section } from '../citizen/DossierParts.tsx';
import { CheckedField, invalidProps } from '../citizen/SchemaForm.tsx';
import { flagOf } from './FeedbackInbox.tsx';
import { AddToWorkFile } from './WorkFiles.tsx';
import {
  type FileKind,
  SECRECY,
  type Secrecy,
  SecrecyBadge,
  type Urgency,
  URGENCIES,
  UrgencyBadge,
  uploadDocumentFiles,
  registerNumber,
} from './documentParts.tsx';

interface Named {
  id: string;
  name: string | null;
}
interface DocumentDetail {
  id: string;
  direction: 'incoming' | 'outgoing';
  status: string;
  statusName: string | null;
  nationalStatus: string | null;
  type: { code: string; name: string; abbreviation: string | null };
  subject: string;
  urgency: Urgency;
  urgentAt: string | null;
  secrecy: Secrecy;
  version: number;
  notation: string | null;
  issuedAt: string | null;
  signerLine: string | null;
  signer: string | null;
  unit: Named | null;
  arrivalNumber: number | null;
  year: number | null;
  arrivedAt: string | null;
  registeredAt: string | null;
  channel: string | null;
  from: { agencyId: string | null; name: string | null } | null;
  sourceNotation: string | null;
  /** The day the sender dated it, "2026-11-20". */
  sourceDate: string | null;
  leadUnit: Named | null;
  coordinatingUnits: Named[];
  directionNote: string | null;
  dueAt: string | null;
  handler: Named | null;
  progress: number | null;
  replyId: string | null;
  refusalReason: string | null;
  overdue: boolean;
  atRisk: boolean;
  recipients: {
    agencyId: string | null;
    organId: string | null;
    name: string;
    status: string | null;
    statusName: string;
    statusAt: string | null;
    history: { status: string; statusName: string; description: string | null; at: string }[];
  }[];
  files: { id: string; version: number; kind: string; name: string; size: number; created_at: string }[];
  events: { action: string; actor_name: string | null; note: string | null; data: Record<string, unknown>; at: string }[];
  revision: number;
  allowedActions: AllowedAction[];
  choices: { units: { id: string; name: string }[]; handlers: { id: string; name: string }[]; replies: { id: string; notation: string; subject: string }[] };
}

const FILE_KINDS: Record<string, string> = {
  main: 'Tệp dự thảo',
  attachment: 'Tệp đính kèm',
  scan: 'Bản quét',
  signed: 'Bản đã ký số',
  issued: 'Bản phát hành',
};
const CHANNELS: Record<string, string> = { paper: 'Văn bản giấy', platform: 'Trên hệ thống', exchange: 'Liên thông ngoài hệ thống' };
/** Names of the history's steps (those the server declares carry the same names). */
const EVENT_NAMES: Record<string, string> = {
  create: 'Tạo dự thảo',
  attach: 'Thêm tệp',
  submit: 'Trình soát xét',
  approve_review: 'Trình lãnh đạo ký',
  send_back: 'Trả lại dự thảo',
  sign: 'Duyệt và ký số',
  issue: 'Cấp số, đóng dấu và phát hành',
  recall: 'Thu hồi',
  arrive: 'Văn bản đến',
  register: 'Vào sổ văn bản đến',
  refuse: 'Từ chối tiếp nhận',
  direct: 'Ý kiến chỉ đạo, phân công',
  assign_handler: 'Giao người xử lý',
  report_progress: 'Báo cáo tiến độ',
  close: 'Hoàn thành xử lý',
};

/** What each action asks for beyond its own inputs: a text (its API field, label, whether required). */
const FORMS: Record<string, { field?: 'note' | 'reason'; label?: string; required?: boolean; done: string; danger?: boolean }> = {
  attach: { done: 'Đã thêm tệp.' },
  submit: { field: 'note', label: 'Ghi chú khi trình', done: 'Đã trình dự thảo.' },
  approve_review: { field: 'note', label: 'Ý kiến soát xét', done: 'Đã trình lãnh đạo ký.' },
  send_back: { field: 'note', label: 'Ý kiến, nội dung cần sửa (bắt buộc)', required: true, done: 'Đã trả lại dự thảo.', danger: true },
  sign: { field: 'note', label: 'Ý kiến', done: 'Đã ký số văn bản.' },
  issue: { done: 'Đã cấp số và phát hành văn bản.' },
  recall: { field: 'reason', label: 'Lý do thu hồi (bắt buộc)', required: true, done: 'Đã gửi yêu cầu thu hồi.', danger: true },
  register: { field: 'note', label: 'Ghi chú', done: 'Đã vào sổ văn bản đến.' },
  refuse: { field: 'reason', label: 'Lý do từ chối (bắt buộc)', required: true, done: 'Đã từ chối tiếp nhận văn bản.', danger: true },
  direct: { field: 'note', label: 'Ý kiến chỉ đạo', done: 'Đã cho ý kiến chỉ đạo, phân công.' },
  assign_handler: { field: 'note', label: 'Ghi chú cho người xử lý', done: 'Đã giao người xử lý.' },
  report_progress: { field: 'note', label: 'Nội dung đã làm (bắt buộc)', required: true, done: 'Đã báo cáo tiến độ.' },
  close: { field: 'note', label: 'Kết quả xử lý (bắt buộc)', required: true, done: 'Đã hoàn thành xử lý văn bản.' },
};
const DANGER = new Set(Object.entries(FORMS).flatMap(([k, f]) => (f.danger ? [k] : [])));
const COMPETENCE = { KT: 'KT. (ký thay)', TM: 'TM. (thay mặt)', TL: 'TL. (thừa lệnh)', TUQ: 'TUQ. (thừa ủy quyền)' } as const;

export function DocumentPage({ id, me }: { id: string; me: Me }) {
  const res = useFetch<DocumentDetail>(`/api/v1/documents/${encodeURIComponent(id)}`);
  const [notice, setNotice] = useState('');
  const d = res.data;
  usePageTitle(d ? d.subject : 'Văn bản');
  if (!d) {
    if (res.error instanceof ApiError && res.error.status === 404) {
      return (
        <>
          <h1>Không tìm thấy văn bản</h1>
          <p>
            Văn bản không tồn tại hoặc bạn không được xem. <Link to="/mot-cua/van-ban">Về hộp văn bản</Link>
          </p>
        </>
      );
    }
    return res.error ? <ErrorMessage error={res.error} /> : <Loading />;
  }
  const incoming = d.direction === 'incoming';
  const flag = flagOf(d);
  const fileUrl = (f: { id: string }) => `/api/v1/documents/${d.id}/files/${f.id}`;
  return (
    <div className="detail">
      <p className="back">
        <Link to={`/mot-cua/van-ban?hop=${incoming ? 'den' : 'di'}`}>‹ {incoming ? 'Văn bản đến' : 'Văn bản đi'}</Link>
      </p>
      <p className="muted">
        {incoming ? 'Văn bản đến' : 'Văn bản đi'} · {d.type.name}
      </p>
      <h1>{d.subject}</h1>
      <p className="badges">
        <Badge tone={['done', 'issued'].includes(d.status) ? 'green' : ['refused', 'recalled'].includes(d.status) ? 'neutral' : 'blue'} title="Trạng thái">
          <span data-testid="document-status">{d.statusName}</span>
        </Badge>
        <UrgencyBadge urgency={d.urgency} />
        <SecrecyBadge secrecy={d.secrecy} />
        {flag && <Badge tone={flag === 'overdue' ? 'red' : 'amber'}>{flag === 'overdue' ? 'Quá hạn' : 'Sắp đến hạn'}</Badge>}
      </p>
      <dl className="meta">
        {incoming && d.arrivalNumber !== null && (
          <div>
            <dt>Số đến</dt>
            <dd>
              {registerNumber(d.arrivalNumber)}
              {d.year ? `/${d.year}` : ''}
            </dd>
          </div>
        )}
        {incoming ? (
          <>
            <div>
              <dt>Nơi gửi</dt>
              <dd>{d.from?.name ?? '—'}</dd>
            </div>
            <div>
              <dt>Số, ký hiệu</dt>
              <dd>{d.sourceNotation ?? '—'}</dd>
            </div>
            {d.sourceDate && (
              <div>
                <dt>Ngày văn bản</dt>
                <dd>{formatDay(d.sourceDate)}</dd>
              </div>
            )}
            {d.channel && (
              <div>
                <dt>Hình thức</dt>
                <dd>{CHANNELS[d.channel] ?? d.channel}</dd>
              </div>
            )}
            {d.arrivedAt && (
              <div>
                <dt>Đến lúc</dt>
                <dd>{formatInstant(d.arrivedAt)}</dd>
              </div>
            )}
          </>
        ) : (
          <>
            <div>
              <dt>Số, ký hiệu</dt>
              <dd>{d.notation ?? 'Chưa cấp số'}</dd>
            </div>
            {d.unit && (
              <div>
                <dt>Đơn vị soạn thảo</dt>
                <dd>{d.unit.name}</dd>
              </div>
            )}
            <div>
              <dt>Phiên bản dự thảo</dt>
              <dd>{formatNumber(d.version)}</dd>
            </div>
            {d.signerLine && (
              <div>
                <dt>Người ký</dt>
                <dd>
                  {d.signerLine} — {d.signer}
                </dd>
              </div>
            )}
            {d.issuedAt && (
              <div>
                <dt>Ngày ban hành</dt>
                <dd>{formatInstant(d.issuedAt)}</dd>
              </div>
            )}
          </>
        )}
        <div>
          <dt>Độ khẩn</dt>
          <dd>
            {URGENCIES[d.urgency]}
            {d.urgentAt ? ` (hẹn ${formatInstant(d.urgentAt)})` : ''}
          </dd>
        </div>
        <div>
          <dt>Độ mật</dt>
          <dd>{SECRECY[d.secrecy]}</dd>
        </div>
      </dl>
      <AddToWorkFile me={me} documentId={d.id} />
      <Notice>{notice}</Notice>

      <Actions d={d} onDone={(message) => void res.reload().then(() => setNotice(message))} onStale={res.reload} />

      {incoming && (d.leadUnit || d.refusalReason) && (
        <Section id="phieu-giai-quyet" title="Phiếu giải quyết văn bản đến">
          {d.refusalReason && <p>Lý do: {d.refusalReason}</p>}
          {d.leadUnit && (
            <dl className="info-grid">
              <div>
                <dt>Đơn vị chủ trì</dt>
                <dd>{d.leadUnit.name}</dd>
              </div>
              <div>
                <dt>Đơn vị phối hợp</dt>
                <dd>{d.coordinatingUnits.length ? d.coordinatingUnits.map((u) => u.name).join('; ') : '—'}</dd>
              </div>
              <div>
                <dt>Hạn xử lý</dt>
                <dd>
                  <Due at={d.dueAt} timeliness={flag} title="Hạn xử lý văn bản" />
                </dd>
              </div>
              <div>
                <dt>Người xử lý</dt>
                <dd>{d.handler?.name ?? 'Chưa giao'}</dd>
              </div>
              {d.progress !== null && (
                <div>
                  <dt>Tiến độ</dt>
                  <dd>{formatNumber(d.progress)}%</dd>
                </div>
              )}
              {d.directionNote && (
                <div>
                  <dt>Ý kiến chỉ đạo</dt>
                  <dd className="prewrap">{d.directionNote}</dd>
                </div>
              )}
            </dl>
          )}
        </Section>
      )}

      <Section id="tep" title="Tệp văn bản">
        {d.files.length === 0 ? (
          <p className="muted">Chưa có tệp nào.</p>
        ) : (
          <TableWrap label="Tệp văn bản" stack>
            <thead>
              <tr>
                <th scope="col">Tệp</th>
                <th scope="col">Loại</th>
                <th scope="col">Phiên bản</th>
                <th scope="col">Dung lượng</th>
                <th scope="col">Thời điểm</th>
              </tr>
            </thead>
            <tbody>
              {d.files.map((f) => (
                <tr key={f.id}>
                  <td data-label="Tệp" className="main-cell">
                    <a href={fileUrl(f)} download={f.name}>
                      {f.name}
                    </a>
                  </td>
                  <td data-label="Loại">{FILE_KINDS[f.kind] ?? f.kind}</td>
                  <td data-label="Phiên bản">{formatNumber(f.version)}</td>
                  <td data-label="Dung lượng">{formatSize(f.size)}</td>
                  <td data-label="Thời điểm">{formatInstant(f.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        )}
      </Section>

      {!incoming && (
        <Section id="noi-nhan" title="Nơi nhận và trạng thái trên trục liên thông">
          {d.recipients.length === 0 ? (
            <p className="muted">Văn bản không có nơi nhận ngoài cơ quan.</p>
          ) : (
            <TableWrap label="Nơi nhận" stack>
              <thead>
                <tr>
                  <th scope="col">Nơi nhận</th>
                  <th scope="col">Trạng thái</th>
                  <th scope="col">Các bước đã báo</th>
                </tr>
              </thead>
              <tbody>
                {d.recipients.map((r) => (
                  <tr key={r.agencyId ?? r.organId}>
                    <td data-label="Nơi nhận" className="main-cell">
                      <span className="cell-lines">
                        <span>{r.name}</span>
                        <span className="muted small">{r.organId ? `Ngoài hệ thống · ${r.organId}` : 'Trên hệ thống'}</span>
                      </span>
                    </td>
                    <td data-label="Trạng thái">
                      <span className="cell-lines">
                        <span>{r.status ? `${r.status} — ${r.statusName}` : r.statusName}</span>
                        {r.statusAt && <span className="muted small">{formatInstant(r.statusAt)}</span>}
                      </span>
                    </td>
                    <td data-label="Các bước đã báo">
                      {r.history.length ? (
                        <ol className="plain-list">
                          {r.history.map((h, i) => (
                            <li key={i}>
                              {h.status} {h.statusName} · {formatInstant(h.at)}
                              {h.description ? ` — ${h.description}` : ''}
                            </li>
                          ))}
                        </ol>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </TableWrap>
          )}
        </Section>
      )}

      <Section id="lich-su" title="Quá trình xử lý">
        <ol className="timeline">
          {d.events.map((e, i) => (
            <li key={i}>
              <p className="timeline-head">
                <strong>{EVENT_NAMES[e.action] ?? e.action}</strong> <span className="muted small">{formatInstant(e.at)}</span>
              </p>
              {e.actor_name && <p className="timeline-note">{e.actor_name}</p>}
              <EventDetails data={e.data} />
              {e.note && <p className="timeline-note prewrap">{e.note}</p>}
            </li>
          ))}
        </ol>
      </Section>
    </div>
  );
}

/** What an event's data says that a reader needs: the number given, the units and deadline, the handler, the progress. */
function EventDetails({ data }: { data: Record<string, unknown> }) {
  const lines: string[] = [];
  if (typeof data.arrivalNumber === 'number') lines.push(`Số đến: ${registerNumber(data.arrivalNumber)}`);
  if (typeof data.notation === 'string' && typeof data.number === 'number') lines.push(`Số, ký hiệu: ${data.notation}`);
  if (typeof data.leadUnit === 'string') lines.push(`Đơn vị chủ trì: ${data.leadUnit}`);
  if (Array.isArray(data.coordinatingUnits) && data.coordinatingUnits.length) lines.push(`Đơn vị phối hợp: ${data.coordinatingUnits.join('; ')}`);
  if (typeof data.deadlineDays === 'number' && typeof data.dueAt === 'string')
    lines.push(`Thời hạn: ${formatNumber(data.deadlineDays)} ngày làm việc, đến ${formatInstant(data.dueAt)}`);
  if (typeof data.handler === 'string') lines.push(`Người xử lý: ${data.handler}`);
  if (typeof data.progress === 'number') lines.push(`Tiến độ: ${formatNumber(data.progress)}%`);
  if (typeof data.signerLine === 'string') lines.push(data.signerLine);
  if (typeof data.name === 'string') lines.push(`Tệp: ${data.name}`);
  if (!lines.length) return null;
  return (
    <ul className="timeline-note">
      {lines.map((l) => (
        <li key={l}>{l}</li>
      ))}
    </ul>
  );
}

function Actions({ d, onDone, onStale }: { d: DocumentDetail; onDone: (message: string) => void; onStale: () => void }) {
  const [open, setOpen] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [leadUnitId, setLeadUnitId] = useState('');
  const [coordinating, setCoordinating] = useState<string[]>([]);
  const [days, setDays] = useState('');
  const [handlerId, setHandlerId] = useState('');
  const [progress, setProgress] = useState('');
  const [replyId, setReplyId] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [fileKind, setFileKind] = useState<FileKind>('main');
  const [sign, setSign] = useState({ competence: '', onBehalfOf: '', position: '' });
  const [invalid, setInvalid] = useState<Record<string, string>>({});
  const { busy, error, setError, run } = useAction();
  const actions = d.allowedActions.filter((a) => FORMS[a.action]);

  const start = (key: string) => {
    setError(null);
    setInvalid({});
    setOpen(key);
    setText('');
    setLeadUnitId('');
    setCoordinating([]);
    setDays('');
    setHandlerId('');
    setProgress('');
    setReplyId('');
    setFiles([]);
    setFileKind(d.direction === 'incoming' ? 'scan' : 'main');
    setSign({ competence: '', onBehalfOf: '', position: '' });
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!open) return;
    const form = FORMS[open];
    const problems: Record<string, string> = {};
    const value = text.trim();
    const body: Record<string, unknown> = { action: open, revision: d.revision };
    if (form.field && value) body[form.field] = value;
    if (form.required && !value) problems.text = 'Vui lòng nhập nội dung.';
    if (open === 'attach' && !files.length) problems.files = 'Vui lòng chọn tệp.';
    if (open === 'direct') {
      if (!leadUnitId) problems.lead = 'Vui lòng chọn đơn vị chủ trì.';
      const n = Number(days);
      if (!Number.isInteger(n) || n < 1 || n > 365) problems.days = 'Thời hạn từ 1 đến 365 ngày làm việc.';
      Object.assign(body, { leadUnitId, coordinatingUnitIds: coordinating.filter((u) => u !== leadUnitId), deadlineDays: n });
    }
    if (open === 'assign_handler') {
      if (!handlerId) problems.handler = 'Vui lòng chọn người xử lý.';
      body.handlerId = handlerId;
    }
    if (open === 'report_progress') {
      const n = Number(progress);
      if (progress === '' || !Number.isInteger(n) || n < 0 || n > 99) problems.progress = 'Tiến độ từ 0 đến 99%.';
      body.progress = n;
    }
    if (open === 'close' && replyId) body.replyId = replyId;
    if (open === 'sign' && !sign.position.trim()) problems.position = 'Vui lòng nhập chức vụ người ký.';
    setInvalid(problems);
    if (Object.keys(problems).length) return;
    void run(async () => {
      let done = form.done;
      try {
        if (open === 'attach') await uploadDocumentFiles(d.id, fileKind, files);
        else if (open === 'sign') {
          const { competence, onBehalfOf, position } = sign;
          await api(`/api/v1/documents/${d.id}/sign`, {
            body: {
              position: position.trim(),
              ...(competence ? { competence, onBehalfOf: onBehalfOf.trim() } : {}),
              ...(value ? { note: value } : {}),
            },
          });
        } else if (open === 'issue') {
          const { notation } = await api<{ notation: string }>(`/api/v1/documents/${d.id}/issue`, { method: 'POST' });
          done = `Đã phát hành văn bản số ${notation}.`;
        } else await api(`/api/v1/documents/${d.id}/actions`, { body });
      } catch (err) {
        if (err instanceof ApiError && err.code.startsWith('STALE_')) onStale();
        throw err;
      }
      setOpen(null);
      onDone(done);
    });
  };

  if (!actions.length) return <p className="muted">Không có thao tác nào bạn có thể thực hiện với văn bản ở trạng thái này.</p>;
  const current = actions.find((a) => a.action === open);
  const form = open ? FORMS[open] : null;
  const units = d.choices.units;
  return (
    <section className="detail-section action-panel" aria-labelledby="thao-tac">
      <h2 id="thao-tac">Thao tác xử lý</h2>
      <div className="form-actions">
        {actions.map((a) => (
          <button
            key={a.action}
            type="button"
            className={`btn ${DANGER.has(a.action) ? 'btn-danger' : a.action === 'attach' ? '' : 'btn-primary'}`}
            aria-expanded={open === a.action}
            disabled={busy}
            onClick={() => start(a.action)}>
            {a.label}
          </button>
        ))}
      </div>
      {open && current && form && (
        <form className="form action-form" onSubmit={submit} noValidate aria-label={current.label}>
          <h3>{current.label}</h3>
          {open === 'attach' && (
            <>
              {d.direction === 'outgoing' && (
                <Field label="Loại tệp" hint="Tệp dự thảo mới là phiên bản tiếp theo; các tệp đính kèm đi cùng">
                  <select value={fileKind} onChange={(e) => setFileKind(e.target.value as FileKind)}>
                    <option value="main">Tệp dự thảo (PDF)</option>
                    <option value="attachment">Tệp đính kèm</option>
                  </select>
                </Field>
              )}
              <CheckedField label="Tệp (bắt buộc)" error={invalid.files} hint="Tối đa 10 MB mỗi tệp">
                <input
                  type="file"
                  accept={fileKind === 'attachment' ? undefined : '.pdf,application/pdf'}
                  multiple={fileKind === 'attachment'}
                  onChange={(e) => setFiles([...(e.target.files ?? [])])}
                  {...invalidProps(invalid.files)}
                />
              </CheckedField>
            </>
          )}
          {open === 'direct' && (
            <>
              <div className="grid-2">
                <CheckedField label="Đơn vị chủ trì (bắt buộc)" error={invalid.lead}>
                  <select value={leadUnitId} onChange={(e) => setLeadUnitId(e.target.value)} aria-required="true" {...invalidProps(invalid.lead)}>
                    <option value="">— Chọn đơn vị —</option>
                    {units.map((u) => (
                      <option key={u.id} value={u.id}>
                        {u.name}
                      </option>
                    ))}
                  </select>
                </CheckedField>
                <CheckedField label="Thời hạn xử lý, ngày làm việc (bắt buộc)" error={invalid.days} hint="Tính theo lịch làm việc, trừ ngày nghỉ, lễ">
                  <input
                    type="number"
                    min={1}
                    max={365}
                    value={days}
                    onChange={(e) => setDays(e.target.value)}
                    aria-required="true"
                    {...invalidProps(invalid.days)}
                  />
                </CheckedField>
              </div>
              {units.length > 1 && (
                <fieldset className="checkbox-group">
                  <legend>Đơn vị phối hợp</legend>
                  {units
                    .filter((u) => u.id !== leadUnitId)
                    .map((u) => (
                      <label key={u.id} className="check">
                        <input
                          type="checkbox"
                          checked={coordinating.includes(u.id)}
                          onChange={(e) => setCoordinating(e.target.checked ? [...coordinating, u.id] : coordinating.filter((x) => x !== u.id))}
                        />
                        {u.name}
                      </label>
                    ))}
                </fieldset>
              )}
            </>
          )}
          {open === 'assign_handler' && (
            <CheckedField label="Người xử lý (bắt buộc)" error={invalid.handler}>
              <select value={handlerId} onChange={(e) => setHandlerId(e.target.value)} aria-required="true" {...invalidProps(invalid.handler)}>
                <option value="">— Chọn cán bộ —</option>
                {d.choices.handlers.map((h) => (
                  <option key={h.id} value={h.id}>
                    {h.name}
                  </option>
                ))}
              </select>
            </CheckedField>
          )}
          {open === 'report_progress' && (
            <CheckedField label="Tiến độ, % (bắt buộc)" error={invalid.progress}>
              <input
                type="number"
                min={0}
                max={99}
                value={progress}
                onChange={(e) => setProgress(e.target.value)}
                aria-required="true"
                {...invalidProps(invalid.progress)}
              />
            </CheckedField>
          )}
          {open === 'close' && (
            <Field label="Văn bản trả lời" hint="Văn bản đi đã phát hành của cơ quan (không bắt buộc)">
              <select value={replyId} onChange={(e) => setReplyId(e.target.value)}>
                <option value="">— Không có —</option>
                {d.choices.replies.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.notation} — {r.subject}
                  </option>
                ))}
              </select>
            </Field>
          )}
          {open === 'sign' && (
            <div className="grid-2">
              <Field label="Thẩm quyền ký" hint="Để trống khi người đứng đầu ký">
                <select value={sign.competence} onChange={(e) => setSign({ ...sign, competence: e.target.value })}>
                  <option value="">Ký trực tiếp</option>
                  {Object.entries(COMPETENCE).map(([k, label]) => (
                    <option key={k} value={k}>
                      {label}
                    </option>
                  ))}
                </select>
              </Field>
              {sign.competence && (
                <Field label="Ký thay cho" hint="Ví dụ Giám đốc, Ủy ban nhân dân">
                  <input value={sign.onBehalfOf} onChange={(e) => setSign({ ...sign, onBehalfOf: e.target.value })} maxLength={100} />
                </Field>
              )}
              <CheckedField label="Chức vụ người ký (bắt buộc)" error={invalid.position} hint="Ví dụ Phó Giám đốc">
                <input
                  value={sign.position}
                  onChange={(e) => setSign({ ...sign, position: e.target.value })}
                  maxLength={100}
                  aria-required="true"
                  {...invalidProps(invalid.position)}
                />
              </CheckedField>
            </div>
          )}
          {open === 'issue' && <p>Văn thư cấp số tiếp theo của sổ văn bản đi, đóng dấu số của cơ quan và gửi văn bản đến các nơi nhận.</p>}
          {form.field && (
            <CheckedField label={form.label!} error={invalid.text}>
              <textarea value={text} onChange={(e) => setText(e.target.value)} maxLength={2000} rows={3} {...invalidProps(invalid.text)} />
            </CheckedField>
          )}
          <ErrorMessage error={error} />
          <div className="form-actions">
            <button type="submit" className={`btn ${form.danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy} aria-busy={busy}>
              Xác nhận: {current.label}
            </button>
            <button type="button" className="btn" onClick={() => setOpen(null)} disabled={busy}>
              Hủy
            </button>
          </div>
        </form>
      )}
      {!open && <ErrorMessage error={error} />}
    </section>
  );
}
