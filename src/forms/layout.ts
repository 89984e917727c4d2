// Page layout helpers shared by every printed one-stop form (Decree 30/2020 Phụ lục I style):
// A4 (portrait, or landscape for wide registers), margins top/bottom 20 mm, left 30 mm, right 15 mm, a Times-metric serif, black text.
import { readFile } from 'node:fs/promises';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, PageSizes, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';

const MM = 72 / 25.4;
const [PAGE_W, PAGE_H] = PageSizes.A4;
const MARGIN = { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 15 * MM };
const BLACK = rgb(0, 0, 0);
const QR_SIZE = 68;
const CAPTION_SIZE = 10;
/** Page 1 keeps its bottom band for the lookup QR code (mã QR tra cứu hồ sơ). */
const QR_BAND = QR_SIZE + CAPTION_SIZE + 16;
const PAGE_NO_BAND = 16;

export type Style = 'regular' | 'bold' | 'italic';
export interface Run {
  text: string;
  style?: Style;
}
/** Rich text: a plain string, or runs mixing regular/bold/italic. A '\n' forces a line break. */
export type Rich = string | Run[];

export interface TextOptions {
  size?: number;
  style?: Style;
  align?: 'left' | 'center' | 'right';
  /** Left edge and width of the text box; default: the page's content box. */
  x?: number;
  width?: number;
  /** Extra indent of the first line (positive) or of the following lines (hanging, negative). */
  indent?: number;
  spaceAfter?: number;
}

export interface Column {
  header: string;
  weight: number;
  align?: 'left' | 'center';
}

interface Segment {
  text: string;
  style: Style;
}
interface Line {
  segments: Segment[];
  width: number;
}

// Full (not subset) fonts: @pdf-lib/fontkit's subsetter corrupts TrueType glyphs (research standards.md §2).
const STYLES: Style[] = ['regular', 'bold', 'italic'];
const FONT_FILES: Record<Style, string> = {
  regular: 'LiberationSerif-Regular.ttf',
  bold: 'LiberationSerif-Bold.ttf',
  italic: 'LiberationSerif-Italic.ttf',
};
let fontBytes: Promise<Uint8Array[]> | undefined;

/** Reads the TTF files once per process, in STYLES order. */
function loadFontBytes(): Promise<Uint8Array[]> {
  fontBytes ??= Promise.all(STYLES.map((s) => readFile(new URL(`./fonts/${FONT_FILES[s]}`, import.meta.url))));
  return fontBytes;
}

const nfc = (s: string): string => s.normalize('NFC');
const lineHeight = (size: number): number => size * 1.3;

export interface DocumentInfo {
  title: string;
  subject: string;
  createdAt: Date;
  /** Landscape A4 (registers with many columns); portrait by default. */
  landscape?: boolean;
  /** Page 1 keeps a band for the lookup QR code (default); a register has none. */
  lookupQr?: boolean;
}

/** A flowing writer: a cursor `y` that moves down the page and breaks to a new page when needed. */
export class FormWriter {
  private page!: PDFPage;
  y = 0;
  private readonly size: [number, number];

  private constructor(
    readonly doc: PDFDocument,
    private readonly fonts: Record<Style, PDFFont>,
    private readonly info: DocumentInfo,
  ) {
    this.size = info.landscape ? [PAGE_H, PAGE_W] : [PAGE_W, PAGE_H];
    this.addPage();
  }

  static async create(info: DocumentInfo): Promise<FormWriter> {
    const doc = await PDFDocument.create();
    doc.registerFontkit(fontkit);
    const bytes = await loadFontBytes();
    const [regular, bold, italic] = await Promise.all(bytes.map((b) => doc.embedFont(b, { subset: false })));
    doc.setTitle(nfc(info.title));
    doc.setSubject(nfc(info.subject));
    doc.setLanguage('vi-VN');
    doc.setCreator('congso');
    doc.setCreationDate(info.createdAt);
    doc.setModificationDate(info.createdAt);
    return new FormWriter(doc, { regular, bold, italic }, info);
  }

  get contentLeft(): number {
    return MARGIN.left;
  }
  get contentWidth(): number {
    return this.size[0] - MARGIN.left - MARGIN.right;
  }

  private get withQr(): boolean {
    return this.info.lookupQr !== false;
  }

  private addPage(): void {
    this.page = this.doc.addPage(this.size);
    this.y = this.size[1] - MARGIN.top;
  }

  private get bottom(): number {
    return MARGIN.bottom + (this.doc.getPageCount() === 1 && this.withQr ? QR_BAND : PAGE_NO_BAND);
  }

  /** Start a new page unless `height` points still fit above the bottom band. */
  ensure(height: number): void {
    if (this.y - height < this.bottom) this.addPage();
  }

