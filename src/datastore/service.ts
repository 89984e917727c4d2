// The data store (kho quản lý dữ liệu điện tử của tổ chức, cá nhân — Nghị định 45/2020): every document a person or
// organisation submitted or received, keyed by the personal identification number (số định danh cá nhân) or the tax
// code (mã số thuế). A stored
// document can stand for a dossier component instead of a new upload ("dẫn nguồn tài liệu từ Kho"); each such reuse
// is logged with who made it.
import { createHash } from 'node:crypto';
import type { Queryable, Row } from '../db/index.ts';
import { getProcedureVersion } from '../catalog/service.ts';
import { citizenIdNumber, type Citizen } from '../citizens/service.ts';
import type { DossierEventRecord, StoredDocumentsHook } from '../dossiers/hooks.ts';
import { listDossierFiles, readDossierFile, storeUpload, type FileRef } from '../dossiers/files.ts';
import { uploadOwner } from '../dossiers/service.ts';
import type { Actor } from '../shared/actor.ts';
import { forbidden, notFound } from '../shared/errors.ts';
import { nfc } from '../shared/text.ts';

export type DocumentKind = 'submitted' | 'result';
export const KIND_NAMES: Record<DocumentKind, string> = { submitted: 'Giấy tờ đã nộp', result: 'Kết quả giải quyết' };

/** Whose store: a person by their 12-digit identification number, or an organisation by its tax code (mã số thuế). */
export type StoreOwner = { idNumber: string; taxCode?: undefined } | { taxCode: string; idNumber?: undefined };

/** The store a dossier's applicant has (see dossiers' Applicant); null for an applicant without a usable key. */
export function applicantStore(applicant: { kind?: string; idNumber?: string; taxCode?: string } | null | undefined): StoreOwner | null {
  if (applicant?.kind === 'organisation') return applicant.taxCode ? { taxCode: applicant.taxCode } : null;
  return applicant?.idNumber && /^[0-9]{12}$/.test(applicant.idNumber) ? { idNumber: applicant.idNumber } : null;
}

export type NewDocument = StoreOwner & {
  kind: DocumentKind;
  /** What it is: the dossier component or the result's name. */
  title: string;
  name: string;
  mime: string;
  content: Buffer;
  dossierId?: string;
  dossierCode?: string;
};

/**
 * Puts a document into a store inside the caller's transaction (the results module stores signed results here). A
 * person's store keeps the same bytes once; an organisation's keeps them once per representative who brought them
 * (`citizenId`), because only that representative may read them back. The stored document's id either way.
 */
export async function storeCitizenDocument(tx: Queryable, citizenId: string | null, doc: NewDocument): Promise<{ id: string; created: boolean }> {
  const sha256 = createHash('sha256').update(doc.content).digest('hex');
  const conflictTarget = doc.taxCode ? '(tax_code, citizen_id, sha256) WHERE tax_code IS NOT NULL' : '(id_number, sha256)';
  const [created] = await tx.query(
    `INSERT INTO citizen_documents (id_number, tax_code, citizen_id, kind, title, name, mime, size, sha256, content, dossier_id, dossier_code)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT ${conflictTarget} DO NOTHING RETURNING id`,
    [
      doc.idNumber ?? null,
      doc.taxCode ?? null,
      citizenId,
      doc.kind,
      nfc(doc.title).slice(0, 500),
      nfc(doc.name).slice(0, 255),
      doc.mime,
      doc.content.length,
      sha256,
      doc.content,
      doc.dossierId ?? null,
      doc.dossierCode ?? null,
    ],
  );
  if (created) return { id: created.id, created: true };
  const [existing] = doc.taxCode
    ? await tx.query('SELECT id FROM citizen_documents WHERE tax_code = $1 AND citizen_id IS NOT DISTINCT FROM $2 AND sha256 = $3', [
        doc.taxCode,
        citizenId,
        sha256,
      ])
    : await tx.query('SELECT id FROM citizen_documents WHERE id_number = $1 AND sha256 = $2', [doc.idNumber, sha256]);
  return { id: existing.id, created: false };
}

