import assert from 'node:assert/strict';
import { loadConfig } from '../config.ts';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { citizenSignIn, eachDatabase, signIn, type Requester } from '../testing/harness.ts';
import { FormWriter } from '../forms/layout.ts';
import { createTestCa, issueTestCertificate } from '../signing/pki.ts';
import { signNewPdf } from '../signing/pdf.ts';
import { P12Signer } from '../signing/signer.ts';
import { signingProvider, testProvider } from '../signing/service.ts';
import { allocateNumber } from './service.ts';
import { buildApp } from '../app.ts';
import { maskName } from '../dossiers/rules.ts';
import { APPLICANT, approvedDossier, flipOneByte, opensslVerify, pdfsig, workDir } from './test-support.ts';

/** A fresh one-page PDF, signed by `signer`: a document the platform never issued. */
async function foreignSignedPdf(signer: P12Signer, name: string) {
  const w = await FormWriter.create({ title: 'Giấy chứng nhận giả', subject: 'không phát hành', createdAt: new Date() });
  w.paragraph('GIẤY CHỨNG NHẬN — văn bản không do hệ thống phát hành');
  const pdf = await w.finish('https://example.org/', 'Không phải mã thật');
  return signNewPdf(pdf, signer, { field: 'Khac', page: 0, rect: [300, 100, 500, 160], name, reason: 'Thử', location: 'Cần Thơ', signingTime: new Date() });
}

