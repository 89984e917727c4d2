// Hồ sơ công việc (Decree 30/2020 art. 28; Thông tư 10/2022/TT-BNV for thời hạn bảo quản): one file per matter of an
// organisation, holding the documents of the matter its people may see, closed at the end of the work (the date of
// closing recorded, nothing changes after). A file is seen by its creator, the person responsible for it, and the
// organisation's văn thư and leaders; anyone else, and any other organisation, gets 404 as for an unknown id.
import type { Database, Queryable } from '../db/index.ts';
import type { DocumentsRow, WorkFilesRow } from '../db/schema.ts';
import { organisationOf } from '../agencies/service.ts';
import { staffMembers, staffNames } from '../identity/service.ts';
import type { Actor } from '../shared/actor.ts';
import { AppError, badRequest, conflict, notFound } from '../shared/errors.ts';
import { nfc } from '../shared/text.ts';
import { formatNumber } from './numbering.ts';
import { canSee, DRAFTERS } from './workflow.ts';

export interface WorkFileInput {
  /** Ký hiệu hồ sơ, unique in the organisation ("01.VP-2026"). */
  code: string;
  title: string;
  /** Thời hạn bảo quản in years; null: vĩnh viễn. */
  retentionYears: number | null;
  /** The person responsible (default: the one who creates it). */
  responsibleId?: string;
}

const seesFile = (actor: Actor, f: WorkFilesRow) =>
  f.created_by === actor.userId || f.responsible_id === actor.userId || actor.roles.some((r) => r === 'clerk' || r === 'agency_leader');

/** The work file as the actor may see it (404 otherwise), locked for a change when `lock`. */
async function visibleFile(db: Queryable, actor: Actor, id: string, lock = false): Promise<WorkFilesRow> {
  const org = (await organisationOf(db, actor.agencyId)).id;
  const [f] = await db.query<WorkFilesRow>(`SELECT * FROM work_files WHERE id = $1 AND agency_id = $2${lock ? ' FOR UPDATE' : ''}`, [id, org]);
  if (!f || !seesFile(actor, f)) throw notFound('hồ sơ công việc');
  return f;
}

/** A file the actor may change: its creator or the person responsible, while it is open. */
async function changeableFile(tx: Queryable, actor: Actor, id: string): Promise<WorkFilesRow> {
  const f = await visibleFile(tx, actor, id, true);
  if (f.created_by !== actor.userId && f.responsible_id !== actor.userId) {
    throw new AppError(403, 'FORBIDDEN', 'Chỉ người lập hoặc người chịu trách nhiệm được thay đổi hồ sơ công việc.');
  }
  if (f.closed_at) throw conflict('WORK_FILE_CLOSED', 'Hồ sơ công việc đã kết thúc, không thay đổi được nữa.');
  return f;
}

