// Photos, short videos and documents of a feedback case: the report's, added by the reporter (or the operator keying
// it in) while the case is at intake or waiting for the reporter, and the handling agency's evidence for its answer
// (before/after photos or videos, a document) while it processes the case. Every file is checked like an upload
// (dossiers/files.ts: type from the bytes, agreeing with its name, images bounded in pixels, PDFs parsed off the event
// loop; videos walked by video.ts) and bounded in size by its kind (UPLOAD_MAX_VIDEO_BYTES for videos). The public gets
// a published case's report media and the evidence its published answer carries, images without their metadata and
// videos with their location blanked, so a phone's GPS (the reporter's home, often) never leaves the platform.
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/index.ts';
import { checkUploadContent, MAX_UPLOAD_BYTES, type UploadSettings } from '../dossiers/files.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../shared/errors.ts';
import type { ReceivedFile } from '../shared/http.ts';
import { nfc } from '../shared/text.ts';
import type { Party } from '../workflow/engine.ts';
import { organisationOf } from '../agencies/service.ts';
import { type Redaction, redact, VIDEO_TYPES, videoRedactions } from './video.ts';
import { feedbackWorkflow, insertEvent, isOperator } from './workflow.ts';

/** At most this many files per case. */
export const MAX_MEDIA_PER_CASE = 10;
const REPORT_STATES = ['received', 'classified', 'returned', 'info_requested'];
export const EVIDENCE_ROLES = ['before', 'after', 'document'] as const; // ảnh trước, ảnh sau khi xử lý, văn bản
export type EvidenceRole = (typeof EVIDENCE_ROLES)[number];
const PICTURES = ['image/jpeg', 'image/png', ...VIDEO_TYPES];

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/** Checks one file against what its kind accepts and its size limit; returns its type and a video's redactions. */
async function checkFile(f: ReceivedFile, accepted: readonly string[], settings: UploadSettings) {
  const mime = await checkUploadContent(f.filename, f.mimetype, f.content, settings, accepted);
  const video = VIDEO_TYPES.includes(mime);
  const limit = video ? settings.maxVideoBytes : MAX_UPLOAD_BYTES;
  if (f.content.length > limit) throw new AppError(413, 'FILE_TOO_LARGE', video ? `Video tối đa ${mb(limit)}.` : `Ảnh, tài liệu tối đa ${mb(limit)}.`);
  return { mime, redactions: video ? videoRedactions(mime, f.content) : [] };
}

/** The case, if `by` may add files to it now (404 unseen, 403 not the handling agency's handler, 409 not now). */
async function caseForMedia(db: Queryable, by: Party, caseId: string, reporterSide: boolean, lock: boolean) {
  const c = await feedbackWorkflow.load(db, caseId, lock);
  if (!c || !(await feedbackWorkflow.visible(db, by, c))) throw notFound('phản ánh');
  const row = c.row;
  if (!reporterSide) {
    const handler = by.kind === 'staff' && by.actor.roles.some((r) => r === 'specialist' || r === 'unit_leader' || r === 'agency_leader');
    if (!handler || (await organisationOf(db, by.actor.agencyId)).id !== row.agency_id) {
      throw forbidden('Chỉ chuyên viên, lãnh đạo của cơ quan xử lý được bổ sung minh chứng.');
    }
    if (row.status !== 'processing') throw conflict('MEDIA_CLOSED', 'Cơ quan bổ sung tài liệu, hình ảnh minh chứng khi đang xử lý phản ánh.');
  } else if (!REPORT_STATES.includes(row.status)) {
    throw conflict('MEDIA_CLOSED', 'Chỉ bổ sung ảnh cho phản ánh khi đang tiếp nhận hoặc khi được đề nghị bổ sung thông tin.');
  }
  return row;
}

/**
 * Adds files to a case: the reporter's side adds photos and videos of the report, the handling agency evidence for
 * its answer in a role (before/after: photos or videos; document: a PDF). Who may comes first (an unseen case is
 * unknown, whatever was sent), then every file is checked before anything is written.
 */
