// VietQR bank-transfer codes (NAPAS, EMVCo merchant-presented QR): TLV fields, the CRC-16/CCITT-FALSE check, and
// the QR image. A banking app that scans it fills in the account, the amount and the purpose (nội dung chuyển khoản).
import QRCode from 'qrcode';

/** CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR; table-driven. */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n << 8;
  for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
  return c;
});
export function crc16(text: string): number {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >> 8) ^ byte) & 0xff];
  return crc;
}

/** One TLV field: two-digit id, two-digit length, value (ASCII only, at most 99 characters). */
function field(id: string, value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) throw new Error(`VietQR field ${id} must be printable ASCII`);
  if (value.length > 99) throw new Error(`VietQR field ${id} is longer than 99 characters`);
  return id + String(value.length).padStart(2, '0') + value;
}

export interface VietQrInput {
  /** The bank's NAPAS BIN, e.g. 970436 (Vietcombank). */
  bankBin: string;
  accountNo: string;
  /** VND, a whole number; present = a dynamic code. */
  amount?: number;
  /** Nội dung chuyển khoản: folded to ASCII; EMVCo allows at most 25 characters. */
  purpose?: string;
}

/** Text banks carry in a transfer: no diacritics; letters, digits, space, dot and dash. */
export const transferText = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9 .-]/g, '')
    .trim();

/** The EMVCo payload (tag 38 = NAPAS, service QRIBFTTA = transfer to an account), CRC last. */
export function vietQrPayload(input: VietQrInput): string {
  if (!/^[0-9]{6}$/.test(input.bankBin)) throw new Error('bank BIN must be 6 digits');
  if (!/^[0-9A-Za-z]{1,19}$/.test(input.accountNo)) throw new Error('account number must be 1–19 letters or digits');
  if (input.amount !== undefined && (!Number.isSafeInteger(input.amount) || input.amount <= 0))
    throw new Error('amount must be a positive whole number of VND');
  const purpose = input.purpose === undefined ? undefined : transferText(input.purpose);
  if (purpose !== undefined && purpose.length > 25) throw new Error('the purpose must fit in 25 characters');
  const beneficiary = field('00', input.bankBin) + field('01', input.accountNo);
  const body =
    field('00', '01') +
    field('01', input.amount === undefined ? '11' : '12') +
    field('38', field('00', 'A000000727') + field('01', beneficiary) + field('02', 'QRIBFTTA')) +
    field('53', '704') +
    (input.amount === undefined ? '' : field('54', String(input.amount))) +
    field('58', 'VN') +
    (purpose ? field('62', field('08', purpose)) : '') +
    '6304';
  return body + crc16(body).toString(16).toUpperCase().padStart(4, '0');
}

/** Reads a payload back into its top-level fields; throws on a broken length or CRC. */
export function parseVietQr(payload: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (let i = 0; i < payload.length; ) {
    const id = payload.slice(i, i + 2);
    const len = Number(payload.slice(i + 2, i + 4));
    if (!/^\d{2}$/.test(id) || !Number.isInteger(len) || i + 4 + len > payload.length) throw new Error(`malformed field at ${i}`);
    fields.set(id, payload.slice(i + 4, i + 4 + len));
    i += 4 + len;
  }
  const crc = crc16(payload.slice(0, -4)).toString(16).toUpperCase().padStart(4, '0');
  if (fields.get('63') !== crc) throw new Error('CRC mismatch');
  return fields;
}

/** The code as a PNG image (error correction M, a quiet zone of 4 modules as banking apps expect). */
export function vietQrPng(payload: string): Promise<Buffer> {
  return QRCode.toBuffer(payload, { errorCorrectionLevel: 'M', margin: 4, scale: 8, type: 'png' });
}
