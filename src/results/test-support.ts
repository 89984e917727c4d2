// Shared by the results and history tests: a dossier taken through the demo commune's birth registration to
// approval, and the independent checkers (poppler's pdfsig, OpenSSL's cms) run on a signed file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { agencyIds, signIn, type Requester } from '../testing/harness.ts';
import type { Database } from '../db/index.ts';
import { derPrefix } from '../signing/verify.ts';

export const APPLICANT = { name: 'Nguyễn Thị Ánh Tuyết', idNumber: '092190001234', address: 'Phường Cái Khế, Thành phố Cần Thơ' };
export const BIRTH_FORM = {
  hoTenTre: 'Trần Minh Khang',
  ngaySinh: '2026-11-01',
  gioiTinh: 'Nam',
  noiSinh: 'Bệnh viện Phụ sản Cần Thơ',
  hoTenMe: 'Nguyễn Thị Ánh Tuyết',
  soDinhDanhNguoiYeuCau: '092190001234',
};

/**
 * Đăng ký khai sinh (1.001193) received at the Cái Khế counter (or filed online by `submitter` and accepted there),
 * reviewed, and approved by the chairman — or left at the chairman's step when `approve` is false.
 */
export async function approvedDossier(app: FastifyInstance, db: Database, submitter?: Requester, approve = true): Promise<string> {
  const ids = await agencyIds(db);
  const procedureId = (await app.inject({ url: '/api/v1/procedures/1.001193' })).json().id as string;
  const counter = await signIn(app, 'caikhe.motcua');
  let id: string;
  if (submitter) {
    const res = await submitter({
      method: 'POST',
      url: '/api/v1/dossiers',
      payload: {
        procedureId,
        agencyId: ids['H13.102'],
        applicant: APPLICANT,
        formData: BIRTH_FORM,
        channel: 'online',
        files: await requiredUploads(submitter),
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    id = res.json().id;
    await act(counter, id, { action: 'accept' });
  } else {
    const res = await counter({
      method: 'POST',
      url: '/api/v1/dossiers',
      payload: { procedureId, agencyId: ids['H13.102'], applicant: APPLICANT, formData: BIRTH_FORM, channel: 'counter' },
    });
    assert.equal(res.statusCode, 201, res.body);
    id = res.json().id;
  }
  await act(await signIn(app, 'caikhe.chuyenvien'), id, { action: 'forward' });
  if (approve) await act(await signIn(app, 'caikhe.lanhdao'), id, { action: 'forward' });
  return id;
}

async function act(who: Requester, id: string, body: object) {
  const res = await who({ method: 'POST', url: `/api/v1/dossiers/${id}/actions`, payload: body });
  assert.equal(res.statusCode, 200, res.body);
}

/** One small PDF uploaded for each required component of the birth registration (the citizen's files). */
async function requiredUploads(who: Requester) {
  const procedure = (await who({ url: '/api/v1/procedures/1.001193' })).json();
  const files = [];
  for (const [i, c] of (procedure.content.components as { required: boolean }[]).entries()) {
    if (!c.required) continue;
    const boundary = `----congso${i}`;
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="giay-to.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
      Buffer.from(
        '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
      ),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await who({ method: 'POST', url: '/api/v1/uploads', payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    assert.equal(res.statusCode, 201, res.body);
    files.push({ componentIndex: i, uploadId: res.json().id });
  }
  return files;
}

export const workDir = () => mkdtempSync(join(tmpdir(), 'congso-result-'));

/** poppler's report on a PDF's signatures (it exits 0 even for invalid ones: the text is what counts). */
export function pdfsig(pdf: Buffer): string {
  const file = join(workDir(), 'doc.pdf');
  writeFileSync(file, pdf);
  const r = spawnSync('pdfsig', ['-nocert', '-no-ocsp', file], { encoding: 'utf8' });
  return r.stdout + r.stderr;
}

/** The signatures' byte ranges and CMS blobs, read straight from the file. */
export function signatureParts(pdf: Buffer) {
  const text = pdf.toString('latin1');
  return [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].map((m) => {
    const [a, b, c, d] = m.slice(1).map(Number);
    const cms = derPrefix(Buffer.from(text.slice(b + 1, c - 1), 'hex'));
    return { range: [a, b, c, d], signedBytes: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]), cms };
  });
}

/** `openssl cms -verify` of signature `index` against a CA file: exit status and message. */
export function opensslVerify(pdf: Buffer, index: number, caPem: string): { ok: boolean; output: string } {
  const dir = workDir();
  const part = signatureParts(pdf)[index];
  writeFileSync(join(dir, 'sig.der'), part.cms);
  writeFileSync(join(dir, 'signed.bin'), part.signedBytes);
  writeFileSync(join(dir, 'ca.pem'), caPem);
  const r = spawnSync(
    'openssl',
    [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      join(dir, 'sig.der'),
      '-content',
      join(dir, 'signed.bin'),
      '-CAfile',
      join(dir, 'ca.pem'),
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ],
    { encoding: 'utf8' },
  );
  return { ok: r.status === 0, output: r.stdout + r.stderr };
}

/** The PDF with one byte flipped inside the first signed range (in the middle of the document's body). */
export function flipOneByte(pdf: Buffer): Buffer {
  const copy = Buffer.from(pdf);
  const [, b] = signatureParts(pdf)[0].range;
  const at = Math.floor(b / 2);
  copy[at] ^= 0x01;
  return copy;
}
