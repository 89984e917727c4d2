// edXML packages (QCVN 102:2016): what the platform writes is read back field by field, attachments byte for byte,
// and what it must not read (DTDs, broken XML, another namespace, a damaged attachment) is refused with a reason.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import {
  buildDocumentPackage,
  buildStatusPackage,
  digestOf,
  documentIdOf,
  EDXML_NS,
  EdxmlError,
  parseEdxml,
  type DocumentPackage,
  type StatusPackage,
} from './edxml.ts';

/** Compared as JSON: an absent field and an undefined one are the same package. */
const plain = (v: unknown) => JSON.parse(JSON.stringify(v));

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(70_000), Buffer.from('\n%%EOF\n')]);

export function fullDocument(): DocumentPackage {
  const code = { number: '07', notation: 'QĐ-UBND' };
  return {
    from: {
      organId: '000.00.00.H92',
      organName: 'Ủy ban nhân dân thành phố Cần Thơ',
      organizationInCharge: 'Chủ tịch UBND thành phố',
      organAdd: '02 Hòa Bình, Ninh Kiều, Cần Thơ',
      email: 'vanthu@cantho.gov.vn',
      telephone: '0292 3820 000',
      fax: '0292 3820 001',
      website: 'https://cantho.gov.vn',
    },
    to: [
      { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' },
      { organId: '000.00.00.G09', organName: 'Bộ Nội vụ', email: 'vanthu@moha.gov.vn' },
    ],
    code,
    promulgation: { place: 'Cần Thơ', date: '2026-01-05' },
    documentType: { type: '1', typeDetail: 'QĐ', typeName: 'Quyết định' },
    subject: 'Về việc phê duyệt Kế hoạch chuyển đổi số năm 2026 & "đề án" <số 1>',
    content: 'Phê duyệt kế hoạch kèm theo.',
    signer: { competence: 'KT.', position: 'Phó Chủ tịch', fullName: 'Trần Thị Bích Ngọc' },
    dueDate: '2026-01-20',
    steeringType: 2,
    priority: 3,
    sphereOfPromulgation: 'Liên thông văn bản quốc gia',
    typerNotation: 'NVH',
    promulgationAmount: 12,
    pageAmount: 4,
    appendixes: ['Phụ lục I: Danh mục nhiệm vụ', 'Phụ lục II: Kinh phí'],
    toPlaces: ['Văn phòng Chính phủ;', 'Bộ Nội vụ;', 'Lưu: VT, NC.'],
    responseFor: [{ organId: '000.00.00.G22', code: '7816/VPCP-TTĐT', promulgationDate: '2025-12-20', documentId: '000.00.00.G22,2025/12/20,7816/VPCP-TTĐT' }],
    documentId: documentIdOf('000.00.00.H92', '2026-01-05', code),
    traces: [{ organId: '000.00.00.H92', timestamp: new Date('2026-01-05T03:04:05Z') }],
    business: { docType: 0, reason: 'Văn bản mới', paper: 1 },
    attachments: [
      { contentId: 'qd-07.pdf@congso', contentType: 'application/pdf', name: 'QĐ 07 ký số.pdf', description: 'Văn bản chính', data: PDF },
      {
        contentId: 'pl-1@congso',
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        name: 'Phụ lục.xlsx',
        data: randomBytes(5000),
      },
    ],
  };
}

test('a document package carries every QCVN 102 header field, and its attachments come back byte for byte', () => {
  const pkg = fullDocument();
  const xml = buildDocumentPackage(pkg);
  assert.equal(XMLValidator.validate(xml), true, 'well-formed XML');
  assert.match(xml, new RegExp(`<edXML xmlns="${EDXML_NS}">`));
  assert.match(xml, /<edXML:DocumentId>000\.00\.00\.H92,2026\/01\/05,07\/QĐ-UBND<\/edXML:DocumentId>/);
  assert.match(xml, /<edXML:PromulgationDate>2026\/01\/05<\/edXML:PromulgationDate>/, 'dates as yyyy/MM/dd');
  assert.match(xml, /<edXML:Timestamp>2026\/01\/05 10:04:05<\/edXML:Timestamp>/, 'trace time in Vietnam time');
  const parsed = parseEdxml(xml);
  assert.equal(parsed.kind, 'document');
  // Every field of the header and every attachment (absent optional fields read back as absent).
  assert.deepEqual(plain(parsed.document), plain(pkg));
  const d = parsed.document;
  assert.deepEqual([d.code.number, d.code.notation, d.promulgation.place, d.promulgation.date], ['07', 'QĐ-UBND', 'Cần Thơ', '2026-01-05']);
  assert.deepEqual([d.signer.competence, d.priority, d.steeringType, d.business.docType], ['KT.', 3, 2, 0]);
  assert.deepEqual(
    d.to.map((t) => t.organId),
    ['000.00.00.G22', '000.00.00.G09'],
  );
  for (const [i, a] of pkg.attachments.entries()) {
    assert.ok(parsed.document.attachments[i].data.equals(a.data), `${a.name} byte for byte`);
    assert.match(xml, new RegExp(`<ds:DigestValue>${digestOf(a.data).replace(/[+/]/g, '\\$&')}</ds:DigestValue>`));
  }
});

test('a minimal document package reads back with the defaults of its optional fields', () => {
  const pkg: DocumentPackage = { ...fullDocument(), content: undefined, dueDate: undefined, appendixes: [], responseFor: [], attachments: [] };
  pkg.from = { organId: pkg.from.organId, organName: pkg.from.organName };
  pkg.signer = { position: 'Chủ tịch', fullName: 'Nguyễn Văn A' };
  pkg.sphereOfPromulgation = pkg.typerNotation = pkg.promulgationAmount = pkg.pageAmount = undefined;
  pkg.business = { docType: 1, paper: 0 };
  const parsed = parseEdxml(buildDocumentPackage(pkg));
  assert.deepEqual(plain(parsed), plain({ kind: 'document', document: pkg }));
});

test('a status package reads back with its code, description, staff and time', () => {
  const status: StatusPackage = {
    responseFor: { organId: '000.00.00.H92', code: '07/QĐ-UBND', promulgationDate: '2026-01-05', documentId: '000.00.00.H92,2026/01/05,07/QĐ-UBND' },
    from: { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' },
    statusCode: '04',
    description: 'Đã phân công Vụ Tổng hợp chủ trì',
    timestamp: new Date('2026-01-06T01:00:00Z'),
    staff: { department: 'Văn thư', staff: 'Lê Văn C', mobile: '0900000000', email: 'c@vpcp.gov.vn' },
  };
  const xml = buildStatusPackage(status);
  assert.match(xml, /<edXML:StatusCode>04<\/edXML:StatusCode>/);
  assert.deepEqual(plain(parseEdxml(xml)), plain({ kind: 'status', status }));
});

const refusal = (xml: string) => {
  try {
    parseEdxml(xml);
  } catch (err) {
    assert.ok(err instanceof EdxmlError, String(err));
    return { code: err.code, message: err.message };
  }
  assert.fail('the package was read');
};

test('a DOCTYPE or entity declaration is refused before parsing (no XXE, no entity expansion)', () => {
  const xml = buildDocumentPackage(fullDocument());
  const xxe = xml.replace('<edXML xmlns', '<!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<edXML xmlns').replace('Trần Thị Bích Ngọc', '&x;');
  assert.deepEqual(refusal(xxe).code, 'EDXML_DTD_REFUSED');
  const laughs = `<!DOCTYPE a [<!ENTITY l "lol"><!ENTITY l2 "&l;&l;&l;">]><edXML xmlns="${EDXML_NS}">&l2;</edXML>`;
  assert.equal(refusal(laughs).code, 'EDXML_DTD_REFUSED');
});

test('broken XML, another namespace, a missing header field or a bad code are refused, each with its reason', () => {
  const xml = buildDocumentPackage(fullDocument());
  const broken = refusal(xml.replace('</edXML:Subject>', ''));
  assert.equal(broken.code, 'EDXML_MALFORMED');
  assert.match(broken.message, /XML sai cú pháp/);
  assert.match(refusal(xml.replaceAll(EDXML_NS, 'urn:other')).message, /không gian tên/);
  assert.match(refusal(xml.replace(/<edXML:Subject>.*<\/edXML:Subject>/, '')).message, /thiếu MessageHeader\/Subject/);
  assert.match(refusal(xml.replace('<edXML:Priority>3</edXML:Priority>', '<edXML:Priority>9</edXML:Priority>')).message, /Priority phải là/);
  assert.match(refusal(xml.replace('2026/01/05</edXML:PromulgationDate>', '05/01/2026</edXML:PromulgationDate>')).message, /yyyy\/MM\/dd/);
  const status = buildStatusPackage({
    responseFor: { organId: 'A', code: '1/X', promulgationDate: '2026-01-01', documentId: 'A,2026/01/01,1/X' },
    from: { organId: 'B', organName: 'B' },
    statusCode: '03',
    description: '',
    timestamp: new Date(),
    staff: {},
  });
  assert.match(refusal(status.replace('<edXML:StatusCode>03<', '<edXML:StatusCode>99<')).message, /mã trạng thái 99/);
});

test('an attachment changed on the way fails its digest; its header can still be read to answer the sender', () => {
  const pkg = fullDocument();
  const xml = buildDocumentPackage(pkg);
  const original = pkg.attachments[1].data.toString('base64');
  const changed = Buffer.from(pkg.attachments[1].data);
  changed[100] ^= 1;
  const tampered = xml.replace(original, changed.toString('base64'));
  const err = refusal(tampered);
  assert.equal(err.code, 'EDXML_DIGEST_MISMATCH');
  assert.match(err.message, /Phụ lục\.xlsx.*không còn nguyên vẹn/);
  const header = parseEdxml(tampered, { checkDigests: false });
  assert.equal(header.kind === 'document' && header.document.documentId, pkg.documentId);
  // An attachment the manifest does not list, or one it lists that is missing.
  assert.match(refusal(xml.replace('<ContentId>pl-1@congso</ContentId>', '<ContentId>other</ContentId>')).message, /không có trong danh mục/);
});
