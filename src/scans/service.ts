// Digitised paper (số hóa): the pages a counter officer scans become one PDF, one page per sheet in the order they
// were scanned, with who scanned it and when written into the file and kept beside it. The PDF is then an ordinary
// upload, attached to a dossier component as a digitised file.
import { createHash } from 'node:crypto';
import { PDFDocument, PageSizes } from 'pdf-lib';
import type { Database, Queryable } from '../db/index.ts';
import type { Actor } from '../shared/actor.ts';
import { AppError, badRequest, forbidden, notFound } from '../shared/errors.ts';
import { nfc } from '../shared/text.ts';
import { organisationOf } from '../agencies/service.ts';
import { storeUpload } from '../dossiers/files.ts';

export const MAX_SCAN_PAGES = 100;
const [A4_W, A4_H] = PageSizes.A4;

export interface ScanInfo { uploadId: string; name: string; pages: number; pageSha256: string[]; scannedBy: string; scannedAt: string; sha256: string; size: number }

const isPng = (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
const isJpeg = (b: Buffer) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const vnIso = (d: Date) => new Date(d.getTime() + 7 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+07:00');

/** One PDF from scanned page images (JPEG or PNG, by content), each page fitted on A4 in the given order. */
export async function scanToPdf(pages: Buffer[], meta: { title: string; scannedBy: string; scannedAt: Date }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (const [i, bytes] of pages.entries()) {
    const image = isPng(bytes) ? await doc.embedPng(bytes) : isJpeg(bytes) ? await doc.embedJpg(bytes) : null;
    if (!image) throw new AppError(415, 'UNSUPPORTED_FILE_TYPE', `Trang ${i + 1} không phải ảnh JPEG hoặc PNG.`);
    // Landscape sheets stay landscape; the image keeps its proportions.
    const [w, h] = image.width > image.height ? [A4_H, A4_W] : [A4_W, A4_H];
    const scale = Math.min(w / image.width, h / image.height);
    const page = doc.addPage([w, h]);
    page.drawImage(image, { x: (w - image.width * scale) / 2, y: (h - image.height * scale) / 2, width: image.width * scale, height: image.height * scale });
  }
  doc.setTitle(meta.title);
  doc.setAuthor(meta.scannedBy);
  doc.setSubject(`Bản số hóa ${pages.length} trang; người số hóa: ${meta.scannedBy}; thời gian: ${vnIso(meta.scannedAt)}`);
  doc.setCreator('congso — số hóa tại Bộ phận Một cửa');
  doc.setProducer('congso');
  doc.setCreationDate(meta.scannedAt);
  doc.setModificationDate(meta.scannedAt);
  return doc.save();
}

/** A counter officer's scan: stored as the officer's upload, ready to attach to a dossier component as digitised. */
export async function createScan(db: Database, actor: Actor, name: string, pages: Buffer[]): Promise<ScanInfo> {
  if (!actor.roles.includes('counter_officer')) throw forbidden('Chỉ cán bộ một cửa được số hóa hồ sơ giấy.');
  if (!pages.length) throw badRequest('NO_PAGES', 'Chưa có trang nào được quét.');
  if (pages.length > MAX_SCAN_PAGES) throw badRequest('TOO_MANY_PAGES', `Mỗi bản số hóa tối đa ${MAX_SCAN_PAGES} trang.`);
  const scannedAt = new Date();
  const title = nfc(name).replace(/\.pdf$/i, '') || 'Bản số hóa';
  const pdf = Buffer.from(await scanToPdf(pages, { title, scannedBy: actor.fullName, scannedAt }));
  const org = await organisationOf(db, actor.agencyId);
  const pageSha256 = pages.map((p) => createHash('sha256').update(p).digest('hex'));
  const upload = await db.transaction(async (tx) => {
    const stored = await storeUpload(tx, `staff:${actor.userId}`, `${title}.pdf`, pdf);
    await tx.query(
      'INSERT INTO scans (upload_id, pages, page_sha256, scanned_by, scanned_by_name, agency_id, scanned_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [stored.id, pages.length, JSON.stringify(pageSha256), actor.userId, actor.fullName, org.id, scannedAt]);
    return stored;
  });
  return { uploadId: upload.id, name: upload.name, pages: pages.length, pageSha256, scannedBy: actor.fullName, scannedAt: scannedAt.toISOString(), sha256: upload.sha256, size: upload.size };
}

/** Who scanned an upload, when, and how many pages: for staff of the agency that scanned it. */
export async function getScan(db: Queryable, actor: Actor, uploadId: string): Promise<ScanInfo> {
  const [r] = await db.query(
    `SELECT s.upload_id, s.pages, s.page_sha256, s.scanned_by_name, s.scanned_at, s.agency_id, u.name, u.sha256, u.size
       FROM scans s JOIN uploads u ON u.id = s.upload_id WHERE s.upload_id = $1`, [uploadId]);
  const org = await organisationOf(db, actor.agencyId);
  if (!r || (r.agency_id !== org.id && !actor.roles.includes('system_admin'))) throw notFound('bản số hóa');
  return { uploadId: r.upload_id, name: r.name, pages: r.pages, pageSha256: r.page_sha256, scannedBy: r.scanned_by_name,
    scannedAt: new Date(r.scanned_at).toISOString(), sha256: r.sha256, size: r.size };
}
