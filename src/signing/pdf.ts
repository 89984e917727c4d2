// PDF signatures (CMS detached, SHA-256) with @signpdf. The first signature is added to an unsigned document; each
// further one (the agency seal after the leader) is appended as an incremental update, so the bytes an earlier
// signature covers are never touched.
import { PDFDocument, PDFName, PDFRef, PDFString, type PDFObject } from 'pdf-lib';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { SUBFILTER_ADOBE_PKCS7_DETACHED, type Signer } from '@signpdf/utils';
import { fold } from '../shared/text.ts';

/** Room for the CMS in /Contents, in bytes: a signature with a chain of a few certificates fits easily. */
const SIGNATURE_BYTES = 12_000;

export interface SignatureField {
  /** The field name, unique in the document ("LanhDao", "DauCoQuan"). */
  field: string;
  /** Page index and [x1, y1, x2, y2] of the visible signature block on it. */
  page: number;
  rect: [number, number, number, number];
  /** Who signs and why, for the signature dictionary (the certificate is what counts). */
  name: string;
  reason: string;
  location: string;
  signingTime: Date;
}

// The signature dictionary's strings are PDFDocEncoding literals: written without Vietnamese marks there
// (the certificate's UTF-8 subject carries the real names).
const ascii = (s: string) => fold(s).replace(/[^ -~]/g, '');

function addPlaceholder(doc: PDFDocument, f: SignatureField): void {
  const page = doc.getPages()[f.page];
  pdflibAddPlaceholder({
    pdfPage: page,
    reason: ascii(f.reason),
    contactInfo: '',
    name: ascii(f.name),
    location: ascii(f.location),
    signingTime: f.signingTime,
    signatureLength: SIGNATURE_BYTES * 2,
    subFilter: SUBFILTER_ADOBE_PKCS7_DETACHED,
    widgetRect: f.rect,
    appName: 'congso',
  });
  // The placeholder names every field "Signature1"; two fields of one name would be one field to a reader.
  const annots = page.node.Annots()!;
  const widget = doc.context.lookup(annots.get(annots.size() - 1)) as any;
  widget.set(PDFName.of('T'), PDFString.of(f.field));
}

/** Signs an unsigned PDF. Its metadata may be set first (`prepare`), since the document is rewritten once here. */
export async function signNewPdf(pdf: Uint8Array, signer: Signer, f: SignatureField, prepare?: (doc: PDFDocument) => void): Promise<Buffer> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  if (doc.catalog.has(PDFName.of('AcroForm'))) throw new Error('Tài liệu đã có trường chữ ký; hãy dùng ký bổ sung.');
  prepare?.(doc);
  addPlaceholder(doc, f);
  // A classic cross-reference table, so that later signatures can be appended as plain incremental updates.
  const bytes = await doc.save({ useObjectStreams: false });
  return new SignPdf().sign(Buffer.from(bytes), signer, f.signingTime);
}

/** Adds one more signature to a signed PDF as an incremental update (the earlier bytes stay as they are). */
export async function appendSignature(signed: Buffer, signer: Signer, f: SignatureField): Promise<Buffer> {
  const doc = await PDFDocument.load(signed, { updateMetadata: false });
  const existing = doc.context.largestObjectNumber;
  const changed: PDFRef[] = [doc.getPages()[f.page].ref];
  const acroForm = doc.catalog.get(PDFName.of('AcroForm'));
  if (acroForm instanceof PDFRef) changed.push(acroForm);
  else throw new Error('Tài liệu chưa có chữ ký số nào để ký bổ sung.');
  addPlaceholder(doc, f);
  for (const [ref] of doc.context.enumerateIndirectObjects()) if (ref.objectNumber > existing) changed.push(ref);

  const update = incrementalUpdate(signed, doc, changed);
  return new SignPdf().sign(Buffer.concat([signed, update]), signer, f.signingTime);
}

const serialize = (o: PDFObject) => {
  const out = new Uint8Array(o.sizeInBytes());
  o.copyBytesInto(out, 0);
  return Buffer.from(out);
};

/** The bytes of an incremental update (ISO 32000-1 §7.5.6): the objects, an xref section and a trailer with /Prev. */
function incrementalUpdate(previous: Buffer, doc: PDFDocument, refs: PDFRef[]): Buffer {
  const tail = previous.subarray(Math.max(0, previous.length - 1024)).toString('latin1');
  const prevXref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail)?.[1]);
  if (!Number.isFinite(prevXref)) throw new Error('Không đọc được bảng tham chiếu chéo của tài liệu đã ký.');
  const parts: Buffer[] = [Buffer.from('\n')];
  let offset = previous.length + 1;
  const entries: [number, number][] = [];
  for (const ref of [...refs].sort((a, b) => a.objectNumber - b.objectNumber)) {
    const body = Buffer.concat([
      Buffer.from(`${ref.objectNumber} ${ref.generationNumber} obj\n`),
      serialize(doc.context.lookup(ref)!),
      Buffer.from('\nendobj\n'),
    ]);
    entries.push([ref.objectNumber, offset]);
    parts.push(body);
    offset += body.length;
  }
  const xrefAt = offset;
  let xref = 'xref\n';
  for (const [n, at] of entries) xref += `${n} 1\n${String(at).padStart(10, '0')} 00000 n\r\n`;
  const t = doc.context.trailerInfo;
  const trailer = [
    `/Size ${doc.context.largestObjectNumber + 1}`,
    `/Root ${t.Root}`,
    t.Info ? `/Info ${t.Info}` : '',
    t.ID ? `/ID ${t.ID}` : '',
    `/Prev ${prevXref}`,
  ]
    .filter(Boolean)
    .join(' ');
  parts.push(Buffer.from(`${xref}trailer\n<< ${trailer} >>\nstartxref\n${xrefAt}\n%%EOF\n`));
  return Buffer.concat(parts);
}
