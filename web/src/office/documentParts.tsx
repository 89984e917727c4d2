// Văn bản đi, đến: what the documents pages share — the API's shapes, the names of urgency and secrecy (Decree
// 30/2020, Luật Bảo vệ bí mật nhà nước), the type, urgency and secrecy fields of both forms, and file uploads.
import { api } from '../api.ts';
import { Badge, Field, useFetch } from '../ui.tsx';

export type Urgency = 'thuong' | 'khan' | 'thuong_khan' | 'hoa_toc' | 'hoa_toc_hen_gio';
export type Secrecy = 'thuong' | 'mat' | 'toi_mat' | 'tuyet_mat';
export const URGENCIES: Record<Urgency, string> = {
  thuong: 'Thường',
  khan: 'Khẩn',
  thuong_khan: 'Thượng khẩn',
  hoa_toc: 'Hỏa tốc',
  hoa_toc_hen_gio: 'Hỏa tốc hẹn giờ',
};
export const SECRECY: Record<Secrecy, string> = { thuong: 'Thường', mat: 'Mật', toi_mat: 'Tối mật', tuyet_mat: 'Tuyệt mật' };

/** A số đến or số văn bản as the register writes it: from 01 (Decree 30/2020, Phụ lục I; src/documents/numbering.ts). */
export const registerNumber = (n: number) => String(n).padStart(2, '0');

/** A row of an inbox (GET /api/v1/documents). */
export interface DocumentSummary {
  id: string;
  direction: 'incoming' | 'outgoing';
  status: string;
  statusName: string | null;
  typeName: string;
  subject: string;
  urgency: Urgency;
  secrecy: Secrecy;
  notation: string | null;
  arrivalNumber: number | null;
  from: string | null;
  recipients: string[];
  dueAt: string | null;
  createdAt: string;
  /** In the to-do box: the actions waiting for the signed-in staff member. */
  waiting: string[];
  overdue: boolean;
  atRisk: boolean;
}

/** The badge of an urgent document; an ordinary one has none. */
export function UrgencyBadge({ urgency }: { urgency: Urgency }) {
  if (urgency === 'thuong') return null;
  return (
    <Badge tone={urgency === 'khan' ? 'amber' : 'red'} title="Độ khẩn">
      {URGENCIES[urgency]}
    </Badge>
  );
}

export function SecrecyBadge({ secrecy }: { secrecy: Secrecy }) {
  if (secrecy === 'thuong') return null;
  return (
    <Badge tone="red" title="Độ mật">
      {SECRECY[secrecy]}
    </Badge>
  );
}

/** Loại văn bản: the 29 types of Decree 30/2020, in the decree's order. */
export function TypeField({ value, onChange, disabled }: { value: string; onChange: (code: string) => void; disabled?: boolean }) {
  const types = useFetch<{ items: { code: string; name: string; abbreviation: string | null }[] }>('/api/v1/document-types');
  return (
    <Field label="Loại văn bản (bắt buộc)">
      <select value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled} required>
        <option value="">— Chọn loại văn bản —</option>
        {(types.data?.items ?? []).map((t) => (
          <option key={t.code} value={t.code}>
            {t.abbreviation ? `${t.name} (${t.abbreviation})` : t.name}
          </option>
        ))}
      </select>
    </Field>
  );
}

export interface Marks {
  urgency: Urgency;
  /** The hour of a hỏa tốc hẹn giờ document, as a datetime-local value. */
  urgentAt: string;
  secrecy: Secrecy;
}
export const ORDINARY: Marks = { urgency: 'thuong', urgentAt: '', secrecy: 'thuong' };

/** Độ khẩn (with the hour of hỏa tốc hẹn giờ) and độ mật. */
export function MarksFields({ value, onChange, disabled }: { value: Marks; onChange: (m: Marks) => void; disabled?: boolean }) {
  return (
    <div className="grid-2">
      <Field label="Độ khẩn">
        <select value={value.urgency} onChange={(e) => onChange({ ...value, urgency: e.target.value as Urgency, urgentAt: '' })} disabled={disabled}>
          {(Object.keys(URGENCIES) as Urgency[]).map((u) => (
            <option key={u} value={u}>
              {URGENCIES[u]}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Độ mật" hint={value.secrecy === 'thuong' ? undefined : 'Chỉ người được nêu trên văn bản mới xem được; mỗi lần xem được ghi lại.'}>
        <select value={value.secrecy} onChange={(e) => onChange({ ...value, secrecy: e.target.value as Secrecy })} disabled={disabled}>
          {(Object.keys(SECRECY) as Secrecy[]).map((s) => (
            <option key={s} value={s}>
              {SECRECY[s]}
            </option>
          ))}
        </select>
      </Field>
      {value.urgency === 'hoa_toc_hen_gio' && (
        <Field label="Hẹn giờ (bắt buộc)">
          <input type="datetime-local" value={value.urgentAt} onChange={(e) => onChange({ ...value, urgentAt: e.target.value })} disabled={disabled} required />
        </Field>
      )}
    </div>
  );
}

/** The marks as the API takes them (the hour in the device's zone, sent as an instant). */
export const marksBody = (m: Marks) => ({
  urgency: m.urgency,
  secrecy: m.secrecy,
  ...(m.urgency === 'hoa_toc_hen_gio' && m.urgentAt ? { urgentAt: new Date(m.urgentAt).toISOString() } : {}),
});

export type FileKind = 'main' | 'attachment' | 'scan';

/** Adds files to a document, one request each (a draft's second main file is its next version). */
export async function uploadDocumentFiles(id: string, kind: FileKind, files: File[]) {
  for (const f of files) {
    const form = new FormData();
    form.append('file', f, f.name);
    await api(`/api/v1/documents/${id}/files?kind=${kind}`, { body: form });
  }
}
