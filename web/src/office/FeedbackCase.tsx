// A feedback case as staff read it: the report, its media and place, category, level, channel, the deadlines and
// whether the clock runs, the whole timeline; the reporter only when the server sent it (the province's operators —
// each look is logged there); and the actions the server allows, each with the inputs it needs. Every action carries
// the revision shown, so acting on a stale page is refused (409 STALE_FEEDBACK) and the page reloads.
import { useState, type FormEvent } from 'react';
import { ApiError, api, withQuery, type AllowedAction } from '../api.ts';
import { formatInstant, formatNumber } from '../format.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { Badge, ErrorMessage, Field, Loading, Notice, useAction, useFetch, usePageTitle } from '../ui.tsx';
import { Due, Section, useAgencies } from '../citizen/DossierParts.tsx';
import { CheckedField, invalidProps } from '../citizen/SchemaForm.tsx';
import {
  CHANNELS,
  categoryOptions,
  feedbackAction,
  LevelField,
  type Level,
  type Location,
  LocationText,
  type Media,
  MediaList,
  type Rating,
  RATINGS,
  StatusTag,
  uploadMedia,
  useCategories,
} from '../feedback/parts.tsx';
import { currentDue, type FeedbackSummary, flagOf, LevelBadge } from './FeedbackInbox.tsx';

/** An agency the server suggests for assignment, and why (the commune's committee, the category's agency). */
interface Suggested {
  agencyId: string;
  name: string;
  reason: string;
}
interface StaffCase extends FeedbackSummary {
  text: string;
  location: Location;
  answer: string | null;
  publishedAnswer: string | null;
  answeredAt: string | null;
  approvedAt: string | null;
  publishedAt: string | null;
  rating: Rating | null;
  ratingComment: string | null;
  extensions: number;
  revision: number;
  events: { action: string; step: string | null; to: string; at: string; by: string | null; agencyName: string | null; note: string | null; public: boolean }[];
  media: Media[];
  allowedActions: AllowedAction[];
  /** Only in the operators' answer. */
  reporter?: { citizen: boolean; name: string | null; phone: string | null; email: string | null } | null;
  /** Only in the operators' answer, while the case waits for an agency. */
  suggestedAgencies?: Suggested[];
}

/** What each staff action asks for: a text (its API field, label, whether required), and the inputs of its own. */
const FORMS: Record<
  string,
  { field?: 'note' | 'reason' | 'question' | 'text'; label?: string; required?: boolean; max?: number; done: string; danger?: boolean }
> = {
  classify: { field: 'note', label: 'Ghi chú phân loại', done: 'Đã phân loại phản ánh.' },
  assign: { field: 'note', label: 'Ghi chú gửi cơ quan xử lý', done: 'Đã chuyển phản ánh đến cơ quan xử lý.' },
  accept: { field: 'note', label: 'Ghi chú', done: 'Đã nhận xử lý phản ánh.' },
  return: { field: 'reason', label: 'Lý do trả lại (bắt buộc)', required: true, done: 'Đã trả lại phản ánh cho bộ phận tiếp nhận.', danger: true },
  request_info: {
    field: 'question',
    label: 'Nội dung đề nghị người phản ánh bổ sung (bắt buộc)',
    required: true,
    done: 'Đã gửi đề nghị bổ sung thông tin; thời hạn tạm dừng.',
  },
  provide_info: { field: 'text', label: 'Thông tin bổ sung (bắt buộc)', required: true, max: 5000, done: 'Đã ghi nhận thông tin bổ sung.' },
  request_extension: { field: 'reason', label: 'Lý do gia hạn (bắt buộc)', required: true, done: 'Đã gia hạn thời hạn xử lý.' },
  answer: { field: 'text', label: 'Nội dung trả lời (bắt buộc)', required: true, max: 10000, done: 'Đã trình dự thảo trả lời.' },
  revise: { field: 'note', label: 'Nội dung cần sửa (bắt buộc)', required: true, done: 'Đã trả lại dự thảo để sửa.' },
  approve: { field: 'note', label: 'Ý kiến duyệt', done: 'Đã duyệt trả lời.' },
  send_back: { field: 'note', label: 'Lý do trả lại cơ quan xử lý (bắt buộc)', required: true, done: 'Đã trả lại cơ quan xử lý.', danger: true },
  publish: { field: 'note', label: 'Ghi chú', done: 'Đã công bố trả lời.' },
  reject_spam: { field: 'reason', label: 'Lý do từ chối (bắt buộc)', required: true, done: 'Đã từ chối phản ánh.', danger: true },
  merge_duplicate: { field: 'note', label: 'Ghi chú', done: 'Đã gộp phản ánh.', danger: true },
};
const PRIMARY = ['classify', 'assign', 'accept', 'answer', 'approve', 'publish'];