  gap(points: number): void {
    this.y -= points;
  }

  /** Index of the page the cursor is on. */
  get pageIndex(): number {
    return this.doc.getPageCount() - 1;
  }

  /** A bordered box with its top-left corner at (x, top) on the current page (a visible signature block). */
  frame(x: number, top: number, width: number, height: number, color: [number, number, number] = [0, 0, 0]): void {
    this.page.drawRectangle({ x, y: top - height, width, height, borderColor: rgb(...color), borderWidth: 0.8 });
  }

  textWidth(text: string, size: number, style: Style = 'regular'): number {
    return this.fonts[style].widthOfTextAtSize(nfc(text), size);
  }

  /** Greedy word wrap of rich text into lines no wider than `width` (the first line gets `indent`). */
  private wrap(rich: Rich, size: number, style: Style, width: number, indent: number): Line[] {
    const runs: Run[] = typeof rich === 'string' ? [{ text: rich }] : rich;
    const lines: Line[] = [];
    let cur: Segment[] = [];
    let curW = 0;
    let pendingSpace: Style | undefined;
    const avail = () => width - (lines.length === 0 ? Math.max(indent, 0) : Math.max(-indent, 0));
    const flush = () => {
      lines.push({ segments: cur, width: curW });
      cur = [];
      curW = 0;
      pendingSpace = undefined;
    };
    const append = (text: string, st: Style, w: number) => {
      const last = cur[cur.length - 1];
      if (last && last.style === st) last.text += text;
      else cur.push({ text, style: st });
      curW += w;
    };
    for (const run of runs) {
      const st = run.style ?? style;
      for (const token of nfc(run.text).split(/(\n|[^\S\n]+)/)) {
        if (token === '') continue;
        if (token === '\n') {
          flush();
          continue;
        }
        if (/^\s+$/.test(token)) {
          if (cur.length) pendingSpace = st;
          continue;
        }
        let word = token;
        let w = this.textWidth(word, size, st);
        const sp = pendingSpace ? this.textWidth(' ', size, pendingSpace) : 0;
        if (cur.length && curW + sp + w > avail()) flush();
        else if (pendingSpace) append(' ', pendingSpace, sp);
        pendingSpace = undefined;
        // A single word wider than the line (long codes, URLs): break it between characters.
        while (w > avail() - curW) {
          const chars = [...word];
          let n = 1;
          while (n < chars.length && this.textWidth(chars.slice(0, n + 1).join(''), size, st) <= avail() - curW) n++;
          const head = chars.slice(0, n).join('');
          append(head, st, this.textWidth(head, size, st));
          flush();
          word = chars.slice(n).join('');
          w = this.textWidth(word, size, st);
        }
        if (word) append(word, st, w);
      }
    }
    if (cur.length || lines.length === 0) flush();
    return lines;
  }

  /** Height that `paragraph` would use. */
  measure(rich: Rich, opts: TextOptions = {}): number {
    const size = opts.size ?? 13;
    const lines = this.wrap(rich, size, opts.style ?? 'regular', opts.width ?? this.contentWidth, opts.indent ?? 0);
    return lines.length * lineHeight(size) + (opts.spaceAfter ?? 0);
  }

  /** Draws wrapped text at the cursor; lines that do not fit continue on the next page. */
  paragraph(rich: Rich, opts: TextOptions = {}): void {
    const size = opts.size ?? 13;
    const x0 = opts.x ?? MARGIN.left;
    const width = opts.width ?? this.contentWidth;
    const indent = opts.indent ?? 0;
    const lh = lineHeight(size);
    const style = opts.style ?? 'regular';
    let lines = this.wrap(rich, size, style, width, indent);
    // Centred headings wrap into balanced lines ("ỦY BAN NHÂN DÂN / THÀNH PHỐ CẦN THƠ"), not a lone last word.
    for (let w = width - 4; opts.align === 'center' && lines.length > 1 && w > width / 2; w -= 4) {
      const narrower = this.wrap(rich, size, style, w, indent);
      if (narrower.length > lines.length) break;
      lines = narrower;
    }
    lines.forEach((line, i) => {
      this.ensure(lh);
      const shift = i === 0 ? Math.max(indent, 0) : Math.max(-indent, 0);
      let x = x0 + shift;
      if (opts.align === 'center') x = x0 + (width - line.width) / 2;
      else if (opts.align === 'right') x = x0 + width - line.width;
      this.drawLine(line, x, this.y - size, size);
      this.y -= lh;
    });
    this.y -= opts.spaceAfter ?? 0;
  }