eachDatabase('electronic results', { demo: true }, (ctx) => {
  let leader: Requester;
  let caPem: string;
  let dossierId: string;
  let signed: Buffer;
  let info: Record<string, any>;

  before(async () => {
    leader = await signIn(ctx.app, 'caikhe.lanhdao');
    dossierId = await approvedDossier(ctx.app, ctx.db);
  });

  const verify = async (pdf: Buffer) => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/verify', payload: pdf, headers: { 'content-type': 'application/pdf' } });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };

  test("the approving leader signs the result: number 01 of the agency's series, leader signature then agency seal", async () => {
    const res = await leader({ method: 'POST', url: `/api/v1/dossiers/${dossierId}/result` });
    assert.equal(res.statusCode, 201, res.body);
    info = res.json();
    const year = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();
    assert.equal(info.notation, '01/GKS-UBND');
    assert.match(info.verifyCode, /^[0-9A-F]{16}$/);
    assert.equal(info.signatures.length, 2);
    assert.match(info.signatures[0].subject.CN, /Chủ tịch UBND Phường Cái Khế \(TEST\)/);
    assert.match(info.signatures[1].subject.CN, /Ủy ban nhân dân Phường Cái Khế \(TEST\)/);
    const download = await leader({ url: `/api/v1/dossiers/${dossierId}/result/pdf` });
    assert.equal(download.statusCode, 200);
    assert.equal(download.headers['content-type'], 'application/pdf');
    signed = download.rawPayload;
    assert.equal((await ctx.db.query('SELECT year FROM result_documents WHERE dossier_id = $1', [dossierId]))[0].year, year);
    caPem = (await ctx.app.inject({ url: '/api/v1/verify-authorities' })).json().authorities[0].pem;
    assert.match(caPem, /BEGIN CERTIFICATE/);

    // The signing is in the dossier's history, with the document's hash.
    const dossier = (await leader({ url: `/api/v1/dossiers/${dossierId}` })).json();
    const event = dossier.events.at(-1);
    assert.equal(event.action, 'sign_result');
    assert.equal(event.data.sha256, info.sha256);

    // Issuing twice is refused.
    const again = await leader({ method: 'POST', url: `/api/v1/dossiers/${dossierId}/result` });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'RESULT_ALREADY_ISSUED');
  });

  test('poppler and OpenSSL accept both signatures; the seal covers the whole document', () => {
    const report = pdfsig(signed);
    assert.equal(report.match(/Signature Validation: Signature is Valid\./g)?.length, 2, report);
    assert.match(report, /Signature #2:[\s\S]*Total document signed/, report);
    assert.match(report, /Signer Certificate Common Name: Chủ tịch UBND Phường Cái Khế \(TEST\)/);
    for (const i of [0, 1]) {
      const r = opensslVerify(signed, i, caPem);
      assert.ok(r.ok, r.output);
      assert.match(r.output, /CMS Verification successful/);
    }
  });

  test('one flipped byte: pdfsig, OpenSSL and the verify endpoint all fail it', async () => {
    const tampered = flipOneByte(signed);
    const report = pdfsig(tampered);
    assert.doesNotMatch(report, /Signature is Valid/, report);
    assert.match(report, /Digest Mismatch|Signature is Invalid/, report);
    const r = opensslVerify(tampered, 1, caPem);
    assert.equal(r.ok, false, r.output);
    const v = await verify(tampered);
    assert.equal(v.verdict, 'tampered');
    assert.equal(v.valid, false);
    assert.match(v.message, /bị thay đổi/);
  });

  test('the document reads as Decree 30 asks, in Vietnamese, and its QR code opens the check', async () => {
    const dir = workDir();
    const file = join(dir, 'ket-qua.pdf');
    writeFileSync(file, signed);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const part of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'ỦY BAN NHÂN DÂN',
      'PHƯỜNG CÁI KHẾ',
      'Số: 01/GKS-UBND',
      'GIẤY KHAI SINH',
      'TM. ỦY BAN NHÂN DÂN',
      'CHỦ TỊCH',
      'Chủ tịch UBND Phường Cái Khế',
      'Trần Minh Khang',
      '01/11/2026',
      'BẢN THỬ NGHIỆM',
      info.verifyCode,
    ]) {
      assert.ok(text.includes(part), `"${part}" in:\n${text}`);
    }
    assert.match(text, /Cái Khế, ngày \d{2} tháng \d{1,2} năm \d{4}/);
    execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', file, join(dir, 'page')]);
    const qr = execFileSync('zbarimg', ['-q', '--raw', join(dir, 'page-1.png')], { encoding: 'utf8' }).trim();
    assert.equal(qr, info.verifyUrl);
    assert.match(qr, new RegExp(`/xac-minh/${info.verifyCode}$`));
    const byCode = await ctx.app.inject({ url: `/api/v1/verify/${info.verifyCode}` });
    assert.equal(byCode.statusCode, 200);
    assert.equal(byCode.json().notation, '01/GKS-UBND');
    assert.equal(byCode.json().holder, maskName(APPLICANT.name));
    assert.doesNotMatch(JSON.stringify(byCode.json()), /Ánh Tuyết/, "the public check does not show the holder's full name");
  });

  test('verify tells genuine, tampered, unknown authority and never issued apart', async () => {
    const genuine = await verify(signed);
    assert.equal(genuine.verdict, 'genuine', genuine.message);
    assert.equal(genuine.valid, true);
    assert.equal(genuine.matchesIssued, true);
    assert.equal(genuine.issued.notation, '01/GKS-UBND');
    assert.deepEqual(
      genuine.signatures.map((s: any) => [s.intact, s.trusted]),
      [
        [true, true],
        [true, true],
      ],
    );
    assert.equal(genuine.signatures[0].chain.at(-1).subject.CN, 'congso TEST CA — không dùng cho giao dịch thật');

    assert.equal((await verify(flipOneByte(signed))).verdict, 'tampered');
    // Bytes added after the last signature (an unsigned incremental update) leave every signature intact, yet the file is not the one signed.
    const appended = await verify(Buffer.concat([signed, Buffer.from('\n1 0 obj\n(sửa)\nendobj\n%%EOF\n')]));
    assert.equal(appended.verdict, 'tampered');
    assert.match(appended.message, /thêm vào sau chữ ký số cuối cùng/);

    const strangerCa = createTestCa();
    const stranger = issueTestCertificate(strangerCa, { commonName: 'Người lạ (TEST)' });
    const unknown = await verify(await foreignSignedPdf(new P12Signer(stranger.p12, stranger.passphrase), 'Nguoi la'));
    assert.equal(unknown.verdict, 'untrusted', unknown.message);
    assert.equal(unknown.signatures[0].intact, true);
    assert.equal(unknown.signatures[0].trusted, false);

    // Signed with a certificate of the platform's own CA, but never issued by it.
    const insider = await testProvider().person(ctx.db, {
      userId: '00000000-0000-4000-8000-000000000001',
      username: 'x',
      fullName: 'Cán bộ thử',
      title: 'Chuyên viên',
      agencyName: 'UBND',
    });
    const notIssued = await verify(await foreignSignedPdf(insider.signer as P12Signer, 'Can bo thu'));
    assert.equal(notIssued.verdict, 'not_issued', notIssued.message);
    assert.equal(notIssued.signatures[0].trusted, true);
    assert.equal(notIssued.issued, null);

    const unsigned = await verify(Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'));
    assert.equal(unsigned.verdict, 'unsigned');
    const notPdf = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: Buffer.from('hello'),
      headers: { 'content-type': 'application/pdf' },
    });
    assert.equal(notPdf.statusCode, 415);
    const byCode = await ctx.app.inject({ method: 'POST', url: '/api/v1/verify', payload: { code: info.verifyCode } });
    assert.equal(byCode.json().document.dossierCode, info.dossierCode);
    assert.equal((await ctx.app.inject({ method: 'POST', url: '/api/v1/verify', payload: { code: '0000000000000000' } })).statusCode, 404);
  });

  test('only the approving leader of the competent agency signs, only after approval', async () => {
    const another = await approvedDossier(ctx.app, ctx.db);
    const specialist = await signIn(ctx.app, 'caikhe.chuyenvien');
    assert.equal((await specialist({ method: 'POST', url: `/api/v1/dossiers/${another}/result` })).statusCode, 403);
    const otherLeader = await signIn(ctx.app, 'ninhkieu.lanhdao');
    assert.equal((await otherLeader({ method: 'POST', url: `/api/v1/dossiers/${another}/result` })).statusCode, 404);
    assert.equal((await ctx.app.inject({ method: 'POST', url: `/api/v1/dossiers/${another}/result` })).statusCode, 401);
    const second = await leader({ method: 'POST', url: `/api/v1/dossiers/${another}/result` });
    assert.equal(second.statusCode, 201, second.body);
    assert.equal(second.json().notation, '02/GKS-UBND', 'the next number of the same series');
  });

  test('the citizen downloads the result of their own dossier; nobody else can', async () => {
    const citizen = await citizenSignIn(ctx.app, '092190001234', 'Nguyễn Thị Ánh Tuyết');
    const id = await approvedDossier(ctx.app, ctx.db, citizen);
    assert.equal((await citizen({ url: `/api/v1/dossiers/${id}/result` })).statusCode, 404, 'nothing before signing');
    assert.equal((await leader({ method: 'POST', url: `/api/v1/dossiers/${id}/result` })).statusCode, 201);
    const meta = await citizen({ url: `/api/v1/dossiers/${id}/result` });
    assert.equal(meta.statusCode, 200);
    assert.equal(meta.json().electronic, true);
    const pdf = await citizen({ url: `/api/v1/dossiers/${id}/result/pdf` });
    assert.equal(pdf.statusCode, 200);
    assert.equal((await verify(pdf.rawPayload)).verdict, 'genuine');
    // The same signed file is in the citizen's personal data store.
    const store = await citizen({ url: '/api/v1/citizen/documents' });
    assert.equal(store.statusCode, 200, store.body);
    const kept = (store.json().items as { kind: string; sha256: string; dossierId: string }[]).find((doc) => doc.kind === 'result' && doc.dossierId === id);
    assert.equal(kept?.sha256, meta.json().sha256);
    const stranger = await citizenSignIn(ctx.app, '092190009999', 'Lê Văn Khác');
    assert.equal((await stranger({ url: `/api/v1/dossiers/${id}/result/pdf` })).statusCode, 404);
  });

  test('100 concurrent issues in one agency get 100 distinct consecutive numbers; each type and year has its own series', async () => {
    const [agency] = await ctx.db.query(`SELECT id FROM agencies WHERE code = 'H13.103'`);
    const numbers = await Promise.all(Array.from({ length: 100 }, () => ctx.db.transaction((tx) => allocateNumber(tx, agency.id, 'QĐ', 2026))));
    assert.deepEqual(
      [...numbers].sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    assert.equal(await ctx.db.transaction((tx) => allocateNumber(tx, agency.id, 'GCN', 2026)), 1, 'another type starts its own series');
    assert.equal(await ctx.db.transaction((tx) => allocateNumber(tx, agency.id, 'QĐ', 2027)), 1, 'a new year starts again at 01');
    // A rolled-back issue gives its number back.
    await assert.rejects(
      ctx.db.transaction(async (tx) => {
        await allocateNumber(tx, agency.id, 'QĐ', 2026);
        throw new Error('hủy');
      }),
    );
    assert.equal(await ctx.db.transaction((tx) => allocateNumber(tx, agency.id, 'QĐ', 2026)), 101);
  });
});

