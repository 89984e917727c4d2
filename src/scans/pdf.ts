// The PDF of a counter scan, built from the page images. Pure: it runs in the worker thread (shared/off-loop.ts).
import { PDFDocument, PageSizes } from 'pdf-lib';
import { AppError } from '../shared/errors.ts';
import { vietnamIso } from '../shared/time.ts';

const [A4_W, A4_H] = PageSizes.A4;
const isPng = (b: Uint8Array) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((x, i) => b[i] === x);
const isJpeg = (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** One PDF from scanned page images (JPEG or PNG, by content), each page fitted on A4 in the given order. */
export async function scanToPdf(pages: Uint8Array[], meta: { title: string; scannedBy: string; scannedAt: Date }): Promise<Uint8Array> {
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
  doc.setSubject(`Bản số hóa ${pages.length} trang; người số hóa: ${meta.scannedBy}; thời gian: ${vietnamIso(meta.scannedAt)}`);
  doc.setCreator('congso — số hóa tại Bộ phận Một cửa');
  doc.setProducer('congso');
  doc.setCreationDate(meta.scannedAt);
  doc.setModificationDate(meta.scannedAt);
  return doc.save();
}
