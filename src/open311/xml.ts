// A small XML writer for Open311's documents: elements, text and nothing else (no attributes, no namespaces), so a
// dependency is not worth its weight. Text is NFC UTF-8 (Vietnamese stays as is); `<`, `>`, `&` and quotes are escaped,
// and characters XML 1.0 forbids (C0 controls but tab/newline/return, lone surrogates, U+FFFE/U+FFFF) are dropped.

export type XmlValue = string | number | boolean | null | undefined | XmlValue[] | { [name: string]: XmlValue };

const ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text
    .normalize('NFC')
    .replaceAll(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replaceAll(/[<>&"']/g, (c) => ESCAPES[c]);
}

/**
 * One element. An array value repeats the element for each item when it is a field (`<attribute>…</attribute>` ×n);
 * an object holding an array (`{ endpoint: [...] }`) gives a wrapper of repeated items. Null and undefined give an empty element.
 */
function element(name: string, value: XmlValue): string {
  if (Array.isArray(value)) return value.map((v) => element(name, v)).join('');
  if (value === null || value === undefined) return `<${name}/>`;
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => element(k, v))
      .join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A document: `<root><item>…</item>…</root>` for a list, `<root>…fields…</root>` for one object. */
export function toXml(root: string, content: XmlValue[] | { [name: string]: XmlValue }, item = 'item'): string {
  const inner = Array.isArray(content)
    ? content.map((v) => element(item, v)).join('')
    : Object.entries(content)
        .map(([k, v]) => element(k, v))
        .join('');
  return `<?xml version="1.0" encoding="utf-8"?>\n<${root}>${inner}</${root}>`;
}
