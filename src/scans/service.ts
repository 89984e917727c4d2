// Digitised paper (số hóa): the pages a counter officer scans become one PDF, one page per sheet in the order they
// were scanned, with who scanned it and when written into the file and kept beside it. The PDF is then an ordinary
// upload, attached to a dossier component as a digitised file.
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/index.ts';
import type { Actor } from '../shared/actor.ts';
import { badRequest, forbidden, notFound } from '../shared/errors.ts';
import { nfc } from '../shared/text.ts';
import { organisationOf } from '../agencies/service.ts';
import { getUpload, storeUpload } from '../dossiers/files.ts';
import { checkImagePixels, imageSize } from '../dossiers/content.ts';
import { offLoop } from '../shared/off-loop.ts';

export const MAX_SCAN_PAGES = 100;

export interface ScanInfo {
  uploadId: string;
  name: string;
  pages: number;
  pageSha256: string[];
  scannedBy: string;
  scannedAt: string;
  sha256: string;
  size: number;
}

/** A counter officer's scan: stored as the officer's upload, ready to attach to a dossier component as digitised. */
export async function createScan(db: Database, actor: Actor, name: string, pages: Buffer[], maxPixels: number): Promise<ScanInfo> {
  if (!actor.roles.includes('counter_officer')) throw forbidden('Chỉ cán bộ một cửa được số hóa hồ sơ giấy.');
  if (!pages.length) throw badRequest('NO_PAGES', 'Chưa có trang nào được quét.');
  if (pages.length > MAX_SCAN_PAGES) throw badRequest('TOO_MANY_PAGES', `Mỗi bản số hóa tối đa ${MAX_SCAN_PAGES} trang.`);
  const scannedAt = new Date();
  const title = nfc(name).replace(/\.pdf$/i, '') || 'Bản số hóa';
  // Each page's size is read from its header first: a small file may hold an enormous image (a decompression bomb).
  pages.forEach((p, i) => {
    checkImagePixels(imageSize(p), maxPixels, `Trang ${i + 1}`);
  });
  // Decoding the images and writing the PDF takes seconds for large scans: off the request loop.
  const pdf = Buffer.from(
    await offLoop<Uint8Array>(new URL('./pdf.ts', import.meta.url), 'scanToPdf', [pages, { title, scannedBy: actor.fullName, scannedAt }]),
  );
  const org = await organisationOf(db, actor.agencyId);
  const pageSha256 = pages.map((p) => createHash('sha256').update(p).digest('hex'));
  const upload = await db.transaction(async (tx) => {
    const stored = await storeUpload(tx, `staff:${actor.userId}`, `${title}.pdf`, pdf);
    await tx.query(
      'INSERT INTO scans (upload_id, pages, page_sha256, scanned_by, scanned_by_name, agency_id, scanned_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [stored.id, pages.length, JSON.stringify(pageSha256), actor.userId, actor.fullName, org.id, scannedAt],
    );
    return stored;
  });
  return {
    uploadId: upload.id,
    name: upload.name,
    pages: pages.length,
    pageSha256,
    scannedBy: actor.fullName,
    scannedAt: scannedAt.toISOString(),
    sha256: upload.sha256,
    size: upload.size,
  };
}

/** Who scanned an upload, when, and how many pages: for staff of the agency that scanned it. */
export async function getScan(db: Queryable, actor: Actor, uploadId: string): Promise<ScanInfo> {
  const [r] = await db.query('SELECT upload_id, pages, page_sha256, scanned_by_name, scanned_at, agency_id FROM scans WHERE upload_id = $1', [uploadId]);
  const org = await organisationOf(db, actor.agencyId);
  if (!r || (r.agency_id !== org.id && !actor.roles.includes('system_admin'))) throw notFound('bản số hóa');
  // The scan's row references its upload (foreign key), so the upload is there.
  const upload = (await getUpload(db, uploadId))!;
  return {
    uploadId: r.upload_id,
    name: upload.name,
    pages: r.pages,
    pageSha256: r.page_sha256,
    scannedBy: r.scanned_by_name,
    scannedAt: new Date(r.scanned_at).toISOString(),
    sha256: upload.sha256,
    size: upload.size,
  };
}