export function FeedbackCase({ id }: { id: string }) {
  const res = useFetch<StaffCase>(`/api/v1/feedback/${encodeURIComponent(id)}`);
  const { search } = useLocation();
  const [notice, setNotice] = useState('');
  const c = res.data;
  usePageTitle(c ? `Phản ánh ${c.code}` : 'Phản ánh');
  if (!c) {
    if (res.error instanceof ApiError && res.error.status === 404) {
      return (
        <>
          <h1>Không tìm thấy phản ánh</h1>
          <p>
            Phản ánh không tồn tại hoặc không thuộc phạm vi xử lý của cơ quan bạn. <Link to="/mot-cua/phan-anh">Về danh sách phản ánh</Link>
          </p>
        </>
      );
    }
    return res.error ? <ErrorMessage error={res.error} /> : <Loading />;
  }
  const src = (m: Media) => `/api/v1/feedback/${c.id}/media/${m.id}`;
  const flag = flagOf(c);
  return (
    <div className="detail">
      <p className="back">
        <Link to="/mot-cua/phan-anh">‹ Phản ánh, kiến nghị</Link>
      </p>
      <h1>Phản ánh {c.code}</h1>
      <p className="badges">
        <StatusTag status={c.status} name={c.statusName} />
        <LevelBadge level={c.level} />
        {flag && <Badge tone={flag === 'overdue' ? 'red' : 'amber'}>{flag === 'overdue' ? 'Quá hạn' : 'Sắp đến hạn'}</Badge>}
        {c.pausedAt && <Badge tone="blue">Tạm dừng tính thời hạn</Badge>}
      </p>
      <dl className="meta">
        <div>
          <dt>Lĩnh vực</dt>
          <dd>{c.category.name}</dd>
        </div>
        <div>
          <dt>Kênh tiếp nhận</dt>
          <dd>{CHANNELS[c.channel]}</dd>
        </div>
        <div>
          <dt>Tiếp nhận lúc</dt>
          <dd>{formatInstant(c.createdAt)}</dd>
        </div>
        {c.agency && (
          <div>
            <dt>Cơ quan xử lý</dt>
            <dd>{c.agency.name}</dd>
          </div>
        )}
        {c.acceptDueAt && (
          <div>
            <dt>Hạn nhận xử lý</dt>
            <dd>
              <Due at={c.acceptDueAt} timeliness={c.status === 'assigned' ? flag : null} />
            </dd>
          </div>
        )}
        {c.dueAt && (
          <div>
            <dt>Hạn trả lời</dt>
            <dd>
              <Due at={c.dueAt} timeliness={c.status !== 'assigned' && currentDue(c) ? flag : null} />
              {c.extensions > 0 && ` (đã gia hạn ${formatNumber(c.extensions)} lần)`}
            </dd>
          </div>
        )}
        {c.pausedAt && (
          <div>
            <dt>Tạm dừng từ</dt>
            <dd>{formatInstant(c.pausedAt)} (chờ người phản ánh bổ sung)</dd>
          </div>
        )}
      </dl>
      <Notice>{notice}</Notice>
      {search.get('anh') === 'loi' && <ErrorMessage error={new Error('Đã tiếp nhận phản ánh nhưng chưa tải được ảnh, tài liệu kèm theo.')} />}

      <Actions
        c={c}
        onDone={(message, gone) => {
          if (gone) navigate('/mot-cua/phan-anh');
          else void res.reload().then(() => setNotice(message));
        }}
        onStale={res.reload}
      />

      {c.reporter && (
        <Section id="nguoi-phan-anh" title="Người phản ánh">
          <div className="reporter-box">
            <dl className="info-grid">
              <div>
                <dt>Họ và tên</dt>
                <dd>{c.reporter.name ?? '—'}</dd>
              </div>
              <div>
                <dt>Điện thoại</dt>
                <dd>{c.reporter.phone ?? '—'}</dd>
              </div>
              <div>
                <dt>Thư điện tử</dt>
                <dd>{c.reporter.email ?? '—'}</dd>
              </div>
              <div>
                <dt>Tài khoản</dt>
                <dd>{c.reporter.citizen ? 'Công dân đăng nhập (định danh điện tử)' : 'Không đăng nhập'}</dd>
              </div>
            </dl>
            <p className="muted small">
              Thông tin bảo mật: chỉ cán bộ tiếp nhận của thành phố được xem, mỗi lần xem được ghi lại; không chuyển cho cơ quan xử lý.
            </p>
          </div>
        </Section>
      )}
      <Section id="noi-dung" title="Nội dung phản ánh">
        <h3>{c.title}</h3>
        <p className="prewrap">{c.text}</p>
        <LocationText location={c.location} />
        <MediaList media={c.media.filter((m) => m.kind === 'report')} src={src} label="Ảnh phản ánh" />
      </Section>
      {(c.answer || c.publishedAnswer) && (
        <Section id="tra-loi" title="Trả lời">
          {c.answer && c.answer !== c.publishedAnswer && (
            <>
              <p className="muted small">Dự thảo {c.approvedAt ? `đã duyệt lúc ${formatInstant(c.approvedAt)}` : `trình lúc ${formatInstant(c.answeredAt)}`}</p>
              <p className="prewrap">{c.answer}</p>
            </>
          )}
          {c.publishedAnswer && (
            <>
              <p className="muted small">
                Đã công bố lúc {formatInstant(c.publishedAt)} · <Link to={`/phan-anh/${c.code}`}>Trang công khai</Link>
              </p>
              <p className="prewrap">{c.publishedAnswer}</p>
            </>
          )}
          <MediaList media={c.media.filter((m) => m.kind === 'evidence')} src={src} label="Minh chứng" />
          {c.rating && (
            <p>
              Người phản ánh đánh giá: <strong>{RATINGS[c.rating]}</strong>
              {c.ratingComment ? ` — ${c.ratingComment}` : ''}
            </p>
          )}
        </Section>
      )}
      <Section id="qua-trinh" title="Quá trình xử lý">
        <ol className="timeline">
          {c.events.map((e, i) => (
            <li key={i}>
              <p className="timeline-head">
                <strong>{e.step ?? c.allowedActions.find((a) => a.action === e.action)?.label ?? EVENT_NAMES[e.action] ?? e.action}</strong>{' '}
                <span className="muted small">{formatInstant(e.at)}</span> {e.public && <Badge tone="green">Công khai</Badge>}
              </p>
              {(e.by || e.agencyName) && <p className="timeline-note">{[e.by, e.agencyName].filter(Boolean).join(' — ')}</p>}
              {e.note && <p className="timeline-note prewrap">{e.note}</p>}
            </li>
          ))}
        </ol>
      </Section>
    </div>
  );
}

