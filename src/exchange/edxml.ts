// edXML packages of QCVN 102:2016/BTTTT (cấu trúc gói tin liên thông văn bản điện tử): a document package (the
// MessageHeader of a document, its trace and business headers, the signed PDF and attachments in base64) and a status
// package (the Status header the national axis carries back: 01 đã đến … 06 hoàn thành, 13/15/16).
//
// Layout (namespace EDXML_NS, prefix edXML on everything inside the envelope):
//   edXML > edXMLEnvelope > edXMLHeader > MessageHeader | Status, TraceHeaderList > TraceHeader*, Bussiness
//                         > edXMLBody > edXMLManifest > Reference* (ContentId, ContentType, AttachmentName, Description,
//                                                                   ds:DigestMethod, ds:DigestValue: SHA-256 of the bytes)
//   edXML > AttachmentEncoded > Attachment* (ContentId, ContentType, AttachmentName, Description, ContentTransferEncoded)
// The manifest's digests are how a receiver knows an attachment arrived as it was sent; the signed PDF's own CMS
// signatures (checked in validate.ts) say who issued it. The XMLDSig signature over the header is not produced.
//
// Parsing refuses a DOCTYPE (and so every entity declaration: no XXE, no entity expansion) before the parser sees the
// text; fast-xml-parser itself never fetches anything.
import { createHash } from 'node:crypto';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { VIETNAM_OFFSET_MS } from '../shared/time.ts';

export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const SHA256_URI = 'http://www.w3.org/2001/04/xmlenc#sha256';

/** A party of the exchange (From, To): OrganId is its mã định danh (QĐ 20/2020, or the legacy `000.00.00.H41` form). */
export interface Organisation {
  organId: string;
  organName: string;
  organizationInCharge?: string;
  organAdd?: string;
  email?: string;
  telephone?: string;
  fax?: string;
  website?: string;
}

/** OtherInfo.Priority: 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ. */
export type Priority = 0 | 1 | 2 | 3 | 4;
/** SteeringType: 1 không chỉ đạo, 2 chỉ đạo, 3 chỉ đạo và báo cáo. */
export type SteeringType = 1 | 2 | 3;
/** Bussiness.BussinessDocType: 0 văn bản mới, 1 thu hồi, 2 cập nhật, 3 thay thế. */
export type BusinessDocType = 0 | 1 | 2 | 3;
/** The national axis's status codes (QĐ 28/2018/QĐ-TTg). */
export const STATUS_CODES = {
  '01': 'Đã đến',
  '02': 'Từ chối tiếp nhận',
  '03': 'Đã tiếp nhận',
  '04': 'Phân công',
  '05': 'Đang xử lý',
  '06': 'Hoàn thành',
  '13': 'Lấy lại (thu hồi)',
  '15': 'Đồng ý lấy lại / cập nhật',
  '16': 'Từ chối lấy lại / cập nhật',
} as const;
export type StatusCode = keyof typeof STATUS_CODES;

/** A document another one answers or a status is about (ResponseFor). Dates are `YYYY-MM-DD` (Vietnam). */
export interface DocumentRef {
  organId: string;
  /** Số/ký hiệu as printed: `15/QĐ-UBND`. */
  code: string;
  promulgationDate: string;
  documentId: string;
}

export interface Attachment {
  contentId: string;
  contentType: string;
  name: string;
  description?: string;
  data: Buffer;
}