  private drawLine(line: Line, x: number, baseline: number, size: number): void {
    for (const seg of line.segments) {
      const font = this.fonts[seg.style];
      this.page.drawText(seg.text, { x, y: baseline, size, font, color: BLACK });
      x += font.widthOfTextAtSize(seg.text, size);
    }
  }

  /** A horizontal rule of `width`, centred on `cx`, just under the cursor. */
  rule(cx: number, width: number): void {
    const y = this.y - 2;
    this.page.drawLine({ start: { x: cx - width / 2, y }, end: { x: cx + width / 2, y }, thickness: 0.6, color: BLACK });
    this.y -= 4;
  }

  /** Runs `draw` side by side in `columns` starting at the same height; the cursor ends below the tallest. */
  columns(columns: { x: number; width: number; draw: (x: number, width: number) => void }[]): void {
    const top = this.y;
    let lowest = top;
    for (const c of columns) {
      this.y = top;
      c.draw(c.x, c.width);
      lowest = Math.min(lowest, this.y);
    }
    this.y = lowest;
  }

  /**
   * A bordered table. Column widths are `weight` shares of the content width; the header row is
   * repeated on every page the table continues on.
   */
  table(columns: Column[], rows: Rich[][], size = 12): void {
    const pad = 4;
    const total = columns.reduce((s, c) => s + c.weight, 0);
    const widths = columns.map((c) => (c.weight / total) * this.contentWidth);
    const lh = lineHeight(size);
    const layoutRow = (cells: Rich[], style: Style) => {
      const wrapped = cells.map((cell, i) => this.wrap(cell, size, style, widths[i] - 2 * pad, 0));
      return { wrapped, height: Math.max(...wrapped.map((l) => l.length)) * lh + 2 * pad };
    };
    const drawRow = (row: { wrapped: Line[][]; height: number }, header: boolean) => {
      let x = MARGIN.left;
      row.wrapped.forEach((lines, i) => {
        const w = widths[i];
        this.page.drawRectangle({
          x,
          y: this.y - row.height,
          width: w,
          height: row.height,
          borderColor: BLACK,
          borderWidth: 0.6,
        });
        const centred = header || columns[i].align === 'center';
        const top = header ? this.y - (row.height - lines.length * lh) / 2 : this.y - pad;
        lines.forEach((line, j) => {
          const lx = centred ? x + (w - line.width) / 2 : x + pad;
          this.drawLine(line, lx, top - j * lh - size, size);
        });
        x += w;
      });
      this.y -= row.height;
    };
    const header = layoutRow(
      columns.map((c) => c.header),
      'bold',
    );
    const body = rows.map((r) => layoutRow(r, 'regular'));
    this.ensure(header.height + (body[0]?.height ?? 0));
    drawRow(header, true);
    for (const row of body) {
      if (this.y - row.height < this.bottom) {
        this.addPage();
        drawRow(header, true);
      }
      drawRow(row, false);
    }
  }

  /** Finishes the document: lookup QR code at the bottom of page 1 (unless created without), page numbers when there are several. */
  async finish(lookupUrl = '', caption = ''): Promise<Uint8Array> {
    const pages = this.doc.getPages();
    if (this.withQr) this.drawQr(pages[0], lookupUrl, caption);
    if (pages.length > 1) {
      pages.forEach((p, i) => {
        const text = `Trang ${i + 1}/${pages.length}`;
        const w = this.fonts.italic.widthOfTextAtSize(text, CAPTION_SIZE);
        p.drawText(text, { x: this.size[0] - MARGIN.right - w, y: MARGIN.bottom, size: CAPTION_SIZE, font: this.fonts.italic });
      });
    }
    return this.doc.save();
  }

  /** QR modules drawn as one vector path (crisp at any print resolution), caption centred below. */
  private drawQr(page: PDFPage, url: string, caption: string): void {
    const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
    const n = qr.modules.size;
    let path = '';
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        if (!qr.modules.get(r, c)) continue;
        let len = 1;
        while (c + len < n && qr.modules.get(r, c + len)) len++;
        path += `M${c} ${r}h${len}v1h${-len}z`;
        c += len - 1;
      }
    }
    const x = MARGIN.left;
    const yCaption = MARGIN.bottom;
    const top = yCaption + CAPTION_SIZE + 4 + QR_SIZE;
    page.drawSvgPath(path, { x, y: top, scale: QR_SIZE / n, color: BLACK, borderWidth: 0 });
    const text = nfc(caption);
    const w = this.fonts.italic.widthOfTextAtSize(text, CAPTION_SIZE);
    page.drawText(text, { x: x + (QR_SIZE - w) / 2, y: yCaption, size: CAPTION_SIZE, font: this.fonts.italic });
  }
}
