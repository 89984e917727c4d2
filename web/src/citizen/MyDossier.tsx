// One of the citizen's dossiers: status, dates, timeline, files, printed forms; supplement it when asked, or withdraw it.
import { useState, type FormEvent } from 'react';
import { ApiError, type Dossier, type PublicProcedure } from '../api.ts';
import { Link } from '../router.tsx';
import { ErrorMessage, Field, Loading, Notice, useAction, useFetch, usePageTitle } from '../ui.tsx';
import {
  ApplicantFacts,
  DossierFacts,
  extraDocumentsOf,
  FileTable,
  FormDataFacts,
  FormLinks,
  Section,
  StatusBadge,
  Timeline,
  useAgencies,
} from './DossierParts.tsx';
import { FileSlots, missingExtras, toRefs, type AttachedFile } from './FileSlots.tsx';
import { dossierAction } from './requests.ts';
import { CheckedField, invalidProps, type FormSchema } from './SchemaForm.tsx';
import { CitizenGate } from './session.tsx';
import { PaymentPanel } from './Payment.tsx';
import { RatingPanel } from './Rating.tsx';
import { ResultPanel } from '../results/ResultPanel.tsx';

export function MyDossierPage({ id }: { id: string }) {
  return <CitizenGate>{() => <MyDossier id={id} />}</CitizenGate>;
}

function MyDossier({ id }: { id: string }) {
  const res = useFetch<Dossier>(`/api/v1/dossiers/${encodeURIComponent(id)}`);
  const d = res.data;
  const procedure = useFetch<PublicProcedure>(d ? `/api/v1/procedures/${d.procedure.id}` : null);
  const agencyNames = useAgencies().names;
  const [notice, setNotice] = useState('');
  usePageTitle(d ? `Hồ sơ ${d.code}` : 'Hồ sơ của tôi');

  const breadcrumb = (
    <nav aria-label="Vị trí trang" className="breadcrumb">
      <ol>
        <li>
          <Link to="/">Trang chủ</Link>
        </li>
        <li>
          <Link to="/ho-so-cua-toi">Hồ sơ của tôi</Link>
        </li>
        {d && <li aria-current="page">{d.code}</li>}
      </ol>
    </nav>
  );
  if (!d) {
    return (
      <div className="container page">
        {breadcrumb}
        {res.error ? (
          res.error instanceof ApiError && res.error.status === 404 ? (
            <>
              <h1>Không tìm thấy hồ sơ</h1>
              <p>Hồ sơ không tồn tại hoặc không thuộc tài khoản của bạn.</p>
            </>
          ) : (
            <ErrorMessage error={res.error} />
          )
        ) : (
          <Loading />
        )}
      </div>
    );
  }
  const done = (message: string) => void res.reload().then(() => setNotice(message));
  const lastRequest = [...d.events].reverse().find((e) => e.action === 'request_supplement');
  const allowed = (action: string) => d.allowedActions.some((a) => a.action === action);
  const extras = extraDocumentsOf(lastRequest?.data);
  return (
    <div className="container page detail">
      {breadcrumb}
      <h1>Hồ sơ {d.code}</h1>
      <p className="badges">
        <StatusBadge status={d.status} name={d.statusName} />
      </p>
      <Notice>{notice}</Notice>

      {allowed('submit_supplement') && (
        <Section id="bo-sung" title="Bổ sung hồ sơ">
          <div className="alert alert-warning">
            <p>Cơ quan giải quyết yêu cầu bổ sung, hoàn thiện hồ sơ:</p>
            {Array.isArray(lastRequest?.data?.reasons) ? (
              <ul>
                {(lastRequest!.data!.reasons as string[]).map((r, i) => (
                  <li key={i}>{r}</li>
                ))}
              </ul>
            ) : (
              <p className="prose">{lastRequest?.note}</p>
            )}
            {extras.length > 0 && (
              <>
                <p>Giấy tờ cần nộp thêm (ngoài thành phần hồ sơ của thủ tục):</p>
                <ul>
                  {extras.map((name, i) => (
                    <li key={i}>{name}</li>
                  ))}
                </ul>
              </>
            )}
          </div>
          <SupplementForm
            dossier={d}
            schema={procedure.data?.content}
            extras={extras}
            onDone={() => done('Đã nộp bổ sung hồ sơ. Cơ quan giải quyết sẽ tiếp tục xử lý.')}
          />
        </Section>
      )}

      {(d.status === 9 || d.status === 10) && (
        <Section id="ket-qua" title="Kết quả giải quyết">
          <ResultPanel dossierId={d.id} />
        </Section>
      )}
      {d.status === 10 && (
        <Section id="danh-gia" title="Đánh giá mức độ hài lòng">
          <RatingPanel dossierId={d.id} />
        </Section>
      )}
      <Section id="phi-le-phi" title="Phí, lệ phí">
        <PaymentPanel dossierId={d.id} awaitingReception={!d.receivedAt && [1, 5].includes(d.status)} onPaid={res.reload} />
      </Section>
      <Section id="thong-tin" title="Thông tin hồ sơ">
        <DossierFacts dossier={d} agencyNames={agencyNames} />
      </Section>
      <Section id="qua-trinh" title="Quá trình giải quyết">
        <Timeline dossier={d} agencyNames={agencyNames} />
      </Section>
      <Section id="phieu" title="Giấy tờ do cơ quan phát hành">
        <FormLinks dossier={d} />
      </Section>
      <Section id="tep" title="Tệp đính kèm">
        <FileTable dossier={d} />
      </Section>
      <Section id="nguoi-nop" title="Người nộp hồ sơ">
        <ApplicantFacts dossier={d} />
      </Section>
      <Section id="to-khai" title="Tờ khai">
        <FormDataFacts data={d.formData} schema={procedure.data?.content.formSchema as FormSchema | undefined} />
      </Section>

      {allowed('withdraw') && (
        <Section id="rut-ho-so" title="Rút hồ sơ">
          <WithdrawForm dossier={d} onDone={() => done('Đã gửi yêu cầu rút hồ sơ tới cơ quan giải quyết.')} />
        </Section>
      )}
    </div>
  );
}

