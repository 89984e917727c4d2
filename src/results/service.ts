// Electronic results: numbering (Decree 30/2020 art. 15), issuing — rendered, signed by the approving leader,
// sealed by the agency, stored byte for byte and recorded in the dossier's history — delivery to the citizen,
// and verification for anyone.
import { createHash, randomBytes } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import type { Database, Queryable } from '../db/index.ts';
import type { DocumentSequencesRow, ResultDocumentsRow } from '../db/schema.ts';
import type { Actor, Role } from '../shared/actor.ts';
import { AppError, conflict, notFound } from '../shared/errors.ts';
import { agencyNames, getAgencyRow } from '../agencies/service.ts';
import { getProcedureVersion } from '../catalog/service.ts';
import { applicantStore, storeCitizenDocument } from '../datastore/service.ts';
import { getDossier, type Who } from '../dossiers/service.ts';
import { dossierWorkflow } from '../dossiers/workflow.ts';
import { perform, refusalOf } from '../workflow/engine.ts';
import { maskName } from '../dossiers/rules.ts';
import { appendSignature, signNewPdf } from '../signing/pdf.ts';
import type { SigningProvider } from '../signing/service.ts';
import { checkPdfSignatures, type SignatureCheck } from '../signing/verify.ts';
import { renderResult } from './render.ts';
import { fillContent, formDetails, templateFor } from './templates.ts';
import { vietnamIso, vietnamYear } from '../shared/time.ts';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const pad2 = (n: number) => String(n).padStart(2, '0');
const KEYWORD = 'congso-verify:';

/**
 * The next number of an agency's series for a document type and year, under the series row's lock: unique and
 * consecutive under concurrency (a rolled-back issue gives its number back). A new year starts again at 01.
 */
export async function allocateNumber(tx: Queryable, agencyId: string, docType: string, year: number): Promise<number> {
  const [{ last }] = await tx.query<Pick<DocumentSequencesRow, 'last'>>(
    `INSERT INTO document_sequences (agency_id, doc_type, year, last) VALUES ($1, $2, $3, 1)
     ON CONFLICT (agency_id, doc_type, year) DO UPDATE SET last = document_sequences.last + 1 RETURNING last`,
    [agencyId, docType, year],
  );
  return Number(last);
}

/** Ký hiệu of the issuing agency: UBND for people's committees, initials otherwise ("Sở Tư pháp" → STP). */
export function agencyAbbreviation(agency: { kind: string; name: string }): string {
  if (agency.kind === 'commune_committee' || agency.kind === 'province_committee') return 'UBND';
  return agency.name
    .normalize('NFC')
    .split(/\s+/)
    .filter((w) => w && w.toLowerCase() !== 'và')
    .map((w) => w[0].toLocaleUpperCase('vi-VN'))
    .join('')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .normalize('NFC');
}

/** Địa danh (Decree 30 Phụ lục I): the commune's name for a commune, the province's otherwise. */
export function placeName(agency: { kind: string; name: string }, provinceName: string): string {
  const strip = (s: string) => s.replace(/^Ủy ban nhân dân\s+/i, '').trim();
  if (agency.kind === 'commune_committee') return strip(agency.name).replace(/^(Xã|Phường|Đặc khu|Thị trấn)\s+(?!\d)/i, '');
  return strip(provinceName).replace(/^(Thành phố|Tỉnh)\s+/i, '');
}

/** Quyền hạn và chức vụ of the signer (Decree 30 art. 13), by role and agency kind. */
function signerTitles(role: Role, agencyKind: string): { capacity: string | null; title: string } {
  const committee = agencyKind === 'commune_committee' || agencyKind === 'province_committee';
  const head = committee ? 'CHỦ TỊCH' : 'GIÁM ĐỐC';
  if (role === 'agency_leader') return { capacity: committee ? 'TM. ỦY BAN NHÂN DÂN' : null, title: head };
  return { capacity: `TL. ${head}`, title: 'TRƯỞNG PHÒNG' };
}

export interface IssueOptions {
  provider: SigningProvider;
  publicUrl: string;
}

export interface ResultInfo {
  id: string;
  dossierId: string;
  dossierCode: string;
  notation: string;
  title: string;
  agencyName: string;
  holder: string;
  signerName: string;
  signerTitle: string;
  issuedAt: string;
  sha256: string;
  size: number;
  verifyCode: string;
  verifyUrl: string;
  electronic: true;
  signatures: Record<string, unknown>[];
}

