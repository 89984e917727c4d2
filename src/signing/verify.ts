// Checks the signatures of a PDF without trusting anything in it: each /ByteRange's bytes are hashed again, the
// CMS signed attributes are checked against that digest and the signer's public key, and the signer's certificate
// is chained to the authorities the platform trusts.
import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

const OID = {
  sha256: '2.16.840.1.101.3.4.2.1',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
};

export interface CertificateInfo {
  subject: Record<string, string>;
  issuer: Record<string, string>;
  serialNumber: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
}

export interface SignatureCheck {
  index: number;
  /** The bytes the signature covers hash to the digest it signed, and the signature verifies with the certificate. */
  intact: boolean;
  /** The signature covers the whole file (true for the last signature of an untouched document). */
  coversWholeDocument: boolean;
  /** The signer's certificate chains to one of the trusted authorities. */
  trusted: boolean;
  /** The certificate was valid at the signing time. */
  validAtSigning: boolean;
  signedAt: string | null;
  signer: CertificateInfo | null;
  chain: CertificateInfo[];
  problem: string | null;
}

const names = (dn: string) =>
  Object.fromEntries(
    dn
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

export function certificateInfo(x: X509Certificate): CertificateInfo {
  return {
    subject: names(x.subject),
    issuer: names(x.issuer),
    serialNumber: x.serialNumber,
    validFrom: new Date(x.validFrom).toISOString(),
    validTo: new Date(x.validTo).toISOString(),
    fingerprint256: x.fingerprint256,
  };
}

/** The DER object at the start of `bytes`, without the zero padding /Contents carries after it. */
export function derPrefix(bytes: Buffer): Buffer {
  if (bytes.length < 2 || bytes[0] !== 0x30) throw new Error('not a DER SEQUENCE');
  const first = bytes[1];
  if (first < 0x80) return bytes.subarray(0, 2 + first);
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + bytes[2 + i];
  return bytes.subarray(0, 2 + n + len);
}

const der = (node: forge.asn1.Asn1) => Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');
const children = (node: forge.asn1.Asn1) => node.value as forge.asn1.Asn1[];
const oidOf = (node: forge.asn1.Asn1) => forge.asn1.derToOid(node.value as string);

interface ParsedCms {
  certificates: X509Certificate[];
  serial: string;
  digestOid: string;
  signedAttrs: Buffer;
  messageDigest: Buffer;
  signingTime: Date | null;
  signature: Buffer;
}

/** The parts of a CMS SignedData (RFC 5652) a detached PDF signature needs. */
function parseCms(cms: Buffer): ParsedCms {
  const contentInfo = forge.asn1.fromDer(forge.util.createBuffer(cms.toString('binary')));
  const signedData = children(children(contentInfo)[1])[0];
  const parts = children(signedData);
  const certSet = parts.find((p) => p.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && p.type === 0);
  const certificates = certSet ? children(certSet).map((c) => new X509Certificate(der(c))) : [];
  const signerInfo = children(parts[parts.length - 1])[0];
  const fields = children(signerInfo);
  const sid = children(fields[1]);
  const serial = Buffer.from(sid[1].value as string, 'binary')
    .toString('hex')
    .replace(/^(00)+(?=.)/, '')
    .toUpperCase();
  const digestOid = oidOf(children(fields[2])[0]);
  const attrsNode = fields[3];
  if (attrsNode.tagClass !== forge.asn1.Class.CONTEXT_SPECIFIC || attrsNode.type !== 0) throw new Error('no signed attributes');
  // The signature is over the attributes encoded as a SET OF (RFC 5652 §5.4), not with their [0] tag.
  const signedAttrs = der(forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, children(attrsNode)));
  let messageDigest: Buffer | undefined;
  let signingTime: Date | null = null;
  for (const attr of children(attrsNode)) {
    const [type, values] = children(attr);
    const value = children(values)[0];
    if (oidOf(type) === OID.messageDigest) messageDigest = Buffer.from(value.value as string, 'binary');
    if (oidOf(type) === OID.signingTime) {
      signingTime =
        value.type === forge.asn1.Type.UTCTIME ? forge.asn1.utcTimeToDate(value.value as string) : forge.asn1.generalizedTimeToDate(value.value as string);
    }
  }
  if (!messageDigest) throw new Error('no message digest');
  const signature = Buffer.from(fields[5].value as string, 'binary');
  return { certificates, serial, digestOid, signedAttrs, messageDigest, signingTime, signature };
}

