// Where signing keys come from. Production: PKCS#12 files the province configures (a refusal to start without
// them). Development and tests: a test certificate authority and certificates created on first use and kept in
// the database, every subject marked as a test.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { Queryable } from '../db/index.ts';
import type { TestCredentialsRow } from '../db/schema.ts';
import { conflict } from '../shared/errors.ts';
import { createTestCa, issueTestCertificate, subjectFields, type Credential, type SubjectInput } from './pki.ts';
import { P12Signer, type SigningIdentity } from './signer.ts';
import { signNewPdf } from './pdf.ts';

export interface Person {
  userId: string;
  username: string;
  fullName: string;
  title: string;
  agencyName: string;
}
export interface SealOwner {
  agencyId: string;
  agencyCode: string;
  agencyName: string;
}

export interface SigningProvider {
  /** Test certificates: documents say so, and the verify page warns. */
  readonly test: boolean;
  /** The authorities whose certificates the platform trusts. */
  trustedAuthorities(db: Queryable): Promise<X509Certificate[]>;
  /** The approving leader's signature (chữ ký số của người có thẩm quyền). */
  person(db: Queryable, who: Person): Promise<SigningIdentity>;
  /** The agency's seal (chữ ký số của cơ quan, tổ chức). */
  seal(db: Queryable, agency: SealOwner): Promise<SigningIdentity>;
}

/** The configured certificates (config SIGNING_*). */
export interface SigningSettings {
  /** staff/<username>.p12 and seal/<agency code>.p12 */
  p12Dir: string;
  passphrase: string;
  /** PEM file of the trusted authorities. */
  trustedCa: string;
}

function identity(c: Pick<Credential, 'p12' | 'passphrase'>, displayName?: string): SigningIdentity {
  const signer = new P12Signer(c.p12, c.passphrase);
  const pem = signer.certificatePem;
  return { signer, certificatePem: pem, displayName: displayName ?? subjectFields(pem).CN ?? '' };
}

function readCertificates(path: string): X509Certificate[] {
  const text = readFileSync(path, 'utf8');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

/**
 * PKCS#12 files from a directory: `staff/<username>.p12` for each signing leader and `seal/<agency code>.p12` for
 * each agency seal, all opened with the passphrase; `trustedCa` lists the trusted authorities (PEM).
 */
export function fileProvider(settings: SigningSettings): SigningProvider {
  const dir = settings.p12Dir;
  const trusted = readCertificates(settings.trustedCa);
  if (!trusted.length) throw new Error(`SIGNING_TRUSTED_CA (${settings.trustedCa}) không chứa chứng thư số nào.`);
  const open = (path: string, missing: string, displayName?: string) => {
    if (!existsSync(path)) throw conflict('SIGNING_KEY_MISSING', missing);
    return identity({ p12: readFileSync(path), passphrase: settings.passphrase }, displayName);
  };
  return {
    test: false,
    trustedAuthorities: async () => trusted,
    person: async (_db, who) =>
      open(join(dir, 'staff', `${who.username}.p12`), `Chưa cấu hình chứng thư số cho ${who.fullName} (tệp staff/${who.username}.p12).`, who.fullName),
    seal: async (_db, a) =>
      open(join(dir, 'seal', `${a.agencyCode}.p12`), `Chưa cấu hình chứng thư số của cơ quan ${a.agencyName} (tệp seal/${a.agencyCode}.p12).`, a.agencyName),
  };
}

/** Reads a stored test credential, or creates it (the first writer wins, so concurrent first uses agree). */
async function testCredential(db: Queryable, key: string, create: () => Credential): Promise<Credential> {
  const read = async () => {
    const [r] = await db.query<Pick<TestCredentialsRow, 'p12' | 'passphrase' | 'certificate_pem'>>(
      'SELECT p12, passphrase, certificate_pem FROM test_credentials WHERE key = $1',
      [key],
    );
    return r ? { p12: Buffer.from(r.p12), passphrase: r.passphrase, certificatePem: r.certificate_pem } : undefined;
  };
  const existing = await read();
  if (existing) return existing;
  const made = create();
  await db.query('INSERT INTO test_credentials (key, p12, passphrase, certificate_pem) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING', [
    key,
    made.p12,
    made.passphrase,
    made.certificatePem,
  ]);
  return (await read())!;
}

const testCa = (db: Queryable) => testCredential(db, 'ca', createTestCa);

/** The development provider: the test CA and its certificates, made on first use. */
export function testProvider(): SigningProvider {
  const issued = (db: Queryable, key: string, subject: SubjectInput) =>
    testCa(db).then((ca) => testCredential(db, key, () => issueTestCertificate(ca, subject)));
  return {
    test: true,
    trustedAuthorities: async (db) => [new X509Certificate((await testCa(db)).certificatePem)],
    person: async (db, who) =>
      identity(
        await issued(db, `staff:${who.userId}`, { commonName: `${who.fullName} (TEST)`, title: who.title, organisation: `${who.agencyName} — THỬ NGHIỆM` }),
        who.fullName,
      ),
    seal: async (db, a) =>
      identity(await issued(db, `seal:${a.agencyId}`, { commonName: `${a.agencyName} (TEST)`, organisation: `${a.agencyName} — THỬ NGHIỆM` }), a.agencyName),
  };
}

/**
 * The provider for this run. With configured certificates, those files (in any mode); otherwise test certificates —
 * except in production, which refuses to start.
 */
export function signingProvider(production: boolean, settings: SigningSettings | undefined): SigningProvider {
  if (settings) return fileProvider(settings);
  if (production) {
    throw new Error(
      'Chế độ production cần chứng thư số đã cấu hình: đặt SIGNING_P12_DIR (staff/<tên đăng nhập>.p12, seal/<mã cơ quan>.p12), ' +
        'SIGNING_P12_PASSPHRASE và SIGNING_TRUSTED_CA (PEM của tổ chức chứng thực tin cậy). Hệ thống không dùng chứng thư thử nghiệm khi chạy chính thức.',
    );
  }
  return testProvider();
}

/**
 * A document the platform issues electronically on the agency's behalf (a one-stop form, a fee receipt) signed with
 * the agency's seal (chữ ký số của cơ quan): an invisible signature any PDF reader checks.
 */
export async function sealDocument(
  db: Queryable,
  provider: SigningProvider,
  agency: SealOwner,
  pdf: Uint8Array,
  why: { reason: string; location: string; at?: Date },
): Promise<Buffer> {
  const seal = await provider.seal(db, agency);
  return signNewPdf(pdf, seal.signer, {
    field: 'DauCoQuan',
    page: 0,
    rect: [0, 0, 0, 0],
    name: agency.agencyName,
    reason: why.reason,
    location: why.location,
    signingTime: why.at ?? new Date(),
  });
}
