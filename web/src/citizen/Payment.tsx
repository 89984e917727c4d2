// Phí, lệ phí of a dossier, on the citizen's dossier page: what is owed and two ways to pay it — a VietQR code for any
// banking app (the dossier code is the transfer's purpose) or the VNPay gateway — then the paid state and the receipt.
import type { FeeLine } from '../../../src/catalog/fees.ts';
import { useLocation } from '../router.tsx';
import { formatInstant, formatMoney } from '../format.ts';
import { Badge, ErrorMessage, Loading, Notice, TableWrap, useAction, useFetch } from '../ui.tsx';
import { newIdempotencyKey, postWithKey } from './requests.ts';
import { FeesDueNotice, type FeesDue } from './Fees.tsx';

export interface Payment {
  id: string;
  amount: number;
  items: FeeLine[];
  status: 'pending' | 'paid' | 'cancelled';
  methodName: string | null;
  providerRef: string | null;
  paidAt: string | null;
  receiptNo: string | null;
  refunded: number;
  createdAt: string;
}
interface VietQr {
  bankBin: string;
  accountNo: string;
  accountName: string;
  amount: number;
  purpose: string;
  payload: string;
}

const STATUS: Record<Payment['status'], { label: string; tone: 'amber' | 'green' | 'neutral' }> = {
  pending: { label: 'Chờ thanh toán', tone: 'amber' },
  paid: { label: 'Đã thanh toán', tone: 'green' },
  cancelled: { label: 'Đã hủy', tone: 'neutral' },
};
const KINDS: Record<string, string> = { fee: 'Phí', charge: 'Lệ phí', obligation: 'Nghĩa vụ tài chính' };
/** What the gateway's return said (?thanh-toan=…). */
const OUTCOMES: Record<string, string> = {
  'da-thanh-toan': 'Thanh toán thành công. Hồ sơ tiếp tục được giải quyết.',
  'chua-thanh-toan': 'Giao dịch chưa hoàn tất hoặc đã bị hủy. Bạn có thể thanh toán lại.',
  loi: 'Không xác nhận được kết quả thanh toán. Nếu tài khoản đã bị trừ tiền, hệ thống sẽ tự đối soát và cập nhật.',
};

/**
 * `awaitingReception`: the desk has not received the dossier yet, so what it will owe is shown; afterwards only the
 * obligations actually opened are.
 */
