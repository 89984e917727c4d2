// Files: uploads (type from the content, SHA-256 kept), their attachment to dossier components, and drafts.
import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import type { Queryable } from '../db/index.ts';
import { AppError, badRequest, conflict, notFound } from '../shared/errors.ts';
import { nfc } from '../shared/text.ts';
import { offLoop } from '../shared/off-loop.ts';
import type { ProcedureContent } from '../catalog/types.ts';
import { checkImagePixels, imageSize } from './content.ts';

export const ACCEPTED_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const EXTENSIONS: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
};

/** Limits on uploads (config UPLOAD_*). */
export interface UploadSettings {
  /** Largest image accepted (width × height), checked from the header before anything is decoded. */
  maxImagePixels: number;
  /** Per citizen, over the last 24 hours: how many files and how many bytes. */
  dailyFiles: number;
  dailyBytes: number;
  /** An upload attached to no dossier and no draft is deleted after this many hours. */
  expiryHours: number;
  /** Largest video accepted (a citizen's feedback from a phone); images and documents stay within MAX_UPLOAD_BYTES. */
  maxVideoBytes: number;
}
export const DEFAULT_UPLOAD_SETTINGS: UploadSettings = {
  maxImagePixels: 40_000_000,
  dailyFiles: 100,
  dailyBytes: 200 * 1024 * 1024,
  expiryHours: 72,
  maxVideoBytes: 50 * 1024 * 1024,
};

/**
 * Checks an uploaded file before it is stored and returns its type: its bytes are one of the `accepted` types (by
 * default a PDF, JPEG or PNG); its name's extension and its declared type (when they name a type the platform knows)
 * agree with the bytes; an image's size in pixels is within the limit; a PDF parses (in the worker thread) and carries
 * nothing after its end. Other accepted types (videos) are the caller's to check further.
 */
export async function checkUploadContent(
  name: string,
  declaredMime: string,
  content: Buffer,
  settings: UploadSettings,
  accepted: readonly string[] = ACCEPTED_TYPES,
): Promise<string> {
  if (!content.length) throw badRequest('EMPTY_FILE', 'Tệp tải lên đang trống.');
  const type = await fileTypeFromBuffer(content);
  if (!type || !accepted.includes(type.mime)) throw unsupportedType(accepted);
  const ext = /\.([^.]{1,10})$/.exec(name)?.[1]?.toLowerCase();
  const declared = ext === undefined ? undefined : (EXTENSIONS[ext] ?? 'unknown');
  const known = Object.values(EXTENSIONS);
  for (const claimed of [declared, known.includes(declaredMime) ? declaredMime : undefined]) {
    if (claimed && claimed !== type.mime) {
      throw new AppError(
        415,
        'CONTENT_TYPE_MISMATCH',
        `Nội dung tệp là ${type.ext.toUpperCase()}, không khớp với tên tệp hoặc kiểu tệp đã khai ("${name}", ${declaredMime}).`,
      );
    }
  }
  if (type.mime === 'application/pdf') await offLoop(new URL('./content.ts', import.meta.url), 'checkPdf', [content]);
  else if (type.mime.startsWith('image/')) checkImagePixels(imageSize(content), settings.maxImagePixels, 'Ảnh');
  return type.mime;
}

/** A citizen's uploads over the last 24 hours stay within the daily number and bytes. */
export async function checkUploadQuota(db: Queryable, owner: string, size: number, settings: UploadSettings): Promise<void> {
  if (!owner.startsWith('citizen:')) return; // staff upload and scan for many people at the desk
  const [r] = await db.query(
    `SELECT count(*)::int AS n, coalesce(sum(size), 0)::bigint AS bytes FROM uploads WHERE owner = $1 AND created_at > now() - interval '1 day'`,
    [owner],
  );
  if (r.n + 1 > settings.dailyFiles || Number(r.bytes) + size > settings.dailyBytes) {
    throw new AppError(
      429,
      'UPLOAD_QUOTA_EXCEEDED',
      `Mỗi ngày tải lên tối đa ${settings.dailyFiles} tệp, ${Math.round(settings.dailyBytes / 1024 / 1024)} MB; vui lòng thử lại sau.`,
      { dailyFiles: settings.dailyFiles, dailyBytes: settings.dailyBytes },
    );
  }
}

/**
 * Deletes uploads made before `olderThan` that no dossier and no draft uses (a scan's record goes with its upload).
 * Returns how many were deleted.
 */
export async function deleteExpiredUploads(db: Queryable, olderThan: Date): Promise<number> {
  const rows = await db.query(
    `DELETE FROM uploads u WHERE u.created_at < $1
        AND NOT EXISTS (SELECT 1 FROM dossier_files f WHERE f.upload_id = u.id)
        AND NOT EXISTS (SELECT 1 FROM citizen_drafts d WHERE d.files @> jsonb_build_array(jsonb_build_object('uploadId', u.id::text)))
      RETURNING 1`,
    [olderThan],
  );
  return rows.length;
}

