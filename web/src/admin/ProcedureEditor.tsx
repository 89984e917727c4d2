// Editing one procedure: every field of its content; saving stores a new version. "moi" = a new procedure.
import { useState, type FormEvent } from 'react';
import { api, type AdminProcedure, type AgencyLevel, type ApplicantType, type FeeItem, type OnlineLevel, type ProcedureContent } from '../api.ts';
import { AGENCY_LEVELS, APPLICANT_TYPES, ONLINE_LEVELS, TIME_UNITS, formatDateTime, formatNumber, keysOf } from '../format.ts';
import { Link, navigate } from '../router.tsx';
import { ErrorMessage, Field, Loading, Notice, useAction, useFetch, usePageTitle } from '../ui.tsx';
import { RowsEditor } from './RowsEditor.tsx';
import { AgencyOptions, useAgencies, useMe } from './shared.tsx';
import { StatusBadge } from './Procedures.tsx';

const NEW = 'moi';

/** The form's state: the content with numbers, lists and JSON as the text the user types. */
interface Form {
  nationalCode: string;
  localSuffix: string;
  name: string;
  field: string;
  agencyLevel: AgencyLevel;
  competentAgency: string;
  onlineLevel: OnlineLevel;
  identityLevel2: boolean;
  timeValue: string;
  timeUnit: ProcedureContent['processingTime']['unit'];
  timeCutoff: string;
  timeNote: string;
  fees: { kind: FeeItem['kind']; name: string; amount: string; note: string; perField: string; perUnit: string }[];
  components: { name: string; originals: string; copies: string; templateName: string; templateUrl: string; required: boolean }[];
  applicantTypes: ApplicantType[];
  applicants: string;
  legalBasis: string;
  resultType: string;
  steps: string;
  methods: string;
  requirements: string;
  formSchema: string;
  workflow: string;
}

const DEFAULT_WORKFLOW: ProcedureContent['workflow'] = [
  { key: 'receive', name: 'Tiếp nhận hồ sơ', role: 'counter_officer', hours: 4 },
  { key: 'review', name: 'Thẩm định hồ sơ', role: 'specialist', hours: 16 },
  { key: 'approve', name: 'Phê duyệt kết quả', role: 'agency_leader', hours: 4 },
];

const json = (v: unknown) => JSON.stringify(v, null, 2);
const str = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

function toForm(c: ProcedureContent | null): Form {
  return {
    nationalCode: c?.nationalCode ?? '',
    localSuffix: c?.localSuffix ?? '',
    name: c?.name ?? '',
    field: c?.field ?? '',
    agencyLevel: c?.agencyLevel ?? 'province',
    competentAgency: c?.competentAgency ?? '',
    onlineLevel: c?.onlineLevel ?? 'full',
    identityLevel2: c?.minIdentityLevel === 2,
    timeValue: str(c?.processingTime.value),
    timeUnit: c?.processingTime.unit ?? 'working_days',
    timeCutoff: c?.processingTime.cutoff ?? '15:00',
    timeNote: c?.processingTime.note ?? '',
    fees: (c?.fees ?? []).map((f) => ({
      kind: f.kind,
      name: f.name,
      amount: str(f.amount),
      note: f.note ?? '',
      perField: f.per?.field ?? '',
      perUnit: f.per?.unit ?? '',
    })),
    components: (c?.components ?? []).map((d) => ({
      name: d.name,
      originals: str(d.originals),
      copies: str(d.copies),
      templateName: d.templateName ?? '',
      templateUrl: d.templateUrl ?? '',
      required: d.required,
    })),
    applicantTypes: c?.applicantTypes ?? ['citizen'],
    applicants: c?.applicants ?? '',
    legalBasis: (c?.legalBasis ?? []).join('\n'),
    resultType: c?.resultType ?? '',
    steps: c?.steps ?? '',
    methods: c?.methods ?? '',
    requirements: c?.requirements ?? '',
    formSchema: json(c?.formSchema ?? { type: 'object', properties: {} }),
    workflow: json(c?.workflow ?? DEFAULT_WORKFLOW),
  };
}

/** Parses a whole number typed the Vietnamese way ("2.000" or "2 000"); NaN if it is not one. */
const parseWhole = (s: string) => (/^\d[\d.\s]*$/.test(s.trim()) ? Number(s.replace(/[.\s]/g, '')) : NaN);

function jsonError(text: string, kind: 'object' | 'array'): string | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `JSON không hợp lệ: ${(e as Error).message}`;
  }
  if (kind === 'array' ? !Array.isArray(v) : v === null || typeof v !== 'object' || Array.isArray(v)) {
    return kind === 'array' ? 'Phải là một danh sách JSON ([ … ]).' : 'Phải là một đối tượng JSON ({ … }).';
  }
  return null;
}