/** A result_documents row as INFO_COLUMNS selects it. */
type InfoRow = Pick<
  ResultDocumentsRow,
  | 'id'
  | 'dossier_id'
  | 'dossier_code'
  | 'agency_name'
  | 'holder_masked'
  | 'notation'
  | 'title'
  | 'verify_code'
  | 'signer_name'
  | 'signer_title'
  | 'signatures'
  | 'issued_at'
  | 'sha256'
  | 'size'
>;
const toInfo = (r: InfoRow, publicUrl: string): ResultInfo => ({
  id: r.id,
  dossierId: r.dossier_id,
  dossierCode: r.dossier_code,
  notation: r.notation,
  title: r.title,
  agencyName: r.agency_name,
  holder: r.holder_masked,
  signerName: r.signer_name,
  signerTitle: r.signer_title,
  issuedAt: r.issued_at.toISOString(),
  sha256: r.sha256,
  size: r.size,
  verifyCode: r.verify_code,
  verifyUrl: `${publicUrl}/xac-minh/${r.verify_code}`,
  electronic: true,
  signatures: r.signatures as ResultInfo['signatures'],
});

const INFO_COLUMNS = `id, dossier_id, dossier_code, agency_name, holder_masked, notation, title, verify_code, signer_name, signer_title,
  signatures, issued_at, sha256, size`;

/**
 * The approving leader signs the dossier's result: the template is filled, numbered, rendered, signed with the
 * leader's certificate, sealed with the agency's, checked, stored and recorded in the dossier's history — all in
 * one transaction with the number, so a failure gives the number back.
 */
export async function issueResult(db: Database, actor: Actor, dossierId: string, opts: IssueOptions): Promise<ResultInfo> {
  const who: Who = { kind: 'staff', actor };
  const d = await getDossier(db, who, dossierId);
  const content = await getProcedureVersion(db, d.procedure.id, d.procedure.version);
  const approvingRole = content.workflow[content.workflow.length - 1]?.role as Role;
  // The workflow's policy decides before the document is rendered and signed; it decides again, under the dossier's
  // lock, when the signing is recorded.
  const refusal = await refusalOf(dossierWorkflow, db, who, d.id, 'sign_result');
  if (refusal) throw refusal;
  const home = (await getAgencyRow(db, d.homeAgencyId))!;
  const issuer = { kind: home.kind as string, name: home.name as string };
  const rootId = home.path.split('/')[0];
  const names = await agencyNames(db, [rootId, ...(home.parent_id ? [home.parent_id] : [])]);
  const template = templateFor(content);
  const titles = signerTitles(approvingRole, home.kind);
  const signerTitle = titles.title.charAt(0) + titles.title.slice(1).toLocaleLowerCase('vi-VN');
  const leader = await opts.provider.person(db, {
    userId: actor.userId,
    username: actor.username,
    fullName: actor.fullName,
    title: signerTitle,
    agencyName: home.name,
  });
  const seal = await opts.provider.seal(db, { agencyId: home.id, agencyCode: home.code, agencyName: home.name });
  const trusted = await opts.provider.trustedAuthorities(db);
  const signedAt = new Date();
  const verifyCode = randomBytes(8).toString('hex').toUpperCase();
  const verifyUrl = `${opts.publicUrl}/xac-minh/${verifyCode}`;
  const committee = home.kind === 'commune_committee' || home.kind === 'province_committee';
  const place = placeName(issuer, names.get(rootId) ?? '');

  try {
    return await db.transaction(async (tx) => {
      const number = await allocateNumber(tx, home.id, template.docType, vietnamYear(signedAt));
      const notation = `${pad2(number)}/${template.docType}-${agencyAbbreviation(issuer)}`;
      const filled = fillContent(template, {
        code: d.code,
        procedureName: content.name,
        resultType: content.resultType,
        legalBasis: content.legalBasis,
        applicant: d.applicant,
        receivedAt: new Date(d.receivedAt ?? d.submittedAt!),
        details: formDetails(content.formSchema, d.formData as Record<string, unknown>),
        authorityLine: `${titles.title} ${home.name.toLocaleUpperCase('vi-VN')}`,
        agencyName: home.name,
      });
      const rendered = await renderResult({
        header: { authority: committee ? '' : (names.get(home.parent_id ?? '') ?? ''), unit: home.name, place, issuedAt: signedAt, number: `Số: ${notation}` },
        template,
        content: filled,
        signerCapacity: titles.capacity,
        signerTitle: titles.title,
        signerName: actor.fullName,
        sealName: home.name,
        signedAt,
        verifyUrl,
        verifyCode,
        test: opts.provider.test,
        dossierCode: d.code,
      });
      const where = { location: place, signingTime: signedAt };
      let pdf = await signNewPdf(
        rendered.pdf,
        leader.signer,
        { field: 'LanhDao', ...rendered.leader, name: actor.fullName, reason: `Phê duyệt ${template.title} số ${notation}`, ...where },
        (doc) => doc.setKeywords([`${KEYWORD}${verifyCode}`]),
      );
      pdf = await appendSignature(pdf, seal.signer, { field: 'DauCoQuan', ...rendered.seal, name: home.name, reason: 'Dấu cơ quan', ...where });
      // Checked like anyone will check it, before it leaves: a document that would not verify is never issued.
      const checks = checkPdfSignatures(pdf, trusted);
      if (checks.length !== 2 || !checks.every((c) => c.intact && c.trusted) || !checks[1].coversWholeDocument) {
        throw new AppError(500, 'SIGNATURE_SELF_CHECK_FAILED', 'Văn bản vừa ký không qua được bước tự kiểm tra chữ ký số; chưa phát hành.');
      }
      const signatures = checks.map((c, i) => ({
        role: i === 0 ? 'leader' : 'seal',
        subject: c.signer!.subject,
        serialNumber: c.signer!.serialNumber,
        fingerprint256: c.signer!.fingerprint256,
        signedAt: c.signedAt,
      }));
      const hash = sha256(pdf);
      const [row] = await tx.query<InfoRow>(
        `INSERT INTO result_documents (dossier_id, dossier_code, agency_id, agency_name, holder_masked, doc_type, year, number, notation, title,
           verify_code, signer_id, signer_name, signer_title, signatures, issued_at, sha256, size, content)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING ${INFO_COLUMNS}`,
        [
          d.id,
          d.code,
          home.id,
          home.name,
          maskName(d.applicant.name),
          template.docType,
          vietnamYear(signedAt),
          number,
          notation,
          [template.title, filled.subject].filter(Boolean).join(' — '),
          verifyCode,
          actor.userId,
          actor.fullName,
          signerTitle,
          JSON.stringify(signatures),
          signedAt,
          hash,
          pdf.length,
          pdf,
        ],
      );
      // Delivered online: into the applicant's personal data store (kho dữ liệu), besides the download.
      const store = applicantStore(d.applicant);
      if (store)
        await storeCitizenDocument(tx, null, {
          ...store,
          kind: 'result',
          title: `${template.title} số ${notation}`,
          name: `ket-qua-${d.code}.pdf`,
          mime: 'application/pdf',
          content: pdf,
          dossierId: d.id,
          dossierCode: d.code,
        });
      await perform(dossierWorkflow, tx, who, d.id, {
        action: 'sign_result',
        note: `${template.title} số ${notation}`,
        data: { notation, sha256: hash, verifyCode, signedAt: vietnamIso(signedAt) },
      });
      return toInfo(row, opts.publicUrl);
    });
  } catch (err: any) {
    // Another leader issued it a moment ago: the dossier's unique result row says so.
    if (err?.code === '23505' && /dossier_id/.test(String(err.constraint ?? err.detail ?? err.message))) {
      throw conflict('RESULT_ALREADY_ISSUED', 'Kết quả của hồ sơ này đã được ký số và phát hành.');
    }
    throw err;
  }
}

