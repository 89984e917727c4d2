// Sức khỏe đồng bộ Cổng DVCQG on the operations centre: what waits, what failed, what cannot be sent (no national
// code), and when the portal last acknowledged a message and the last nightly reconciliation ran.
import { formatDateTime, formatNumber } from '../format.ts';
import { ErrorMessage, useFetch } from '../ui.tsx';
import { Card, Panel } from './parts.tsx';

interface SyncHealth {
  active: boolean;
  pending: number;
  failed: number;
  unmappedDossiers: number;
  sentLastDay: number;
  errorsLastDay: number;
  oldestPendingAt: string | null;
  lastSentAt: string | null;
  lastReconciledAt: string | null;
}

export function SyncHealthPanel() {
  const res = useFetch<SyncHealth>('/api/v1/national-sync/health');
  const h = res.data;
  return (
    <Panel id="dong-bo-dvcqg" title="Đồng bộ Cổng Dịch vụ công quốc gia">
      <ErrorMessage error={res.error} />
      {h && (
        <ul className="ioc-cards">
          <Card
            name="Kết nối"
            value={h.active ? 'Đang đồng bộ' : 'Chưa kết nối'}
            tone={h.active ? undefined : 'alarm'}
            note={h.lastSentAt ? `Gửi gần nhất ${formatDateTime(h.lastSentAt)}` : undefined}
          />
          <Card name="Tin đang chờ" value={formatNumber(h.pending)} note={h.oldestPendingAt ? `Chờ từ ${formatDateTime(h.oldestPendingAt)}` : undefined} />
          <Card name="Tin lỗi (cần gửi lại)" value={formatNumber(h.failed)} tone={h.failed ? 'alarm' : undefined} />
          <Card name="Hồ sơ chưa ánh xạ mã TTHC" value={formatNumber(h.unmappedDossiers)} tone={h.unmappedDossiers ? 'alarm' : undefined} />
          <Card name="Gửi được trong 24 giờ" value={formatNumber(h.sentLastDay)} note={`${formatNumber(h.errorsLastDay)} lần lỗi`} />
          <Card name="Đối soát gần nhất" value={h.lastReconciledAt ? formatDateTime(h.lastReconciledAt) : 'Chưa chạy'} />
        </ul>
      )}
    </Panel>
  );
}