/** The content to send, or the list of problems found before sending. */
function toContent(f: Form): { content: ProcedureContent } | { problems: string[] } {
  const problems: string[] = [];
  const value = Number(f.timeValue.replace(',', '.'));
  if (f.timeUnit !== 'same_day' && !(value > 0)) problems.push('Thời hạn giải quyết phải là một số lớn hơn 0.');
  const fees = f.fees.map((x, i) => {
    const amount = x.amount.trim() === '' ? null : parseWhole(x.amount);
    if (Number.isNaN(amount)) problems.push(`Phí, lệ phí ${i + 1}: mức thu phải là số nguyên (đồng), hoặc để trống nếu theo quy định.`);
    return {
      kind: x.kind,
      name: x.name.trim(),
      amount,
      ...(x.note.trim() ? { note: x.note.trim() } : {}),
      ...(x.perField.trim() ? { per: { field: x.perField.trim(), unit: x.perUnit.trim() || 'bản' } } : {}),
    };
  });
  const components = f.components.map((x, i) => {
    const originals = parseWhole(x.originals || '0');
    const copies = parseWhole(x.copies || '0');
    if (Number.isNaN(originals) || Number.isNaN(copies)) problems.push(`Thành phần hồ sơ ${i + 1}: số bản chính, bản sao phải là số nguyên.`);
    return {
      name: x.name.trim(),
      originals,
      copies,
      required: x.required,
      ...(x.templateName.trim() ? { templateName: x.templateName.trim() } : {}),
      ...(x.templateUrl.trim() ? { templateUrl: x.templateUrl.trim() } : {}),
    };
  });
  if (f.applicantTypes.length === 0) problems.push('Chọn ít nhất một loại đối tượng thực hiện.');
  const schemaError = jsonError(f.formSchema, 'object');
  const workflowError = jsonError(f.workflow, 'array');
  if (schemaError) problems.push(`Biểu mẫu điện tử (formSchema): ${schemaError}`);
  if (workflowError) problems.push(`Quy trình xử lý (workflow): ${workflowError}`);
  if (problems.length) return { problems };
  return {
    content: {
      nationalCode: f.nationalCode.trim(),
      ...(f.localSuffix.trim() ? { localSuffix: f.localSuffix.trim() } : {}),
      name: f.name.trim(),
      field: f.field.trim(),
      agencyLevel: f.agencyLevel,
      competentAgency: f.competentAgency.trim(),
      onlineLevel: f.onlineLevel,
      ...(f.identityLevel2 ? { minIdentityLevel: 2 as const } : {}),
      processingTime: {
        value: f.timeUnit === 'same_day' ? 1 : value,
        unit: f.timeUnit,
        ...(f.timeUnit === 'same_day' ? { cutoff: f.timeCutoff } : {}),
        ...(f.timeNote.trim() ? { note: f.timeNote.trim() } : {}),
      },
      fees,
      components,
      applicantTypes: f.applicantTypes,
      applicants: f.applicants.trim(),
      legalBasis: f.legalBasis
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
      resultType: f.resultType.trim(),
      steps: f.steps.trim(),
      methods: f.methods.trim(),
      ...(f.requirements.trim() ? { requirements: f.requirements.trim() } : {}),
      formSchema: JSON.parse(f.formSchema) as Record<string, unknown>,
      workflow: JSON.parse(f.workflow) as ProcedureContent['workflow'],
    },
  };
}

/** A message carried over the navigation from "moi" to the new procedure's address. */
let flash = '';

export function ProcedureEditor({ id }: { id: string }) {
  const isNew = id === NEW;
  const loaded = useFetch<AdminProcedure>(isNew ? null : `/api/v1/admin/procedures/${encodeURIComponent(id)}`);
  usePageTitle(isNew ? 'Thêm thủ tục' : loaded.data ? `Sửa: ${loaded.data.content.name}` : 'Sửa thủ tục');
  if (isNew) return <EditorForm procedure={null} onSaved={() => undefined} />;
  if (!loaded.data)
    return loaded.error ? (
      <>
        <BackLink />
        <ErrorMessage error={loaded.error} />
      </>
    ) : (
      <Loading />
    );
  return <EditorForm procedure={loaded.data} onSaved={loaded.setData} />;
}

const BackLink = () => (
  <p className="back">
    <Link to="/quan-tri/thu-tuc">‹ Danh sách thủ tục</Link>
  </p>
);

