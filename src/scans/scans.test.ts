import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import QRCode from 'qrcode';
import { agencyIds, eachDatabase, signIn, type Requester } from '../testing/harness.ts';

/** Scanned sheets: PNG images, each a QR code saying which page it is, so the order can be read back. */
const sheets = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => QRCode.toBuffer(`trang-${i + 1}`, { width: 400 })));

function scan(who: Requester, pages: Buffer[], name = 'Giấy chứng sinh') {
  const boundary = '----congsoScan';
  const payload = Buffer.concat([...pages.flatMap((p, i) => [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="page"; filename="trang-${i + 1}.png"\r\nContent-Type: image/png\r\n\r\n`), p, Buffer.from('\r\n')]),
  Buffer.from(`--${boundary}--\r\n`)]);
  return who({ method: 'POST', url: `/api/v1/scans?name=${encodeURIComponent(name)}`, payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
}

eachDatabase('digitised paper', { demo: true }, (ctx) => {
  test('scanned sheets become one PDF with the same pages in the same order, and say who scanned them and when', async () => {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const res = await scan(counter, await sheets(3));
    assert.equal(res.statusCode, 201, res.body);
    const info = res.json();
    assert.equal(info.pages, 3);
    assert.equal(info.scannedBy, 'Cán bộ một cửa Phường Cái Khế');
    assert.ok(Math.abs(Date.parse(info.scannedAt) - Date.now()) < 60_000);
    assert.equal(info.pageSha256.length, 3);

    // Attached to a counter dossier as a digitised component, and read back from the dossier.
    const ids = await agencyIds(ctx.db);
    const procedureId = (await ctx.app.inject({ url: '/api/v1/procedures/1.001193' })).json().id;
    const created = await counter({ method: 'POST', url: '/api/v1/dossiers', payload: { procedureId, agencyId: ids['H13.102'], channel: 'counter',
      applicant: { name: 'Lê Thị Hoa', idNumber: '092190004321' }, formData: { hoTenTre: 'Lê Minh Tâm', ngaySinh: '2026-11-02', gioiTinh: 'Nam', noiSinh: 'Cần Thơ', hoTenMe: 'Lê Thị Hoa', soDinhDanhNguoiYeuCau: '092190004321' },
      files: [{ componentIndex: 0, uploadId: info.uploadId }] } });
    assert.equal(created.statusCode, 201, created.body);
    const dossier = (await counter({ url: `/api/v1/dossiers/${created.json().id}` })).json();
    assert.equal(dossier.files[0].digitised, true);
    assert.equal(dossier.files[0].mime, 'application/pdf');
    const file = await counter({ url: `/api/v1/dossiers/${dossier.id}/files/${dossier.files[0].id}` });
    assert.equal(file.statusCode, 200);

    const dir = mkdtempSync(join(tmpdir(), 'congso-scan-'));
    const pdf = join(dir, 'scan.pdf');
    writeFileSync(pdf, file.rawPayload);
    const pdfinfo = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    assert.match(pdfinfo, /Pages:\s+3/);
    assert.match(pdfinfo, /Author:\s+Cán bộ một cửa Phường Cái Khế/);
    assert.match(pdfinfo, /Subject:\s+Bản số hóa 3 trang; người số hóa: Cán bộ một cửa Phường Cái Khế; thời gian: \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00/);
    execFileSync('pdftoppm', ['-r', '60', '-png', pdf, join(dir, 'p')]);
    const order = [1, 2, 3].map((n) => execFileSync('zbarimg', ['-q', '--raw', join(dir, `p-${n}.png`)], { encoding: 'utf8' }).trim());
    assert.deepEqual(order, ['trang-1', 'trang-2', 'trang-3']);

    const again = await counter({ url: `/api/v1/scans/${info.uploadId}` });
    assert.equal(again.json().scannedBy, 'Cán bộ một cửa Phường Cái Khế');
    const otherDesk = await signIn(ctx.app, 'ninhkieu.motcua');
    assert.equal((await otherDesk({ url: `/api/v1/scans/${info.uploadId}` })).statusCode, 404);
  });

  test('only counter officers scan; a page that is not an image is refused and nothing is stored', async () => {
    const specialist = await signIn(ctx.app, 'caikhe.chuyenvien');
    assert.equal((await scan(specialist, await sheets(1))).statusCode, 403);
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const [{ n: before }] = await ctx.db.query('SELECT count(*)::int AS n FROM uploads');
    const bad = await scan(counter, [...await sheets(1), Buffer.from('khong phai anh')]);
    assert.equal(bad.statusCode, 415);
    assert.match(bad.json().message, /Trang 2/);
    const [{ n: after }] = await ctx.db.query('SELECT count(*)::int AS n FROM uploads');
    assert.equal(after, before);
  });
});
