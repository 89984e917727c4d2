// Photos and documents of a feedback case: the report's, added by the reporter (or the operator keying it in) while
// the case is at intake or waiting for the reporter, and the handling agency's evidence for its answer while it
// processes the case. Every file is checked like an upload (dossiers/files.ts: type from the bytes, agreeing with its
// name, images bounded in pixels, PDFs parsed off the event loop); the public gets a published case's images without
// their metadata, so a phone's EXIF GPS (the reporter's home, often) never leaves the platform.
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/index.ts';
import { checkUploadContent, type UploadSettings } from '../dossiers/files.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../shared/errors.ts';
import type { ReceivedFile } from '../shared/http.ts';
import { nfc } from '../shared/text.ts';
import type { Party } from '../workflow/engine.ts';
import { organisationOf } from '../agencies/service.ts';
import { feedbackWorkflow, insertEvent, isOperator } from './workflow.ts';

/** At most this many files per case. */
export const MAX_MEDIA_PER_CASE = 10;
const REPORT_STATES = ['received', 'classified', 'returned', 'info_requested'];

/** Adds files to a case: the reporter's side adds photos of the report, the handling agency evidence for its answer. */
export async function addMedia(db: Database, by: Party, caseId: string, files: ReceivedFile[], settings: UploadSettings) {
  const reporterSide = by.kind === 'citizen' || (await isOperator(db, by));
  const kind = reporterSide ? 'report' : 'evidence';
  if (kind === 'report' && files.some((f) => f.content.subarray(0, 5).toString('latin1') === '%PDF-')) {
    throw new AppError(415, 'IMAGE_REQUIRED', 'Ảnh phản ánh phải là tệp JPEG hoặc PNG.');
  }
  for (const f of files) await checkUploadContent(f.filename, f.mimetype, f.content, settings);
  return db.transaction(async (tx) => {
    const c = await feedbackWorkflow.load(tx, caseId, true);
    if (!c || !(await feedbackWorkflow.visible(tx, by, c))) throw notFound('phản ánh');
    const row = c.row;
    if (!reporterSide) {
      const handler = by.kind === 'staff' && by.actor.roles.some((r) => r === 'specialist' || r === 'unit_leader' || r === 'agency_leader');
      if (!handler || (await organisationOf(tx, by.actor.agencyId)).id !== row.agency_id) {
        throw forbidden('Chỉ chuyên viên, lãnh đạo của cơ quan xử lý được bổ sung minh chứng.');
      }
      if (row.status !== 'processing') throw conflict('MEDIA_CLOSED', 'Cơ quan bổ sung tài liệu, hình ảnh minh chứng khi đang xử lý phản ánh.');
    } else if (!REPORT_STATES.includes(row.status)) {
      throw conflict('MEDIA_CLOSED', 'Chỉ bổ sung ảnh cho phản ánh khi đang tiếp nhận hoặc khi được đề nghị bổ sung thông tin.');
    }
    const [{ n }] = await tx.query('SELECT count(*)::int AS n FROM feedback_media WHERE case_id = $1', [caseId]);
    if (n + files.length > MAX_MEDIA_PER_CASE) throw badRequest('TOO_MANY_MEDIA', `Mỗi phản ánh có tối đa ${MAX_MEDIA_PER_CASE} tệp.`);
    const added = [];
    for (const f of files) {
      const [m] = await tx.query(
        `INSERT INTO feedback_media (case_id, kind, name, mime, size, sha256, content, added_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, kind, name, mime, size`,
        [
          caseId,
          kind,
          nfc(f.filename).slice(0, 255) || 'tep',
          mimeOf(f.content),
          f.content.length,
          createHash('sha256').update(f.content).digest('hex'),
          f.content,
          by.kind === 'staff' ? by.actor.userId : null,
        ],
      );
      added.push(m);
    }
    await insertEvent(tx, caseId, by, row.status, { action: 'add_media', data: { kind, files: files.length } }, row.agency_id);
    return { items: added };
  });
}

/** JPEG and PNG by their signatures, PDF otherwise (checkUploadContent has accepted only these three). */
function mimeOf(content: Buffer): string {
  if (content[0] === 0xff && content[1] === 0xd8) return 'image/jpeg';
  if (content.subarray(1, 4).toString('latin1') === 'PNG') return 'image/png';
  return 'application/pdf';
}

export async function listMedia(db: Queryable, caseId: string) {
  return db.query('SELECT id, kind, name, mime, size FROM feedback_media WHERE case_id = $1 ORDER BY created_at, id', [caseId]);
}

/** One file for a party who sees the case, as stored. */
export async function readMedia(db: Queryable, by: Party, caseId: string, mediaId: string) {
  const c = await feedbackWorkflow.load(db, caseId, false);
  if (!c || !(await feedbackWorkflow.visible(db, by, c))) throw notFound('tệp');
  const [m] = await db.query('SELECT name, mime, content FROM feedback_media WHERE id = $1 AND case_id = $2', [mediaId, caseId]);
  if (!m) throw notFound('tệp');
  return { name: m.name as string, mime: m.mime as string, content: Buffer.from(m.content) };
}

/** One file of a published case, images without their metadata. */
export async function readPublicMedia(db: Queryable, code: string, mediaId: string) {
  const [m] = await db.query(
    `SELECT m.name, m.mime, m.content FROM feedback_media m JOIN feedback_cases f ON f.id = m.case_id
      WHERE f.code = $1 AND f.published_at IS NOT NULL AND m.id = $2`,
    [code, mediaId],
  );
  if (!m) throw notFound('tệp');
  return { name: m.name as string, mime: m.mime as string, content: withoutMetadata(m.mime, Buffer.from(m.content)) };
}

/** An image without its metadata segments: JPEG APP1 (Exif with GPS, XMP), PNG eXIf and text chunks. Anything unexpected: unchanged bytes are not served. */
export function withoutMetadata(mime: string, b: Buffer): Buffer {
  if (mime === 'image/jpeg') {
    const parts = [b.subarray(0, 2)];
    let i = 2;
    while (i + 4 <= b.length && b[i] === 0xff && b[i + 1] !== 0xda) {
      const end = i + 2 + b.readUInt16BE(i + 2);
      if (b[i + 1] !== 0xe1) parts.push(b.subarray(i, end));
      i = end;
    }
    if (b[i] !== 0xff || b[i + 1] !== 0xda) throw conflict('IMAGE_UNREADABLE', 'Không đọc được cấu trúc ảnh để xóa siêu dữ liệu.');
    parts.push(b.subarray(i));
    return Buffer.concat(parts);
  }
  if (mime === 'image/png') {
    const parts = [b.subarray(0, 8)];
    for (let i = 8; i + 12 <= b.length; ) {
      const end = i + 12 + b.readUInt32BE(i);
      if (!['eXIf', 'tEXt', 'iTXt', 'zTXt'].includes(b.subarray(i + 4, i + 8).toString('latin1'))) parts.push(b.subarray(i, end));
      i = end;
    }
    return Buffer.concat(parts);
  }
  return b;
}