/** Files for the components, and one slot per document the request asked for outside them (each of those required). */
function SupplementForm({
  dossier: d,
  schema,
  extras,
  onDone,
}: {
  dossier: Dossier;
  schema?: PublicProcedure['content'];
  extras: string[];
  onDone: () => void;
}) {
  const [files, setFiles] = useState<AttachedFile[]>([]);
  const [note, setNote] = useState('');
  const [tried, setTried] = useState(false);
  const { busy, error, run } = useAction();
  // Once the citizen has tried to send, each requested document still without a file says so (and stops saying it once given).
  const missing = missingExtras(extras, files);
  const extraErrors = tried ? Object.fromEntries(missing.map((i) => [i, 'Vui lòng tải lên giấy tờ được yêu cầu bổ sung này.'])) : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (missing.length) return;
    void run(async () => {
      await dossierAction(d.id, d.revision, {
        action: 'submit_supplement',
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(files.length ? { files: toRefs(files) } : {}),
      });
      onDone();
    });
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      {schema ? (
        <FileSlots
          components={schema.components}
          extras={extras}
          files={files}
          onChange={setFiles}
          errors={{}}
          extraErrors={extraErrors}
          markRequired={false}
          disabled={busy}
        />
      ) : (
        <Loading label="Đang tải danh mục giấy tờ…" />
      )}
      <Field label="Ghi chú gửi cơ quan giải quyết">
        <textarea value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} disabled={busy} />
      </Field>
      <ErrorMessage error={error} />
      <button type="submit" className="btn btn-primary" disabled={busy || (!files.length && !note.trim())} aria-busy={busy}>
        Nộp bổ sung
      </button>
    </form>
  );
}

function WithdrawForm({ dossier: d, onDone }: { dossier: Dossier; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const { busy, error, run } = useAction();
  if (!open) {
    return (
      <>
        <p>Bạn có thể yêu cầu rút hồ sơ khi không còn nhu cầu giải quyết. Cơ quan giải quyết sẽ dừng xử lý và trả lại hồ sơ.</p>
        <button type="button" className="btn btn-danger" onClick={() => setOpen(true)}>
          Rút hồ sơ
        </button>
      </>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setMissing(true);
      return;
    }
    void run(async () => {
      await dossierAction(d.id, d.revision, { action: 'withdraw', reason: reason.trim() });
      onDone();
    });
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <CheckedField label="Lý do rút hồ sơ (bắt buộc)" error={missing && !reason.trim() ? 'Vui lòng nêu lý do rút hồ sơ.' : undefined}>
        <textarea
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={2000}
          aria-required="true"
          disabled={busy}
          autoFocus
          {...invalidProps(missing && !reason.trim() ? 'x' : undefined)}
        />
      </CheckedField>
      <ErrorMessage error={error} />
      <div className="form-actions">
        <button type="submit" className="btn btn-danger" disabled={busy} aria-busy={busy}>
          Gửi yêu cầu rút hồ sơ
        </button>
        <button type="button" className="btn" onClick={() => setOpen(false)} disabled={busy}>
          Hủy
        </button>
      </div>
    </form>
  );
}