/** Names of the steps the server does not name itself (the public ones come with their names). */
const EVENT_NAMES: Record<string, string> = {
  classify: 'Phân loại',
  assign: 'Chuyển cơ quan xử lý',
  return: 'Cơ quan trả lại',
  request_extension: 'Gia hạn xử lý',
  answer: 'Trình dự thảo trả lời',
  revise: 'Trả lại dự thảo',
  approve: 'Duyệt trả lời',
  send_back: 'Trả lại cơ quan xử lý',
  reject_spam: 'Từ chối',
  merge_duplicate: 'Gộp vào phản ánh trùng',
  duplicate_merged: 'Gộp phản ánh trùng vào đây',
};

function Actions({ c, onDone, onStale }: { c: StaffCase; onDone: (message: string, gone: boolean) => void; onStale: () => void }) {
  const [open, setOpen] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [categoryCode, setCategoryCode] = useState(c.category.code);
  const [level, setLevel] = useState<Level | ''>(c.level);
  const [agencyId, setAgencyId] = useState('');
  const [hours, setHours] = useState('');
  const [target, setTarget] = useState('');
  const [evidence, setEvidence] = useState<File[]>([]);
  const [invalid, setInvalid] = useState<Record<string, string>>({});
  const { busy, error, setError, run } = useAction();
  const categories = useCategories();
  const agencies = useAgencies();
  const actions = c.allowedActions.filter((a) => FORMS[a.action]);
  // The server's suggestions first (the commune's committee, agencies of the category), then every handling agency.
  const suggested = c.suggestedAgencies ?? [];
  const others = agencies.items
    .filter((a) => (a.kind === 'department' || a.kind === 'commune_committee') && !suggested.some((s) => s.agencyId === a.id))
    .sort((x, y) => x.name.localeCompare(y.name, 'vi'));

  const start = (key: string) => {
    setError(null);
    setInvalid({});
    setOpen(key);
    setText('');
    setCategoryCode(c.category.code);
    setLevel(c.level);
    setAgencyId(suggested[0]?.agencyId ?? '');
    setHours('');
    setTarget('');
    setEvidence([]);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!open) return;
    const form = FORMS[open];
    const problems: Record<string, string> = {};
    const body: Record<string, unknown> = { action: open };
    const value = text.trim();
    if (form.field && value) body[form.field] = value;
    if (form.required && !value) problems.text = 'Vui lòng nhập nội dung.';
    if (open === 'classify') {
      if (categoryCode !== c.category.code) body.categoryCode = categoryCode;
      if (level) body.level = level;
    }
    if (open === 'assign') {
      if (!agencyId) problems.agency = 'Vui lòng chọn cơ quan xử lý.';
      body.agencyId = agencyId;
    }
    if (open === 'request_extension') {
      const n = Number(hours);
      if (!hours || !(n > 0) || n > 400) problems.hours = 'Số giờ làm việc gia hạn từ 1 đến 400.';
      body.hours = n;
    }
    if (open === 'merge_duplicate' && !/^PA-\d{6}-\d{4,}$/i.test(target.trim())) problems.target = 'Nhập mã phản ánh được giữ lại, ví dụ PA-261203-0001.';
    setInvalid(problems);
    if (Object.keys(problems).length) return;
    void run(async () => {
      try {
        if (open === 'merge_duplicate') {
          const code = target.trim().toUpperCase();
          const found = await api<{ items: FeedbackSummary[] }>(withQuery('/api/v1/feedback', { code, pageSize: 5 }));
          const into = found.items.find((x) => x.code === code);
          if (!into) throw new Error(`Không tìm thấy phản ánh mã ${code}.`);
          body.intoId = into.id;
        }
        // Evidence goes up before the answer that cites it.
        if (open === 'answer' && evidence.length) await uploadMedia(c.id, evidence);
        await feedbackAction(c.id, c.revision, body);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'STALE_FEEDBACK') onStale();
        throw err;
      }
      setOpen(null);
      // After returning a case the agency no longer holds it: back to the list.
      onDone(form.done, open === 'return');
    });
  };

  if (!actions.length) return <p className="muted">Không có thao tác nào bạn có thể thực hiện với phản ánh ở trạng thái này.</p>;
  const current = actions.find((a) => a.action === open);
  const form = open ? FORMS[open] : null;
  return (
    <section className="detail-section action-panel" aria-labelledby="thao-tac">
      <h2 id="thao-tac">Thao tác xử lý</h2>
      <div className="form-actions">
        {actions.map((a) => (
          <button
            key={a.action}
            type="button"
            className={`btn ${PRIMARY.includes(a.action) ? 'btn-primary' : FORMS[a.action].danger ? 'btn-danger' : ''}`}
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
          {open === 'classify' && (
            <>
              <Field label="Lĩnh vực">
                <select value={categoryCode} onChange={(e) => setCategoryCode(e.target.value)}>
                  {!categories.data?.items.some((x) => x.code === c.category.code) && <option value={c.category.code}>{c.category.name}</option>}
                  {categoryOptions(categories.data?.items ?? []).map((x) => (
                    <option key={x.code} value={x.code}>
                      {x.label}
                    </option>
                  ))}
                </select>
              </Field>
              <LevelField value={level} onChange={setLevel} disabled={busy} hint="Khẩn: xử lý trong thời hạn ngắn hơn" />
            </>
          )}
          {open === 'assign' && (
            <CheckedField label="Cơ quan xử lý (bắt buộc)" error={invalid.agency}>
              <select value={agencyId} onChange={(e) => setAgencyId(e.target.value)} aria-required="true" {...invalidProps(invalid.agency)}>
                <option value="">— Chọn cơ quan —</option>
                {suggested.length > 0 && (
                  <optgroup label="Gợi ý">
                    {suggested.map((a) => (
                      <option key={a.agencyId} value={a.agencyId} title={a.reason}>
                        {a.name}
                      </option>
                    ))}
                  </optgroup>
                )}
                <optgroup label="Các cơ quan khác">
                  {others.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name}
                    </option>
                  ))}
                </optgroup>
              </select>
            </CheckedField>
          )}
          {open === 'request_extension' && (
            <CheckedField label="Số giờ làm việc gia hạn (bắt buộc)" error={invalid.hours}>
              <input
                type="number"
                min={1}
                max={400}
                value={hours}
                onChange={(e) => setHours(e.target.value)}
                aria-required="true"
                {...invalidProps(invalid.hours)}
              />
            </CheckedField>
          )}
          {open === 'merge_duplicate' && (
            <CheckedField label="Mã phản ánh được giữ lại (bắt buộc)" error={invalid.target} hint="Phản ánh này được đóng và gộp vào phản ánh đó.">
              <input value={target} onChange={(e) => setTarget(e.target.value)} aria-required="true" autoComplete="off" {...invalidProps(invalid.target)} />
            </CheckedField>
          )}
          {form.field && (
            <CheckedField label={form.label!} error={invalid.text}>
              <textarea
                value={text}
                onChange={(e) => setText(e.target.value)}
                maxLength={form.max ?? 2000}
                rows={open === 'answer' ? 8 : 3}
                {...invalidProps(invalid.text)}
                autoFocus
              />
            </CheckedField>
          )}
          {open === 'answer' && (
            <Field label="Minh chứng (ảnh trước/sau, văn bản)" hint="Ảnh JPEG, PNG hoặc tệp PDF, tối đa 10 MB mỗi tệp">
              <input type="file" accept="image/*,.pdf,application/pdf" multiple onChange={(e) => setEvidence([...(e.target.files ?? [])])} disabled={busy} />
            </Field>
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