export function PaymentPanel({ dossierId, awaitingReception, onPaid }: { dossierId: string; awaitingReception: boolean; onPaid: () => void }) {
  const { search } = useLocation();
  const res = useFetch<{ items: Payment[]; vnpay: boolean; vietqr: boolean }>(`/api/v1/dossiers/${dossierId}/payments`);
  const fees = useFetch<{ due: FeesDue }>(awaitingReception ? `/api/v1/dossiers/${dossierId}/fees` : null);
  if (!res.data) return res.error ? <ErrorMessage error={res.error} /> : <Loading />;
  const outcome = search.get('thanh-toan');
  const shown = res.data.items.filter((p) => p.status !== 'cancelled');
  if (!shown.length) {
    if (!awaitingReception) return <p className="muted">Hồ sơ chưa có khoản phí, lệ phí nào phải nộp.</p>;
    return fees.data ? <FeesDueNotice due={fees.data.due} /> : fees.error ? <ErrorMessage error={fees.error} /> : <Loading />;
  }
  return (
    <>
      {outcome &&
        OUTCOMES[outcome] &&
        (outcome === 'da-thanh-toan' ? (
          <Notice>{OUTCOMES[outcome]}</Notice>
        ) : (
          <div className="alert alert-warning" role="status">
            <p>{OUTCOMES[outcome]}</p>
          </div>
        ))}
      {shown.map((p) => (
        <div key={p.id} className="payment">
          <p>
            <Badge tone={STATUS[p.status].tone} title="Tình trạng thanh toán">
              {STATUS[p.status].label}
            </Badge>{' '}
            Số tiền: <strong>{formatMoney(p.amount)}</strong>
          </p>
          <TableWrap label="Các khoản phải nộp">
            <thead>
              <tr>
                <th scope="col">Khoản thu</th>
                <th scope="col">Số tiền</th>
              </tr>
            </thead>
            <tbody>
              {p.items.map((item, i) => (
                <tr key={i}>
                  <td>
                    {KINDS[item.kind] ? `${KINDS[item.kind]}: ` : ''}
                    {item.name}
                    {item.quantity !== undefined && ` (${String(item.quantity).padStart(2, '0')} ${item.unit} × ${formatMoney(item.unitAmount!)})`}
                  </td>
                  <td className="nowrap">{formatMoney(item.amount)}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
          {p.status === 'pending' && (
            <PayOptions
              dossierId={dossierId}
              vnpay={res.data!.vnpay}
              vietqr={res.data!.vietqr}
              onChecked={() => {
                void res.reload();
                onPaid();
              }}
            />
          )}
          {p.status === 'paid' && (
            <p>
              Đã thanh toán lúc {formatInstant(p.paidAt)} qua {p.methodName}. {p.refunded > 0 && <>Đã hoàn trả {formatMoney(p.refunded)}. </>}
              <a href={`/api/v1/payments/${p.id}/receipt`} target="_blank" rel="noopener">
                Biên lai thu phí, lệ phí số {p.receiptNo}
              </a>{' '}
              <span className="muted small">(PDF)</span>
            </p>
          )}
        </div>
      ))}
    </>
  );
}

function PayOptions({ dossierId, vnpay, vietqr, onChecked }: { dossierId: string; vnpay: boolean; vietqr: boolean; onChecked: () => void }) {
  const qr = useFetch<VietQr>(vietqr ? `/api/v1/dossiers/${dossierId}/payments/vietqr` : null);
  const gateway = useAction();
  const payOnline = () =>
    void gateway.run(async () => {
      const order = await postWithKey<{ url: string }>(`/api/v1/dossiers/${dossierId}/payments/vnpay`, {}, newIdempotencyKey());
      window.location.assign(order.url);
    });
  return (
    <div className="grid-2 pay-options">
      {vnpay && (
        <div>
          <h3>Thanh toán trực tuyến</h3>
          <p>Thanh toán bằng thẻ ngân hàng, ví điện tử qua cổng VNPay.</p>
          <ErrorMessage error={gateway.error} />
          <button type="button" className="btn btn-primary" onClick={payOnline} disabled={gateway.busy} aria-busy={gateway.busy}>
            Thanh toán qua VNPay
          </button>
        </div>
      )}
      {vietqr && (
        <div>
          <h3>Chuyển khoản bằng mã VietQR</h3>
          {qr.data ? (
            <>
              <img
                className="vietqr"
                src={`/api/v1/dossiers/${dossierId}/payments/vietqr.png`}
                width={240}
                height={240}
                alt={`Mã VietQR chuyển ${formatMoney(qr.data.amount)} vào tài khoản ${qr.data.accountNo}, nội dung ${qr.data.purpose}`}
              />
              <dl className="info-grid">
                <div>
                  <dt>Ngân hàng (mã BIN)</dt>
                  <dd>{qr.data.bankBin}</dd>
                </div>
                <div>
                  <dt>Số tài khoản</dt>
                  <dd>{qr.data.accountNo}</dd>
                </div>
                <div>
                  <dt>Chủ tài khoản</dt>
                  <dd>{qr.data.accountName}</dd>
                </div>
                <div>
                  <dt>Nội dung chuyển khoản</dt>
                  <dd>
                    <code>{qr.data.purpose}</code>
                  </dd>
                </div>
              </dl>
              <p className="small muted">Giữ nguyên nội dung chuyển khoản (mã hồ sơ) để hệ thống tự ghi nhận khi ngân hàng báo có.</p>
              <button type="button" className="btn" onClick={onChecked}>
                Kiểm tra lại tình trạng thanh toán
              </button>
            </>
          ) : qr.error ? (
            <ErrorMessage error={qr.error} />
          ) : (
            <Loading />
          )}
        </div>
      )}
    </div>
  );
}