/**
 * Dossier hook: a dossier's component files, and those of the extra documents a supplement request asked for, go into
 * its applicant's store — only once the applicant is known to be who the dossier says (issue: a citizen naming another
 * person must never plant files in that person's store):
 * - the applicant themself signed in with the e-ID (the server took the applicant from the session): at submission
 *   and at each supplement;
 * - anything else — on someone's behalf under an authorisation, or for an organisation — only after an officer has
 *   received the dossier and so checked the authorisation or the representative's papers: at acceptance (or at the
 *   counter, where the officer receives it at once), and at each later supplement.
 * The authorisation itself stays with the dossier: it is the submitter's paper, not the applicant's.
 */
export async function keepSubmittedDocuments(tx: Queryable, dossier: Row, event: DossierEventRecord) {
  if (event.action !== 'submit' && event.action !== 'submit_supplement' && event.action !== 'accept') return;
  const owner = applicantStore(dossier.applicant);
  if (!owner) return;
  const self = Boolean(
    owner.idNumber && !dossier.applicant.representative && dossier.citizen_id && (await citizenIdNumber(tx, dossier.citizen_id)) === owner.idNumber,
  );
  const received = dossier.received_at !== null;
  const due = event.action === 'accept' ? received && !self && dossier.channel === 'online' : self || received;
  if (!due) return;
  const content = await getProcedureVersion(tx, dossier.procedure_id, dossier.procedure_version);
  for (const f of await listDossierFiles(tx, dossier.id, content)) {
    if (f.kind === 'authorisation') continue;
    const file = await readDossierFile(tx, dossier.id, f.id);
    // A person's documents are linked to their own account only; an organisation's to the representative who brought them.
    await storeCitizenDocument(tx, owner.taxCode || self ? dossier.citizen_id : null, {
      ...owner,
      kind: 'submitted',
      title: f.extraName ?? f.componentName ?? 'Giấy tờ',
      name: file.name,
      mime: file.mime,
      content: file.content,
      dossierId: dossier.id,
      dossierCode: dossier.code,
    });
  }
}

const toDocument = (r: Row) => ({
  id: r.id as string,
  kind: r.kind as DocumentKind,
  kindName: KIND_NAMES[r.kind as DocumentKind],
  title: r.title as string,
  name: r.name as string,
  mime: r.mime as string,
  size: r.size as number,
  sha256: r.sha256 as string,
  dossierId: r.dossier_id as string | null,
  dossierCode: r.dossier_code as string | null,
  taxCode: r.tax_code as string | null,
  createdAt: new Date(r.created_at).toISOString(),
  reuses: Number(r.reuses ?? 0),
});
const LIST = `SELECT d.id, d.kind, d.title, d.name, d.mime, d.size, d.sha256, d.dossier_id, d.dossier_code, d.tax_code, d.created_at,
  (SELECT count(*) FROM document_reuses r WHERE r.document_id = d.id) AS reuses FROM citizen_documents d`;

/**
 * What a signed-in citizen may read and reuse: their own store (by the e-ID's number), and of any organisation's store
 * only the documents they brought themselves. Anyone can type a tax code, and nothing here proves who represents a
 * business (that needs the national business registry), so a business's store is never opened to a citizen as a
 * whole: another representative's documents stay with the officers who handle the business's dossiers.
 */
const CITIZEN_SEES = '(d.id_number = $2 OR (d.tax_code IS NOT NULL AND d.citizen_id = $1))';

/** The signed-in citizen's store (their own documents and those they brought for organisations), newest first. */
export async function listMyDocuments(db: Queryable, citizen: Citizen) {
  const rows = await db.query(`${LIST} WHERE ${CITIZEN_SEES} ORDER BY d.created_at DESC LIMIT 500`, [citizen.id, citizen.idNumber]);
  return rows.map(toDocument);
}

export async function readMyDocument(db: Queryable, citizen: Citizen, id: string) {
  const [r] = await db.query(`SELECT d.name, d.mime, d.content FROM citizen_documents d WHERE d.id = $3 AND ${CITIZEN_SEES}`, [
    citizen.id,
    citizen.idNumber,
    id,
  ]);
  if (!r) throw notFound('giấy tờ trong kho');
  return { name: r.name as string, mime: r.mime as string, content: Buffer.from(r.content) };
}

/**
 * A counter officer looks at the store of the applicant of a dossier the officer is handling (`dossierInHand`, the
 * dossiers module's rule, runs after the role check, so a role without the permission learns nothing of the dossier);
 * the look is logged — who, when, which dossier, whose store — before anything is read.
 */
