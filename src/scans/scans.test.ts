import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import { agencyIds, eachDatabase, signIn, type Requester } from '../testing/harness.ts';
import { buildApp } from '../app.ts';
import { DEFAULT_RATE_LIMITS } from '../shared/security.ts';

/** Scanned sheets: PNG images, each a QR code saying which page it is, so the order can be read back. */
const sheets = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => QRCode.toBuffer(`trang-${i + 1}`, { width: 400 })));

function scan(who: Requester, pages: Buffer[], name = 'Giấy chứng sinh') {
  const boundary = '----congsoScan';
  const payload = Buffer.concat([
    ...pages.flatMap((p, i) => [
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="page"; filename="trang-${i + 1}.png"\r\nContent-Type: image/png\r\n\r\n`),
      p,
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return who({
    method: 'POST',
    url: `/api/v1/scans?name=${encodeURIComponent(name)}`,
    payload,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
}

/** A grey PNG of the given size: all zero, so it compresses to almost nothing however many pixels it has. */
function blankPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 0; // 8-bit greyscale
  const raw = Buffer.alloc((width + 1) * height); // filter byte 0 and zero pixels, row by row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Public lookups of `code`, one after another, while `work` runs: the slowest answer's time in ms. */
async function slowestLookupDuring(app: { inject: (o: { url: string }) => Promise<{ statusCode: number }> }, code: string, work: Promise<unknown>) {
  let done = false;
  void work.finally(() => {
    done = true;
  });
  let slowest = 0;
  let lookups = 0;
  while (!done) {
    const t = performance.now();
    assert.equal((await app.inject({ url: `/api/v1/lookup/${code}` })).statusCode, 200);
    slowest = Math.max(slowest, performance.now() - t);
    lookups++;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { slowest, lookups };
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
    const created = await counter({
      method: 'POST',
      url: '/api/v1/dossiers',
      payload: {
        procedureId,
        agencyId: ids['H13.102'],
        channel: 'counter',
        applicant: { name: 'Lê Thị Hoa', idNumber: '092190004321' },
        formData: {
          hoTenTre: 'Lê Minh Tâm',
          ngaySinh: '2026-11-02',
          gioiTinh: 'Nam',
          noiSinh: 'Cần Thơ',
          hoTenMe: 'Lê Thị Hoa',
          soDinhDanhNguoiYeuCau: '092190004321',
        },
        files: [{ componentIndex: 0, uploadId: info.uploadId }],
      },
    });
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
    const bad = await scan(counter, [...(await sheets(1)), Buffer.from('khong phai anh')]);
    assert.equal(bad.statusCode, 415);
    assert.match(bad.json().message, /Trang 2/);
    const [{ n: after }] = await ctx.db.query('SELECT count(*)::int AS n FROM uploads');
    assert.equal(after, before);
  });

  test('a decompression bomb is refused at once and large scans are decoded off the request loop: a concurrent lookup stays under 200 ms', async () => {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const ids = await agencyIds(ctx.db);
    const procedureId = (await ctx.app.inject({ url: '/api/v1/procedures/1.001193' })).json().id;
    const { code } = (
      await counter({
        method: 'POST',
        url: '/api/v1/dossiers',
        payload: {
          procedureId,
          agencyId: ids['H13.102'],
          channel: 'counter',
          applicant: { name: 'Lê Thị Hoa', idNumber: '092190004321' },
          formData: {
            hoTenTre: 'Lê Minh Tâm',
            ngaySinh: '2026-11-02',
            gioiTinh: 'Nam',
            noiSinh: 'Cần Thơ',
            hoTenMe: 'Lê Thị Hoa',
            soDinhDanhNguoiYeuCau: '092190004321',
          },
        },
      })
    ).json();
    // Warm the worker, so that its start-up is not what is measured.
    assert.equal((await scan(counter, await sheets(1))).statusCode, 201);
    const [{ n: before }] = await ctx.db.query('SELECT count(*)::int AS n FROM uploads');

    // Lookups are measured through a second application over the same database in this process (one event loop),
    // whose lookup rate limit does not stop a burst.
    const lookups = await buildApp({ db: ctx.db, security: { rateLimits: { ...DEFAULT_RATE_LIMITS, lookup: 100_000 } } });
    after(() => lookups.close());
    assert.equal((await lookups.inject({ url: `/api/v1/lookup/${code}` })).statusCode, 200); // warm: its first request compiles the route
    const bomb = blankPng(8000, 8000); // 64 million pixels in a few tens of KB
    assert.ok(bomb.length < 100_000, `${bomb.length} bytes`);
    const bombed = scan(counter, [bomb, bomb, bomb]);
    const during = await slowestLookupDuring(lookups, code, bombed);
    const res = await bombed;
    assert.equal(res.statusCode, 413, res.body);
    assert.equal(res.json().code, 'IMAGE_TOO_LARGE');
    assert.match(res.json().message, /Trang 1 có 8000×8000 điểm ảnh .* vượt giới hạn 40 triệu điểm ảnh/);
    assert.ok(during.slowest < 200, `slowest lookup ${during.slowest} ms`);

    // Within the limit but heavy to decode (25 million pixels, three pages: seconds of work): the lookups keep
    // answering meanwhile. Decoded on the request loop, one lookup would wait for all of it; storing the PDF still
    // happens on the loop (and PGlite runs there), so the bound here is looser than for the refused bomb.
    const large = blankPng(5000, 5000);
    const started = performance.now();
    const scanned = scan(counter, [large, large, large]);
    const whileDecoding = await slowestLookupDuring(lookups, code, scanned);
    const took = performance.now() - started;
    assert.equal((await scanned).statusCode, 201, (await scanned).body);
    assert.ok(whileDecoding.lookups >= 10, `${whileDecoding.lookups} lookups while decoding for ${took} ms`);
    assert.ok(whileDecoding.slowest < Math.min(1000, took / 5), `slowest lookup ${whileDecoding.slowest} ms while the scan took ${took} ms`);
    const [{ n: stored }] = await ctx.db.query('SELECT count(*)::int AS n FROM uploads');
    assert.equal(stored, before + 1, 'the bomb stored nothing');
  });
});
