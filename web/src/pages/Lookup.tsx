// Tra cứu hồ sơ: the public page a receipt's QR code opens. Shows status and dates; the applicant's name (masked) only
// with the last four digits of their ID or phone number, since dossier codes can be guessed.
import { useState, type FormEvent } from 'react';
import { DOSSIER_CODE_PATTERN } from '../../../src/dossiers/rules.ts';
import { formatInstant } from '../format.ts';
import { navigate } from '../router.tsx';
import { ErrorMessage, Field, Loading, useFetch, usePageTitle } from '../ui.tsx';

interface LookupResult {
  code: string;
  statusName: string;
  procedureName: string;
  agencyName: string;
  verified: boolean;
  applicantName: string | null;
  submittedAt: string | null;
  receivedAt: string | null;
  dueAt: string | null;
  finishedAt: string | null;
  apologized: boolean;
}

const validCode = new RegExp(DOSSIER_CODE_PATTERN);

export function Lookup({ code }: { code: string | null }) {
  usePageTitle(code ? `Tra cứu hồ sơ ${code}` : 'Tra cứu hồ sơ');
  const [input, setInput] = useState(code ?? '');
  const [factorInput, setFactorInput] = useState('');
  const [badCode, setBadCode] = useState(false);
  // Kept out of the address, so that it stays out of the browser's history.
  const [factor, setFactor] = useState('');
  const { data, error, loading } = useFetch<LookupResult>(code ? `/api/v1/lookup/${encodeURIComponent(code)}${factor ? `?verify=${factor}` : ''}` : null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFactor(/^[0-9]{4}$/.test(factorInput.trim()) ? factorInput.trim() : '');
    // Not upper-cased: imported codes may hold lower-case letters (the server also tries the upper-case form).
    const typed = input.trim();
    setBadCode(typed !== '' && !validCode.test(typed));
    if (validCode.test(typed)) navigate(`/tra-cuu/${encodeURIComponent(typed)}`);
  };
  return (
    <div className="container page">
      <h1>Tra cứu hồ sơ</h1>
      <form onSubmit={submit} className="card">
        <Field label="Mã hồ sơ" hint="Mã in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả, ví dụ H13.102-261122-0001.">
          <input value={input} onChange={(e) => setInput(e.target.value)} autoComplete="off" maxLength={60} aria-invalid={badCode} />
        </Field>
        {badCode && (
          <p className="field-error" role="alert">
            Mã hồ sơ chỉ gồm chữ cái không dấu, chữ số và các dấu . _ / -, tối đa 60 ký tự.
          </p>
        )}
        <Field
          label="4 số cuối số định danh hoặc số điện thoại của người nộp (không bắt buộc)"
          hint="Chỉ khi nhập đúng, trang mới hiện tên người nộp (đã che); không nhập vẫn xem được tình trạng hồ sơ.">
          <input value={factorInput} onChange={(e) => setFactorInput(e.target.value)} inputMode="numeric" maxLength={4} pattern="[0-9]{4}" autoComplete="off" />
        </Field>
        <button type="submit" className="btn btn-primary">
          Tra cứu
        </button>
      </form>
      {loading && <Loading />}
      {error && <ErrorMessage error={error} />}
      {data && (
        <section className="detail-section" aria-labelledby="ket-qua-tra-cuu">
          <h2 id="ket-qua-tra-cuu">Hồ sơ {data.code}</h2>
          <dl className="info-grid">
            <div>
              <dt>Tình trạng</dt>
              <dd>
                <strong>{data.statusName}</strong>
              </dd>
            </div>
            <div>
              <dt>Thủ tục</dt>
              <dd>{data.procedureName}</dd>
            </div>
            <div>
              <dt>Cơ quan giải quyết</dt>
              <dd>{data.agencyName}</dd>
            </div>
            {data.applicantName && (
              <div>
                <dt>Người nộp</dt>
                <dd>{data.applicantName}</dd>
              </div>
            )}
            <div>
              <dt>Ngày tiếp nhận</dt>
              <dd>{formatInstant(data.receivedAt ?? data.submittedAt)}</dd>
            </div>
            <div>
              <dt>Ngày hẹn trả</dt>
              <dd>
                {formatInstant(data.dueAt)}
                {data.apologized ? ' (đã hẹn lại)' : ''}
              </dd>
            </div>
            {data.finishedAt && (
              <div>
                <dt>Ngày giải quyết xong</dt>
                <dd>{formatInstant(data.finishedAt)}</dd>
              </div>
            )}
          </dl>
          {factor && !data.verified && <p className="muted">4 số cuối không khớp với người nộp: chỉ hiện tình trạng hồ sơ.</p>}
        </section>
      )}
    </div>
  );
}
