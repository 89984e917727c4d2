// The pluggable signer. Anything that turns the bytes to sign into a detached CMS SignedData is a signer:
// @signpdf's abstract `Signer` (`sign(bytes, signingTime)`). The platform ships the PKCS#12 one; a USB token
// (PKCS#11) or a remote signing service (ký số từ xa) implements the same method and plugs in unchanged.
import forge from 'node-forge';
import { Signer } from '@signpdf/utils';
import { decodedNames, openCredential } from './pki.ts';

/** A signer together with the certificate it signs under (shown on the document and checked on verification). */
export interface SigningIdentity {
  signer: Signer;
  certificatePem: string;
  /** Name printed in the visible signature block. */
  displayName: string;
}

/**
 * PKCS#7/CMS detached, SHA-256, signed attributes contentType, signingTime, messageDigest (the order EU DSS
 * accepts), with the certificate chain from the PKCS#12 file.
 */
export class P12Signer extends Signer {
  private readonly key: forge.pki.rsa.PrivateKey;
  private readonly certificate: forge.pki.Certificate;
  private readonly chain: forge.pki.Certificate[];

  constructor(p12: Buffer, passphrase: string) {
    super();
    const opened = openCredential({ p12, passphrase });
    this.key = opened.key;
    this.certificate = opened.certificate;
    this.chain = opened.chain;
  }

  get certificatePem(): string {
    return forge.pki.certificateToPem(this.certificate);
  }

  async sign(bytes: Buffer, signingTime = new Date()): Promise<Buffer> {
    const p7 = forge.pkcs7.createSignedData();
    p7.content = forge.util.createBuffer(bytes.toString('binary'));
    for (const cert of this.chain) p7.addCertificate(cert);
    p7.addSigner({
      key: this.key as any,
      // forge keeps parsed UTF8String names as UTF-8 bytes and would encode them again in the signer's
      // issuerAndSerialNumber, so a signer whose issuer has a Vietnamese name could never be found (RFC 5652 §5.3).
      issuer: decodedNames(this.certificate.issuer.attributes),
      serialNumber: this.certificate.serialNumber,
      digestAlgorithm: forge.pki.oids.sha256,
      authenticatedAttributes: [
        { type: forge.pki.oids.contentType, value: forge.pki.oids.data },
        { type: forge.pki.oids.signingTime, value: signingTime as any },
        { type: forge.pki.oids.messageDigest },
      ],
    } as any);
    p7.sign({ detached: true });
    return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
  }
}
