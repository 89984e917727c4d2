import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ProcedureContent } from '../catalog/types.ts';
import { renderResult } from './render.ts';
import { agencyAbbreviation, placeName } from './service.ts';
import { fillContent, formDetails, templateFor } from './templates.ts';
import { workDir } from './test-support.ts';

const procedures = JSON.parse(readFileSync(new URL('../demo/procedures.json', import.meta.url), 'utf8')) as ProcedureContent[];
const byCode = (code: string) => procedures.find((p) => p.nationalCode === code)!;

test('each demo procedure gets a result template; decisions are QĐ, certificates keep their own name', () => {
  assert.deepEqual(templateFor(byCode('1.001776')), { kind: 'decision', docType: 'QĐ', title: 'QUYẾT ĐỊNH' });
  assert.deepEqual(templateFor(byCode('2.000806')), { kind: 'certificate', docType: 'GCN', title: 'GIẤY CHỨNG NHẬN KẾT HÔN' });
  assert.deepEqual(templateFor(byCode('1.013225')), { kind: 'certificate', docType: 'GP', title: 'GIẤY PHÉP XÂY DỰNG' });
  assert.deepEqual(templateFor(byCode('1.000656')), { kind: 'certificate', docType: 'TL', title: 'TRÍCH LỤC KHAI TỬ' });
  for (const p of procedures) assert.ok(templateFor(p).title.length > 3, p.nationalCode);
  assert.equal(agencyAbbreviation({ kind: 'department', name: 'Sở Nông nghiệp và Môi trường' }), 'SNNMT');
  assert.equal(agencyAbbreviation({ kind: 'commune_committee', name: 'Ủy ban nhân dân Xã Phong Điền' }), 'UBND');
  assert.equal(placeName({ kind: 'commune_committee', name: 'Ủy ban nhân dân Xã Phong Điền' }, 'Ủy ban nhân dân Thành phố Cần Thơ'), 'Phong Điền');
  assert.equal(placeName({ kind: 'commune_committee', name: 'Ủy ban nhân dân Phường 12' }, 'x'), 'Phường 12', 'a numbered ward keeps "Phường"');
  assert.equal(placeName({ kind: 'department', name: 'Sở Tư pháp' }, 'Ủy ban nhân dân Thành phố Cần Thơ'), 'Cần Thơ');
});

test('a decision reads as Decree 30 lays it out: header, số và ký hiệu, trích yếu, căn cứ, articles, nơi nhận, signer', async () => {
  const content = byCode('1.001776');
  const template = templateFor(content);
  const filled = fillContent(template, {
    code: 'H13.104-261127-0003',
    procedureName: content.name,
    resultType: content.resultType,
    legalBasis: content.legalBasis.slice(0, 2),
    applicant: { name: 'Phạm Văn Bình', idNumber: '092060001111', address: 'Xã Phong Điền, Thành phố Cần Thơ' },
    receivedAt: new Date('2026-11-20T01:00:00Z'),
    details: formDetails(
      { properties: { hoTen: { title: 'Họ và tên đối tượng' }, ngaySinh: { title: 'Ngày sinh', format: 'date' } } },
      { hoTen: 'Phạm Văn Bình', ngaySinh: '1950-02-03', coThe: true },
    ),
    authorityLine: 'CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ PHONG ĐIỀN',
    agencyName: 'Ủy ban nhân dân Xã Phong Điền',
  });
  const rendered = await renderResult({
    header: { authority: '', unit: 'Ủy ban nhân dân Xã Phong Điền', place: 'Phong Điền', issuedAt: new Date('2026-02-05T03:00:00Z'), number: 'Số: 07/QĐ-UBND' },
    template,
    content: filled,
    signerCapacity: 'TM. ỦY BAN NHÂN DÂN',
    signerTitle: 'CHỦ TỊCH',
    signerName: 'Lâm Văn Phúc',
    sealName: 'Ủy ban nhân dân Xã Phong Điền',
    signedAt: new Date('2026-02-05T03:00:00Z'),
    verifyUrl: 'http://localhost/xac-minh/ABC',
    verifyCode: '0123456789ABCDEF',
    test: false,
    dossierCode: 'H13.104-261127-0003',
  });
  const file = join(workDir(), 'quyet-dinh.pdf');
  writeFileSync(file, rendered.pdf);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/[ \t]+/g, ' ');
  for (const part of [
    'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    'Số: 07/QĐ-UBND',
    'Phong Điền, ngày 05 tháng 02 năm 2026',
    'QUYẾT ĐỊNH',
    'Về việc',
    'CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ PHONG ĐIỀN',
    'Căn cứ Luật',
    'QUYẾT ĐỊNH:',
    'Điều 1.',
    'Điều 2. Quyết định này có hiệu lực kể từ ngày ký.',
    'Điều 3.',
    'Nơi nhận:',
    '- Như Điều 3;',
    '- Lưu: VT, hồ sơ H13.104-261127-0003.',
    'TM. ỦY BAN NHÂN DÂN',
    'Lâm Văn Phúc',
    'Ngày sinh: 03/02/1950',
    'coThe: Có',
  ]) {
    assert.ok(text.includes(part), `"${part}" in:\n${text}`);
  }
  assert.doesNotMatch(text, /BẢN THỬ NGHIỆM/, 'only test certificates print the test banner');
  // The signature fields sit inside the page, the seal to the left of the signature and overlapping it.
  const [sx1, , sx2] = rendered.seal.rect;
  const [lx1, , lx2] = rendered.leader.rect;
  assert.ok(sx1 < lx1 && sx2 > lx1 && lx2 <= 595.28 - (15 * 72) / 25.4 + 1, `${rendered.seal.rect} / ${rendered.leader.rect}`);
});