const TYPE_NAMES: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'video/mp4': 'MP4',
  'video/quicktime': 'MOV',
  'video/webm': 'WebM',
};
const unsupportedType = (accepted: readonly string[] = ACCEPTED_TYPES) => {
  const names = accepted.map((m) => TYPE_NAMES[m]);
  const list = `${names.slice(0, -1).join(', ')} hoặc ${names.at(-1)}`;
  return new AppError(415, 'UNSUPPORTED_FILE_TYPE', `Chỉ nhận tệp ${list} (kiểm tra theo nội dung tệp, không theo tên tệp).`);
};

export interface Upload {
  id: string;
  name: string;
  mime: string;
  size: number;
  sha256: string;
}
/**
 * A file for one of the procedure's components, or — when supplementing — for one of the documents outside them that
 * the supplement request named (extraIndex: its position in the request's list).
 */
export type FileRef =
  | { componentIndex: number; extraIndex?: undefined; uploadId: string }
  | { extraIndex: number; componentIndex?: undefined; uploadId: string };
type FileKind = 'component' | 'authorisation' | 'extra';

/** An upload's name, type, size and hash (not its bytes); undefined for an unknown id. */
export async function getUpload(db: Queryable, id: string): Promise<Upload | undefined> {
  const [r] = await db.query('SELECT id, name, mime, size, sha256 FROM uploads WHERE id = $1', [id]);
  return r && { id: r.id, name: r.name, mime: r.mime, size: r.size, sha256: r.sha256 };
}

/** Stores an upload after reading its type from its bytes: a renamed executable is not a PDF. */
export async function storeUpload(db: Queryable, owner: string, name: string, content: Buffer): Promise<Upload> {
  if (!content.length) throw badRequest('EMPTY_FILE', 'Tệp tải lên đang trống.');
  const type = await fileTypeFromBuffer(content);
  if (!type || !ACCEPTED_TYPES.includes(type.mime)) throw unsupportedType();
  const sha256 = createHash('sha256').update(content).digest('hex');
  const [row] = await db.query('INSERT INTO uploads (owner, name, mime, size, sha256, content) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id', [
    owner,
    nfc(name).slice(0, 255) || 'tep',
    type.mime,
    content.length,
    sha256,
    content,
  ]);
  return { id: row.id, name: nfc(name).slice(0, 255) || 'tep', mime: type.mime, size: content.length, sha256 };
}

/**
 * Attaches uploads to a dossier inside the caller's transaction. Each upload must belong to the one attaching it and
 * not be in a dossier already; components must exist in the procedure version, extra documents in `extras` (the
 * names the supplement request asked for; none outside a supplement). Every reference is checked before any is stored.
 */
export async function attachFiles(
  tx: Queryable,
  dossierId: string,
  owner: string,
  content: ProcedureContent,
  files: FileRef[],
  digitised: boolean,
  extras: readonly string[] = [],
) {
  for (const [i, f] of files.entries()) {
    if (f.extraIndex !== undefined) {
      if (extras[f.extraIndex] === undefined) {
        throw badRequest('UNKNOWN_EXTRA_DOCUMENT', `Giấy tờ bổ sung số ${f.extraIndex + 1} không có trong yêu cầu bổ sung của hồ sơ.`, [
          { path: `files/${i}/extraIndex`, message: `không có giấy tờ bổ sung số ${f.extraIndex + 1}` },
        ]);
      }
    } else if (!content.components[f.componentIndex]) {
      throw badRequest('UNKNOWN_COMPONENT', `Thành phần hồ sơ số ${f.componentIndex + 1} không có trong thủ tục.`);
    }
  }
  for (const f of files) {
    await attachUpload(
      tx,
      dossierId,
      owner,
      f.uploadId,
      f.extraIndex !== undefined
        ? { kind: 'extra', componentIndex: null, extraIndex: f.extraIndex, extraName: extras[f.extraIndex] }
        : { kind: 'component', componentIndex: f.componentIndex },
      digitised,
    );
  }
}

/** The giấy ủy quyền of a dossier submitted on someone's behalf: a file of its own kind, outside the components. */
export async function attachAuthorisation(tx: Queryable, dossierId: string, owner: string, uploadId: string) {
  await attachUpload(tx, dossierId, owner, uploadId, { kind: 'authorisation', componentIndex: null }, false);
}

