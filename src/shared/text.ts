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

/** Text from outside is stored in NFC so that the same word is always the same bytes, and always well-formed. */
export const nfc = (s: string) => wellFormed(s).normalize('NFC').trim();

// Text from outside must be well-formed Unicode without control characters: a lone surrogate cannot be stored as
// UTF-8 (PostgreSQL refuses it, or stores what it cannot read back) and NUL is refused by PostgreSQL's text types.
// Multi-line fields (notes, reasons, addresses) may carry tab and line breaks; everything else none.
const LONE_SURROGATE = /\p{Cs}/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point (the text rule refuses them)
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point (the text rule refuses them)
const CONTROL_MULTILINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Why `s` cannot be accepted as text (Vietnamese), or null when it can. */
export function textProblem(s: string, multiline = false): string | null {
  if (LONE_SURROGATE.test(s)) return 'chứa ký tự Unicode không hợp lệ';
  if ((multiline ? CONTROL_MULTILINE : CONTROL).test(s)) return 'chứa ký tự điều khiển không được phép';
  return null;
}

/** Text read back for display or search: any lone surrogate that reached storage by another path becomes U+FFFD. */
export const wellFormed = (s: string) => (LONE_SURROGATE.test(s) ? s.replace(/\p{Cs}/gu, '\ufffd') : s);
