// The five tampering cases that the unkeyed chain let through: each is caught and named by the history check, both as
// `npm run verify:history` runs it (its function here; the command itself on the server) and by the administrators' endpoint.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { before, test } from 'node:test';
import { eachDatabase, signIn, type Requester } from '../testing/harness.ts';
import { canonicalEvent, checkpointHistory, EVENT_COLUMNS } from '../dossiers/chain.ts';
import { runHistoryCheck } from './history-cli.ts';
import { approvedDossier } from './test-support.ts';

eachDatabase('tampering with the dossier history', { demo: true }, (ctx) => {
  let admin: Requester;
  const codeOf = async (id: string) => (await ctx.db.query('SELECT code FROM dossiers WHERE id = $1', [id]))[0].code as string;

  /** A dossier worked today and checkpointed, as the server's few-minute timer does. */
  const fresh = async () => {
    const id = await approvedDossier(ctx.app, ctx.db);
    await checkpointHistory(ctx.db);
    return { id, code: await codeOf(id) };
  };

  /** Every report of the tampering: the command's function, the endpoint, and on the server the command itself. */
  const expectCaught = async (reason: string, code: string) => {
    const reports = [await runHistoryCheck(ctx.db), (await admin({ url: '/api/v1/admin/history/verify' })).json()];
    for (const r of reports) {
      assert.equal(r.ok, false);
      const named = [...r.chains.breaks, ...(r.anchors.firstBroken ? [r.anchors.firstBroken] : [])];
      const hit = named.find((b) => b.reason === reason);
      assert.ok(hit, `${reason} among ${JSON.stringify(named)}`);
      assert.match(hit.message, new RegExp(code.replaceAll('.', '\\.')));
    }
    if (ctx.kind === 'postgres') {
      const cli = spawnSync('npx', ['tsx', 'src/results/history-cli.ts'], { env: { ...process.env, DATABASE_URL: ctx.url }, encoding: 'utf8' });
      assert.equal(cli.status, 1, cli.stderr);
      assert.match(cli.stderr, /LỊCH SỬ BỊ THAY ĐỔI/);
      assert.ok(cli.stdout.includes(`"reason": "${reason}"`), cli.stdout.slice(0, 2000));
    }
  };
  const expectClean = async () => {
    const r = await runHistoryCheck(ctx.db);
    assert.equal(r.ok, true, JSON.stringify(r.firstBreak));
  };
  const lastEvent = async (id: string) =>
    (await ctx.db.query(`SELECT ${EVENT_COLUMNS} FROM dossier_events WHERE dossier_id = $1 ORDER BY id DESC LIMIT 1`, [id]))[0];

  before(async () => {
    admin = await signIn(ctx.app, 'admin');
    await expectClean();
  });

  test("the anchors are published to anyone, with their MACs and the key's public id", async () => {
    await fresh();
    const res = await ctx.app.inject({ url: '/api/v1/history/anchors' });
    assert.equal(res.statusCode, 200, res.body);
    const published = res.json();
    assert.match(published.keyId, /^[0-9a-f]{16}$/);
    const [latest] = await ctx.db.query('SELECT mac, day_dossiers FROM history_checkpoints ORDER BY id DESC LIMIT 1');
    assert.equal(published.checkpoints[0].mac, latest.mac);
    assert.equal(published.checkpoints[0].dayDossiers, latest.day_dossiers);
    assert.ok(latest.day_dossiers >= 1, "today's submitted dossiers are counted");
  });

  test("(a) deleting a dossier's last event of today is named", async () => {
    const { id, code } = await fresh();
    const last = await lastEvent(id);
    await ctx.db.query('CREATE TEMP TABLE removed_a AS SELECT * FROM dossier_events WHERE id = $1', [last.id]);
    await ctx.db.query('DELETE FROM dossier_events WHERE id = $1', [last.id]);
    await expectCaught('event_deleted', code);
    await ctx.db.query('INSERT INTO dossier_events SELECT * FROM removed_a');
    await expectClean();
  });

  test('(b) editing the last event and clearing its hash is named, and the row is not sealed again', async () => {
    const { id, code } = await fresh();
    const last = await lastEvent(id);
    const [saved] = await ctx.db.query('SELECT note, prev_hash, hash FROM dossier_events WHERE id = $1', [last.id]);
    await ctx.db.query(`UPDATE dossier_events SET note = 'sửa trái phép', prev_hash = NULL, hash = NULL WHERE id = $1`, [last.id]);
    await expectCaught('unsealed', code);
    await expectCaught('event_changed', code);
    assert.equal((await lastEvent(id)).hash, null, 'the check sealed nothing');
    await ctx.db.query('UPDATE dossier_events SET note = $2, prev_hash = $3, hash = $4 WHERE id = $1', [last.id, saved.note, saved.prev_hash, saved.hash]);
    await expectClean();
  });

  test('(c) editing an event and recomputing the unkeyed hashes is named', async () => {
    const { id, code } = await fresh();
    const saved = await ctx.db.query('SELECT id, note, prev_hash, hash FROM dossier_events WHERE dossier_id = $1 ORDER BY id', [id]);
    await ctx.db.query(`UPDATE dossier_events SET note = 'viết lại' WHERE id = $1`, [saved[1].id]);
    const rows = await ctx.db.query(`SELECT ${EVENT_COLUMNS} FROM dossier_events WHERE dossier_id = $1 ORDER BY id`, [id]);
    let prev: string | null = null;
    for (const r of rows) {
      const hash: string = createHash('sha256')
        .update(canonicalEvent(r, prev, 1))
        .digest('hex');
      await ctx.db.query('UPDATE dossier_events SET prev_hash = $2, hash = $3 WHERE id = $1', [r.id, prev, hash]);
      prev = hash;
    }
    await expectCaught('hash_mismatch', code);
    for (const r of saved)
      await ctx.db.query('UPDATE dossier_events SET note = $2, prev_hash = $3, hash = $4 WHERE id = $1', [r.id, r.note, r.prev_hash, r.hash]);
    await expectClean();
  });

  test("(d) changing a dossier's status directly is named", async () => {
    const { id, code } = await fresh();
    const [{ status }] = await ctx.db.query('SELECT status FROM dossiers WHERE id = $1', [id]);
    await ctx.db.query('UPDATE dossiers SET status = 10 WHERE id = $1', [id]);
    await expectCaught('state_mismatch', code);
    await ctx.db.query('UPDATE dossiers SET status = $2 WHERE id = $1', [id, status]);
    await expectClean();
  });

  test('(e) deleting a whole dossier made today is named', async () => {
    const { id, code } = await fresh();
    // Everything that refers to the dossier goes with it, as a careful intruder would remove it.
    const refs = await ctx.db.query(
      `SELECT cl.relname AS t, a.attname AS c FROM pg_constraint k JOIN pg_class cl ON cl.oid = k.conrelid
         JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
        WHERE k.contype = 'f' AND k.confrelid = 'dossiers'::regclass`,
    );
    for (let pass = 0; pass < 3; pass++) {
      for (const r of refs) await ctx.db.query(`DELETE FROM ${r.t} WHERE ${r.c} = $1`, [id]).catch(() => undefined);
    }
    await ctx.db.query('DELETE FROM dossiers WHERE id = $1', [id]);
    await expectCaught('dossier_deleted', code);
  });
});