async function attachUpload(
  tx: Queryable,
  dossierId: string,
  owner: string,
  uploadId: string,
  as: { kind: FileKind; componentIndex: number | null; extraIndex?: number; extraName?: string },
  digitised: boolean,
) {
  const [u] = await tx.query(
    `SELECT u.id, (SELECT 1 FROM dossier_files df WHERE df.upload_id = u.id) AS used FROM uploads u WHERE u.id = $1 AND u.owner = $2`,
    [uploadId, owner],
  );
  if (!u) throw notFound(`tệp tải lên ${uploadId}`);
  if (u.used) throw conflict('UPLOAD_ALREADY_USED', 'Tệp này đã được đính kèm vào một hồ sơ khác.');
  await tx.query(
    'INSERT INTO dossier_files (dossier_id, upload_id, component_index, digitised, kind, extra_index, extra_name) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [dossierId, uploadId, as.componentIndex, digitised, as.kind, as.extraIndex ?? null, as.extraName ?? null],
  );
}

/** Online submissions must carry every required component. */
export function checkRequiredComponents(content: ProcedureContent, files: FileRef[]) {
  const missing = content.components.map((c, i) => ({ c, i })).filter(({ c, i }) => c.required && !files.some((f) => f.componentIndex === i));
  if (missing.length) {
    throw badRequest(
      'MISSING_COMPONENTS',
      `Còn thiếu giấy tờ bắt buộc: ${missing.map(({ c }) => c.name).join('; ')}.`,
      missing.map(({ i, c }) => ({ path: `files/${i}`, message: `thiếu "${c.name}"` })),
    );
  }
}

/** How a file given for a document the supplement request asked for is named on the dossier. */
export const EXTRA_LABEL = 'Giấy tờ bổ sung theo yêu cầu';

export async function listDossierFiles(db: Queryable, dossierId: string, content: ProcedureContent) {
  const rows = await db.query(
    `SELECT df.id, df.kind, df.component_index, df.extra_index, df.extra_name, df.digitised, df.added_at, u.name, u.mime, u.size, u.sha256
       FROM dossier_files df JOIN uploads u ON u.id = df.upload_id WHERE df.dossier_id = $1
      ORDER BY df.kind = 'extra', df.component_index NULLS FIRST, df.extra_index, df.added_at`,
    [dossierId],
  );
  return rows.map((r) => ({
    id: r.id as string,
    kind: r.kind as FileKind,
    componentIndex: r.component_index as number | null,
    extraIndex: r.extra_index as number | null,
    extraName: r.extra_name as string | null,
    componentName:
      r.kind === 'authorisation'
        ? 'Giấy ủy quyền'
        : r.kind === 'extra'
          ? `${EXTRA_LABEL}: ${r.extra_name}`
          : (content.components[r.component_index]?.name ?? null),
    name: r.name as string,
    mime: r.mime as string,
    size: r.size as number,
    sha256: r.sha256 as string,
    digitised: r.digitised as boolean,
    uploadedAt: new Date(r.added_at).toISOString(),
  }));
}

export async function readDossierFile(db: Queryable, dossierId: string, fileId: string) {
  const [r] = await db.query(
    `SELECT u.name, u.mime, u.content FROM dossier_files df JOIN uploads u ON u.id = df.upload_id WHERE df.id = $1 AND df.dossier_id = $2`,
    [fileId, dossierId],
  );
  if (!r) throw notFound('tệp');
  return { name: r.name as string, mime: r.mime as string, content: Buffer.from(r.content) };
}

// ---- drafts (lưu nháp) ----
export async function saveDraft(db: Queryable, citizenId: string, procedureId: string, formData: unknown, files: FileRef[]) {
  const [r] = await db.query(
    `INSERT INTO citizen_drafts (citizen_id, procedure_id, form_data, files) VALUES ($1, $2, $3, $4)
     ON CONFLICT (citizen_id, procedure_id) DO UPDATE SET form_data = EXCLUDED.form_data, files = EXCLUDED.files, updated_at = now()
     RETURNING updated_at`,
    [citizenId, procedureId, JSON.stringify(formData), JSON.stringify(files)],
  );
  return { formData, files, updatedAt: new Date(r.updated_at).toISOString() };
}

export async function getDraft(db: Queryable, citizenId: string, procedureId: string) {
  const [r] = await db.query('SELECT form_data, files, updated_at FROM citizen_drafts WHERE citizen_id = $1 AND procedure_id = $2', [citizenId, procedureId]);
  if (!r) throw notFound('bản nháp');
  return { formData: r.form_data, files: r.files, updatedAt: new Date(r.updated_at).toISOString() };
}

export async function deleteDraft(tx: Queryable, citizenId: string, procedureId: string) {
  await tx.query('DELETE FROM citizen_drafts WHERE citizen_id = $1 AND procedure_id = $2', [citizenId, procedureId]);
}