export interface DocumentPackage {
  from: Organisation;
  to: Organisation[];
  /** Số (`15`, `7816`) and ký hiệu (`QĐ-UBND`). */
  code: { number: string; notation: string };
  /** Địa danh and ngày ban hành (`YYYY-MM-DD`). */
  promulgation: { place: string; date: string };
  /** Type (the category), TypeDetail (the type's code), TypeName (tên loại). */
  documentType: { type: string; typeDetail?: string; typeName: string };
  /** Trích yếu. */
  subject: string;
  content?: string;
  /** Competence: TM., KT., TL., TUQ. or empty for the head signing in their own name. */
  signer: { competence?: string; position: string; fullName: string };
  dueDate?: string;
  steeringType: SteeringType;
  priority: Priority;
  sphereOfPromulgation?: string;
  /** Ký hiệu người soạn thảo. */
  typerNotation?: string;
  promulgationAmount?: number;
  pageAmount?: number;
  appendixes?: string[];
  /** Nơi nhận as printed. */
  toPlaces: string[];
  responseFor: DocumentRef[];
  /** `{sender OrganId},{yyyy/MM/dd},{số}/{ký hiệu}`: see documentIdOf. */
  documentId: string;
  /** One per hop, the sender first. */
  traces: { organId: string; timestamp: Date }[];
  business: { docType: BusinessDocType; reason?: string; paper: 0 | 1 };
  attachments: Attachment[];
}

export interface StatusPackage {
  responseFor: DocumentRef;
  from: Organisation;
  statusCode: StatusCode;
  description: string;
  timestamp: Date;
  staff: { department?: string; staff?: string; mobile?: string; email?: string };
}

export type EdxmlPackage = { kind: 'document'; document: DocumentPackage } | { kind: 'status'; status: StatusPackage };

/** Why a text is not an edXML package this platform reads (validate.ts turns it into a 02 refusal). */
export class EdxmlError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** QCVN 102's DocumentId of a document: `000.00.00.G22,2018/09/20,7816/VPCP-TTĐT`. */
export const documentIdOf = (organId: string, promulgationDate: string, code: { number: string; notation: string }) =>
  `${organId},${promulgationDate.replaceAll('-', '/')},${code.number}/${code.notation}`;

/** The SHA-256 of an attachment as the manifest carries it (base64). */
export const digestOf = (data: Buffer) => createHash('sha256').update(data).digest('base64');

// ---- dates: edXML writes Vietnam wall time, `yyyy/MM/dd` and `yyyy/MM/dd HH:mm:ss` ---------------------------------

