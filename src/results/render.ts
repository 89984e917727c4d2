// The result document as an A4 PDF, drawn with the printed forms' writer (same fonts, margins and QR code): national
// header with số và ký hiệu, tên loại and trích yếu, the filled content, nơi nhận, and the signer's block holding
// the two visible signature blocks the leader's signature and the agency seal are placed over.
import { FormWriter } from '../forms/layout.ts';
import { nationalHeader, type HeaderInfo } from '../forms/pdf.ts';
import type { FilledContent, ResultTemplate } from './templates.ts';
import { vietnamIso } from '../shared/time.ts';

export interface ResultLayout {
  header: HeaderInfo;
  template: ResultTemplate;
  content: FilledContent;
  /** "TM. ỦY BAN NHÂN DÂN" (signing on behalf of the collective), "TL. GIÁM ĐỐC" …; none for the head in person. */
  signerCapacity: string | null;
  signerTitle: string;
  signerName: string;
  sealName: string;
  signedAt: Date;
  verifyUrl: string;
  verifyCode: string;
  /** Signed with test certificates: the document says so at the top. */
  test: boolean;
  dossierCode: string;
}

export interface SignatureSpot {
  page: number;
  rect: [number, number, number, number];
}
export interface RenderedResult {
  pdf: Uint8Array;
  leader: SignatureSpot;
  seal: SignatureSpot;
}

const BLUE: [number, number, number] = [0.05, 0.2, 0.75];
const RED: [number, number, number] = [0.8, 0.05, 0.05];

export async function renderResult(r: ResultLayout): Promise<RenderedResult> {
  const w = await FormWriter.create({ title: `${r.template.title} ${r.header.number ?? ''}`.trim(), subject: r.dossierCode, createdAt: r.signedAt });
  if (r.test) {
    w.paragraph('BẢN THỬ NGHIỆM — ký bằng chứng thư số thử nghiệm, không có giá trị pháp lý', { size: 10, style: 'bold', align: 'center', spaceAfter: 4 });
  }
  nationalHeader(w, r.header);
  w.paragraph(r.template.title, { size: 14, style: 'bold', align: 'center' });
  if (r.content.subject) w.paragraph(r.content.subject, { size: 14, style: 'bold', align: 'center' });
  w.gap(10);
  for (const b of r.content.blocks) {
    w.paragraph(b.text, { style: b.style, align: b.align, indent: b.indent, spaceAfter: 4 });
  }

  // Nơi nhận on the left, the signer on the right; the signature area is 86 pt high between title and name.
  const area = 86;
  w.ensure(13 * 1.3 * 3 + area + 20);
  w.gap(10);
  const half = w.contentWidth / 2;
  let leader!: SignatureSpot;
  let seal!: SignatureSpot;
  w.columns([
    {
      x: w.contentLeft,
      width: half,
      draw: (x, width) => {
        if (!r.content.recipients) return;
        w.paragraph('Nơi nhận:', { x, width, size: 12, style: 'bold' });
        for (const line of r.content.recipients) w.paragraph(`- ${line}`, { x, width, size: 11 });
      },
    },
    {
      x: w.contentLeft + half,
      width: half,
      draw: (x, width) => {
        if (r.signerCapacity) w.paragraph(r.signerCapacity, { x, width, style: 'bold', align: 'center' });
        w.paragraph(r.signerTitle, { x, width, style: 'bold', align: 'center' });
        const top = w.y - 4;
        const page = w.pageIndex;
        // Phụ lục I: the seal overlaps about a third of the signature, on its left.
        const sealBox = { x: x + 4, width: 110, height: 56 };
        const signBox = { x: x + 4 + (110 * 2) / 3, width: width - 8 - (110 * 2) / 3, height: 48 };
        w.frame(signBox.x, top - 34, signBox.width, signBox.height, BLUE);
        w.y = top - 36;
        for (const line of [`Ký bởi: ${r.signerName}`, `Thời gian ký: ${vietnamIso(r.signedAt)}`]) {
          w.paragraph(line, { x: signBox.x + 38, width: signBox.width - 40, size: 8 });
        }
        w.frame(sealBox.x, top, sealBox.width, sealBox.height, RED);
        w.y = top - 2;
        // The seal's time in ISO 8601 Vietnam time, as Phụ lục I asks.
        for (const line of [r.sealName, vietnamIso(r.signedAt)]) w.paragraph(line, { x: sealBox.x + 3, width: sealBox.width - 6, size: 8, align: 'center' });
        leader = { page, rect: [signBox.x, top - 34 - signBox.height, signBox.x + signBox.width, top - 34] };
        seal = { page, rect: [sealBox.x, top - sealBox.height, sealBox.x + sealBox.width, top] };
        w.y = top - area;
        w.paragraph(r.signerName, { x, width, style: 'bold', align: 'center' });
      },
    },
  ]);
  w.gap(12);
  w.paragraph(`Xác minh văn bản điện tử: ${r.verifyUrl} (mã xác minh ${r.verifyCode}).`, { size: 10, style: 'italic' });
  return { pdf: await w.finish(r.verifyUrl, 'Xác minh văn bản'), leader, seal };
}
