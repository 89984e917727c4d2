// Xác minh văn bản điện tử: the public page a result's QR code opens. Anyone checks a PDF's signatures (intact,
// who signed, when, with which certificate, whether it chains to a trusted authority) and whether it is the very
// file the platform issued; with a printed code, the registry entry it stands for.
import { useState, type ChangeEvent } from 'react';
import { api } from '../api.ts';
import { formatInstant } from '../format.ts';
import { ErrorMessage, Field, Loading, useAction, useFetch, usePageTitle } from '../ui.tsx';

interface PublicDocument {
  notation: string;
  title: string;
  agencyName: string;
  dossierCode: string;
  holder: string;
  signerName: string;
  signerTitle: string;
  issuedAt: string;
  sha256: string;
  verifyCode: string;
}
interface CertificateInfo {
  subject: Record<string, string>;
  issuer: Record<string, string>;
  serialNumber: string;
  validFrom: string;
  validTo: string;
}
interface SignatureCheck {
  index: number;
  intact: boolean;
  coversWholeDocument: boolean;
  trusted: boolean;
  validAtSigning: boolean;
  signedAt: string | null;
  signer: CertificateInfo | null;
  chain: CertificateInfo[];
  problem: string | null;
}
interface VerifyReport {
  verdict: 'genuine' | 'tampered' | 'untrusted' | 'not_issued' | 'unsigned';
  valid: boolean;
  message: string;
  sha256: string;
  signatures: SignatureCheck[];
  issued: PublicDocument | null;
  matchesIssued: boolean;
  testCertificates: boolean;
}

const VERDICTS: Record<VerifyReport['verdict'], string> = {
  genuine: 'Văn bản hợp lệ',
  tampered: 'Văn bản đã bị thay đổi',
  untrusted: 'Chứng thư số không được tin cậy',
  not_issued: 'Không phải văn bản do hệ thống phát hành',
  unsigned: 'Không có chữ ký số',
};

/** Sends the chosen PDF as it is (application/pdf) and returns the server's report. */
const verifyFile = (file: File) => api<VerifyReport>('/api/v1/verify', { body: file, headers: { 'content-type': 'application/pdf' } });

const yesNo = (v: boolean) => (v ? 'Có' : 'Không');

export function Verify({ code }: { code: string | null }) {
  usePageTitle(code ? `Xác minh văn bản ${code}` : 'Xác minh văn bản điện tử');
  const registered = useFetch<PublicDocument>(code ? `/api/v1/verify/${encodeURIComponent(code)}` : null);
  const [report, setReport] = useState<VerifyReport | null>(null);
  const { busy, error, run } = useAction();
  const choose = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    setReport(null);
    if (file) void run(async () => setReport(await verifyFile(file)));
  };
  return (
    <div className="container page">
      <h1>Xác minh văn bản điện tử</h1>
      <p>
        Kiểm tra kết quả giải quyết thủ tục hành chính dạng điện tử: chữ ký số còn nguyên vẹn không, ai ký, ký lúc nào, bằng chứng thư số nào, chứng thư có do
        tổ chức chứng thực tin cậy cấp không, và tệp có đúng là bản hệ thống đã phát hành không. Tệp chỉ dùng để kiểm tra, không được lưu lại.
      </p>
      {code && registered.loading && <Loading />}
      {code && registered.error && <ErrorMessage error={registered.error} />}
      {registered.data && (
        <section className="detail-section" aria-labelledby="van-ban-da-phat-hanh">
          <h2 id="van-ban-da-phat-hanh">Văn bản có mã xác minh {registered.data.verifyCode}</h2>
          <DocumentFacts doc={registered.data} />
          <p>Chọn tệp PDF bạn nhận được để đối chiếu với bản đã phát hành.</p>
        </section>
      )}
      <div className="card">
        <Field label="Tệp văn bản (PDF)" hint="Tệp kết quả điện tử đã ký số, tối đa 20 MB.">
          <input type="file" accept="application/pdf,.pdf" onChange={choose} disabled={busy} />
        </Field>
        {busy && <Loading label="Đang kiểm tra chữ ký số…" />}
        <ErrorMessage error={error} />
      </div>
      {report && <Report report={report} code={code} />}
    </div>
  );
}

