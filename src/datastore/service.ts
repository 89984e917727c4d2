// The personal data store (kho quản lý dữ liệu điện tử của tổ chức, cá nhân — Nghị định 45/2020): every document a
// person submitted or received, keyed by the personal identification number (số định danh cá nhân). A stored
// document can stand for a dossier component instead of a new upload ("dẫn nguồn tài liệu từ Kho"); each such reuse
// is logged with who made it.
import { createHash } from 'node:crypto';
import type { Queryable, Row } from '../db/index.ts';
import { getProcedureVersion } from '../catalog/service.ts';
import type { Citizen } from '../citizens/service.ts';
import type { DossierEventRecord } from '../dossiers/hooks.ts';
import { listDossierFiles, readDossierFile, storeUpload, type FileRef } from '../dossiers/files.ts';
import type { Actor } from '../shared/actor.ts';
import { forbidden, notFound } from '../shared/errors.ts';
import { nfc } from '../shared/text.ts';

export type DocumentKind = 'submitted' | 'result';
export const KIND_NAMES: Record<DocumentKind, string> = { submitted: 'Giấy tờ đã nộp', result: 'Kết quả giải quyết' };

export interface NewDocument {
  /** Whose document it is: the person's 12-digit identification number. */
  idNumber: string;
  kind: DocumentKind;
  /** What it is: the dossier component or the result's name. */
  title: string;
  name: string;
  mime: string;
  content: Buffer;
  dossierId?: string;
  dossierCode?: string;
}

/**
 * Puts a document into a person's store inside the caller's transaction (the results module stores signed results
 * here). The same bytes are kept once per person; the id of the stored document is returned either way.
 */
export async function storeCitizenDocument(tx: Queryable, citizenId: string | null, doc: NewDocument): Promise<{ id: string; created: boolean }> {
  const sha256 = createHash('sha256').update(doc.content).digest('hex');
  const [created] = await tx.query(
    `INSERT INTO citizen_documents (id_number, citizen_id, kind, title, name, mime, size, sha256, content, dossier_id, dossier_code)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id_number, sha256) DO NOTHING RETURNING id`,
    [doc.idNumber, citizenId, doc.kind, nfc(doc.title).slice(0, 500), nfc(doc.name).slice(0, 255), doc.mime, doc.content.length, sha256, doc.content,
      doc.dossierId ?? null, doc.dossierCode ?? null]);
  if (created) return { id: created.id, created: true };
  const [existing] = await tx.query(
    'UPDATE citizen_documents SET citizen_id = coalesce(citizen_id, $3) WHERE id_number = $1 AND sha256 = $2 RETURNING id', [doc.idNumber, sha256, citizenId]);
  return { id: existing.id, created: false };
}

/** Dossier hook: the files of a submission or a supplement go into the applicant's store. */
export async function keepSubmittedDocuments(tx: Queryable, dossier: Row, event: DossierEventRecord) {
  if (event.action !== 'submit' && event.action !== 'submit_supplement') return;
  const idNumber = String(dossier.applicant?.idNumber ?? '');
  if (!/^[0-9]{12}$/.test(idNumber)) return;
  const content = await getProcedureVersion(tx, dossier.procedure_id, dossier.procedure_version);
  for (const f of await listDossierFiles(tx, dossier.id, content)) {
    const file = await readDossierFile(tx, dossier.id, f.id);
    await storeCitizenDocument(tx, dossier.citizen_id, {
      idNumber, kind: 'submitted', title: f.componentName ?? 'Giấy tờ', name: file.name, mime: file.mime, content: file.content,
      dossierId: dossier.id, dossierCode: dossier.code,
    });
  }
}

const toDocument = (r: Row) => ({
  id: r.id as string, kind: r.kind as DocumentKind, kindName: KIND_NAMES[r.kind as DocumentKind], title: r.title as string, name: r.name as string,
  mime: r.mime as string, size: r.size as number, sha256: r.sha256 as string, dossierId: r.dossier_id as string | null,
  dossierCode: r.dossier_code as string | null, createdAt: new Date(r.created_at).toISOString(), reuses: Number(r.reuses ?? 0),
});
const LIST = `SELECT d.id, d.kind, d.title, d.name, d.mime, d.size, d.sha256, d.dossier_id, d.dossier_code, d.created_at,
  (SELECT count(*) FROM document_reuses r WHERE r.document_id = d.id) AS reuses FROM citizen_documents d`;

