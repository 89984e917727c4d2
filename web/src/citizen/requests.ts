// Requests the plain api() helper does not cover: POSTs with an Idempotency-Key, file uploads (multipart),
// dossier actions with the revision the page was showing; failures throw the same ApiError as api().
import { ApiError, type Upload } from '../api.ts';

async function request<T>(path: string, init: { method?: string; body: unknown; headers?: Record<string, string> }): Promise<T> {
  const multipart = init.body instanceof FormData;
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(multipart ? {} : { 'content-type': 'application/json' }), ...init.headers },
      body: multipart ? (init.body as FormData) : JSON.stringify(init.body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'Không kết nối được tới máy chủ. Vui lòng kiểm tra kết nối mạng và thử lại.');
  }
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (data ?? {}) as { code?: string; message?: string; details?: unknown };
    const fallback = res.status === 413 ? 'Tệp quá lớn (tối đa 10 MB).' : `Máy chủ trả về lỗi ${res.status}. Vui lòng thử lại sau.`;
    throw new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.message ?? fallback, e.details ?? null);
  }
  return data as T;
}

/** A fresh Idempotency-Key (crypto.randomUUID needs a secure context; fall back to random bytes elsewhere). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export const postWithKey = <T,>(path: string, body: unknown, key: string) => request<T>(path, { body, headers: { 'idempotency-key': key } });

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const ACCEPT = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';

/** Uploads one file (field "file"); the server types it by its content. Name and size are remembered on this device for drafts. */
export async function uploadFile(file: File): Promise<Upload> {
  if (file.size > MAX_UPLOAD_BYTES) throw new ApiError(413, 'FILE_TOO_LARGE', `Tệp "${file.name}" vượt quá 10 MB.`);
  if (file.size === 0) throw new ApiError(400, 'EMPTY_FILE', `Tệp "${file.name}" đang trống.`);
  const form = new FormData();
  form.append('file', file, file.name);
  const upload = await request<Upload>('/api/v1/uploads', { body: form });
  try { localStorage.setItem(`congso.upload.${upload.id}`, JSON.stringify({ name: upload.name, size: upload.size })); } catch { /* private mode */ }
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
  request<{ id: string; code: string }>(`/api/v1/dossiers/${encodeURIComponent(id)}/actions?revision=${revision}`, { body });