export async function addMedia(db: Database, by: Party, caseId: string, files: ReceivedFile[], settings: UploadSettings, role?: EvidenceRole) {
  const reporterSide = by.kind === 'citizen' || (await isOperator(db, by));
  const kind = reporterSide ? 'report' : 'evidence';
  await caseForMedia(db, by, caseId, reporterSide, false);
  if (reporterSide && role) throw badRequest('ROLE_NOT_ALLOWED', 'Chỉ minh chứng của cơ quan xử lý có loại (ảnh trước, ảnh sau, văn bản).');
  if (!reporterSide && !role) throw badRequest('ROLE_REQUIRED', 'Hãy chọn loại minh chứng: ảnh trước khi xử lý, ảnh sau khi xử lý hay văn bản.');
  const accepted = role === 'document' ? ['application/pdf'] : PICTURES;
  const checked: { mime: string; redactions: Redaction[] }[] = [];
  for (const f of files) checked.push(await checkFile(f, accepted, settings));
  return db.transaction(async (tx) => {
    const row = await caseForMedia(tx, by, caseId, reporterSide, true);
    const [{ n }] = await tx.query('SELECT count(*)::int AS n FROM feedback_media WHERE case_id = $1', [caseId]);
    if (n + files.length > MAX_MEDIA_PER_CASE) throw badRequest('TOO_MANY_MEDIA', `Mỗi phản ánh có tối đa ${MAX_MEDIA_PER_CASE} tệp.`);
    const added = [];
    for (const [i, f] of files.entries()) {
      const [m] = await tx.query(
        `INSERT INTO feedback_media (case_id, kind, role, name, mime, size, sha256, content, redactions, added_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, kind, role, name, mime, size`,
        [
          caseId,
          kind,
          role ?? null,
          nfc(f.filename).slice(0, 255) || 'tep',
          checked[i].mime,
          f.content.length,
          createHash('sha256').update(f.content).digest('hex'),
          f.content,
          JSON.stringify(checked[i].redactions),
          by.kind === 'staff' ? by.actor.userId : null,
        ],
      );
      added.push(m);
    }
    await insertEvent(tx, caseId, by, row.status, { action: 'add_media', data: { kind, role: role ?? null, files: files.length } }, row.agency_id);
    return { items: added };
  });
}

const MEDIA_COLUMNS = 'm.id, m.kind, m.role, m.name, m.mime, m.size';

/** What the public and the reporter see of a case: its report's media and the evidence its published answer carries. */
const PUBLIC_MEDIA = `(m.kind = 'report' OR f.published_evidence @> to_jsonb(m.id::text))`;

/**
 * A case's files for one who may see the case: staff get every file; the reporter their report's and the published
 * answer's evidence, never the agency's draft evidence (as they never read a draft answer).
 */
export async function listMedia(db: Queryable, caseId: string, staff: boolean) {
  return db.query(
    `SELECT ${MEDIA_COLUMNS} FROM feedback_media m JOIN feedback_cases f ON f.id = m.case_id
      WHERE m.case_id = $1 AND ($2::boolean OR ${PUBLIC_MEDIA}) ORDER BY m.created_at, m.id`,
    [caseId, staff],
  );
}

export async function listPublicMedia(db: Queryable, caseId: string) {
  return db.query(
    `SELECT ${MEDIA_COLUMNS} FROM feedback_media m JOIN feedback_cases f ON f.id = m.case_id
      WHERE m.case_id = $1 AND ${PUBLIC_MEDIA} ORDER BY m.created_at, m.id`,
    [caseId],
  );
}

/** A file to send: its size, and its bytes from `start` to `end` (inclusive) read when asked, so a range reads only itself. */
export interface MediaFile {
  name: string;
  mime: string;
  size: number;
  read(start: number, end: number): Promise<Buffer>;
}

const readRange = (db: Queryable, id: string) => async (start: number, end: number) => {
  const [r] = await db.query('SELECT substring(content FROM $2 FOR $3) AS part FROM feedback_media WHERE id = $1', [id, start + 1, end - start + 1]);
  return Buffer.from(r.part);
};