function EditorForm({ procedure, onSaved }: { procedure: AdminProcedure | null; onSaved: (p: AdminProcedure) => void }) {
  const me = useMe();
  const agencies = useAgencies();
  const [form, setForm] = useState<Form>(() => toForm(procedure?.content ?? null));
  const [agencyId, setAgencyId] = useState(me.agency.id);
  const [notice, setNotice] = useState(() => {
    const m = flash;
    flash = '';
    return m;
  });
  const [problems, setProblems] = useState<string[]>([]);
  const { busy, error, run } = useAction();
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((x) => ({ ...x, [k]: v }));
  const text = (k: { [K in keyof Form]: Form[K] extends string ? K : never }[keyof Form]) => ({
    value: form[k],
    onChange: (e: { target: { value: string } }) => set(k, e.target.value),
  });
  const schemaError = jsonError(form.formSchema, 'object');
  const workflowError = jsonError(form.workflow, 'array');

  const save = (e: FormEvent) => {
    e.preventDefault();
    setNotice('');
    const result = toContent(form);
    if ('problems' in result) {
      setProblems(result.problems);
      return;
    }
    setProblems([]);
    void run(async () => {
      if (!procedure) {
        const created = await api<AdminProcedure>('/api/v1/admin/procedures', { body: { agencyId, content: result.content } });
        flash = `Đã tạo thủ tục (bản nháp), đã lưu phiên bản ${formatNumber(created.version)}.`;
        navigate(`/quan-tri/thu-tuc/${created.id}`, { replace: true });
        return;
      }
      const saved = await api<AdminProcedure>(`/api/v1/admin/procedures/${procedure.id}`, { method: 'PUT', body: { content: result.content } });
      onSaved(saved);
      setForm(toForm(saved.content));
      setNotice(`Đã lưu phiên bản ${formatNumber(saved.version)}.`);
    });
  };

  const setStatus = (verb: 'publish' | 'unpublish') =>
    procedure &&
    void run(async () => {
      setNotice('');
      const p = await api<AdminProcedure>(`/api/v1/admin/procedures/${procedure.id}/${verb}`, { method: 'POST' });
      onSaved(p);
      setNotice(verb === 'publish' ? `Đã công bố phiên bản ${formatNumber(p.version)}.` : 'Đã ngừng công bố thủ tục.');
    });

  const publishable = procedure && (procedure.status !== 'published' || procedure.publishedVersion !== procedure.version);
  return (
    <>
      <BackLink />
      <div className="page-head">
        <h1>{procedure ? `Sửa thủ tục: ${procedure.content.name}` : 'Thêm thủ tục'}</h1>
        {procedure && (
          <div className="toolbar-actions">
            <StatusBadge status={procedure.status} />
            <span className="muted">
              Phiên bản {formatNumber(procedure.version)}
              {procedure.publishedVersion ? ` (đang công bố: phiên bản ${formatNumber(procedure.publishedVersion)})` : ''}
            </span>
            {publishable && (
              <button type="button" className="btn btn-primary btn-small" disabled={busy} onClick={() => setStatus('publish')}>
                Công bố
              </button>
            )}
            {procedure.status === 'published' && (
              <button type="button" className="btn btn-small" disabled={busy} onClick={() => setStatus('unpublish')}>
                Ngừng công bố
              </button>
            )}
          </div>
        )}
      </div>

      <form className="editor" onSubmit={save} noValidate>
        <section className="card form" aria-labelledby="s-chung">
          <h2 id="s-chung">Thông tin chung</h2>
          <div className="grid-2">
            <Field label="Mã thủ tục quốc gia" hint="Dạng 1.001193">
              <input {...text('nationalCode')} required pattern="[0-9]\.[0-9]{6}" spellCheck={false} />
            </Field>
            <Field label="Hậu tố mã địa phương" hint="Không bắt buộc, ví dụ 000.00.00.H13">
              <input {...text('localSuffix')} spellCheck={false} onChange={(e) => set('localSuffix', e.target.value.toUpperCase())} />
            </Field>
            <Field label="Tên thủ tục" className="span-2">
              <textarea {...text('name')} rows={2} required maxLength={500} />
            </Field>
            <Field label="Lĩnh vực">
              <input {...text('field')} required maxLength={200} />
            </Field>
            <Field label="Cơ quan thực hiện">
              <input {...text('competentAgency')} required maxLength={300} />
            </Field>
            <Field label="Cấp thực hiện">
              <select value={form.agencyLevel} onChange={(e) => set('agencyLevel', e.target.value as AgencyLevel)}>
                {keysOf(AGENCY_LEVELS).map((k) => (
                  <option key={k} value={k}>
                    {AGENCY_LEVELS[k]}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Mức độ dịch vụ công">
              <select value={form.onlineLevel} onChange={(e) => set('onlineLevel', e.target.value as OnlineLevel)}>
                {keysOf(ONLINE_LEVELS).map((k) => (
                  <option key={k} value={k}>
                    {ONLINE_LEVELS[k]}
                  </option>
                ))}
              </select>
            </Field>
            <label className="check">
              <input type="checkbox" checked={form.identityLevel2} onChange={(e) => set('identityLevel2', e.target.checked)} />
              Nộp trực tuyến cần tài khoản định danh điện tử mức 2 (VNeID)
            </label>
            {procedure ? (
              <p className="field">
                <span className="field-label">Cơ quan quản lý</span>
                {agencies.byId.get(procedure.agencyId)?.name ?? '—'}
              </p>
            ) : (
              <Field label="Cơ quan quản lý">
                <select value={agencyId} onChange={(e) => setAgencyId(e.target.value)}>
                  {!agencies.data && <option value={me.agency.id}>{me.agency.name}</option>}
                  <AgencyOptions agencies={agencies.items} depth={agencies.depth} />
                </select>
              </Field>
            )}
          </div>
        </section>

        <section className="card form" aria-labelledby="s-thoi-han">
          <h2 id="s-thoi-han">Thời hạn giải quyết</h2>
          <div className="grid-3">
            {form.timeUnit === 'same_day' ? (
              <Field label="Tiếp nhận sau giờ này thì trả ngày làm việc tiếp theo">
                <input type="time" value={form.timeCutoff} onChange={(e) => set('timeCutoff', e.target.value)} required />
              </Field>
            ) : (
              <Field label="Số lượng">
                <input {...text('timeValue')} inputMode="decimal" required />
              </Field>
            )}
            <Field label="Đơn vị">
              <select value={form.timeUnit} onChange={(e) => set('timeUnit', e.target.value as Form['timeUnit'])}>
                {keysOf(TIME_UNITS).map((k) => (
                  <option key={k} value={k}>
                    {TIME_UNITS[k]}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Ghi chú">
              <input {...text('timeNote')} maxLength={1000} />
            </Field>
          </div>
        </section>

        <section className="card form" aria-labelledby="s-phi">
          <h2 id="s-phi">Phí, lệ phí</h2>
          <RowsEditor
            rowTitle="Khoản thu"
            items={form.fees}
            onChange={(v) => set('fees', v)}
            addLabel="Thêm phí, lệ phí"
            empty="Không thu phí, lệ phí."
            blank={(): Form['fees'][number] => ({ kind: 'charge', name: '', amount: '', note: '', perField: '', perUnit: '' })}>
            {(x, update) => (
              <>
                <Field label="Loại">
                  <select value={x.kind} onChange={(e) => update({ kind: e.target.value as FeeItem['kind'] })}>
                    <option value="fee">Phí</option>
                    <option value="charge">Lệ phí</option>
                  </select>
                </Field>
                <Field label="Tên khoản thu">
                  <input value={x.name} onChange={(e) => update({ name: e.target.value })} required />
                </Field>
                <Field label="Mức thu (đồng)" hint="0 = miễn phí; để trống = theo quy định">
                  <input value={x.amount} onChange={(e) => update({ amount: e.target.value })} inputMode="numeric" />
                </Field>
                <Field label="Ghi chú">
                  <input value={x.note} onChange={(e) => update({ note: e.target.value })} />
                </Field>
                <Field label="Thu theo số lượng: trường của tờ khai" hint="Mã trường số nguyên bắt buộc (vd. soBanSao); để trống nếu thu một lần">
                  <input value={x.perField} onChange={(e) => update({ perField: e.target.value })} />
                </Field>
                <Field label="Đơn vị tính" hint="vd. bản">
                  <input value={x.perUnit} onChange={(e) => update({ perUnit: e.target.value })} />
                </Field>
              </>
            )}
          </RowsEditor>
        </section>

        <section className="card form" aria-labelledby="s-ho-so">
          <h2 id="s-ho-so">Thành phần hồ sơ</h2>
          <RowsEditor
            rowTitle="Giấy tờ"
            items={form.components}
            onChange={(v) => set('components', v)}
            addLabel="Thêm thành phần hồ sơ"
            empty="Chưa có thành phần hồ sơ."
            blank={() => ({ name: '', originals: '1', copies: '0', templateName: '', templateUrl: '', required: true })}>
            {(x, update) => (
              <>
                <Field label="Tên giấy tờ" className="span-2">
                  <textarea rows={2} value={x.name} onChange={(e) => update({ name: e.target.value })} required />
                </Field>
                <Field label="Số bản chính">
                  <input value={x.originals} onChange={(e) => update({ originals: e.target.value })} inputMode="numeric" />
                </Field>
                <Field label="Số bản sao">
                  <input value={x.copies} onChange={(e) => update({ copies: e.target.value })} inputMode="numeric" />
                </Field>
                <Field label="Mẫu đơn, tờ khai">
                  <input value={x.templateName} onChange={(e) => update({ templateName: e.target.value })} />
                </Field>
                <Field label="Đường dẫn tải mẫu" hint="Bắt đầu bằng https:// hoặc /">
                  <input type="url" value={x.templateUrl} onChange={(e) => update({ templateUrl: e.target.value })} spellCheck={false} />
                </Field>
                <label className="check standalone">
                  <input type="checkbox" checked={x.required} onChange={(e) => update({ required: e.target.checked })} /> Bắt buộc
                </label>
              </>
            )}
          </RowsEditor>
        </section>

        <section className="card form" aria-labelledby="s-thuc-hien">
          <h2 id="s-thuc-hien">Đối tượng và cách thực hiện</h2>
          <fieldset className="checkbox-group">
            <legend>Loại đối tượng thực hiện</legend>
            {keysOf(APPLICANT_TYPES).map((t) => (
              <label key={t} className="check">
                <input
                  type="checkbox"
                  checked={form.applicantTypes.includes(t)}
                  onChange={(e) => set('applicantTypes', e.target.checked ? [...form.applicantTypes, t] : form.applicantTypes.filter((x) => x !== t))}
                />
                {APPLICANT_TYPES[t]}
              </label>
            ))}
          </fieldset>
          <Field label="Đối tượng thực hiện">
            <textarea {...text('applicants')} rows={2} required />
          </Field>
          <Field label="Trình tự thực hiện">
            <textarea {...text('steps')} rows={6} required />
          </Field>
          <Field label="Cách thức thực hiện">
            <textarea {...text('methods')} rows={4} required />
          </Field>
          <Field label="Yêu cầu, điều kiện thực hiện">
            <textarea {...text('requirements')} rows={3} />
          </Field>
          <Field label="Căn cứ pháp lý" hint="Mỗi văn bản một dòng.">
            <textarea {...text('legalBasis')} rows={4} />
          </Field>
          <Field label="Kết quả thực hiện">
            <textarea {...text('resultType')} rows={2} required />
          </Field>
        </section>

        <section className="card form" aria-labelledby="s-json">
          <h2 id="s-json">Biểu mẫu điện tử và quy trình xử lý</h2>
          <JsonField
            label="Biểu mẫu điện tử (formSchema, JSON Schema)"
            id="formSchema"
            value={form.formSchema}
            error={schemaError}
            onChange={(v) => set('formSchema', v)}
          />
          <JsonField label="Quy trình xử lý (workflow, JSON)" id="workflow" value={form.workflow} error={workflowError} onChange={(v) => set('workflow', v)} />
        </section>

        <div className="save-bar">
          {problems.length > 0 && (
            <div className="alert alert-error" role="alert">
              <p>Vui lòng sửa các lỗi sau:</p>
              <ul>
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          )}
          <ErrorMessage error={error} />
          <Notice>{notice}</Notice>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {procedure ? 'Lưu phiên bản mới' : 'Tạo thủ tục'}
            </button>
            <Link to="/quan-tri/thu-tuc" className="btn">
              Quay lại danh sách
            </Link>
          </div>
        </div>
      </form>

      {procedure && (
        <section className="card" aria-labelledby="s-lich-su">
          <h2 id="s-lich-su">Lịch sử phiên bản</h2>
          <ol className="versions" reversed>
            {procedure.versions.map((v) => (
              <li key={v.version}>
                <strong>Phiên bản {formatNumber(v.version)}</strong> — {formatDateTime(v.createdAt)}
                {v.createdBy ? ` — ${v.createdBy}` : ' — hệ thống'}
                {v.version === procedure.publishedVersion && procedure.status === 'published' ? (
                  <>
                    {' '}
                    <StatusBadge status="published" />
                  </>
                ) : null}
              </li>
            ))}
          </ol>
        </section>
      )}
    </>
  );
}

function JsonField({ label, id, value, error, onChange }: { label: string; id: string; value: string; error: string | null; onChange: (v: string) => void }) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={`json-${id}`}>
        {label}
      </label>
      <textarea
        id={`json-${id}`}
        className="code"
        rows={10}
        value={value}
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `json-${id}-error` : undefined}
      />
      {error && (
        <span id={`json-${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}
