// The dossier's electronic result (kết quả điện tử): the approving leader signs it here; the officer and the
// citizen see its number, signers and verification code, and download the signed file as issued.
import { ApiError, api } from '../api.ts';
import { formatInstant } from '../format.ts';
import { Link } from '../router.tsx';
import { ErrorMessage, Loading, useAction, useFetch } from '../ui.tsx';

export interface ResultInfo {
  id: string;
  dossierId: string;
  dossierCode: string;
  notation: string;
  title: string;
  agencyName: string;
  signerName: string;
  signerTitle: string;
  issuedAt: string;
  sha256: string;
  size: number;
  verifyCode: string;
  verifyUrl: string;
  signatures: { role: 'leader' | 'seal'; subject: Record<string, string>; serialNumber: string; signedAt: string | null }[];
}

/** `canSign`: the signed-in officer is the approving leader and the dossier waits for its result. */
export function ResultPanel({ dossierId, canSign = false, onSigned }: { dossierId: string; canSign?: boolean; onSigned?: (r: ResultInfo) => void }) {
  const res = useFetch<ResultInfo>(`/api/v1/dossiers/${encodeURIComponent(dossierId)}/result`);
  const { busy, error, run } = useAction();
  const missing = res.error instanceof ApiError && res.error.status === 404;
  if (res.loading && !res.data) return <Loading />;
  if (res.error && !missing) return <ErrorMessage error={res.error} />;
  const r = res.data;
  if (!r) {
    if (!canSign) return <p>Kết quả điện tử chưa được ký số và phát hành.</p>;
    const sign = () =>
      void run(async () => {
        const issued = await api<ResultInfo>(`/api/v1/dossiers/${encodeURIComponent(dossierId)}/result`, { method: 'POST', body: {} });
        res.setData(issued);
        onSigned?.(issued);
      });
    return (
      <>
        <p>Hồ sơ đã được phê duyệt. Ký số kết quả bằng chứng thư số của bạn; hệ thống cấp số văn bản và đóng dấu số của cơ quan.</p>
        <ErrorMessage error={error} />
        <button type="button" className="btn btn-primary" onClick={sign} disabled={busy} aria-busy={busy}>
          Ký số và phát hành kết quả
        </button>
      </>
    );
  }
  return (
    <>
      <dl className="info-grid">
        <div>
          <dt>Văn bản</dt>
          <dd>
            <strong>{r.title}</strong>
          </dd>
        </div>
        <div>
          <dt>Số, ký hiệu</dt>
          <dd>
            <strong>{r.notation}</strong>
          </dd>
        </div>
        <div>
          <dt>Người ký</dt>
          <dd>
            {r.signerTitle} {r.signerName}
          </dd>
        </div>
        <div>
          <dt>Cơ quan đóng dấu số</dt>
          <dd>{r.agencyName}</dd>
        </div>
        <div>
          <dt>Thời gian ký</dt>
          <dd>{formatInstant(r.issuedAt)}</dd>
        </div>
        <div>
          <dt>Mã xác minh</dt>
          <dd>
            <Link to={`/xac-minh/${r.verifyCode}`}>{r.verifyCode}</Link>
          </dd>
        </div>
      </dl>
      <p>
        <a className="btn btn-primary" href={`/api/v1/dossiers/${encodeURIComponent(dossierId)}/result/pdf`} download>
          Tải kết quả điện tử (PDF đã ký số)
        </a>
      </p>
      <p className="muted">
        Ai nhận được tệp đều có thể kiểm tra chữ ký số tại trang <Link to="/xac-minh">Xác minh văn bản điện tử</Link>.
      </p>
    </>
  );
}
