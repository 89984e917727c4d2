// The dossier form shared by online submission (citizen) and reception at the counter (officer): competent agency,
// applicant, the generated form, files per component; validated here, then by the server, whose messages are
// shown next to the fields; submitted once with an Idempotency-Key kept for the life of the form.
import { useEffect, useMemo, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import type { Agency, AgencyKind, AgencyLevel, ApplicantInput, Channel, Citizen, Draft, PublicProcedure } from '../api.ts';
import { CHANNELS, formatInstant, formatDay } from '../format.ts';
import { ErrorMessage, Notice, useAction, useFetch } from '../ui.tsx';
import { FileSlots, fromRefs, missingRequired, toRefs, toStoredRefs, type AttachedFile, type StoredPick } from './FileSlots.tsx';
import type { StoredDocument } from './MyDocuments.tsx';
import { ACCEPT, newIdempotencyKey, postWithKey, uploadFile } from './requests.ts';
import { FeesDueNotice, fixedFees } from './Fees.tsx';
import {
  CheckedField,
  SchemaForm,
  invalidProps,
  requiredLabel,
  serverErrors,
  toFormData,
  toFormValues,
  validateForm,
  type FieldErrors,
  type FormSchema,
  type FormValues,
} from './SchemaForm.tsx';

/** The kind of agency competent for a procedure of each level. */
export const COMPETENT_KINDS: Record<AgencyLevel, AgencyKind> = { commune: 'commune_committee', department: 'department', province: 'province_committee' };

export const competentAgencies = (agencies: Agency[], level: AgencyLevel) =>
  agencies.filter((a) => a.active && a.kind === COMPETENT_KINDS[level]).sort((x, y) => x.name.localeCompare(y.name, 'vi'));

/** Whom the dossier is for: online, the signed-in citizen themself, another person (with a giấy ủy quyền), or an organisation. */
type Party = 'self' | 'person' | 'organisation';
type ApplicantValues = { name: string; idNumber: string; taxCode: string; address: string; phone: string; email: string };
type Role = 'legal_representative' | 'authorised';

const TAX_CODE = /^\d{10}(-?\d{3})?$/;

function validateApplicant(a: ApplicantValues, party: Party, online: boolean, ownIdNumber: string | undefined): FieldErrors {
  const e: FieldErrors = {};
  if (party === 'organisation') {
    if (a.name.trim().length < 2) e.name = 'Vui lòng nhập tên tổ chức, doanh nghiệp.';
    if (!TAX_CODE.test(a.taxCode.trim())) e.taxCode = 'Mã số thuế gồm 10 chữ số, hoặc 13 chữ số (dạng 10 số - 3 số) với đơn vị phụ thuộc.';
  } else if (party === 'person') {
    if (a.name.trim().length < 2) e.name = online ? 'Vui lòng nhập họ và tên người ủy quyền.' : 'Vui lòng nhập họ và tên người nộp hồ sơ.';
    if (!/^\d{12}$/.test(a.idNumber.trim())) e.idNumber = 'Số định danh cá nhân phải gồm đúng 12 chữ số.';
    else if (online && a.idNumber.trim() === ownIdNumber) e.idNumber = 'Đây là số định danh của bạn: hãy chọn "Bản thân tôi".';
  }
  if (a.phone.trim() && !/^\+?[0-9 .-]{8,20}$/.test(a.phone.trim())) e.phone = 'Số điện thoại không hợp lệ (8–20 chữ số).';
  if (a.email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(a.email.trim())) e.email = 'Địa chỉ thư điện tử không hợp lệ.';
  return e;
}

/** The applicant to send: online, the citizen's own name and ID number are never sent (the server takes them from the e-ID). */
const applicantBody = (a: ApplicantValues, party: Party): ApplicantInput => {
  const out: ApplicantInput =
    party === 'organisation'
      ? { kind: 'organisation', name: a.name.trim(), taxCode: a.taxCode.trim() }
      : party === 'person'
        ? { name: a.name.trim(), idNumber: a.idNumber.trim() }
        : {};
  for (const k of ['address', 'phone', 'email'] as const) if (a[k].trim()) out[k] = a[k].trim();
  return out;
};

/** The giấy ủy quyền: one file, uploaded when chosen. */
function AuthorisationSlot({
  file,
  onChange,
  error,
  disabled,
}: {
  file: AttachedFile | null;
  onChange: (f: AttachedFile | null) => void;
  error?: string;
  disabled?: boolean;
}) {
  const [busy, setBusy] = useState('');
  const [failed, setFailed] = useState('');
  const choose = async (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.currentTarget;
    const chosen = input.files?.[0];
    if (!chosen) return;
    setFailed('');
    setBusy(chosen.name);
    try {
      const u = await uploadFile(chosen);
      onChange({ componentIndex: -1, uploadId: u.id, name: u.name, size: u.size });
    } catch (err) {
      setFailed(err instanceof Error ? err.message : String(err));
    }
    setBusy('');
    input.value = '';
  };
  return (
    <div className="file-slot span-2">
      <CheckedField
        label={requiredLabel('Giấy ủy quyền', true)}
        error={failed || error}
        hint="Văn bản ủy quyền theo quy định; tệp PDF, JPEG hoặc PNG, tối đa 10 MB.">
        <input type="file" accept={ACCEPT} onChange={choose} disabled={disabled || Boolean(busy)} aria-required="true" {...invalidProps(failed || error)} />
      </CheckedField>
      {busy && (
        <p className="loading small" role="status">
          Đang tải lên “{busy}”…
        </p>
      )}
      {file && (
        <p className="small">
          <span className="file-ok" aria-hidden="true">
            ✓
          </span>{' '}
          {file.name} <span className="visually-hidden">đã tải lên</span>
          <button type="button" className="btn btn-link" disabled={disabled} onClick={() => onChange(null)}>
            Gỡ bỏ<span className="visually-hidden"> giấy ủy quyền</span>
          </button>
        </p>
      )}
    </div>
  );
}

/** The chosen desk's Saturday-morning reception, if it has one (deadlines still count from the next working day). */
const saturdayLine = (a: Agency | undefined) =>
  a?.saturdaySession ? ` Bộ phận một cửa nhận hồ sơ sáng thứ Bảy từ ${a.saturdaySession.start} đến ${a.saturdaySession.end}.` : '';

export function DossierForm({
  procedure,
  agencies,
  mode,
  citizen,
  defaultAgencyId,
  draft,
  onSaveDraft,
  onDone,
}: {
  procedure: PublicProcedure;
  agencies: Agency[];
  mode: 'online' | 'counter';
  citizen?: Citizen;
  defaultAgencyId?: string;
  draft?: Draft | null;
  onSaveDraft?: (formData: Record<string, unknown>, files: AttachedFile[]) => Promise<Draft>;
  onDone: (created: { id: string; code: string }) => void;
}) {
  const c = procedure.content;
  const schema = c.formSchema as FormSchema;
  const online = mode === 'online';
  const choices = useMemo(() => competentAgencies(agencies, c.agencyLevel), [agencies, c.agencyLevel]);
  const [agencyId, setAgencyId] = useState(() =>
    choices.length === 1 ? choices[0].id : choices.some((a) => a.id === defaultAgencyId) ? defaultAgencyId! : '',
  );
  const [channel, setChannel] = useState<Channel>(online ? 'online' : 'counter');
  const organisations = c.applicantTypes.some((t) => t === 'business' || t === 'organization');
  const [party, setParty] = useState<Party>(online ? 'self' : 'person');
  const [role, setRole] = useState<Role>('legal_representative');
  const [authorisation, setAuthorisation] = useState<AttachedFile | null>(null);
  const needsAuthorisation = online && (party === 'person' || (party === 'organisation' && role === 'authorised'));
  const [applicant, setApplicant] = useState<ApplicantValues>({
    name: '',
    idNumber: '',
    taxCode: '',
    address: '',
    phone: citizen?.phone ?? '',
    email: citizen?.email ?? '',
  });
  const [values, setValues] = useState<FormValues>(() => toFormValues(schema, draft?.formData));
  const [files, setFiles] = useState<AttachedFile[]>(() => fromRefs(draft?.files ?? []));
  // Online, the citizen may take components from their data store instead of uploading them again.
  const stored = useFetch<{ items: StoredDocument[] }>(online ? '/api/v1/citizen/documents' : null);
  const [picks, setPicks] = useState<StoredPick[]>([]);
  const [errors, setErrors] = useState<{ agency?: string; applicant: FieldErrors; authorisation?: string; form: FieldErrors; files: Record<number, string> }>({
    applicant: {},
    form: {},
    files: {},
  });
  const [notice, setNotice] = useState(draft ? `Đã mở bản nháp lưu lúc ${formatInstant(draft.updatedAt)}.` : '');
  const [key] = useState(newIdempotencyKey);
  const submitting = useAction();
  const saving = useAction();
  const formRef = useRef<HTMLFormElement>(null);
  const [focusTick, setFocusTick] = useState(0);

  useEffect(() => {
    if (focusTick) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusTick]);

  const setApplicantField = (k: keyof ApplicantValues) => (e: { target: { value: string } }) => setApplicant((a) => ({ ...a, [k]: e.target.value }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setNotice('');
    const found = {
      agency: agencyId ? undefined : 'Vui lòng chọn cơ quan giải quyết hồ sơ.',
      applicant: validateApplicant(applicant, party, online, citizen?.idNumber),
      authorisation: needsAuthorisation && !authorisation ? 'Vui lòng đính kèm giấy ủy quyền.' : undefined,
      form: validateForm(schema, values),
      files: Object.fromEntries((online ? missingRequired(c.components, [...files, ...picks]) : []).map((i) => [i, 'Vui lòng đính kèm giấy tờ bắt buộc này.'])),
    };
    setErrors(found);
    const invalid = found.agency || found.authorisation || [found.applicant, found.form, found.files].some((x) => Object.keys(x).length > 0);
    if (invalid) {
      submitting.setError(new Error('Hồ sơ chưa đầy đủ. Vui lòng kiểm tra lại các mục được đánh dấu.'));
      setFocusTick((t) => t + 1);
      return;
    }
    void submitting.run(async () => {
      try {
        const created = await postWithKey<{ id: string; code: string }>(
          '/api/v1/dossiers',
          {
            procedureId: procedure.id,
            agencyId,
            channel,
            applicant: applicantBody(applicant, party),
            formData: toFormData(schema, values),
            files: toRefs(files),
            ...(needsAuthorisation && authorisation ? { authorisation: { uploadId: authorisation.uploadId } } : {}),
            ...(picks.length ? { storedDocuments: toStoredRefs(picks) } : {}),
          },
          key,
        );
        onDone(created);
      } catch (err) {
        const mapped = serverErrors(err);
        setErrors({ applicant: mapped.applicant, form: mapped.form, files: mapped.files });
        setFocusTick((t) => t + 1);
        throw err;
      }
    });
  };

  const saveDraft = () => {
    if (!onSaveDraft) return;
    setNotice('');
    void saving.run(async () => {
      const saved = await onSaveDraft(toFormData(schema, values), files);
      setNotice(`Đã lưu nháp lúc ${formatInstant(saved.updatedAt)}. Bạn có thể quay lại hoàn thiện và nộp sau.`);
    });
  };

  const busy = submitting.busy || saving.busy;
  return (
    <form ref={formRef} className="form dossier-form" onSubmit={submit} noValidate aria-busy={busy}>
      <section className="detail-section" aria-labelledby="co-quan">
        <h2 id="co-quan">1. Cơ quan giải quyết</h2>
        <CheckedField
          label={requiredLabel('Cơ quan tiếp nhận, giải quyết hồ sơ', true)}
          error={errors.agency}
          hint={`Thủ tục do ${c.competentAgency} giải quyết.${saturdayLine(choices.find((a) => a.id === agencyId))}`}>
          <select value={agencyId} onChange={(e) => setAgencyId(e.target.value)} aria-required="true" {...invalidProps(errors.agency)} disabled={busy}>
            <option value="">— Chọn cơ quan —</option>
            {choices.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </CheckedField>
        {!online && (
          <fieldset className="choice-group">
            <legend>Hình thức nhận hồ sơ</legend>
            {(['counter', 'post'] as const).map((ch) => (
              <label key={ch} className="check">
                <input type="radio" name="channel" value={ch} checked={channel === ch} onChange={() => setChannel(ch)} disabled={busy} />
                {CHANNELS[ch]}
              </label>
            ))}
          </fieldset>
        )}
      </section>

      <section className="detail-section" aria-labelledby="nguoi-nop">
        <h2 id="nguoi-nop">2. Thông tin người nộp hồ sơ</h2>
        {(online || organisations) && (
          <fieldset className="choice-group">
            <legend>Nộp hồ sơ cho</legend>
            {(
              [
                ...(online
                  ? [
                      ['self', 'Bản thân tôi'],
                      ['person', 'Người khác (có giấy ủy quyền)'],
                    ]
                  : [['person', 'Cá nhân']]),
                ...(organisations ? [['organisation', 'Tổ chức, doanh nghiệp']] : []),
              ] as [Party, string][]
            ).map(([value, label]) => (
              <label key={value} className="check">
                <input type="radio" name="party" value={value} checked={party === value} onChange={() => setParty(value)} disabled={busy} />
                {label}
              </label>
            ))}
          </fieldset>
        )}
        <div className="grid-2">
          {online && citizen && (
            <>
              <p className="span-2 muted small">
                {party === 'self' ? 'Người nộp hồ sơ' : 'Người nộp (người đại diện, người được ủy quyền)'}: theo tài khoản định danh điện tử, không cần khai
                lại.
              </p>
              <CheckedField label="Họ và tên" hint="Theo tài khoản định danh điện tử.">
                <input value={citizen.fullName} readOnly />
              </CheckedField>
              <CheckedField label="Số định danh cá nhân" hint="Theo tài khoản định danh điện tử.">
                <input value={citizen.idNumber} readOnly />
              </CheckedField>
              {citizen.birthDate && (
                <CheckedField label="Ngày sinh" hint="Theo tài khoản định danh điện tử.">
                  <input value={formatDay(citizen.birthDate)} readOnly />
                </CheckedField>
              )}
            </>
          )}
          {party === 'person' && (
            <>
              <CheckedField label={requiredLabel(online ? 'Họ và tên người ủy quyền' : 'Họ và tên', true)} error={errors.applicant.name}>
                <input
                  value={applicant.name}
                  onChange={setApplicantField('name')}
                  autoComplete="off"
                  maxLength={200}
                  aria-required="true"
                  disabled={busy}
                  {...invalidProps(errors.applicant.name)}
                />
              </CheckedField>
              <CheckedField
                label={requiredLabel(online ? 'Số định danh cá nhân người ủy quyền' : 'Số định danh cá nhân', true)}
                error={errors.applicant.idNumber}
                hint="Gồm 12 chữ số.">
                <input
                  value={applicant.idNumber}
                  inputMode="numeric"
                  maxLength={12}
                  aria-required="true"
                  disabled={busy}
                  {...invalidProps(errors.applicant.idNumber)}
                  onChange={(e) => setApplicant((a) => ({ ...a, idNumber: e.target.value.replace(/\D/g, '').slice(0, 12) }))}
                />
              </CheckedField>
            </>
          )}
          {party === 'organisation' && (
            <>
              <CheckedField label={requiredLabel('Tên tổ chức, doanh nghiệp', true)} error={errors.applicant.name}>
                <input
                  value={applicant.name}
                  onChange={setApplicantField('name')}
                  autoComplete="organization"
                  maxLength={200}
                  aria-required="true"
                  disabled={busy}
                  {...invalidProps(errors.applicant.name)}
                />
              </CheckedField>
              <CheckedField
                label={requiredLabel('Mã số thuế', true)}
                error={errors.applicant.taxCode}
                hint="10 chữ số, hoặc 13 chữ số (10 số - 3 số) với chi nhánh, đơn vị phụ thuộc.">
                <input
                  value={applicant.taxCode}
                  onChange={setApplicantField('taxCode')}
                  inputMode="numeric"
                  maxLength={14}
                  aria-required="true"
                  disabled={busy}
                  {...invalidProps(errors.applicant.taxCode)}
                />
              </CheckedField>
              {online && (
                <fieldset className="choice-group span-2">
                  <legend>Tư cách người nộp</legend>
                  {(
                    [
                      ['legal_representative', 'Người đại diện theo pháp luật'],
                      ['authorised', 'Người được ủy quyền'],
                    ] as [Role, string][]
                  ).map(([value, label]) => (
                    <label key={value} className="check">
                      <input type="radio" name="role" value={value} checked={role === value} onChange={() => setRole(value)} disabled={busy} />
                      {label}
                    </label>
                  ))}
                </fieldset>
              )}
            </>
          )}
          {needsAuthorisation && <AuthorisationSlot file={authorisation} onChange={setAuthorisation} error={errors.authorisation} disabled={busy} />}
          <div className="span-2">
            <CheckedField label="Địa chỉ liên hệ" error={errors.applicant.address}>
              <input
                value={applicant.address}
                onChange={setApplicantField('address')}
                autoComplete={online ? 'street-address' : 'off'}
                maxLength={500}
                disabled={busy}
                {...invalidProps(errors.applicant.address)}
              />
            </CheckedField>
          </div>
          <CheckedField label="Số điện thoại" error={errors.applicant.phone}>
            <input
              type="tel"
              value={applicant.phone}
              onChange={setApplicantField('phone')}
              autoComplete={online ? 'tel' : 'off'}
              maxLength={20}
              disabled={busy}
              {...invalidProps(errors.applicant.phone)}
            />
          </CheckedField>
          <CheckedField label="Thư điện tử" error={errors.applicant.email}>
            <input
              type="email"
              value={applicant.email}
              onChange={setApplicantField('email')}
              autoComplete={online ? 'email' : 'off'}
              maxLength={254}
              disabled={busy}
              {...invalidProps(errors.applicant.email)}
            />
          </CheckedField>
        </div>
      </section>

      <section className="detail-section" aria-labelledby="to-khai">
        <h2 id="to-khai">3. Tờ khai</h2>
        <SchemaForm schema={schema} values={values} onChange={setValues} errors={errors.form} disabled={busy} />
      </section>

      <section className="detail-section" aria-labelledby="giay-to">
        <h2 id="giay-to">4. Thành phần hồ sơ</h2>
        {!online && <p className="muted small">Tệp quét tại quầy được hệ thống ghi nhận là bản số hóa.</p>}
        <FileSlots
          components={c.components}
          files={files}
          onChange={setFiles}
          errors={errors.files}
          markRequired
          disabled={busy}
          store={stored.data ? { documents: stored.data.items, picks, onPick: setPicks } : undefined}
        />
      </section>

      {online && c.fees.length > 0 && (
        <section className="detail-section" aria-labelledby="phi">
          <h2 id="phi">5. Phí, lệ phí</h2>
          <FeesDueNotice due={fixedFees(c.fees, toFormData(schema, values))} />
        </section>
      )}

      <div className="form-footer">
        <ErrorMessage error={submitting.error} />
        <ErrorMessage error={saving.error} />
        <Notice>{notice}</Notice>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={submitting.busy}>
            {online ? 'Nộp hồ sơ' : 'Tiếp nhận hồ sơ'}
          </button>
          {onSaveDraft && (
            <button type="button" className="btn" onClick={saveDraft} disabled={busy} aria-busy={saving.busy}>
              Lưu nháp
            </button>
          )}
        </div>
      </div>
    </form>
  );
}
