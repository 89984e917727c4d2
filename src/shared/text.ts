// Vietnamese text folding for diacritic-insensitive search: "Đăng ký" → "dang ky".
// NFD does not decompose đ/Đ, so they are mapped explicitly.
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}.]+/gu, ' ')
    .trim();
}

/** Text from outside is stored in NFC so that the same word is always the same bytes. */
export const nfc = (s: string) => s.normalize('NFC').trim();