/** The signed-in citizen's store, newest first. */
export async function listMyDocuments(db: Queryable, citizen: Citizen) {
  const rows = await db.query(`${LIST} WHERE d.citizen_id = $1 OR d.id_number = $2 ORDER BY d.created_at DESC LIMIT 500`, [citizen.id, citizen.idNumber]);
  return rows.map(toDocument);
}

export async function readMyDocument(db: Queryable, citizen: Citizen, id: string) {
  const [r] = await db.query('SELECT name, mime, content FROM citizen_documents WHERE id = $1 AND (citizen_id = $2 OR id_number = $3)', [id, citizen.id, citizen.idNumber]);
  if (!r) throw notFound('giấy tờ trong kho');
  return { name: r.name as string, mime: r.mime as string, content: Buffer.from(r.content) };
}

/** A counter officer looks at a person's earlier documents (to reuse one at the desk); the look-up is not the reuse. */
export async function listPersonDocuments(db: Queryable, actor: Actor, idNumber: string) {
  if (!actor.roles.includes('counter_officer')) throw forbidden('Chỉ cán bộ Bộ phận Một cửa được tra cứu kho dữ liệu của người nộp.');
  const rows = await db.query(`${LIST} WHERE d.id_number = $1 ORDER BY d.created_at DESC LIMIT 500`, [idNumber]);
  return rows.map(toDocument);
}

export interface StoredPick { componentIndex: number; documentId: string }
export type Reuser = { kind: 'citizen'; citizen: Citizen } | { kind: 'staff'; actor: Actor; applicantIdNumber: string };

/**
 * Turns picked stored documents into uploads owned by `owner`, ready to attach to the new dossier, and logs each
 * reuse. A citizen picks from their own store; an officer from the store of the dossier's applicant.
 */
export async function reuseStoredDocuments(tx: Queryable, by: Reuser, owner: string, dossierId: string, picks: StoredPick[]): Promise<FileRef[]> {
  const refs: FileRef[] = [];
  for (const pick of picks) {
    const [doc] = by.kind === 'citizen'
      ? await tx.query('SELECT * FROM citizen_documents WHERE id = $1 AND (citizen_id = $2 OR id_number = $3)', [pick.documentId, by.citizen.id, by.citizen.idNumber])
      : await tx.query('SELECT * FROM citizen_documents WHERE id = $1 AND id_number = $2', [pick.documentId, by.applicantIdNumber]);
    if (!doc) throw notFound(`giấy tờ ${pick.documentId} trong kho dữ liệu của người nộp`);
    const upload = await storeUpload(tx, owner, doc.name, Buffer.from(doc.content));
    const actor = by.kind === 'citizen' ? { kind: 'citizen', id: by.citizen.id, name: by.citizen.fullName } : { kind: 'staff', id: by.actor.userId, name: by.actor.fullName };
    await tx.query('INSERT INTO document_reuses (document_id, dossier_id, component_index, actor_kind, actor_id, actor_name) VALUES ($1, $2, $3, $4, $5, $6)',
      [doc.id, dossierId, pick.componentIndex, actor.kind, actor.id, actor.name]);
    refs.push({ componentIndex: pick.componentIndex, uploadId: upload.id });
  }
  return refs;
}

/** The reuse log of a dossier (which component came from the store, who chose it, when). */
export async function dossierReuses(db: Queryable, dossierId: string) {
  const rows = await db.query(
    `SELECT r.*, d.title, d.name, d.dossier_code FROM document_reuses r JOIN citizen_documents d ON d.id = r.document_id WHERE r.dossier_id = $1 ORDER BY r.id`, [dossierId]);
  return rows.map((r) => ({
    documentId: r.document_id as string, componentIndex: r.component_index as number, title: r.title as string, name: r.name as string,
    fromDossierCode: r.dossier_code as string | null, actorKind: r.actor_kind as string, actorName: r.actor_name as string, at: new Date(r.at).toISOString(),
  }));
}