/** The certificate chain from `leaf` up to a trusted authority, or null when it does not reach one. */
function chainToTrust(leaf: X509Certificate, pool: X509Certificate[], trusted: X509Certificate[]): X509Certificate[] | null {
  const chain = [leaf];
  let current = leaf;
  for (let depth = 0; depth < 6; depth++) {
    const anchor = trusted.find((ca) => current.checkIssued(ca) && current.verify(ca.publicKey));
    if (anchor) return anchor.fingerprint256 === current.fingerprint256 ? chain : [...chain, anchor];
    const next = pool.find((c) => c.fingerprint256 !== current.fingerprint256 && current.checkIssued(c) && c.ca && current.verify(c.publicKey));
    if (!next) return null;
    chain.push(next);
    current = next;
  }
  return null;
}

/** Every signature of the PDF, in file order (the first signer first). */
export function checkPdfSignatures(pdf: Buffer, trusted: X509Certificate[]): SignatureCheck[] {
  const text = pdf.toString('latin1');
  const results: SignatureCheck[] = [];
  const pattern = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const [a, b, c, d] = m.slice(1).map(Number);
    const check: SignatureCheck = {
      index: results.length,
      intact: false,
      coversWholeDocument: a === 0 && c + d === pdf.length,
      trusted: false,
      validAtSigning: false,
      signedAt: null,
      signer: null,
      chain: [],
      problem: null,
    };
    results.push(check);
    try {
      if (a !== 0 || b <= 0 || c <= b || c + d > pdf.length) throw new Error('Vùng ký (ByteRange) không hợp lệ.');
      const gap = text.slice(b, c);
      if (!/^<[0-9a-fA-F]+>$/.test(gap)) throw new Error('Vùng ký (ByteRange) không khớp với nội dung chữ ký.');
      const cms = parseCms(derPrefix(Buffer.from(gap.slice(1, -1), 'hex')));
      const signerCert = cms.certificates.find((x) => x.serialNumber.replace(/^(00)+(?=.)/, '') === cms.serial);
      if (!signerCert) throw new Error('Chữ ký không kèm chứng thư số của người ký.');
      check.signer = certificateInfo(signerCert);
      check.signedAt = cms.signingTime?.toISOString() ?? null;
      if (cms.digestOid !== OID.sha256) throw new Error('Chữ ký không dùng thuật toán băm SHA-256.');
      const digest = createHash('sha256')
        .update(pdf.subarray(a, a + b))
        .update(pdf.subarray(c, c + d))
        .digest();
      if (!digest.equals(cms.messageDigest)) throw new Error('Nội dung tài liệu đã bị thay đổi sau khi ký (giá trị băm không khớp).');
      if (!verifySignature('sha256', cms.signedAttrs, signerCert.publicKey, cms.signature))
        throw new Error('Chữ ký không khớp với khóa công khai của chứng thư.');
      check.intact = true;
      const when = cms.signingTime ?? new Date();
      check.validAtSigning = when >= new Date(signerCert.validFrom) && when <= new Date(signerCert.validTo);
      const chain = chainToTrust(signerCert, cms.certificates, trusted);
      check.trusted = chain !== null;
      check.chain = (chain ?? [signerCert]).map(certificateInfo);
      if (!check.trusted) check.problem = 'Chứng thư số của người ký không do tổ chức chứng thực mà hệ thống tin cậy cấp.';
      else if (!check.validAtSigning) check.problem = 'Chứng thư số không còn hiệu lực tại thời điểm ký.';
    } catch (err) {
      check.problem = err instanceof Error && /\P{ASCII}/u.test(err.message) ? err.message : 'Không đọc được chữ ký số trong tài liệu.';
    }
  }
  return results;
}