const DATE = /^(\d{4})[/-](\d{2})[/-](\d{2})$/;
const TIMESTAMP = /^(\d{4})[/-](\d{2})[/-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;
const wireDate = (date: string) => date.replaceAll('-', '/');
const wireTimestamp = (at: Date) => new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ').replaceAll('-', '/');

function readDate(value: string, field: string): string {
  const m = DATE.exec(value);
  if (!m || Number.isNaN(Date.parse(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`))) throw malformed(`${field} không phải ngày dạng yyyy/MM/dd`);
  return `${m[1]}-${m[2]}-${m[3]}`;
}
function readTimestamp(value: string, field: string): Date {
  const m = TIMESTAMP.exec(value);
  const at = m ? Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) - VIETNAM_OFFSET_MS : Number.NaN;
  if (Number.isNaN(at)) throw malformed(`${field} không phải thời điểm dạng yyyy/MM/dd HH:mm:ss`);
  return new Date(at);
}

// ---- building -------------------------------------------------------------------------------------------------------

type XmlNode = { [name: string]: XmlValue };
type XmlValue = string | number | XmlNode | XmlNode[] | undefined;

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: true, suppressEmptyNode: true });

/** Every element inside the envelope carries the edXML prefix; a missing optional value writes no element. */
function prefixed(node: Record<string, unknown>): XmlNode {
  const out: XmlNode = {};
  for (const [name, value] of Object.entries(node)) {
    if (value === undefined || value === null || value === '') continue;
    const key = name.startsWith('@') || name.startsWith('#') || name.includes(':') ? name : `edXML:${name}`;
    if (Array.isArray(value)) out[key] = value.map((v) => prefixed(v as Record<string, unknown>));
    else if (typeof value === 'object') out[key] = prefixed(value as Record<string, unknown>);
    else out[key] = String(value);
  }
  return out;
}

const organisationXml = (o: Organisation) => ({
  OrganId: o.organId,
  OrganizationInCharge: o.organizationInCharge,
  OrganName: o.organName,
  OrganAdd: o.organAdd,
  Email: o.email,
  Telephone: o.telephone,
  Fax: o.fax,
  Website: o.website,
});
const refXml = (r: DocumentRef) => ({ OrganId: r.organId, Code: r.code, PromulgationDate: wireDate(r.promulgationDate), DocumentId: r.documentId });

function envelope(header: Record<string, unknown>, attachments: Attachment[]): string {
  const doc = {
    '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
    edXML: {
      '@xmlns': EDXML_NS,
      'edXML:edXMLEnvelope': {
        '@xmlns:edXML': EDXML_NS,
        '@xmlns:xlink': 'http://www.w3.org/1999/xlink',
        '@xmlns:ds': DSIG_NS,
        ...prefixed({
          edXMLHeader: header,
          edXMLBody: {
            edXMLManifest: {
              '@version': '1.0',
              Reference: attachments.map((a) => ({
                '@xlink:href': `cid:${a.contentId}`,
                ContentId: a.contentId,
                ContentType: a.contentType,
                AttachmentName: a.name,
                Description: a.description,
                'ds:DigestMethod': { '@Algorithm': SHA256_URI },
                'ds:DigestValue': digestOf(a.data),
              })),
            },
          },
        }),
      },
      AttachmentEncoded: {
        Attachment: attachments.map((a) => ({
          ContentId: a.contentId,
          ContentType: a.contentType,
          AttachmentName: a.name,
          ...(a.description ? { Description: a.description } : {}),
          ContentTransferEncoded: a.data.toString('base64'),
        })),
      },
    },
  };
  return builder.build(doc) as string;
}

/** The edXML text of a document package. */
export function buildDocumentPackage(p: DocumentPackage): string {
  const codes = new Set<string>();
  for (const a of p.attachments) {
    if (codes.has(a.contentId)) throw new Error(`ContentId ${a.contentId} lặp lại`);
    codes.add(a.contentId);
  }
  return envelope(
    {
      MessageHeader: {
        From: organisationXml(p.from),
        To: p.to.map(organisationXml),
        Code: { CodeNumber: p.code.number, CodeNotation: p.code.notation },
        PromulgationInfo: { Place: p.promulgation.place, PromulgationDate: wireDate(p.promulgation.date) },
        DocumentType: { Type: p.documentType.type, TypeDetail: p.documentType.typeDetail, TypeName: p.documentType.typeName },
        Subject: p.subject,
        Content: p.content,
        SignerInfo: { Competence: p.signer.competence, Position: p.signer.position, FullName: p.signer.fullName },
        DueDate: p.dueDate ? wireDate(p.dueDate) : undefined,
        ToPlaces: { Place: p.toPlaces.map((place) => ({ '#text': place })) },
        OtherInfo: {
          Priority: p.priority,
          SphereOfPromulgation: p.sphereOfPromulgation,
          TyperNotation: p.typerNotation,
          PromulgationAmount: p.promulgationAmount,
          PageAmount: p.pageAmount,
          Appendixes: p.appendixes?.length ? { Appendix: p.appendixes.map((a) => ({ '#text': a })) } : undefined,
        },
        SteeringType: p.steeringType,
        ResponseFor: p.responseFor.map(refXml),
        DocumentId: p.documentId,
      },
      TraceHeaderList: {
        '@version': '1.0',
        TraceHeader: p.traces.map((t) => ({ OrganId: t.organId, Timestamp: wireTimestamp(t.timestamp) })),
        Bussiness: {
          BussinessDocType: p.business.docType,
          BussinessDocReason: p.business.reason,
          Paper: p.business.paper,
        },
      },
    },
    p.attachments,
  );
}

/** The edXML text of a status package. */
export function buildStatusPackage(s: StatusPackage): string {
  return envelope(
    {
      Status: {
        ResponseFor: refXml(s.responseFor),
        From: organisationXml(s.from),
        StatusCode: s.statusCode,
        Description: s.description,
        Timestamp: wireTimestamp(s.timestamp),
        StaffInfo: { Department: s.staff.department, Staff: s.staff.staff, Mobile: s.staff.mobile, Email: s.staff.email },
      },
    },
    [],
  );
}

// ---- parsing --------------------------------------------------------------------------------------------------------

const malformed = (why: string) => new EdxmlError('EDXML_MALFORMED', `Gói tin edXML không hợp lệ: ${why}.`);

const REPEATED = new Set(['To', 'Appendix', 'ResponseFor', 'TraceHeader', 'Reference', 'Attachment']);
const localName = (name: string) => name.slice(name.indexOf(':') + 1);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Place is repeated in ToPlaces only (PromulgationInfo has one).
  isArray: (name, jpath) => REPEATED.has(localName(name)) || (localName(name) === 'Place' && localName(String(jpath).split('.').at(-2) ?? '') === 'ToPlaces'),
});

type Parsed = Record<string, unknown>;

/** A child element by its local name (the prefix is whatever the sender bound to the namespace). */
function child(node: unknown, name: string): unknown {
  if (!node || typeof node !== 'object') return undefined;
  for (const [key, value] of Object.entries(node)) if (!key.startsWith('@') && localName(key) === name) return value;
  return undefined;
}
const children = (node: unknown, name: string): unknown[] => (child(node, name) as unknown[] | undefined) ?? [];
const textOf = (v: unknown): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') return textOf((v as Parsed)['#text']);
  const s = String(v);
  return s === '' ? undefined : s;
};
const optional = (node: unknown, name: string) => textOf(child(node, name));
function required(node: unknown, name: string, path: string): string {
  const v = optional(node, name);
  if (v === undefined) throw malformed(`thiếu ${path}/${name}`);
  return v;
}
function oneOf<T extends number>(node: unknown, name: string, path: string, allowed: readonly T[], fallback?: T): T {
  const raw = optional(node, name);
  if (raw === undefined && fallback !== undefined) return fallback;
  const n = Number(raw);
  if (!allowed.includes(n as T)) throw malformed(`${path}/${name} phải là một trong ${allowed.join(', ')}`);
  return n as T;
}
const count = (node: unknown, name: string, path: string) => {
  const raw = optional(node, name);
  if (raw === undefined) return undefined;
  if (!/^\d{1,6}$/.test(raw)) throw malformed(`${path}/${name} phải là số`);
  return Number(raw);
};

function readOrganisation(node: unknown, path: string): Organisation {
  if (!node) throw malformed(`thiếu ${path}`);
  return {
    organId: required(node, 'OrganId', path),
    organName: required(node, 'OrganName', path),
    organizationInCharge: optional(node, 'OrganizationInCharge'),
    organAdd: optional(node, 'OrganAdd'),
    email: optional(node, 'Email'),
    telephone: optional(node, 'Telephone'),
    fax: optional(node, 'Fax'),
    website: optional(node, 'Website'),
  };
}
const readRef = (node: unknown, path: string): DocumentRef => ({
  organId: required(node, 'OrganId', path),
  code: required(node, 'Code', path),
  promulgationDate: readDate(required(node, 'PromulgationDate', path), `${path}/PromulgationDate`),
  documentId: required(node, 'DocumentId', path),
});

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/** The attachments, each checked against its manifest entry's digest. */
function readAttachments(root: unknown, body: unknown, checkDigests: boolean): Attachment[] {
  const manifest = new Map<string, string | undefined>();
  for (const ref of children(child(body, 'edXMLManifest'), 'Reference')) {
    manifest.set(required(ref, 'ContentId', 'Reference'), optional(ref, 'DigestValue'));
  }
  const attachments = children(child(root, 'AttachmentEncoded'), 'Attachment').map((a) => {
    const contentId = required(a, 'ContentId', 'Attachment');
    const encoded = optional(a, 'ContentTransferEncoded') ?? '';
    if (!BASE64.test(encoded)) throw malformed(`tệp ${contentId} không mã hóa base64`);
    const data = Buffer.from(encoded, 'base64');
    if (!manifest.has(contentId)) throw malformed(`tệp ${contentId} không có trong danh mục (edXMLManifest)`);
    const expected = manifest.get(contentId);
    if (checkDigests && expected !== undefined && expected !== digestOf(data)) {
      throw new EdxmlError(
        'EDXML_DIGEST_MISMATCH',
        `Tệp đính kèm "${optional(a, 'AttachmentName') ?? contentId}" không còn nguyên vẹn (mã băm SHA-256 không khớp).`,
      );
    }
    manifest.delete(contentId);
    return {
      contentId,
      contentType: required(a, 'ContentType', 'Attachment'),
      name: required(a, 'AttachmentName', 'Attachment'),
      description: optional(a, 'Description'),
      data,
    };
  });
  if (manifest.size) throw malformed(`thiếu tệp ${[...manifest.keys()].join(', ')} mà danh mục liệt kê`);
  return attachments;
}

function readDocument(header: unknown, root: unknown, body: unknown, checkDigests: boolean): DocumentPackage {
  const m = child(header, 'MessageHeader');
  const P = 'MessageHeader';
  const code = child(m, 'Code');
  const promulgation = child(m, 'PromulgationInfo');
  const type = child(m, 'DocumentType');
  const signer = child(m, 'SignerInfo');
  const other = child(m, 'OtherInfo');
  const trace = child(header, 'TraceHeaderList');
  const business = child(trace, 'Bussiness');
  const due = optional(m, 'DueDate');
  const to = children(m, 'To').map((t) => readOrganisation(t, `${P}/To`));
  if (!to.length) throw malformed(`thiếu ${P}/To`);
  return {
    from: readOrganisation(child(m, 'From'), `${P}/From`),
    to,
    code: { number: required(code, 'CodeNumber', `${P}/Code`), notation: required(code, 'CodeNotation', `${P}/Code`) },
    promulgation: {
      place: required(promulgation, 'Place', `${P}/PromulgationInfo`),
      date: readDate(required(promulgation, 'PromulgationDate', `${P}/PromulgationInfo`), `${P}/PromulgationInfo/PromulgationDate`),
    },
    documentType: {
      type: required(type, 'Type', `${P}/DocumentType`),
      typeDetail: optional(type, 'TypeDetail'),
      typeName: required(type, 'TypeName', `${P}/DocumentType`),
    },
    subject: required(m, 'Subject', P),
    content: optional(m, 'Content'),
    signer: {
      competence: optional(signer, 'Competence'),
      position: required(signer, 'Position', `${P}/SignerInfo`),
      fullName: required(signer, 'FullName', `${P}/SignerInfo`),
    },
    dueDate: due === undefined ? undefined : readDate(due, `${P}/DueDate`),
    steeringType: oneOf(m, 'SteeringType', P, [1, 2, 3] as const, 1),
    priority: oneOf(other, 'Priority', `${P}/OtherInfo`, [0, 1, 2, 3, 4] as const, 0),
    sphereOfPromulgation: optional(other, 'SphereOfPromulgation'),
    typerNotation: optional(other, 'TyperNotation'),
    promulgationAmount: count(other, 'PromulgationAmount', `${P}/OtherInfo`),
    pageAmount: count(other, 'PageAmount', `${P}/OtherInfo`),
    appendixes: children(child(other, 'Appendixes'), 'Appendix').map((a) => textOf(a) ?? ''),
    toPlaces: children(child(m, 'ToPlaces'), 'Place').map((p) => textOf(p) ?? ''),
    responseFor: children(m, 'ResponseFor').map((r) => readRef(r, `${P}/ResponseFor`)),
    documentId: required(m, 'DocumentId', P),
    traces: children(trace, 'TraceHeader').map((t) => ({
      organId: required(t, 'OrganId', 'TraceHeader'),
      timestamp: readTimestamp(required(t, 'Timestamp', 'TraceHeader'), 'TraceHeader/Timestamp'),
    })),
    business: {
      docType: oneOf(business, 'BussinessDocType', 'Bussiness', [0, 1, 2, 3] as const, 0),
      reason: optional(business, 'BussinessDocReason'),
      paper: oneOf(business, 'Paper', 'Bussiness', [0, 1] as const, 0),
    },
    attachments: readAttachments(root, body, checkDigests),
  };
}

function readStatus(header: unknown): StatusPackage {
  const s = child(header, 'Status');
  const code = required(s, 'StatusCode', 'Status');
  if (!(code in STATUS_CODES)) throw malformed(`mã trạng thái ${code} không thuộc QĐ 28/2018/QĐ-TTg`);
  const staff = child(s, 'StaffInfo');
  return {
    responseFor: readRef(children(s, 'ResponseFor')[0], 'Status/ResponseFor'), // one, though the name repeats in MessageHeader
    from: readOrganisation(child(s, 'From'), 'Status/From'),
    statusCode: code as StatusCode,
    description: optional(s, 'Description') ?? STATUS_CODES[code as StatusCode],
    timestamp: readTimestamp(required(s, 'Timestamp', 'Status'), 'Status/Timestamp'),
    staff: { department: optional(staff, 'Department'), staff: optional(staff, 'Staff'), mobile: optional(staff, 'Mobile'), email: optional(staff, 'Email') },
  };
}

/** The namespace a prefixed (or unprefixed) element name is bound to, looking at the element and then its parent. */
function namespaceOf(name: string, element: Parsed, parent: Parsed): string | undefined {
  const attr = name.includes(':') ? `@xmlns:${name.slice(0, name.indexOf(':'))}` : '@xmlns';
  return (element[attr] ?? parent[attr]) as string | undefined;
}

/**
 * Reads an edXML text; throws EdxmlError (EDXML_DTD_REFUSED, EDXML_MALFORMED, EDXML_DIGEST_MISMATCH) naming what is
 * wrong. `checkDigests: false` reads the header of a package whose attachments are damaged, to refuse it by its id.
 */
export function parseEdxml(xml: string, { checkDigests = true } = {}): EdxmlPackage {
  // A DOCTYPE is how entities (XXE, "billion laughs") get in; an edXML package never needs one.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new EdxmlError('EDXML_DTD_REFUSED', 'Gói tin edXML không được chứa DOCTYPE hay khai báo thực thể (ENTITY).');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw malformed(`XML sai cú pháp ở dòng ${valid.err.line}: ${valid.err.msg}`);
  const doc = parser.parse(xml) as Parsed;
  const rootName = Object.keys(doc).find((k) => !k.startsWith('?') && localName(k) === 'edXML');
  if (!rootName) throw malformed('phần tử gốc không phải edXML');
  const root = doc[rootName] as Parsed;
  const envelopeName = Object.keys(root).find((k) => localName(k) === 'edXMLEnvelope');
  if (!envelopeName) throw malformed('thiếu edXMLEnvelope');
  const env = root[envelopeName] as Parsed;
  if (namespaceOf(rootName, root, {}) !== EDXML_NS || namespaceOf(envelopeName, env, root) !== EDXML_NS) {
    throw malformed(`không thuộc không gian tên ${EDXML_NS}`);
  }
  const header = child(env, 'edXMLHeader');
  if (!header) throw malformed('thiếu edXMLHeader');
  if (child(header, 'Status')) return { kind: 'status', status: readStatus(header) };
  if (!child(header, 'MessageHeader')) throw malformed('thiếu MessageHeader hoặc Status');
  return { kind: 'document', document: readDocument(header, root, child(env, 'edXMLBody'), checkDigests) };
}
