// Result templates: which document a procedure issues (a decision, or a certificate, licence, extract … of its
// own kind), its type code in the document number, and its content filled from the dossier. Decisions follow
// Decree 30/2020 throughout; specialised papers (giấy chứng nhận, giấy phép, trích lục …) keep Decree 30's common
// parts — national header, số và ký hiệu, place and date, signer's title and name — around their own content.
import type { ProcedureContent } from '../catalog/types.ts';
import type { Rich } from '../forms/layout.ts';
import { vnDate, vnDateTime } from '../forms/format.ts';

export type ResultKind = 'decision' | 'certificate';

export interface ResultTemplate {
  kind: ResultKind;
  /** Ký hiệu loại văn bản: Decree 30 Phụ lục III for decisions and notices; the usual abbreviation otherwise. */
  docType: string;
  /** Tên loại văn bản, as printed. */
  title: string;
}

/** Result document types recognised from the catalogue's "kết quả thực hiện", the first match wins. */
const TYPES: [RegExp, ResultKind, string][] = [
  [/^quyết định/i, 'decision', 'QĐ'],
  [/^thông báo/i, 'certificate', 'TB'],
  [/^giấy chứng nhận/i, 'certificate', 'GCN'],
  [/^giấy phép/i, 'certificate', 'GP'],
  [/^giấy xác nhận/i, 'certificate', 'GXN'],
  [/^giấy khai sinh/i, 'certificate', 'GKS'],
  [/^(bản sao )?trích lục/i, 'certificate', 'TL'],
  [/^phiếu lý lịch tư pháp/i, 'certificate', 'LLTP'],
];

/** The template of a procedure's result. */
export function templateFor(content: ProcedureContent): ResultTemplate {
  const resultType = content.resultType.normalize('NFC').trim();
  const [, kind, docType] = TYPES.find(([re]) => re.test(resultType)) ?? [null, 'certificate', 'KQ'];
  // "Giấy phép xây dựng (bản chính); …" → "GIẤY PHÉP XÂY DỰNG"; a decision's own subject goes in its trích yếu.
  const name = kind === 'decision' ? 'Quyết định' : resultType.split(/[(;]| có ghi chú/)[0].trim();
  return { kind, docType, title: name.toLocaleUpperCase('vi-VN') };
}

export interface FilledContent {
  /** Trích yếu (decisions): "Về việc …". */
  subject?: string;
  /** Paragraphs in order; each drawn by the renderer with its own style. */
  blocks: { text: Rich; style?: 'italic' | 'bold'; align?: 'center'; indent?: number }[];
  /** Nơi nhận (decisions). */
  recipients?: string[];
}

export interface DossierFacts {
  code: string;
  procedureName: string;
  resultType: string;
  legalBasis: string[];
  applicant: { kind?: string; name: string; idNumber?: string; taxCode?: string; address?: string };
  receivedAt: Date;
  /** The form's fields in the author's order, with their titles. */
  details: { label: string; value: string }[];
  /** The signer's authority line for decisions: "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG CÁI KHẾ". */
  authorityLine: string;
  agencyName: string;
}

/** The form data as printable lines, in the schema's property order; empty fields left out. */
export function formDetails(schema: Record<string, any>, data: Record<string, unknown>): { label: string; value: string }[] {
  const properties = (schema?.properties ?? {}) as Record<string, { title?: string; format?: string }>;
  const show = (v: unknown, format?: string): string => {
    if (v === null || v === undefined || v === '') return '';
    if (typeof v === 'boolean') return v ? 'Có' : 'Không';
    if (typeof v === 'string' && (format === 'date' || /^\d{4}-\d{2}-\d{2}$/.test(v))) {
      const [y, m, d] = v.slice(0, 10).split('-');
      return `${d}/${m}/${y}`;
    }
    if (Array.isArray(v))
      return v
        .map((x) => show(x))
        .filter(Boolean)
        .join('; ');
    if (typeof v === 'object')
      return Object.entries(v as object)
        .map(([k, x]) => `${k}: ${show(x)}`)
        .join('; ');
    return String(v).normalize('NFC');
  };
  const keys = [...Object.keys(properties), ...Object.keys(data).filter((k) => !(k in properties))];
  return keys.map((k) => ({ label: properties[k]?.title ?? k, value: show(data[k], properties[k]?.format) })).filter((d) => d.value);
}

const applicantLine = (a: DossierFacts['applicant']) =>
  (a.kind === 'organisation'
    ? [a.name, `mã số thuế ${a.taxCode}`, a.address && `địa chỉ: ${a.address}`]
    : [`Ông/Bà ${a.name}`, `số định danh cá nhân ${a.idNumber}`, a.address && `địa chỉ: ${a.address}`]
  )
    .filter(Boolean)
    .join(', ');

const lowerFirst = (s: string) => s.charAt(0).toLocaleLowerCase('vi-VN') + s.slice(1);

/** The content of the result, filled from the dossier. */
export function fillContent(t: ResultTemplate, f: DossierFacts): FilledContent {
  const detailLines = f.details.map((d) => ({ text: [{ text: `${d.label}: ` }, { text: d.value, style: 'bold' as const }], indent: 20 }));
  if (t.kind === 'decision') {
    return {
      subject: `Về việc ${lowerFirst(f.procedureName)}`,
      blocks: [
        { text: f.authorityLine, style: 'bold', align: 'center' },
        ...f.legalBasis.map((b) => ({ text: `Căn cứ ${b.replace(/[.;]\s*$/, '')};`, style: 'italic' as const, indent: 28 })),
        { text: `Xét hồ sơ số ${f.code} của ${applicantLine(f.applicant)}, tiếp nhận lúc ${vnDateTime(f.receivedAt)}.`, style: 'italic', indent: 28 },
        { text: 'QUYẾT ĐỊNH:', style: 'bold', align: 'center' },
        {
          text: [
            { text: 'Điều 1. ', style: 'bold' },
            { text: `${f.resultType.replace(/[.;]\s*$/, '')} đối với ${applicantLine(f.applicant)}, với các nội dung sau:` },
          ],
          indent: 28,
        },
        ...detailLines,
        { text: [{ text: 'Điều 2. ', style: 'bold' }, { text: 'Quyết định này có hiệu lực kể từ ngày ký.' }], indent: 28 },
        {
          text: [
            { text: 'Điều 3. ', style: 'bold' },
            { text: `Các cơ quan, đơn vị có liên quan và Ông/Bà ${f.applicant.name} chịu trách nhiệm thi hành Quyết định này./.` },
          ],
          indent: 28,
        },
      ],
      recipients: [`Như Điều 3;`, `Lưu: VT, hồ sơ ${f.code}.`],
    };
  }
  return {
    blocks: [
      { text: `Căn cứ hồ sơ số ${f.code} đề nghị giải quyết thủ tục “${f.procedureName}”, tiếp nhận ${vnDate(f.receivedAt)};`, style: 'italic', indent: 28 },
      { text: `${f.agencyName} cấp cho ${applicantLine(f.applicant)}:`, indent: 28 },
      ...detailLines,
      {
        text: `Văn bản này là kết quả giải quyết thủ tục hành chính dạng điện tử, có chữ ký số của người có thẩm quyền và của ${f.agencyName}; có giá trị như bản giấy.`,
        style: 'italic',
        indent: 28,
      },
    ],
  };
}
