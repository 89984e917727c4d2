// Requests built on the one client (api.ts): POSTs with an Idempotency-Key, file uploads (multipart), dossier actions
// with the revision the page was showing.
import { api, ApiError, type Upload } from '../api.ts';

/** A fresh Idempotency-Key (crypto.randomUUID needs a secure context; fall back to random bytes elsewhere). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export const postWithKey = <T>(path: string, body: unknown, key: string) => api<T>(path, { body, headers: { 'idempotency-key': key } });

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const ACCEPT = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';

/** Uploads one file (field "file"); the server types it by its content. Name and size are remembered on this device for drafts. */
export async function uploadFile(file: File): Promise<Upload> {
  if (file.size > MAX_UPLOAD_BYTES) throw new ApiError(413, 'FILE_TOO_LARGE', `Tệp "${file.name}" vượt quá 10 MB.`);
  if (file.size === 0) throw new ApiError(400, 'EMPTY_FILE', `Tệp "${file.name}" đang trống.`);
  const form = new FormData();
  form.append('file', file, file.name);
  const upload = await api<Upload>('/api/v1/uploads', { body: form });
  try {
    localStorage.setItem(`congso.upload.${upload.id}`, JSON.stringify({ name: upload.name, size: upload.size }));
  } catch {
    /* private mode */
  }
  return upload;
}

/** Name and size of an upload made earlier on this device (the API has no way to read them back). */
export function rememberedUpload(id: string): { name: string; size: number } | null {
  try {
    const v = localStorage.getItem(`congso.upload.${id}`);
    return v ? (JSON.parse(v) as { name: string; size: number }) : null;
  } catch {
    return null;
  }
}

/** One dossier action, refused with 409 STALE_DOSSIER when the dossier changed since `revision` was read. */
export const dossierAction = (id: string, revision: number, body: Record<string, unknown>) =>
  api<{ id: string; code: string }>(`/api/v1/dossiers/${encodeURIComponent(id)}/actions?revision=${revision}`, { body });
