// A dossier as the officer sees it: header with code, status, step, due times; applicant, form data, files,
// control slip, printed forms; and the actions the status and the officer's roles allow. Every action carries the
// revision shown, so acting on a stale page is refused (409 STALE_DOSSIER) instead of overwriting someone's work.
import { useState, type FormEvent } from 'react';
import { ApiError, type Agency, type Dossier, type PublicProcedure, type Role, type WorkflowStep } from '../api.ts';
import { RETURN_METHODS, formatInstant, keysOf } from '../format.ts';
import { Link, useLocation } from '../router.tsx';
import { ErrorMessage, Field, Loading, Notice, useAction, useFetch, usePageTitle } from '../ui.tsx';
import {
  ApplicantFacts,
  Due,
  DossierFacts,
  FileTable,
  FormDataFacts,
  FormLinks,
  Section,
  StatusBadge,
  Timeline,
  TimelinessBadge,
  useAgencies,
} from '../citizen/DossierParts.tsx';
import { COMPETENT_KINDS } from '../citizen/DossierForm.tsx';
import { dossierAction } from '../citizen/requests.ts';
import { CheckedField, invalidProps, type FormSchema } from '../citizen/SchemaForm.tsx';
import { ResultPanel } from '../results/ResultPanel.tsx';
import { ExtraDocumentsField, extraDocumentNames } from './ExtraDocuments.tsx';
import { NationalSync } from './NationalSync.tsx';

interface Person {
  id: string;
  name: string;
}
/** A question asked about the dossier (xin ý kiến) and its answer. */
interface Consultation {
  id: string;
  question: string;
  dueAt: string;
  askedAt: string;
  askedBy: Person | null;
  officer: Person | null;
  agency: Person | null;
  answer: string | null;
  answeredBy: Person | null;
  answeredAt: string | null;
  forMe: boolean;
}
/** The dossier as staff read it: who the current step is assigned to, and the questions asked about it. */
type StaffDossier = Dossier & { assignee: Person | null; consultations: Consultation[] };
interface StaffMember {
  id: string;
  fullName: string;
  roles: Role[];
  agencyName: string;
}

