// Money as receipts print it: "8.000 đồng" and "Tám nghìn đồng".
const DIGITS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'];
const SCALES = ['', 'nghìn', 'triệu', 'tỷ'];

/** Three digits; `full` when a higher group precedes, so "không trăm linh năm" is spelled out. */
function group(n: number, full: boolean): string[] {
  const [h, t, u] = [Math.floor(n / 100), Math.floor(n / 10) % 10, n % 10];
  const words: string[] = [];
  if (h || full) words.push(DIGITS[h], 'trăm');
  if (t === 0) {
    if (u && (h || full)) words.push('linh');
  } else words.push(...(t === 1 ? ['mười'] : [DIGITS[t], 'mươi']));
  if (u) words.push(u === 1 && t > 1 ? 'mốt' : u === 5 && t > 0 ? 'lăm' : DIGITS[u]);
  return words;
}

/** A whole number in Vietnamese words (groups of three digits; past "tỷ" the scales repeat: "nghìn tỷ"). */
export function numberInWords(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error('a non-negative whole number is expected');
  if (n === 0) return DIGITS[0];
  const groups: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 1000)) groups.push(rest % 1000);
  const words: string[] = [];
  for (let i = groups.length - 1; i >= 0; i--) {
    if (groups[i] === 0) {
      // A run of empty groups still needs "tỷ" when it ends at that scale: 1 000 000 000 000 = "một nghìn tỷ".
      if (i % 3 === 0 && i > 0 && groups.slice(i + 1).some(Boolean)) words.push('tỷ');
      continue;
    }
    words.push(...group(groups[i], i < groups.length - 1));
    const scale = i % 3 === 0 ? SCALES[i === 0 ? 0 : 3] : SCALES[i % 3];
    if (scale) words.push(scale);
  }
  return words.join(' ');
}

/** "Tám nghìn đồng." style: capitalised, with the currency. */
export function amountInWords(vnd: number): string {
  const w = `${numberInWords(vnd)} đồng`;
  return w[0].toUpperCase() + w.slice(1);
}

/** "1.250.000 đồng". */
export const amountInFigures = (vnd: number) => `${vnd.toLocaleString('vi-VN')} đồng`;
