// What an uploaded file's bytes really are: image dimensions read from the header (before anything is decoded), and
// whether a PDF parses as one and ends where a PDF ends. Pure functions: checkPdf runs in the worker (shared/off-loop.ts).
import { PDFDocument } from 'pdf-lib';
import { AppError } from '../shared/errors.ts';

export interface ImageSize {
  width: number;
  height: number;
}

/** Width and height from a PNG's IHDR or a JPEG's frame header (SOFn), or null when the header is not there. */
export function imageSize(b: Uint8Array): ImageSize | null {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const u32 = (i: number) => ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3];
  const u16 = (i: number) => (b[i] << 8) + b[i + 1];
  if (png.every((x, i) => b[i] === x)) {
    if (b.length < 24 || String.fromCharCode(...b.subarray(12, 16)) !== 'IHDR') return null;
    return { width: u32(16), height: u32(20) };
  }
  if (b[0] !== 0xff || b[1] !== 0xd8) return null;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    } // fill byte
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    } // no length
    if (marker === 0xda || marker === 0xd9) return null; // image data or end before any frame header
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return i + 9 <= b.length ? { width: u16(i + 7), height: u16(i + 5) } : null;
    }
    i += 2 + u16(i + 2);
  }
  return null;
}

/** Refuses an image whose decoded size would exceed `maxPixels` (a small file can hold an enormous image). */
export function checkImagePixels(size: ImageSize | null, maxPixels: number, which: string): ImageSize {
  if (!size?.width || !size.height) throw new AppError(415, 'UNSUPPORTED_FILE_TYPE', `${which} không phải ảnh JPEG hoặc PNG đọc được.`);
  const pixels = size.width * size.height;
  if (pixels > maxPixels) {
    const mp = (n: number) => (n / 1e6).toLocaleString('vi-VN', { maximumFractionDigits: 1 });
    throw new AppError(
      413,
      'IMAGE_TOO_LARGE',
      `${which} có ${size.width}×${size.height} điểm ảnh (${mp(pixels)} triệu), vượt giới hạn ${mp(maxPixels)} triệu điểm ảnh; hãy quét với độ phân giải thấp hơn.`,
      { width: size.width, height: size.height, maxPixels },
    );
  }
  return size;
}

const notPdf = (why: string) => new AppError(415, 'INVALID_PDF', `Tệp không phải PDF hợp lệ: ${why}.`);

/** A PDF must parse, have a page, and end at its last %%EOF: binary bytes after it (an executable, say) are refused. */
export async function checkPdf(bytes: Uint8Array): Promise<{ pages: number }> {
  const tail = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eof = tail.lastIndexOf('%%EOF');
  if (eof < 0) throw notPdf('thiếu dấu kết thúc %%EOF');
  // After the end only blank space and printable comment lines may follow, as some writers leave them.
  const after = tail
    .subarray(eof + 5)
    .toString('latin1')
    .split(/\r\n|\r|\n/);
  if (!after.every((line) => /^[ \t\f\0]*(%[\x20-\x7e\t]*)?$/.test(line))) throw notPdf('có dữ liệu lạ sau dấu kết thúc %%EOF');
  let pages: number;
  try {
    pages = (await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false })).getPageCount();
  } catch {
    throw notPdf('không đọc được cấu trúc tệp');
  }
  if (pages < 1) throw notPdf('không có trang nào');
  return { pages };
}