/** The dossier's electronic result, for those who may see the dossier; 404 when none was issued. */
export async function getResult(db: Queryable, by: Who, dossierId: string, publicUrl: string): Promise<ResultInfo> {
  await getDossier(db, by, dossierId);
  const [r] = await db.query<InfoRow>(`SELECT ${INFO_COLUMNS} FROM result_documents WHERE dossier_id = $1`, [dossierId]);
  if (!r) throw notFound('kết quả điện tử của hồ sơ');
  return toInfo(r, publicUrl);
}

/** The signed file, byte for byte as issued. */
export async function readResultPdf(db: Queryable, by: Who, dossierId: string): Promise<{ name: string; content: Buffer }> {
  await getDossier(db, by, dossierId);
  const [r] = await db.query<Pick<ResultDocumentsRow, 'dossier_code' | 'content'>>('SELECT dossier_code, content FROM result_documents WHERE dossier_id = $1', [
    dossierId,
  ]);
  if (!r) throw notFound('kết quả điện tử của hồ sơ');
  return { name: `ket-qua-${r.dossier_code}.pdf`, content: Buffer.from(r.content) };
}

// ---- verification ----

export type Verdict = 'genuine' | 'tampered' | 'untrusted' | 'not_issued' | 'unsigned';

export interface PublicDocument {
  notation: string;
  title: string;
  agencyName: string;
  dossierCode: string;
  holder: string;
  signerName: string;
  signerTitle: string;
  issuedAt: string;
  sha256: string;
  verifyCode: string;
}

