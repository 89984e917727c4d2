// Files: uploads (type from the content, SHA-256 kept), their attachment to dossier components, and drafts.
import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import type { Queryable } from '../db/index.ts';
import { AppError, badRequest, conflict, notFound } from '../shared/errors.ts';
import { nfc } from '../shared/text.ts';
import type { ProcedureContent } from '../catalog/types.ts';

export const ACCEPTED_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export interface Upload { id: string; name: string; mime: string; size: number; sha256: string }
export interface FileRef { componentIndex: number; uploadId: string }

/** Stores an upload after reading its type from its bytes: a renamed executable is not a PDF. */
export async function storeUpload(db: Queryable, owner: string, name: string, content: Buffer): Promise<Upload> {
  if (!content.length) throw badRequest('EMPTY_FILE', 'Tệp tải lên đang trống.');
  const type = await fileTypeFromBuffer(content);
  if (!type || !ACCEPTED_TYPES.includes(type.mime)) {
    throw new AppError(415, 'UNSUPPORTED_FILE_TYPE', 'Chỉ nhận tệp PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp, không theo tên tệp).');
  }
  const sha256 = createHash('sha256').update(content).digest('hex');
  const [row] = await db.query(
    'INSERT INTO uploads (owner, name, mime, size, sha256, content) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
    [owner, nfc(name).slice(0, 255) || 'tep', type.mime, content.length, sha256, content]);
  return { id: row.id, name: nfc(name).slice(0, 255) || 'tep', mime: type.mime, size: content.length, sha256 };
}

/**
 * Attaches uploads to a dossier's components inside the caller's transaction. Each upload must belong to the
 * one attaching it and not be in a dossier already; components must exist in the procedure version.
 */
export async function attachFiles(tx: Queryable, dossierId: string, owner: string, content: ProcedureContent, files: FileRef[], digitised: boolean) {
  for (const f of files) {
    if (!content.components[f.componentIndex]) throw badRequest('UNKNOWN_COMPONENT', `Thành phần hồ sơ số ${f.componentIndex + 1} không có trong thủ tục.`);
    await attachUpload(tx, dossierId, owner, f.uploadId, { kind: 'component', componentIndex: f.componentIndex }, digitised);
  }
}

/** The giấy ủy quyền of a dossier submitted on someone's behalf: a file of its own kind, outside the components. */
export async function attachAuthorisation(tx: Queryable, dossierId: string, owner: string, uploadId: string) {
  await attachUpload(tx, dossierId, owner, uploadId, { kind: 'authorisation', componentIndex: null }, false);
}

async function attachUpload(tx: Queryable, dossierId: string, owner: string, uploadId: string,
  as: { kind: 'component' | 'authorisation'; componentIndex: number | null }, digitised: boolean) {
  const [u] = await tx.query(
    `SELECT u.id, (SELECT 1 FROM dossier_files df WHERE df.upload_id = u.id) AS used FROM uploads u WHERE u.id = $1 AND u.owner = $2`, [uploadId, owner]);
  if (!u) throw notFound(`tệp tải lên ${uploadId}`);
  if (u.used) throw conflict('UPLOAD_ALREADY_USED', 'Tệp này đã được đính kèm vào một hồ sơ khác.');
  await tx.query('INSERT INTO dossier_files (dossier_id, upload_id, component_index, digitised, kind) VALUES ($1, $2, $3, $4, $5)',
    [dossierId, uploadId, as.componentIndex, digitised, as.kind]);
}

/** Online submissions must carry every required component. */
export function checkRequiredComponents(content: ProcedureContent, files: FileRef[]) {
  const missing = content.components.map((c, i) => ({ c, i })).filter(({ c, i }) => c.required && !files.some((f) => f.componentIndex === i));
  if (missing.length) {
    throw badRequest('MISSING_COMPONENTS', `Còn thiếu giấy tờ bắt buộc: ${missing.map(({ c }) => c.name).join('; ')}.`,
      missing.map(({ i, c }) => ({ path: `files/${i}`, message: `thiếu "${c.name}"` })));
  }
}

export async function listDossierFiles(db: Queryable, dossierId: string, content: ProcedureContent) {
  const rows = await db.query(
    `SELECT df.id, df.kind, df.component_index, df.digitised, df.added_at, u.name, u.mime, u.size, u.sha256
       FROM dossier_files df JOIN uploads u ON u.id = df.upload_id WHERE df.dossier_id = $1 ORDER BY df.component_index NULLS FIRST, df.added_at`, [dossierId]);
  return rows.map((r) => ({
    id: r.id as string, kind: r.kind as 'component' | 'authorisation', componentIndex: r.component_index as number | null,
    componentName: r.kind === 'authorisation' ? 'Giấy ủy quyền' : content.components[r.component_index]?.name ?? null,
    name: r.name as string, mime: r.mime as string, size: r.size as number, sha256: r.sha256 as string, digitised: r.digitised as boolean,
    uploadedAt: new Date(r.added_at).toISOString(),
  }));
}

export async function readDossierFile(db: Queryable, dossierId: string, fileId: string) {
  const [r] = await db.query(
    `SELECT u.name, u.mime, u.content FROM dossier_files df JOIN uploads u ON u.id = df.upload_id WHERE df.id = $1 AND df.dossier_id = $2`, [fileId, dossierId]);
  if (!r) throw notFound('tệp');
  return { name: r.name as string, mime: r.mime as string, content: Buffer.from(r.content) };
}

// ---- drafts (lưu nháp) ----
export async function saveDraft(db: Queryable, citizenId: string, procedureId: string, formData: unknown, files: FileRef[]) {
  const [r] = await db.query(
    `INSERT INTO citizen_drafts (citizen_id, procedure_id, form_data, files) VALUES ($1, $2, $3, $4)
     ON CONFLICT (citizen_id, procedure_id) DO UPDATE SET form_data = EXCLUDED.form_data, files = EXCLUDED.files, updated_at = now()
     RETURNING updated_at`, [citizenId, procedureId, JSON.stringify(formData), JSON.stringify(files)]);
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
