// Đồng bộ Cổng DVCQG on the officer's dossier page: a collapsed section that loads the dossier's sync log when opened
// (each message's state, every attempt with its error code); a system administrator may send the waiting ones again.
import { useState } from 'react';
import { api, type Me } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { ErrorMessage, Loading, useAction, useFetch } from '../ui.tsx';

interface SyncLog {
  messages: { id: string; status: number; state: 'pending' | 'sent' | 'failed' | 'unmapped' }[];
  log: { id: string; at: string; kind: string; ok: boolean; service: string | null; status: number | null; errorCode: string | null; message: string | null }[];
}

const STATES: Record<SyncLog['messages'][number]['state'], string> = { sent: 'đã gửi', pending: 'đang chờ', failed: 'lỗi', unmapped: 'chưa ánh xạ mã' };
const KINDS: Record<string, string> = { deliver: 'Gửi', unmapped: 'Không gửi', reconcile: 'Đối soát', retry: 'Gửi lại' };

export function NationalSync({ dossierId }: { dossierId: string }) {
  const [open, setOpen] = useState(false);
  const me = useFetch<{ user: Me }>(open ? '/api/v1/auth/me' : null).data?.user;
  const res = useFetch<SyncLog>(open ? `/api/v1/dossiers/${encodeURIComponent(dossierId)}/national-sync` : null);
  const retry = useAction();
  const x = res.data;
  const counts = x
    ? (Object.keys(STATES) as (keyof typeof STATES)[])
        .map((s) => [STATES[s], x.messages.filter((m) => m.state === s).length] as const)
        .filter(([, n]) => n > 0)
        .map(([name, n]) => `${n} ${name}`)
        .join(', ')
    : '';
  return (
    <details className="detail-section national-sync" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <h2 id="dong-bo">Đồng bộ Cổng Dịch vụ công quốc gia{counts && ` (${counts})`}</h2>
      </summary>
      <ErrorMessage error={res.error ?? retry.error} />
      {!x && res.loading && <Loading />}
      {x && !x.log.length && <p>Chưa có tin đồng bộ nào.</p>}
      {x && x.log.length > 0 && (
        <ul className="national-sync-log">
          {x.log.map((l) => (
            <li key={l.id}>
              <span className="small">{formatDateTime(l.at)}</span> — {KINDS[l.kind] ?? l.kind}
              {l.service && ` ${l.service}`}
              {l.status !== null && `, trạng thái ${l.status}`}: <strong>{l.ok ? 'thành công' : `lỗi ${l.errorCode ?? ''}`}</strong>
              {l.message && <div className="small">{l.message}</div>}
            </li>
          ))}
        </ul>
      )}
      {x && me?.roles.includes('system_admin') && x.messages.some((m) => m.state === 'failed' || m.state === 'pending') && (
        <button
          type="button"
          disabled={retry.busy}
          onClick={() =>
            void retry
              .run(() => api(`/api/v1/dossiers/${encodeURIComponent(dossierId)}/national-sync/retry`, { method: 'POST', body: {} }))
              .then(() => res.reload())
          }>
          Gửi lại ngay
        </button>
      )}
    </details>
  );
}