export function OfficeDossier({ id }: { id: string }) {
  const { search } = useLocation();
  const res = useFetch<StaffDossier>(`/api/v1/dossiers/${encodeURIComponent(id)}`);
  const d = res.data;
  // The published version of the procedure: its titles and workflow (the dossier's own version may be older).
  const procedure = useFetch<PublicProcedure>(d ? `/api/v1/procedures/${d.procedure.id}` : null);
  const agencies = useAgencies();
  const [notice, setNotice] = useState('');
  usePageTitle(d ? `Hồ sơ ${d.code}` : 'Hồ sơ');

  if (!d) {
    return res.error ? (
      res.error instanceof ApiError && res.error.status === 404 ? (
        <>
          <h1>Không tìm thấy hồ sơ</h1>
          <p>
            Hồ sơ không tồn tại hoặc không thuộc phạm vi xử lý của cơ quan bạn. <Link to="/mot-cua">Về danh sách hồ sơ</Link>
          </p>
        </>
      ) : (
        <ErrorMessage error={res.error} />
      )
    ) : (
      <Loading />
    );
  }
  const fresh = search.get('moi') === '1' && d.events.some((e) => e.action === 'accept');
  return (
    <div className="detail">
      <p className="back">
        <Link to="/mot-cua">‹ Hồ sơ cần xử lý</Link>
      </p>
      <h1>Hồ sơ {d.code}</h1>
      <p className="badges">
        <StatusBadge status={d.status} name={d.statusName} />
        {d.stepName && (
          <span className="badge badge-neutral" title="Bước xử lý hiện tại">
            Bước: {d.stepName}
          </span>
        )}
      </p>
      {(d.stepDueAt || d.dueAt) && (
        <dl className="meta">
          {d.stepDueAt && (
            <div>
              <dt>Hạn xử lý bước</dt>
              <dd>
                <Due at={d.stepDueAt} />
              </dd>
            </div>
          )}
          {d.dueAt && (
            <div>
              <dt>Hạn trả kết quả</dt>
              <dd>
                <Due at={d.dueAt} timeliness={d.timeliness} title="Tiến độ giải quyết hồ sơ" />
              </dd>
            </div>
          )}
          {d.assignee && (
            <div>
              <dt>Cán bộ được phân công</dt>
              <dd>{d.assignee.name}</dd>
            </div>
          )}
        </dl>
      )}
      {fresh && (
        <Notice>
          Đã tiếp nhận hồ sơ {d.code}.{' '}
          <a href={`/api/v1/dossiers/${d.id}/forms/receipt`} target="_blank" rel="noopener">
            In Giấy tiếp nhận hồ sơ và hẹn trả kết quả
          </a>{' '}
          để giao cho người nộp.
        </Notice>
      )}
      <Notice>{notice}</Notice>

      <Actions
        dossier={d}
        workflow={procedure.data?.content.workflow}
        agencies={agencies.items}
        onDone={(message) => void res.reload().then(() => setNotice(message))}
        onStale={res.reload}
      />

      {(d.status === 9 || d.status === 10) && (
        <Section id="ket-qua" title="Kết quả giải quyết điện tử">
          <ResultPanel
            dossierId={d.id}
            canSign={d.allowedActions.some((a) => a.action === 'sign_result')}
            onSigned={(r) => void res.reload().then(() => setNotice(`Đã ký số và phát hành ${r.title} số ${r.notation}.`))}
          />
        </Section>
      )}
      {d.consultations.length > 0 && (
        <Section id="xin-y-kien" title="Xin ý kiến">
          <Consultations dossier={d} onDone={(message) => void res.reload().then(() => setNotice(message))} onStale={res.reload} />
        </Section>
      )}
      <Section id="thong-tin" title="Thông tin hồ sơ">
        <DossierFacts dossier={d} agencyNames={agencies.names} staff />
      </Section>
      <Section id="nguoi-nop" title="Người nộp hồ sơ">
        <ApplicantFacts dossier={d} />
      </Section>
      <Section id="to-khai" title="Tờ khai">
        <FormDataFacts data={d.formData} schema={procedure.data?.content.formSchema as FormSchema | undefined} />
      </Section>
      <Section id="tep" title="Thành phần hồ sơ đã nộp">
        <FileTable dossier={d} />
      </Section>
      <Section id="phieu" title="In phiếu">
        <FormLinks dossier={d} control />
      </Section>
      <Section id="kiem-soat" title="Quá trình giải quyết (phiếu kiểm soát)">
        <Timeline dossier={d} agencyNames={agencies.names} />
      </Section>
      <NationalSync dossierId={d.id} />
    </div>
  );
}

type ActionKey =
  | 'accept'
  | 'request_supplement'
  | 'refuse'
  | 'forward'
  | 'send_back'
  | 'assign'
  | 'consult'
  | 'apologize'
  | 'return_result'
  | 'withdraw'
  | 'stop';

/** The actions this page has a form for; which of them the officer may take now comes from the server. */
const FORMS: ActionKey[] = [
  'accept',
  'request_supplement',
  'refuse',
  'forward',
  'send_back',
  'assign',
  'consult',
  'apologize',
  'return_result',
  'stop',
  'withdraw',
];
const DANGER: ActionKey[] = ['refuse', 'stop', 'withdraw'];

/** The server's allowed actions that this page acts on, with their labels. */
const available = (d: Dossier) =>
  d.allowedActions
    .filter((a): a is { action: ActionKey; label: string } => FORMS.includes(a.action as ActionKey))
    .map((a) => ({ key: a.action, label: a.label, danger: DANGER.includes(a.action) }));

const DONE: Record<ActionKey, string> = {
  accept: 'Đã tiếp nhận hồ sơ.',
  request_supplement: 'Đã gửi yêu cầu bổ sung, hoàn thiện hồ sơ.',
  refuse: 'Đã từ chối tiếp nhận hồ sơ.',
  forward: 'Đã chuyển hồ sơ.',
  send_back: 'Đã trả hồ sơ về bước trước.',
  assign: 'Đã phân công cán bộ xử lý.',
  consult: 'Đã gửi xin ý kiến.',
  apologize: 'Đã phát hành phiếu xin lỗi và hẹn lại ngày trả kết quả.',
  return_result: 'Đã trả kết quả.',
  stop: 'Đã dừng xử lý hồ sơ.',
  withdraw: 'Đã ghi nhận công dân rút hồ sơ và dừng xử lý.',
};

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
/** True when the dossier is at the last step of its workflow (forwarding it approves the result). */
const atLastStep = (d: Dossier, workflow: WorkflowStep[] | undefined) => d.step !== null && workflow !== undefined && d.step + 1 >= workflow.length;