export async function lookAtApplicantStore(
  db: Queryable,
  actor: Actor,
  dossierInHand: () => Promise<{ id: string; applicant: Parameters<typeof applicantStore>[0] }>,
) {
  if (!actor.roles.includes('counter_officer')) throw forbidden('Chỉ cán bộ Bộ phận Một cửa được tra cứu kho dữ liệu của người nộp.');
  const dossier = await dossierInHand();
  const owner = applicantStore(dossier.applicant);
  if (!owner) return [];
  const rows = owner.taxCode
    ? await db.query(`${LIST} WHERE d.tax_code = $1 ORDER BY d.created_at DESC LIMIT 500`, [owner.taxCode])
    : await db.query(`${LIST} WHERE d.id_number = $1 ORDER BY d.created_at DESC LIMIT 500`, [owner.idNumber]);
  await db.query('INSERT INTO datastore_looks (user_id, user_name, dossier_id, id_number, tax_code, documents) VALUES ($1, $2, $3, $4, $5, $6)', [
    actor.userId,
    actor.fullName,
    dossier.id,
    owner.idNumber ?? null,
    owner.taxCode ?? null,
    rows.length,
  ]);
  return rows.map(toDocument);
}

/** The looks officers took at the citizen's own store (who, when, for which dossier), newest first. */
export async function looksAtMyStore(db: Queryable, citizen: Citizen) {
  const rows = await db.query('SELECT user_name, dossier_id, documents, at FROM datastore_looks WHERE id_number = $1 ORDER BY at DESC LIMIT 200', [
    citizen.idNumber,
  ]);
  return rows.map((r) => ({
    officerName: r.user_name as string,
    dossierId: r.dossier_id as string,
    documents: r.documents as number,
    at: new Date(r.at).toISOString(),
  }));
}

/**
 * Dossier hook (submission): turns picked stored documents into uploads of the submitter, ready to attach to the new
 * dossier, and logs each reuse. A citizen picks from what they may read; an officer from the store of the dossier's
 * applicant.
 */
export const reuseStoredDocuments: StoredDocumentsHook = async (tx, by, applicant, dossierId, picks) => {
  const refs: FileRef[] = [];
  const owner = uploadOwner(by);
  const store = by.kind === 'staff' ? applicantStore(applicant) : null;
  for (const pick of picks) {
    const [doc] =
      by.kind === 'citizen'
        ? await tx.query(`SELECT * FROM citizen_documents d WHERE d.id = $3 AND ${CITIZEN_SEES}`, [by.citizen.id, by.citizen.idNumber, pick.documentId])
        : store
          ? await tx.query('SELECT * FROM citizen_documents WHERE id = $1 AND (id_number = $2 OR tax_code = $3)', [
              pick.documentId,
              store.idNumber ?? null,
              store.taxCode ?? null,
            ])
          : [];
    if (!doc) throw notFound(`giấy tờ ${pick.documentId} trong kho dữ liệu của người nộp`);
    const upload = await storeUpload(tx, owner, doc.name, Buffer.from(doc.content));
    const actor =
      by.kind === 'citizen'
        ? { kind: 'citizen', id: by.citizen.id, name: by.citizen.fullName }
        : { kind: 'staff', id: by.actor.userId, name: by.actor.fullName };
    await tx.query('INSERT INTO document_reuses (document_id, dossier_id, component_index, actor_kind, actor_id, actor_name) VALUES ($1, $2, $3, $4, $5, $6)', [
      doc.id,
      dossierId,
      pick.componentIndex,
      actor.kind,
      actor.id,
      actor.name,
    ]);
    refs.push({ componentIndex: pick.componentIndex, uploadId: upload.id });
  }
  return refs;
};

/** The reuse log of a dossier (which component came from the store, who chose it, when). */
export async function dossierReuses(db: Queryable, dossierId: string) {
  const rows = await db.query(
    `SELECT r.*, d.title, d.name, d.dossier_code FROM document_reuses r JOIN citizen_documents d ON d.id = r.document_id WHERE r.dossier_id = $1 ORDER BY r.id`,
    [dossierId],
  );
  return rows.map((r) => ({
    documentId: r.document_id as string,
    componentIndex: r.component_index as number,
    title: r.title as string,
    name: r.name as string,
    fromDossierCode: r.dossier_code as string | null,
    actorKind: r.actor_kind as string,
    actorName: r.actor_name as string,
    at: new Date(r.at).toISOString(),
  }));
}