test('production refuses to start without configured certificates, and signs with configured PKCS#12 files', async () => {
  assert.throws(() => signingProvider(true, undefined), /SIGNING_P12_DIR/);
  // The application takes its signer when it is built: a production build (with a real identity provider) without
  // certificates fails.
  const { oidc } = loadConfig({ OIDC_ISSUER: 'https://sso.example.vn', OIDC_CLIENT_ID: 'congso' });
  // (No database is reached: only its kind is read before the signer.)
  await assert.rejects(buildApp({ db: { kind: 'pglite' } as never, production: true, oidc }), /SIGNING_P12_DIR/);
  const dir = workDir();
  const ca = createTestCa();
  const leader = issueTestCertificate(ca, { commonName: 'Lãnh đạo cấu hình' });
  execFileSync('mkdir', ['-p', join(dir, 'staff'), join(dir, 'seal')]);
  writeFileSync(join(dir, 'staff', 'lanhdao.p12'), leader.p12);
  writeFileSync(join(dir, 'ca.pem'), ca.certificatePem);
  const provider = signingProvider(
    true,
    loadConfig({ SIGNING_P12_DIR: dir, SIGNING_P12_PASSPHRASE: leader.passphrase, SIGNING_TRUSTED_CA: join(dir, 'ca.pem') }).signing,
  );
  assert.equal(provider.test, false);
  const person = await provider.person(null as never, { userId: 'x', username: 'lanhdao', fullName: 'Lãnh đạo', title: 'Chủ tịch', agencyName: 'UBND' });
  const pdf = await foreignSignedPdf(person.signer as P12Signer, 'Lanh dao');
  assert.match(pdfsig(pdf), /Signature is Valid/);
  await assert.rejects(provider.seal(null as never, { agencyId: 'x', agencyCode: 'H13.102', agencyName: 'UBND Cái Khế' }), /seal\/H13\.102\.p12/);
});