/** One file for a party who sees the case, as stored. */
export async function readMedia(db: Queryable, by: Party, caseId: string, mediaId: string): Promise<MediaFile> {
  const c = await feedbackWorkflow.load(db, caseId, false);
  if (!c || !(await feedbackWorkflow.visible(db, by, c))) throw notFound('tệp');
  const [m] = await db.query(
    `SELECT m.id, m.name, m.mime, m.size FROM feedback_media m JOIN feedback_cases f ON f.id = m.case_id
      WHERE m.id = $1 AND m.case_id = $2 AND ($3::boolean OR ${PUBLIC_MEDIA})`,
    [mediaId, caseId, by.kind === 'staff'],
  );
  if (!m) throw notFound('tệp');
  return { name: m.name, mime: m.mime, size: m.size, read: readRange(db, m.id) };
}

/** One public file of a published case: images without their metadata, videos with their location blanked. */
export async function readPublicMedia(db: Queryable, code: string, mediaId: string): Promise<MediaFile> {
  const [m] = await db.query(
    `SELECT m.id, m.name, m.mime, m.size, m.redactions FROM feedback_media m JOIN feedback_cases f ON f.id = m.case_id
      WHERE f.code = $1 AND f.published_at IS NOT NULL AND m.id = $2 AND ${PUBLIC_MEDIA}`,
    [code, mediaId],
  );
  if (!m) throw notFound('tệp');
  const stored = readRange(db, m.id);
  if (m.mime.startsWith('image/')) {
    // Removing an image's metadata changes its length: the whole (small) image is read, stripped, then cut.
    const content = withoutMetadata(m.mime, await stored(0, m.size - 1));
    return { name: m.name, mime: m.mime, size: content.length, read: async (start, end) => content.subarray(start, end + 1) };
  }
  const redactions = m.redactions as Redaction[];
  return { name: m.name, mime: m.mime, size: m.size, read: async (start, end) => redact(await stored(start, end), start, redactions) };
}

/** An image without its metadata segments: JPEG APP1 (Exif with GPS, XMP), PNG eXIf and text chunks. Anything unexpected: unchanged bytes are not served. */
const JPEG_END = Buffer.from([0xff, 0xd9]);

/**
 * The segments before the image data a published JPEG keeps: what decoding needs (tables, frame, restart interval),
 * JFIF (APP0) and the colour profile (APP2 ICC_PROFILE); never Exif/XMP (APP1), MPF (APP2), IPTC (APP13), other APPn
 * or comments, which carry where, when and by whom it was taken.
 */
function keptJpegSegment(segment: Buffer): boolean {
  const marker = segment[1];
  if (marker === 0xe0) return true;
  if (marker === 0xe2) return segment.subarray(4, 16).toString('latin1') === 'ICC_PROFILE\0';
  return !(marker >= 0xe1 && marker <= 0xef) && marker !== 0xfe;
}

export function withoutMetadata(mime: string, b: Buffer): Buffer {
  if (mime === 'image/jpeg') {
    const parts = [b.subarray(0, 2)];
    let i = 2;
    while (i + 4 <= b.length && b[i] === 0xff && b[i + 1] !== 0xda) {
      const end = i + 2 + b.readUInt16BE(i + 2);
      if (keptJpegSegment(b.subarray(i, end))) parts.push(b.subarray(i, end));
      i = end;
    }
    if (b[i] !== 0xff || b[i + 1] !== 0xda) throw conflict('IMAGE_UNREADABLE', 'Không đọc được cấu trúc ảnh để xóa siêu dữ liệu.');
    // The image ends at its end-of-image marker (FF D9 cannot occur inside the coded data): phones append more after it
    // — the secondary images of MPF, a motion photo's video — each with its own Exif and location.
    const eoi = b.indexOf(JPEG_END, i);
    parts.push(b.subarray(i, eoi === -1 ? b.length : eoi + 2));
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
