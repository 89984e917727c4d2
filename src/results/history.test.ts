import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { eachDatabase, signIn, type Requester } from '../testing/harness.ts';
import { createHash, createHmac } from 'node:crypto';
import { loadConfig } from '../config.ts';
import { anchorHistory, canonicalEvent, EVENT_COLUMNS, verifyAnchors, verifyChains } from '../dossiers/chain.ts';
import { approvedDossier, workDir } from './test-support.ts';

eachDatabase('tamper-evident dossier history', { demo: true }, (ctx) => {
  let admin: Requester;
  let dossierId: string;
  const events = (id: string) => ctx.db.query('SELECT id, action, note, prev_hash, hash FROM dossier_events WHERE dossier_id = $1 ORDER BY id', [id]);
  const check = async (query = '') => {
    const res = await admin({ url: `/api/v1/admin/history/verify${query}` });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };

  const fullEvents = (id: string) => ctx.db.query(`SELECT ${EVENT_COLUMNS} FROM dossier_events WHERE dossier_id = $1 ORDER BY id`, [id]);
  /** The chain's hashes recomputed from the rows with the given function, as a forger would. */
  const rehash = (rows: Record<string, unknown>[], hash: (text: string) => string, v: 1 | 2 = 1) => {
    const out: string[] = [];
    for (const r of rows) out.push(hash(canonicalEvent(r, out.at(-1) ?? null, v)));
    return out;
  };

  before(async () => {
    admin = await signIn(ctx.app, 'admin');
    dossierId = await approvedDossier(ctx.app, ctx.db);
  });

  test('each event carries the hash of the one before it; the whole database checks clean', async () => {
    const rows = await events(dossierId);
    assert.ok(rows.length >= 4, 'submit, accept, forward, approve');
    assert.equal(rows[0].prev_hash, null);
    for (let i = 1; i < rows.length; i++) assert.equal(rows[i].prev_hash, rows[i - 1].hash);
    assert.equal(new Set(rows.map((r) => r.hash)).size, rows.length);
    const all = await check();
    assert.equal(all.ok, true, JSON.stringify(all.firstBreak));
    assert.ok(all.chains.events >= rows.length);
    const one = await check(`?dossierId=${dossierId}`);
    assert.equal(one.chains.heads[dossierId], rows.at(-1)!.hash);
    // Only system administrators run the check.
    const officer = await signIn(ctx.app, 'caikhe.motcua');
    assert.equal((await officer({ url: '/api/v1/admin/history/verify' })).statusCode, 403);
    const agencyAdmin = await signIn(ctx.app, 'stp.quantri');
    assert.equal(
      (await agencyAdmin({ url: '/api/v1/admin/history/verify' })).statusCode,
      403,
      'the check reads the whole province: not for agency administrators',
    );
  });

  test('editing one event row in the database is caught, and the check names that event', async () => {
    const rows = await events(dossierId);
    const target = rows[2];
    await ctx.db.query(`UPDATE dossier_events SET note = 'đã sửa trái phép' WHERE id = $1`, [target.id]);
    const report = await check();
    assert.equal(report.ok, false);
    assert.equal(report.firstBreak.eventId, String(target.id));
    assert.equal(report.firstBreak.reason, 'hash_mismatch');
    assert.equal(report.firstBreak.position, 3);
    assert.match(report.firstBreak.message, /sự kiện thứ 3/);

    await ctx.db.query('UPDATE dossier_events SET note = $2 WHERE id = $1', [target.id, target.note]);
    assert.equal((await check()).ok, true, 'restoring the row restores the chain');

    // Removing an event's hash in the middle is a break too: only a dossier's unsealed tail is ever sealed.
    const middle = rows[1];
    await ctx.db.query('UPDATE dossier_events SET prev_hash = NULL, hash = NULL WHERE id = $1', [middle.id]);
    const unsealed = await check(`?dossierId=${dossierId}`);
    assert.equal(unsealed.firstBreak.eventId, String(middle.id));
    assert.equal(unsealed.firstBreak.reason, 'unsealed');
    await ctx.db.query('UPDATE dossier_events SET prev_hash = $2, hash = $3 WHERE id = $1', [middle.id, middle.prev_hash, middle.hash]);

    // Deleting an event breaks the link of the one after it.
    await ctx.db.query('CREATE TEMP TABLE removed AS SELECT * FROM dossier_events WHERE id = $1', [middle.id]);
    await ctx.db.query('DELETE FROM dossier_events WHERE id = $1', [middle.id]);
    const deleted = await check(`?dossierId=${dossierId}`);
    assert.equal(deleted.firstBreak.eventId, String(rows[2].id));
    assert.equal(deleted.firstBreak.reason, 'prev_mismatch');
    await ctx.db.query('INSERT INTO dossier_events SELECT * FROM removed');
    assert.equal((await check()).ok, true);
  });

  test('histories written before the chain existed are sealed by the backfill; a newer event that lost its hash never is', async () => {
    const before = await events(dossierId);
    await ctx.db.query('UPDATE dossier_events SET prev_hash = NULL, hash = NULL WHERE dossier_id = $1', [dossierId]);
    const refused = await verifyChains(ctx.db, [dossierId]);
    assert.equal(refused.breaks[0]?.reason, 'unsealed', 'events written since the key are never sealed again');
    assert.ok((await events(dossierId)).every((r) => r.hash === null));
    // A database from before the keyed chain: these events lie under the legacy bound, and the backfill seals them unkeyed.
    const [{ bound }] = await ctx.db.query('SELECT last_legacy_event_id::text AS bound FROM history_legacy');
    await ctx.db.query('UPDATE history_legacy SET last_legacy_event_id = $1', [before.at(-1)!.id]);
    assert.equal((await verifyChains(ctx.db, [dossierId])).ok, true);
    assert.deepEqual(
      (await events(dossierId)).map((r) => r.hash),
      rehash(await fullEvents(dossierId), (text) => createHash('sha256').update(text).digest('hex')),
      'the canonical serialisation is deterministic',
    );
    await ctx.db.query('UPDATE history_legacy SET last_legacy_event_id = $1', [bound]);
    for (const r of before) await ctx.db.query('UPDATE dossier_events SET prev_hash = $2, hash = $3 WHERE id = $1', [r.id, r.prev_hash, r.hash]);
    assert.equal((await verifyChains(ctx.db, [dossierId])).ok, true);
  });

  test('the receipt shows the chain head at acceptance, which later events do not change', async () => {
    const rows = await events(dossierId);
    const accept = rows.find((r) => r.action === 'accept')!;
    const res = await admin({ url: `/api/v1/dossiers/${dossierId}/forms/receipt` });
    assert.equal(res.statusCode, 200);
    const file = join(workDir(), 'receipt.pdf');
    writeFileSync(file, res.rawPayload);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    assert.match(text, /Mã kiểm chứng lịch sử hồ sơ \(SHA-256\)/);
    assert.ok(text.replace(/\s+/g, '').includes(accept.hash), `${accept.hash} in:\n${text}`);
    assert.notEqual(accept.hash, rows.at(-1)!.hash);
  });

  test('imported past dossiers are chained as they are written', async () => {
    const line = {
      code: 'H13.102-240304-0099',
      procedureCode: '1.001193',
      agencyCode: 'H13.102',
      channel: 'counter',
      status: 10,
      applicant: { name: 'Nguyễn Văn An', idNumber: '092085001111' },
      submittedAt: '2024-03-04T08:10:00+07:00',
      receivedAt: '2024-03-04T08:15:00+07:00',
      dueAt: '2024-03-06T16:30:00+07:00',
      finishedAt: '2024-03-05T15:00:00+07:00',
      returnedAt: '2024-03-06T09:00:00+07:00',
      events: [
        { at: '2024-03-04T08:10:00+07:00', action: 'submit', actorName: 'Hệ thống', toStatus: 1 },
        { at: '2024-03-04T08:15:00+07:00', action: 'accept', actorName: 'Trần Thị Bé', fromStatus: 1, toStatus: 2 },
        { at: '2024-03-05T15:00:00+07:00', action: 'approve', actorName: 'Lê Văn Chủ', fromStatus: 4, toStatus: 9 },
        { at: '2024-03-06T09:00:00+07:00', action: 'return_result', actorName: 'Trần Thị Bé', fromStatus: 9, toStatus: 10 },
      ],
    };
    const res = await admin({
      method: 'POST',
      url: '/api/v1/import/dossiers',
      payload: JSON.stringify(line) + '\n',
      headers: { 'content-type': 'application/x-ndjson' },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().imported, 1);
    const [{ id }] = await ctx.db.query('SELECT id FROM dossiers WHERE code = $1', [line.code]);
    const rows = await events(id);
    assert.equal(rows.length, 5, 'four past events and the import record');
    assert.ok(rows.every((r, i) => r.hash && r.prev_hash === (i ? rows[i - 1].hash : null)));
    assert.equal((await check(`?dossierId=${id}`)).ok, true);
  });

  test("the daily anchor catches a rewrite that recomputes a dossier's own hashes", async () => {
    const tomorrow = new Date(Date.now() + 86_400_000);
    assert.ok((await anchorHistory(ctx.db, tomorrow)) >= 1);
    assert.equal(await anchorHistory(ctx.db, tomorrow), 0, 'each day is anchored once');
    assert.equal((await verifyAnchors(ctx.db)).ok, true);
    // Events written after the anchor (new work, late imports dated that day) leave what it proves unchanged.
    await approvedDossier(ctx.app, ctx.db);
    assert.equal((await verifyAnchors(ctx.db)).ok, true);
    // A forger who even holds the key edits an event and recomputes the whole chain of the dossier.
    const rows = await events(dossierId);
    await ctx.db.query(`UPDATE dossier_events SET note = 'viết lại lịch sử' WHERE id = $1`, [rows[1].id]);
    const key = loadConfig().historyKey;
    const forged = rehash(await fullEvents(dossierId), (text) => createHmac('sha256', key).update(text).digest('hex'), 2);
    for (const [i, r] of rows.entries()) {
      await ctx.db.query('UPDATE dossier_events SET prev_hash = $2, hash = $3 WHERE id = $1', [r.id, i ? forged[i - 1] : null, forged[i]]);
    }
    const chains = await verifyChains(ctx.db);
    assert.equal(chains.ok, true, 'the dossier chain alone no longer shows it');
    const anchors = await verifyAnchors(ctx.db);
    assert.equal(anchors.ok, false);
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    assert.equal(anchors.firstBroken!.day, today);
    const report = await check();
    assert.equal(report.ok, false);
    assert.match(report.anchors.firstBroken.message, /khác với lúc chốt mốc/);
  });

  test('the CLI checks a server database and names the first broken link', {
    skip: ctx.kind !== 'postgres' && 'the CLI opens its own connection: PostgreSQL server only',
  }, () => {
    const run = () => spawnSync('npx', ['tsx', 'src/results/history-cli.ts'], { env: { ...process.env, DATABASE_URL: ctx.url }, encoding: 'utf8' });
    const broken = run();
    assert.equal(broken.status, 1, broken.stderr);
    assert.match(broken.stderr, /Mắt xích đứt đầu tiên: Mốc ngày/);
  });
});
