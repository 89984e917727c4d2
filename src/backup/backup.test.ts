// A backup of a populated database restored into a fresh one: files, signed results, the history chain and the
// numbering all carry on as before. PGlite through the running server's endpoint, the server through pg_dump.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import type { Database } from '../db/index.ts';
import { checkpointHistory } from '../dossiers/chain.ts';
import { runHistoryCheck } from '../results/history-cli.ts';
import { approvedDossier } from '../results/test-support.ts';
import { citizenSignIn, eachDatabase, freshDatabase, signIn } from '../testing/harness.ts';
import { backup, restore } from './backup.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

eachDatabase('backup and restore', { demo: true }, (ctx) => {
  const dir = mkdtempSync(join(tmpdir(), 'congso-backup-'));
  const file = join(dir, 'congso.backup');
  let signedPdf: Buffer;
  let restored: Database;
  let app: FastifyInstance;
  let dropTarget = async () => {};
  /** Every stored file's SHA-256, by table and id. */
  const fileHashes = (db: Database) =>
    db.query(
      `SELECT 'upload ' || id AS id, encode(sha256(content), 'hex') AS h FROM uploads
     UNION ALL SELECT 'result ' || id, encode(sha256(content), 'hex') FROM result_documents
     UNION ALL SELECT 'store ' || id, encode(sha256(content), 'hex') FROM citizen_documents ORDER BY 1`,
    );

  before(async () => {
    // Populated: a citizen's online dossier with uploaded files, approved and signed; a counter dossier; checkpoints.
    const citizen = await citizenSignIn(ctx.app, '092190001234', 'Nguyễn Thị Ánh Tuyết');
    const id = await approvedDossier(ctx.app, ctx.db, citizen);
    const leader = await signIn(ctx.app, 'caikhe.lanhdao');
    const signed = await leader({ method: 'POST', url: `/api/v1/dossiers/${id}/result` });
    assert.equal(signed.statusCode, 201, signed.body);
    signedPdf = (await leader({ url: `/api/v1/dossiers/${id}/result/pdf` })).rawPayload;
    await approvedDossier(ctx.app, ctx.db, undefined, false);
    await checkpointHistory(ctx.db);
  });
  after(async () => {
    await app?.close();
    await restored?.close();
    await dropTarget();
  });

  test('the backup restores into a fresh database with the same files, valid signatures, an intact history and continuing numbers', async () => {
    if (ctx.kind === 'pglite') {
      // The running server copies the data directory it holds; only system administrators may ask.
      assert.equal((await (await signIn(ctx.app, 'caikhe.motcua'))({ url: '/api/v1/admin/backup' })).statusCode, 403);
      const res = await (await signIn(ctx.app, 'admin'))({ url: '/api/v1/admin/backup' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/gzip');
      writeFileSync(file, res.rawPayload);
      restored = await restore(file, { dataDir: join(dir, 'restored') });
    } else {
      assert.equal(await backup({ url: ctx.url }, file), 'postgres');
      const target = await freshDatabase('postgres');
      dropTarget = target.drop;
      restored = await restore(file, { url: target.url });
      await assert.rejects(restore(file, { url: target.url }), /đã có dữ liệu/, 'a restore never merges into a database with data');
    }
    const before = await fileHashes(ctx.db);
    assert.ok(before.some((r) => r.id.startsWith('upload')) && before.some((r) => r.id.startsWith('result')));
    assert.deepEqual(await fileHashes(restored), before, 'every stored file, byte for byte');

    app = await buildApp({ db: restored });
    const leader = await signIn(app, 'caikhe.lanhdao');
    const [{ dossier_id }] = await restored.query('SELECT dossier_id FROM result_documents LIMIT 1');
    const pdf = (await leader({ url: `/api/v1/dossiers/${dossier_id}/result/pdf` })).rawPayload;
    assert.equal(sha(pdf), sha(signedPdf));
    const verdict = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: pdf, headers: { 'content-type': 'application/pdf' } })).json();
    assert.equal(verdict.verdict, 'genuine', verdict.message);

    const history = await runHistoryCheck(restored);
    assert.equal(history.ok, true, JSON.stringify(history.firstBreak));
    assert.equal(history.chains.events, (await ctx.db.query('SELECT count(*)::int AS n FROM dossier_events'))[0].n);
    assert.ok(history.anchors.checkpoints >= 1);

    // New work continues the numbering: the next dossier code of the day and the next result number, no collision.
    const codes = (await restored.query(`SELECT code FROM dossiers WHERE code LIKE 'H13.102-%' ORDER BY code DESC LIMIT 1`)).map((r) => r.code as string);
    const id = await approvedDossier(app, restored);
    const [{ code }] = await restored.query('SELECT code FROM dossiers WHERE id = $1', [id]);
    const seq = (c: string) => Number(c.split('-').at(-1));
    assert.equal(code.slice(0, -4), codes[0].slice(0, -4));
    assert.equal(seq(code), seq(codes[0]) + 1);
    const second = await leader({ method: 'POST', url: `/api/v1/dossiers/${id}/result` });
    assert.equal(second.statusCode, 201, second.body);
    assert.equal(second.json().notation, '02/GKS-UBND');
    assert.equal((await runHistoryCheck(restored)).ok, true);
  });
});
