// Short videos from a phone (MP4, QuickTime MOV, WebM): their structure is walked from the bytes, and the parts that
// may say where and by whom they were taken are found so that the published copy goes out without them. Phones write
// the place into the MP4/MOV user data (moov/udta/©xyz, 3GPP `loci`) or QuickTime metadata (moov/meta, key
// com.apple.quicktime.location.ISO6709), sometimes XMP in a `uuid` box; WebM has no location field, but its Tags may
// carry free text, so they go too. Each such part is blanked rather than cut out: its header becomes a `free` box (MP4)
// or a Void element (WebM) of the same length and its content zeros, so every offset in the file (chunk offsets,
// cues) stays valid and a byte range of the published copy can be made from the same range of the stored one.
import { AppError } from '../shared/errors.ts';

export const VIDEO_TYPES = ['video/mp4', 'video/quicktime', 'video/webm'];

/** A part of the stored file the public never receives: from `start` to `end`, `head` (hex) written first, then zeros. */
export type Redaction = [start: number, end: number, head: string];

const unreadable = () => new AppError(415, 'VIDEO_UNREADABLE', 'Không đọc được cấu trúc video (tệp hỏng, bị cắt cụt hoặc không phải MP4, MOV, WebM).');

/** The redactions of a video, refusing (415) one whose structure does not hold together. */
export function videoRedactions(mime: string, b: Buffer): Redaction[] {
  return mime === 'video/webm' ? webmRedactions(b) : mp4Redactions(b);
}

/** Applies the redactions to `slice`, the bytes of the stored file from `offset` on. */
export function redact(slice: Buffer, offset: number, redactions: Redaction[]): Buffer {
  const out = Buffer.from(slice);
  for (const [start, end, head] of redactions) {
    const from = Math.max(start, offset);
    const to = Math.min(end, offset + out.length);
    if (from >= to) continue;
    out.fill(0, from - offset, to - offset);
    const h = Buffer.from(head, 'hex');
    // The part of the new header that falls inside the slice.
    h.copy(out, Math.max(0, start - offset), Math.max(0, offset - start), Math.min(h.length, to - start));
  }
  return out;
}

// ---- MP4 / QuickTime: boxes (atoms) of 32-bit size and 4-letter type; size 1: a 64-bit size follows; 0: to the end --

interface Box {
  type: string;
  start: number;
  header: number;
  end: number;
}

function boxes(b: Buffer, from: number, to: number): Box[] {
  const out: Box[] = [];
  for (let i = from; i < to; ) {
    if (i + 8 > to) throw unreadable();
    let size = b.readUInt32BE(i);
    let header = 8;
    if (size === 1) {
      if (i + 16 > to) throw unreadable();
      const large = b.readBigUInt64BE(i + 8);
      if (large > BigInt(to - i)) throw unreadable();
      size = Number(large);
      header = 16;
    } else if (size === 0) size = to - i;
    if (size < header || i + size > to) throw unreadable();
    out.push({ type: b.toString('latin1', i + 4, i + 8), start: i, header, end: i + size });
    i += size;
  }
  return out;
}

const XMP_UUID = 'be7acfcb97a942e89c71999491e3afac';
const isMetadata = (b: Buffer, box: Box) =>
  box.type === 'udta' || box.type === 'meta' || (box.type === 'uuid' && b.toString('hex', box.start + box.header, box.start + box.header + 16) === XMP_UUID);
const asFree = (b: Buffer, box: Box): Redaction => {
  const head = Buffer.from(b.subarray(box.start, box.start + box.header));
  head.write('free', 4, 'latin1');
  return [box.start, box.end, head.toString('hex')];
};

function mp4Redactions(b: Buffer): Redaction[] {
  const top = boxes(b, 0, b.length);
  const moov = top.filter((x) => x.type === 'moov');
  if (moov.length !== 1) throw unreadable();
  const inMoov = boxes(b, moov[0].start + moov[0].header, moov[0].end);
  const inTracks = inMoov.filter((x) => x.type === 'trak').flatMap((t) => boxes(b, t.start + t.header, t.end));
  return [...top, ...inMoov, ...inTracks].filter((x) => isMetadata(b, x)).map((x) => asFree(b, x));
}

// ---- WebM (Matroska): EBML elements, an ID and a size, each a variable-length integer --------------------------------

const SEGMENT = 0x18538067;
const CLUSTER = 0x1f43b675;
const TAGS = 0x1254c367;
/** Elements that may follow a Cluster of unknown size (Chrome's MediaRecorder writes such clusters): they end it. */
const SEGMENT_CHILDREN = new Set([0x114d9b74, 0x1549a966, 0x1654ae6b, CLUSTER, 0x1c53bb6b, 0x1043a770, TAGS, 0x1941a469]);

function vint(b: Buffer, i: number, maxLength: number): { length: number; value: number; unknown: boolean } {
  if (i >= b.length || b[i] === 0) throw unreadable();
  const length = Math.clz32(b[i]) - 23;
  if (length > maxLength || i + length > b.length) throw unreadable();
  let value = b[i] & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let k = 1; k < length; k++) {
    value = value * 256 + b[i + k];
    allOnes &&= b[i + k] === 0xff;
  }
  return { length, value, unknown: allOnes };
}

interface Element {
  id: number;
  start: number;
  data: number;
  /** Undefined: of unknown size. */
  end: number | undefined;
}

function element(b: Buffer, i: number, limit: number): Element {
  const id = vint(b, i, 4);
  const idValue = b.readUIntBE(i, id.length);
  const size = vint(b, i + id.length, 8);
  const data = i + id.length + size.length;
  const end = size.unknown ? undefined : data + size.value;
  if (end !== undefined && end > limit) throw unreadable();
  return { id: idValue, start: i, data, end };
}

function webmRedactions(b: Buffer): Redaction[] {
  const header = element(b, 0, b.length);
  if (header.id !== 0x1a45dfa3 || header.end === undefined) throw unreadable();
  const segment = element(b, header.end, b.length);
  if (segment.id !== SEGMENT) throw unreadable();
  const end = segment.end ?? b.length;
  const out: Redaction[] = [];
  for (let i = segment.data; i < end; ) {
    const e = element(b, i, end);
    if (e.end === undefined) {
      if (e.id !== CLUSTER) throw unreadable();
      // A cluster of unknown size ends where an element of the segment's own kinds begins (or the file ends).
      let j = e.data;
      while (j < end) {
        const child = element(b, j, end);
        if (SEGMENT_CHILDREN.has(child.id) || child.end === undefined) break;
        j = child.end;
      }
      i = j;
      continue;
    }
    if (e.id === TAGS) out.push(asVoid(e.start, e.end));
    i = e.end;
  }
  return out;
}

/** A Void element (ID 0xEC) as long as the part it replaces: its size written on as many bytes as fit (at most 8). */
function asVoid(start: number, end: number): Redaction {
  const total = end - start;
  const sizeLength = Math.min(8, total - 1);
  const head = Buffer.alloc(1 + sizeLength);
  head[0] = 0xec;
  let value = total - 1 - sizeLength;
  for (let k = sizeLength; k >= 1; k--) {
    head[k] = value % 256;
    value = Math.floor(value / 256);
  }
  head[1] |= 0x80 >> (sizeLength - 1);
  return [start, end, head.toString('hex')];
}