export interface VerifyReport {
  verdict: Verdict;
  valid: boolean;
  message: string;
  sha256: string | null;
  signatures: SignatureCheck[];
  /** The document the platform issued that this file is (genuine) or claims to be (its printed code). */
  issued: PublicDocument | null;
  matchesIssued: boolean;
  testCertificates: boolean;
}

/** A result_documents row as PUBLIC_COLUMNS selects it. */
type PublicRow = Pick<
  ResultDocumentsRow,
  'notation' | 'title' | 'agency_name' | 'dossier_code' | 'holder_masked' | 'signer_name' | 'signer_title' | 'issued_at' | 'sha256' | 'verify_code'
>;
const toPublic = (r: PublicRow): PublicDocument => ({
  notation: r.notation,
  title: r.title,
  agencyName: r.agency_name,
  dossierCode: r.dossier_code,
  holder: r.holder_masked,
  signerName: r.signer_name,
  signerTitle: r.signer_title,
  issuedAt: r.issued_at.toISOString(),
  sha256: r.sha256,
  verifyCode: r.verify_code,
});

const PUBLIC_COLUMNS = 'notation, title, agency_name, dossier_code, holder_masked, signer_name, signer_title, issued_at, sha256, verify_code';

/** The code a congso result carries in its metadata, if the file still opens. */
async function claimedCode(pdf: Buffer): Promise<string | null> {
  try {
    const doc = await PDFDocument.load(pdf, { updateMetadata: false, ignoreEncryption: true });
    const keywords = doc.getKeywords() ?? '';
    return keywords.match(/congso-verify:([0-9A-F]{16})/)?.[1] ?? null;
  } catch {
    return null;
  }
}

const MESSAGES: Record<Verdict, string> = {
  genuine: 'Các chữ ký số còn nguyên vẹn, chứng thư số do tổ chức chứng thực tin cậy cấp, và tệp trùng khớp với bản hệ thống đã phát hành.',
  tampered: 'Nội dung tệp đã bị thay đổi sau khi ký: chữ ký số không còn khớp với nội dung.',
  untrusted: 'Chữ ký số còn nguyên vẹn nhưng chứng thư số không do tổ chức chứng thực mà hệ thống tin cậy cấp.',
  not_issued: 'Chữ ký số hợp lệ nhưng hệ thống không phát hành văn bản này.',
  unsigned: 'Không tìm thấy chữ ký số nào trong tệp.',
};

/** Checks a PDF anyone sends: its signatures, their certificates, and whether it is a result the platform issued. */
export async function verifyPdf(db: Queryable, provider: SigningProvider, pdf: Buffer): Promise<VerifyReport> {
  const signatures = checkPdfSignatures(pdf, await provider.trustedAuthorities(db));
  const hash = sha256(pdf);
  const [same] = await db.query<PublicRow>(`SELECT ${PUBLIC_COLUMNS} FROM result_documents WHERE sha256 = $1`, [hash]);
  const code = same ? null : await claimedCode(pdf);
  const [claimed] = code ? await db.query<PublicRow>(`SELECT ${PUBLIC_COLUMNS} FROM result_documents WHERE verify_code = $1`, [code]) : [];
  const last = signatures[signatures.length - 1];
  const verdict: Verdict = !signatures.length
    ? 'unsigned'
    : signatures.some((s) => !s.intact) || !last.coversWholeDocument
      ? 'tampered'
      : signatures.some((s) => !s.trusted)
        ? 'untrusted'
        : same
          ? 'genuine'
          : 'not_issued';
  let message = MESSAGES[verdict];
  if (verdict === 'tampered' && signatures.every((s) => s.intact)) message = 'Tệp có nội dung được thêm vào sau chữ ký số cuối cùng.';
  if (claimed && !same)
    message += ` Tệp ghi mã xác minh của văn bản số ${claimed.notation} (hồ sơ ${claimed.dossier_code}) nhưng không trùng với bản đã phát hành.`;
  return {
    verdict,
    valid: verdict === 'genuine',
    message,
    sha256: hash,
    signatures,
    issued: same ? toPublic(same) : claimed ? toPublic(claimed) : null,
    matchesIssued: Boolean(same),
    testCertificates: provider.test,
  };
}

/** The registry entry behind a printed verification code (what the QR code opens). */
export async function verifyCode(db: Queryable, code: string): Promise<PublicDocument> {
  const [r] = await db.query<PublicRow>(`SELECT ${PUBLIC_COLUMNS} FROM result_documents WHERE verify_code = $1`, [code.toUpperCase()]);
  if (!r) throw notFound('văn bản có mã xác minh này');
  return toPublic(r);
}