function Actions({
  dossier: d,
  workflow,
  agencies,
  onDone,
  onStale,
}: {
  dossier: StaffDossier;
  workflow: WorkflowStep[] | undefined;
  agencies: Agency[];
  onDone: (message: string) => void;
  onStale: () => void;
}) {
  const [open, setOpen] = useState<ActionKey | null>(null);
  const [text, setText] = useState('');
  const [toAgencyId, setToAgencyId] = useState('');
  const [method, setMethod] = useState<keyof typeof RETURN_METHODS>('counter');
  const [newDueAt, setNewDueAt] = useState('');
  const [invalid, setInvalid] = useState<Record<string, string>>({});
  const [assigneeId, setAssigneeId] = useState('');
  const [targets, setTargets] = useState<{ officerId?: string; agencyId?: string; label: string }[]>([]);
  const [targetAgency, setTargetAgency] = useState('');
  const [targetOfficer, setTargetOfficer] = useState('');
  const [extraDocuments, setExtraDocuments] = useState<string[]>([]);
  const { busy, error, setError, run } = useAction();
  const actions = available(d);
  const base = `/api/v1/dossiers/${d.id}/staff`;
  const assignable = useFetch<{ items: StaffMember[] }>(open === 'assign' ? base : null);
  const consultable = useFetch<{ items: StaffMember[] }>(open === 'consult' && targetAgency ? `${base}?agencyId=${targetAgency}` : null);
  const addTarget = () => {
    const officer = consultable.data?.items.find((m) => m.id === targetOfficer);
    const agency = agencies.find((a) => a.id === targetAgency);
    const target = officer
      ? { officerId: officer.id, label: `${officer.fullName} (${officer.agencyName})` }
      : agency
        ? { agencyId: agency.id, label: agency.name }
        : null;
    if (target && !targets.some((t) => t.label === target.label)) setTargets([...targets, target]);
    setTargetOfficer('');
  };

  const next = d.step !== null && workflow ? workflow[d.step + 1] : undefined;
  const transfer = next?.transferTo;
  const transferChoices =
    transfer && !transfer.agencyCode && transfer.agencyLevel
      ? agencies.filter((a) => a.kind === COMPETENT_KINDS[transfer.agencyLevel!]).sort((x, y) => x.name.localeCompare(y.name, 'vi'))
      : [];
  const fixedTarget = transfer?.agencyCode ? agencies.find((a) => a.code === transfer.agencyCode) : undefined;

  const send = (key: ActionKey, body: Record<string, unknown>) =>
    void run(async () => {
      try {
        await dossierAction(d.id, d.revision, { action: key, ...body });
      } catch (err) {
        if (err instanceof ApiError && err.code === 'STALE_DOSSIER') onStale();
        throw err;
      }
      setOpen(null);
      onDone(DONE[key]);
    });

  const start = (key: ActionKey) => {
    setError(null);
    setInvalid({});
    if (key === 'accept') {
      setOpen(null);
      send('accept', {});
      return;
    }
    setOpen(key);
    setText('');
    setToAgencyId('');
    setNewDueAt('');
    setAssigneeId('');
    setTargets([]);
    setTargetAgency('');
    setTargetOfficer('');
    setExtraDocuments([]);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!open) return;
    const problems: Record<string, string> = {};
    const body: Record<string, unknown> = {};
    const note = text.trim();
    switch (open) {
      case 'request_supplement':
      case 'refuse':
        if (!lines(text).length) problems.text = open === 'refuse' ? 'Vui lòng nêu lý do từ chối.' : 'Vui lòng nêu nội dung cần bổ sung.';
        body.reasons = lines(text);
        if (open === 'request_supplement' && extraDocumentNames(extraDocuments).length) body.extraDocuments = extraDocumentNames(extraDocuments);
        break;
      case 'forward':
        if (note) body.note = note;
        if (transferChoices.length) {
          if (!toAgencyId) problems.agency = 'Vui lòng chọn cơ quan nhận hồ sơ liên thông.';
          body.toAgencyId = toAgencyId;
        }
        break;
      case 'send_back':
        if (!note) problems.text = 'Vui lòng nhập nội dung.';
        body.note = note;
        break;
      case 'assign':
        if (!assigneeId) problems.assignee = 'Vui lòng chọn cán bộ được phân công.';
        body.assigneeId = assigneeId;
        if (note) body.note = note;
        break;
      case 'consult': {
        if (!note) problems.text = 'Vui lòng nhập nội dung xin ý kiến.';
        if (!targets.length) problems.targets = 'Vui lòng thêm ít nhất một cán bộ hoặc đơn vị được xin ý kiến.';
        if (!newDueAt || Number.isNaN(new Date(newDueAt).getTime())) problems.due = 'Vui lòng chọn hạn trả lời.';
        else if (new Date(newDueAt) <= new Date()) problems.due = 'Hạn trả lời phải sau thời điểm hiện tại.';
        body.note = note;
        const officerIds = targets.flatMap((t) => (t.officerId ? [t.officerId] : []));
        const agencyIds = targets.flatMap((t) => (t.agencyId ? [t.agencyId] : []));
        if (officerIds.length) body.officerIds = officerIds;
        if (agencyIds.length) body.agencyIds = agencyIds;
        if (!problems.due) body.dueAt = new Date(newDueAt).toISOString();
        break;
      }
      case 'apologize':
        if (!note) problems.text = 'Vui lòng nêu lý do chậm trả kết quả.';
        if (!newDueAt || Number.isNaN(new Date(newDueAt).getTime())) problems.due = 'Vui lòng chọn ngày, giờ hẹn trả mới.';
        else if (d.dueAt && new Date(newDueAt) <= new Date(d.dueAt)) problems.due = `Ngày hẹn mới phải sau ngày hẹn hiện tại (${formatInstant(d.dueAt)}).`;
        body.reason = note;
        if (!problems.due) body.newDueAt = new Date(newDueAt).toISOString();
        break;
      case 'return_result':
        body.method = method;
        if (note) body.note = note;
        break;
      case 'stop':
      case 'withdraw':
        if (!note) problems.text = open === 'stop' ? 'Vui lòng nêu lý do dừng xử lý.' : 'Vui lòng ghi lý do công dân rút hồ sơ.';
        body.reason = note;
        break;
    }
    setInvalid(problems);
    if (Object.keys(problems).length) return;
    send(open, body);
  };

  if (!actions.length) {
    return <p className="muted">Không có thao tác nào bạn có thể thực hiện với hồ sơ ở trạng thái này.</p>;
  }
  const textLabel: Partial<Record<ActionKey, string>> = {
    request_supplement: 'Nội dung cần bổ sung, hoàn thiện (mỗi dòng một nội dung) (bắt buộc)',
    refuse: 'Lý do từ chối tiếp nhận (mỗi dòng một lý do) (bắt buộc)',
    forward: atLastStep(d, workflow) ? 'Ý kiến phê duyệt' : 'Ý kiến xử lý',
    send_back: 'Lý do trả lại (bắt buộc)',
    assign: 'Ghi chú phân công',
    consult: 'Nội dung xin ý kiến (bắt buộc)',
    apologize: 'Lý do chậm trả kết quả (bắt buộc)',
    return_result: 'Ghi chú',
    stop: 'Lý do dừng xử lý (bắt buộc)',
    withdraw: 'Lý do công dân rút hồ sơ (bắt buộc)',
  };
  const confirm: Partial<Record<ActionKey, string>> = {
    request_supplement: 'Gửi yêu cầu bổ sung',
    refuse: 'Xác nhận từ chối',
    forward: 'Xác nhận chuyển',
    send_back: 'Xác nhận trả lại',
    assign: 'Xác nhận phân công',
    consult: 'Gửi xin ý kiến',
    apologize: 'Phát hành phiếu xin lỗi',
    return_result: 'Xác nhận trả kết quả',
    stop: 'Xác nhận dừng xử lý',
    withdraw: 'Ghi nhận rút hồ sơ',
  };
  const current = actions.find((a) => a.key === open);
  return (
    <section className="detail-section action-panel" aria-labelledby="thao-tac">
      <h2 id="thao-tac">Thao tác xử lý</h2>
      <div className="form-actions">
        {actions.map((a) => (
          <button
            key={a.key}
            type="button"
            className={`btn ${a.key === 'accept' || a.key === 'forward' ? 'btn-primary' : a.danger ? 'btn-danger' : ''}`}
            aria-expanded={a.key === 'accept' ? undefined : open === a.key}
            disabled={busy}
            aria-busy={busy && a.key === 'accept'}
            onClick={() => start(a.key)}>
            {a.label}
          </button>
        ))}
      </div>
      {open && current && (
        <form className="form action-form" onSubmit={submit} noValidate aria-label={current.label}>
          <h3>{current.label}</h3>
          {open === 'forward' && next && (
            <p>
              Bước tiếp theo: <strong>{next.name}</strong>
              {fixedTarget ? <> — liên thông đến {fixedTarget.name}</> : null}.
            </p>
          )}
          {open === 'forward' && !next && workflow && <p>Đây là bước cuối: hồ sơ được phê duyệt và chuyển kết quả về Bộ phận Một cửa.</p>}
          {open === 'forward' && transferChoices.length > 0 && (
            <CheckedField label="Cơ quan nhận hồ sơ liên thông (bắt buộc)" error={invalid.agency}>
              <select value={toAgencyId} onChange={(e) => setToAgencyId(e.target.value)} aria-required="true" {...invalidProps(invalid.agency)}>
                <option value="">— Chọn cơ quan —</option>
                {transferChoices.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </CheckedField>
          )}
          {open === 'assign' && (
            <CheckedField label={`Cán bộ được phân công (vai trò của bước: ${d.stepName ?? ''}) (bắt buộc)`} error={invalid.assignee}>
              <select value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)} aria-required="true" {...invalidProps(invalid.assignee)}>
                <option value="">— Chọn cán bộ —</option>
                {(assignable.data?.items ?? []).map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.fullName} — {m.agencyName}
                  </option>
                ))}
              </select>
            </CheckedField>
          )}
          {open === 'consult' && (
            <fieldset className="consult-targets">
              <legend>Cán bộ, đơn vị được xin ý kiến (bắt buộc)</legend>
              <Field label="Cơ quan, đơn vị">
                <select
                  value={targetAgency}
                  onChange={(e) => {
                    setTargetAgency(e.target.value);
                    setTargetOfficer('');
                  }}>
                  <option value="">— Chọn cơ quan, đơn vị —</option>
                  {[...agencies]
                    .sort((x, y) => x.name.localeCompare(y.name, 'vi'))
                    .map((a) => (
                      <option key={a.id} value={a.id}>
                        {a.name}
                      </option>
                    ))}
                </select>
              </Field>
              {targetAgency && (
                <Field label="Cán bộ (để trống: gửi cả đơn vị)">
                  <select value={targetOfficer} onChange={(e) => setTargetOfficer(e.target.value)}>
                    <option value="">— Cả đơn vị —</option>
                    {(consultable.data?.items ?? []).map((m) => (
                      <option key={m.id} value={m.id}>
                        {m.fullName} — {m.agencyName}
                      </option>
                    ))}
                  </select>
                </Field>
              )}
              <button type="button" className="btn" onClick={addTarget} disabled={!targetAgency}>
                Thêm vào danh sách
              </button>
              {targets.length > 0 && (
                <ul className="consult-list">
                  {targets.map((t) => (
                    <li key={t.label}>
                      {t.label}{' '}
                      <button type="button" className="btn btn-link" onClick={() => setTargets(targets.filter((x) => x !== t))} aria-label={`Bỏ ${t.label}`}>
                        Bỏ
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              {invalid.targets && (
                <p className="field-error" role="alert">
                  {invalid.targets}
                </p>
              )}
            </fieldset>
          )}
          {open === 'consult' && (
            <CheckedField label="Hạn trả lời (bắt buộc)" error={invalid.due}>
              <input type="datetime-local" value={newDueAt} onChange={(e) => setNewDueAt(e.target.value)} aria-required="true" {...invalidProps(invalid.due)} />
            </CheckedField>
          )}
          {open === 'return_result' && (
            <Field label="Hình thức trả kết quả">
              <select value={method} onChange={(e) => setMethod(e.target.value as keyof typeof RETURN_METHODS)}>
                {keysOf(RETURN_METHODS).map((m) => (
                  <option key={m} value={m}>
                    {RETURN_METHODS[m]}
                  </option>
                ))}
              </select>
            </Field>
          )}
          {open === 'apologize' && (
            <CheckedField
              label="Ngày, giờ hẹn trả mới (bắt buộc)"
              error={invalid.due}
              hint={d.dueAt ? `Ngày hẹn hiện tại: ${formatInstant(d.dueAt)}.` : undefined}>
              <input type="datetime-local" value={newDueAt} onChange={(e) => setNewDueAt(e.target.value)} aria-required="true" {...invalidProps(invalid.due)} />
            </CheckedField>
          )}
          <CheckedField label={textLabel[open]!} error={invalid.text}>
            <textarea value={text} onChange={(e) => setText(e.target.value)} maxLength={2000} {...invalidProps(invalid.text)} autoFocus />
          </CheckedField>
          {open === 'request_supplement' && <ExtraDocumentsField rows={extraDocuments} onChange={setExtraDocuments} />}
          <ErrorMessage error={error} />
          <div className="form-actions">
            <button type="submit" className={`btn ${current.danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy} aria-busy={busy}>
              {confirm[open]}
            </button>
            <button type="button" className="btn" onClick={() => setOpen(null)} disabled={busy}>
              Hủy
            </button>
          </div>
        </form>
      )}
      {!open && <ErrorMessage error={error} />}
      {!open && <TimelinessNote dossier={d} />}
    </section>
  );
}

function TimelinessNote({ dossier: d }: { dossier: Dossier }) {
  if (d.timeliness !== 'at_risk' && d.timeliness !== 'overdue') return null;
  return (
    <p className="small">
      Tiến độ: <TimelinessBadge value={d.timeliness} /> {d.timeliness === 'overdue' ? 'Hồ sơ đã quá hạn trả kết quả.' : 'Hồ sơ sắp đến hạn trả kết quả.'}
    </p>
  );
}

/** The questions asked about the dossier, their answers, and an answer form for the ones addressed to this officer. */
function Consultations({ dossier: d, onDone, onStale }: { dossier: StaffDossier; onDone: (message: string) => void; onStale: () => void }) {
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [invalid, setInvalid] = useState<Record<string, string>>({});
  const { busy, error, run } = useAction();
  const answer = (e: FormEvent, c: Consultation) => {
    e.preventDefault();
    const text = (answers[c.id] ?? '').trim();
    setInvalid(text ? {} : { [c.id]: 'Vui lòng nhập ý kiến.' });
    if (!text) return;
    void run(async () => {
      try {
        await dossierAction(d.id, d.revision, { action: 'answer_consultation', consultationId: c.id, answer: text });
      } catch (err) {
        if (err instanceof ApiError && err.code === 'STALE_DOSSIER') onStale();
        throw err;
      }
      onDone('Đã gửi ý kiến.');
    });
  };
  return (
    <ul className="consultations">
      {d.consultations.map((c) => (
        <li key={c.id}>
          <p>
            <strong>{c.askedBy?.name}</strong> xin ý kiến {c.officer ? c.officer.name : c.agency?.name} — hạn trả lời {formatInstant(c.dueAt)}
          </p>
          <p>{c.question}</p>
          {c.answer !== null ? (
            <p>
              Ý kiến của <strong>{c.answeredBy?.name}</strong> ({formatInstant(c.answeredAt!)}): {c.answer}
            </p>
          ) : c.forMe ? (
            <form className="form" onSubmit={(e) => answer(e, c)} noValidate aria-label="Trả lời xin ý kiến">
              <CheckedField label="Ý kiến của bạn (bắt buộc)" error={invalid[c.id]}>
                <textarea
                  value={answers[c.id] ?? ''}
                  maxLength={4000}
                  onChange={(e) => setAnswers({ ...answers, [c.id]: e.target.value })}
                  {...invalidProps(invalid[c.id])}
                />
              </CheckedField>
              <ErrorMessage error={error} />
              <div className="form-actions">
                <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy}>
                  Gửi ý kiến
                </button>
              </div>
            </form>
          ) : (
            <p className="muted">Chưa trả lời.</p>
          )}
        </li>
      ))}
    </ul>
  );
}