export async function createWorkFile(db: Database, actor: Actor, input: WorkFileInput): Promise<{ id: string }> {
  if (!actor.roles.some((r) => DRAFTERS.includes(r))) throw new AppError(403, 'FORBIDDEN', 'Chỉ chuyên viên, lãnh đạo và văn thư được lập hồ sơ công việc.');
  const org = await organisationOf(db, actor.agencyId);
  const responsibleId = input.responsibleId ?? actor.userId;
  const responsible = (await staffMembers(db, [responsibleId])).get(responsibleId);
  const inOrg = responsible?.active && (responsible.agencyPath === org.path || responsible.agencyPath.startsWith(`${org.path}/`));
  if (!inOrg) throw badRequest('INVALID_RESPONSIBLE', 'Người chịu trách nhiệm phải là cán bộ đang làm việc tại cơ quan.');
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO work_files (agency_id, code, title, retention_years, responsible_id, created_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (agency_id, code) DO NOTHING RETURNING id`,
    [org.id, nfc(input.code), nfc(input.title), input.retentionYears, responsibleId, actor.userId],
  );
  if (!row) throw conflict('WORK_FILE_CODE_TAKEN', `Ký hiệu hồ sơ "${nfc(input.code)}" đã dùng cho một hồ sơ khác của cơ quan.`);
  return row;
}

function summary(f: WorkFilesRow, names: Map<string, string>) {
  return {
    id: f.id,
    code: f.code,
    title: f.title,
    retentionYears: f.retention_years,
    retention: f.retention_years === null ? 'Vĩnh viễn' : `${f.retention_years} năm`,
    responsible: { id: f.responsible_id, name: names.get(f.responsible_id) ?? null },
    createdAt: f.created_at.toISOString(),
    closedAt: f.closed_at?.toISOString() ?? null,
  };
}

/** The organisation's work files the actor sees, open ones first, newest first. */
export async function listWorkFiles(db: Queryable, actor: Actor) {
  const org = (await organisationOf(db, actor.agencyId)).id;
  const rows = (
    await db.query<WorkFilesRow>('SELECT * FROM work_files WHERE agency_id = $1 ORDER BY closed_at IS NOT NULL, created_at DESC LIMIT 2000', [org])
  ).filter((f) => seesFile(actor, f));
  const names = await staffNames(
    db,
    rows.map((f) => f.responsible_id),
  );
  // Every document in the file is counted, like the archive's mục lục; the file's page lists only those the actor sees.
  const counts = await db.query<{ work_file_id: string; n: number }>(
    'SELECT work_file_id, count(*)::int AS n FROM work_file_documents WHERE work_file_id = ANY($1) GROUP BY work_file_id',
    [rows.map((f) => f.id)],
  );
  const count = new Map(counts.map((c) => [c.work_file_id, c.n]));
  return { items: rows.map((f) => ({ ...summary(f, names), documentCount: count.get(f.id) ?? 0 })) };
}

/** One work file and the documents in it that the actor may see (others are counted, never shown). */
export async function getWorkFile(db: Queryable, actor: Actor, id: string) {
  const f = await visibleFile(db, actor, id);
  const org = (await organisationOf(db, actor.agencyId)).id;
  const docs = await db.query<DocumentsRow & { added_at: Date }>(
    `SELECT d.id, d.direction, d.status, d.agency_id, d.subject, d.secrecy, d.readers, d.created_by, d.signer_id, d.handler_id, d.unit_id,
            d.lead_unit_id, d.coordinating_unit_ids, d.number, d.notation, d.source_notation, d.from_name, w.added_at
       FROM work_file_documents w JOIN documents d ON d.id = w.document_id WHERE w.work_file_id = $1 ORDER BY w.added_at, d.id`,
    [id],
  );
  const visible = docs.filter((d) => canSee(actor, org, d));
  return {
    ...summary(f, await staffNames(db, [f.responsible_id])),
    documents: visible.map((d) => ({
      id: d.id,
      direction: d.direction,
      status: d.status,
      subject: d.subject,
      notation: d.direction === 'outgoing' && d.number !== null ? `${formatNumber(d.number)}/${d.notation}` : d.source_notation,
      from: d.from_name,
      addedAt: d.added_at.toISOString(),
    })),
    hiddenDocuments: docs.length - visible.length,
  };
}

/** Adds a document of the organisation that the actor may see (once; adding it again changes nothing). */
export async function addToWorkFile(db: Database, actor: Actor, id: string, documentId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const f = await changeableFile(tx, actor, id);
    const [d] = await tx.query<DocumentsRow>('SELECT * FROM documents WHERE id = $1', [documentId]);
    if (!d || !canSee(actor, f.agency_id, d)) throw notFound('văn bản');
    await tx.query('INSERT INTO work_file_documents (work_file_id, document_id, added_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
      id,
      documentId,
      actor.userId,
    ]);
  });
}

export async function removeFromWorkFile(db: Database, actor: Actor, id: string, documentId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const f = await changeableFile(tx, actor, id);
    const [d] = await tx.query<DocumentsRow>('SELECT * FROM documents WHERE id = $1', [documentId]);
    if (!d || !canSee(actor, f.agency_id, d)) throw notFound('văn bản trong hồ sơ');
    // Removing a document no longer in the file changes nothing (as adding one twice).
    await tx.query('DELETE FROM work_file_documents WHERE work_file_id = $1 AND document_id = $2', [id, documentId]);
  });
}

/** Kết thúc hồ sơ: the closing date is recorded and the file no longer changes. */
export async function closeWorkFile(db: Database, actor: Actor, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    await changeableFile(tx, actor, id);
    await tx.query('UPDATE work_files SET closed_at = now(), closed_by = $2 WHERE id = $1', [id, actor.userId]);
  });
}