function DocumentFacts({ doc }: { doc: PublicDocument }) {
  return (
    <dl className="info-grid">
      <div>
        <dt>Văn bản</dt>
        <dd>
          <strong>{doc.title}</strong>
        </dd>
      </div>
      <div>
        <dt>Số, ký hiệu</dt>
        <dd>{doc.notation}</dd>
      </div>
      <div>
        <dt>Cơ quan ban hành</dt>
        <dd>{doc.agencyName}</dd>
      </div>
      <div>
        <dt>Người ký</dt>
        <dd>
          {doc.signerTitle} {doc.signerName}
        </dd>
      </div>
      <div>
        <dt>Ngày ký</dt>
        <dd>{formatInstant(doc.issuedAt)}</dd>
      </div>
      <div>
        <dt>Hồ sơ</dt>
        <dd>
          {doc.dossierCode} — {doc.holder}
        </dd>
      </div>
      <div>
        <dt>Mã băm SHA-256 của tệp</dt>
        <dd>
          <code style={{ overflowWrap: 'anywhere' }}>{doc.sha256}</code>
        </dd>
      </div>
    </dl>
  );
}

function Report({ report, code }: { report: VerifyReport; code: string | null }) {
  const otherCode = code && report.issued && report.issued.verifyCode !== code.toUpperCase();
  return (
    <section className="detail-section" aria-labelledby="ket-qua-xac-minh">
      <h2 id="ket-qua-xac-minh">Kết quả xác minh</h2>
      <div className={`alert ${report.valid ? 'alert-success' : 'alert-error'}`} role="status">
        <p>
          <strong>{VERDICTS[report.verdict]}.</strong> {report.message}
        </p>
        {otherCode && (
          <p>
            Tệp này thuộc văn bản có mã {report.issued!.verifyCode}, không phải mã {code}.
          </p>
        )}
      </div>
      {report.testCertificates && (
        <p className="alert alert-warning">Hệ thống đang chạy thử nghiệm: chữ ký dùng chứng thư số thử nghiệm, không có giá trị pháp lý.</p>
      )}
      {report.issued && <DocumentFacts doc={report.issued} />}
      {report.signatures.map((s) => (
        <div key={s.index} className="card">
          <h3>
            Chữ ký số thứ {s.index + 1}
            {s.signer ? `: ${s.signer.subject.CN ?? ''}` : ''}
          </h3>
          <dl className="info-grid">
            <div>
              <dt>Nguyên vẹn</dt>
              <dd>{yesNo(s.intact)}</dd>
            </div>
            <div>
              <dt>Chứng thư do tổ chức tin cậy cấp</dt>
              <dd>{yesNo(s.trusted)}</dd>
            </div>
            <div>
              <dt>Ký lúc</dt>
              <dd>{s.signedAt ? formatInstant(s.signedAt) : '—'}</dd>
            </div>
            <div>
              <dt>Phủ toàn bộ tệp</dt>
              <dd>{s.coversWholeDocument ? 'Có' : 'Không (các chữ ký sau được thêm vào)'}</dd>
            </div>
            {s.signer && (
              <div>
                <dt>Tổ chức</dt>
                <dd>{s.signer.subject.O ?? '—'}</dd>
              </div>
            )}
            {s.signer && (
              <div>
                <dt>Tổ chức cấp chứng thư</dt>
                <dd>{s.signer.issuer.CN ?? '—'}</dd>
              </div>
            )}
            {s.signer && (
              <div>
                <dt>Số hiệu chứng thư</dt>
                <dd>
                  <code>{s.signer.serialNumber}</code>
                </dd>
              </div>
            )}
            {s.signer && (
              <div>
                <dt>Hiệu lực chứng thư</dt>
                <dd>
                  {formatInstant(s.signer.validFrom)} – {formatInstant(s.signer.validTo)}
                </dd>
              </div>
            )}
          </dl>
          {s.problem && <p className="alert alert-error">{s.problem}</p>}
        </div>
      ))}
    </section>
  );
}
