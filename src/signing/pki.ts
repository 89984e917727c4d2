// Certificates for development and tests: a test certificate authority and the certificates it issues, made with
// node-forge over keys from Node's (native, fast) RSA generator. Every subject says it is a test, so nobody can
// mistake a document signed with them for a real one.
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

/** Parsed DN attributes with UTF8String values decoded: forge keeps them as UTF-8 bytes and would encode them twice. */
export function decodedNames(attributes: forge.pki.CertificateField[]): forge.pki.CertificateField[] {
  return attributes.map((a) => ((a.valueTagClass as unknown) === forge.asn1.Type.UTF8 ? { ...a, value: forge.util.decodeUtf8(a.value as string) } : a));
}

export const TEST_CA_NAME = 'congso TEST CA — không dùng cho giao dịch thật';
const TEST_ORGANISATION = 'congso — THỬ NGHIỆM';

export interface Credential {
  /** PKCS#12 (private key, certificate, issuer chain). */
  p12: Buffer;
  passphrase: string;
  certificatePem: string;
}

export interface SubjectInput {
  commonName: string;
  organisation?: string;
  /** Chức vụ (X.520 title), e.g. "Chủ tịch". */
  title?: string;
}

// forge encodes UTF8String values itself.
const utf8 = (value: string) => ({ value: value.normalize('NFC'), valueTagClass: forge.asn1.Type.UTF8 as any });

function subject(s: SubjectInput): forge.pki.CertificateField[] {
  return [
    { shortName: 'C', value: 'VN' },
    { shortName: 'O', ...utf8(s.organisation ?? TEST_ORGANISATION) },
    ...(s.title ? [{ name: 'title', ...utf8(s.title) }] : []),
    { shortName: 'CN', ...utf8(s.commonName) },
  ];
}

function newKeys() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }) as string),
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }) as string),
  };
}

function baseCertificate(publicKey: forge.pki.PublicKey, years: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive 16-byte serial (the top bit cleared keeps the DER INTEGER positive).
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + years * 365 * 86_400_000);
  return cert;
}

function toP12(key: forge.pki.rsa.PrivateKey, chain: forge.pki.Certificate[], passphrase: string): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, chain, passphrase, { algorithm: 'aes256', friendlyName: 'congso' });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/** A self-signed test certificate authority (10 years). */
export function createTestCa(): Credential {
  const keys = newKeys();
  const cert = baseCertificate(keys.publicKey, 10);
  const name = subject({ commonName: TEST_CA_NAME });
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const passphrase = randomBytes(18).toString('base64url');
  return { p12: toP12(keys.privateKey, [cert], passphrase), passphrase, certificatePem: forge.pki.certificateToPem(cert) };
}

/** A signing certificate (3 years) issued by `ca` for a person or an agency seal. */
export function issueTestCertificate(ca: Credential, who: SubjectInput): Credential {
  const issuer = openCredential(ca);
  const keys = newKeys();
  const cert = baseCertificate(keys.publicKey, 3);
  cert.setSubject(subject(who));
  cert.setIssuer(decodedNames(issuer.certificate.subject.attributes));
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(issuer.key, forge.md.sha256.create());
  const passphrase = randomBytes(18).toString('base64url');
  return { p12: toP12(keys.privateKey, [cert, issuer.certificate], passphrase), passphrase, certificatePem: forge.pki.certificateToPem(cert) };
}

/** The private key and the certificate that matches it, from a PKCS#12. */
export function openCredential(c: Pick<Credential, 'p12' | 'passphrase'>) {
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(c.p12.toString('binary')), false, c.passphrase);
  const key = p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag]?.[0]?.key as
    | forge.pki.rsa.PrivateKey
    | undefined;
  const certs = (p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? []).map((b) => b.cert!).filter(Boolean);
  if (!key) throw new Error('Tệp PKCS#12 không có khóa bí mật (RSA).');
  const certificate = certs.find((cert) => (cert.publicKey as forge.pki.rsa.PublicKey).n.compareTo(key.n) === 0);
  if (!certificate) throw new Error('Tệp PKCS#12 không có chứng thư khớp với khóa bí mật.');
  return { key, certificate, chain: certs };
}

/** The subject of a certificate as Node reads it (UTF-8 decoded): { CN, O, title, … }. */
export function subjectFields(pem: string | Buffer): Record<string, string> {
  const x = new X509Certificate(pem);
  return Object.fromEntries(
    x.subject.split('\n').map((line) => {
      const i = line.indexOf('=');
      return [line.slice(0, i), line.slice(i + 1)];
    }),
  );
}
