// The web app's files as browsers get them: brotli or gzip by negotiation from the copies the build writes, hashed
// assets cached for a year, index.html revalidated; and the built bundles within the wire budget of a phone on 3G.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { migrate } from '../db/migrate.ts';
import { freshDatabase } from '../testing/harness.ts';

describe('web app files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'congso-web-'));
  const script = `console.log(${JSON.stringify('Cổng dịch vụ công '.repeat(500))});`;
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  before(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>congso</title><script src="/assets/index-Ab12Cd34.js"></script>');
    const asset = join(dir, 'assets', 'index-Ab12Cd34.js');
    writeFileSync(asset, script);
    writeFileSync(`${asset}.br`, brotliCompressSync(script));
    writeFileSync(`${asset}.gz`, gzipSync(script));
    const fresh = await freshDatabase('pglite');
    drop = fresh.drop;
    await migrate(fresh.db);
    app = await buildApp({ db: fresh.db, webDir: dir });
  });
  after(async () => {
    await app?.close();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a hashed asset: brotli when accepted, else gzip, else plain; immutable for a year', async () => {
    const url = '/assets/index-Ab12Cd34.js';
    const br = await app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(br.statusCode, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.rawPayload).toString(), script);
    assert.ok(br.rawPayload.length < script.length / 10, `${br.rawPayload.length} bytes on the wire for ${script.length}`);
    assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(br.headers.vary), /accept-encoding/i);

    const gz = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    const plain = await app.inject({ url });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body, script);
  });

  test('the page itself, at its own path and at any app route, is revalidated on every visit', async () => {
    for (const url of ['/', '/phan-anh/PA-261203-0001']) {
      const res = await app.inject({ url, headers: { 'accept-encoding': 'br' } });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['cache-control'], 'no-cache', url);
      assert.match(res.body, /index-Ab12Cd34\.js/, url);
    }
  });
});

// `npm test` builds the web app before the tests; this checks what that build wrote.
const dist = fileURLToPath(new URL('../../web/dist/', import.meta.url));
describe('the built web app', { skip: !existsSync(join(dist, 'index.html')) && 'web/dist is not built' }, () => {
  test('every script and stylesheet has its brotli and gzip copy; the portal loads under 120 KB of script on the wire', () => {
    const assets = join(dist, 'assets');
    const files = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f) && statSync(join(assets, f)).size > 1024);
    assert.ok(files.length > 0);
    for (const f of files) {
      assert.ok(existsSync(join(assets, `${f}.br`)), `${f}.br`);
      assert.ok(existsSync(join(assets, `${f}.gz`)), `${f}.gz`);
    }
    // The scripts index.html loads at once (entry and modulepreloads); the operations centre's come on demand.
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    const initial = [...html.matchAll(/\/assets\/([\w.-]+\.js)/g)].map((m) => m[1]);
    assert.ok(initial.length > 0);
    const wire = initial.reduce((sum, f) => sum + statSync(join(assets, `${f}.br`)).size, 0);
    assert.ok(wire < 120 * 1024, `portal script on the wire: ${Math.round(wire / 1024)} KB`);
  });
});
