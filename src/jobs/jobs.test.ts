// Scheduled jobs: retention deletes only what nobody can use any more, a job runs once per period in a cluster of
// servers sharing one database, and each job's last run (or failure) shows on /health and /metrics.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../db/index.ts';
import { generateDossiers } from '../stats/generate.ts';
import { eachDatabase } from '../testing/harness.ts';
import { platformJobs, runIfDue, startJobs, type Job } from './index.ts';
import type { NotificationWorker } from '../notifications/service.ts';

const idleWorker: NotificationWorker = { runOnce: async () => 0, stop: async () => undefined };

eachDatabase('scheduled jobs', { demo: true }, (ctx) => {
  const job = (name: string) => platformJobs({ app: ctx.app, notifications: idleWorker }).find((j) => j.name === name)!;
  const metric = async (name: string, job: string) => {
    const text = (await ctx.app.inject({ url: '/metrics' })).body;
    const line = text.split('\n').find((l) => l.startsWith(`${name}{job="${job}"} `));
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  };

  test('every scheduled job is declared in one list with its schedule, and each runs', async () => {
    const jobs = platformJobs({ app: ctx.app, notifications: idleWorker });
    const MINUTE = 60_000;
    assert.deepEqual(
      jobs.map((j) => [j.name, j.everyMs, Boolean(j.everyServer)]),
      [
        ['notifications.deliver', 5000, true],
        ['payments.reconcile', 5 * MINUTE, false],
        ['history.anchor', 5 * MINUTE, false],
        ['documents.index', MINUTE, false],
        ['feedback.escalate', 15 * MINUTE, false],
        ['reporting.periods', 60 * MINUTE, false],
        ['retention.idempotency-keys', 60 * MINUTE, false],
        ['retention.sessions', 60 * MINUTE, false],
        ['retention.notifications', 24 * 60 * MINUTE, false],
        ['retention.uploads', 60 * MINUTE, false],
      ],
    );
    for (const name of ['notifications.deliver', 'payments.reconcile', 'history.anchor', 'documents.index', 'feedback.escalate', 'retention.uploads']) {
      const errors: unknown[] = [];
      assert.equal(await runIfDue(ctx.db, job(name), (err) => errors.push(err)), true, name);
      assert.deepEqual(errors, [], name);
    }
    const health = (await ctx.app.inject({ url: '/health' })).json();
    for (const name of ['notifications.deliver', 'payments.reconcile', 'history.anchor', 'feedback.escalate', 'retention.uploads']) {
      const shown = health.jobs.find((j: any) => j.name === name);
      assert.equal(shown?.ok, true, name);
      assert.equal(await metric('congso_job_last_run_ok', name), 1, name);
      assert.equal(await metric('congso_job_last_finished_timestamp_seconds', name), Date.parse(shown.lastFinishedAt) / 1000, name);
      assert.ok(Math.abs(Date.now() / 1000 - (await metric('congso_job_last_run_timestamp_seconds', name))!) < 60, name);
    }
  });

  test('retention deletes expired idempotency keys, ended sessions and long-delivered messages, and keeps the rest', async () => {
    const [user] = await ctx.db.query(`SELECT id FROM users WHERE username = 'admin'`);
    await ctx.db.query(`INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response, created_at) VALUES
      ('staff:x', 'cu-qua-han-1', 'h', 201, '{}', now() - interval '3 days'), ('staff:x', 'con-moi-1', 'h', 201, '{}', now() - interval '1 hour')`);
    await ctx.db.query(
      `INSERT INTO sessions (token_hash, user_id, expires_at, last_seen_at) VALUES
      ('het-han', $1, now() - interval '1 minute', now()), ('bo-quen', $1, now() + interval '1 hour', now() - interval '31 minutes'),
      ('dang-dung', $1, now() + interval '1 hour', now() - interval '5 minutes')`,
      [user.id],
    );
    await ctx.db.query(
      `INSERT INTO login_throttles (key, failures, last_failure_at) VALUES ('ip:10.1.1.1', 3, now() - interval '25 hours'), ('ip:10.1.1.2', 3, now())`,
    );
    await ctx.db.query(
      `INSERT INTO rate_limit_counts (key, window_start, hits) VALUES ('lookup|10.1.1.1', now() - interval '2 hours', 30), ('lookup|10.1.1.2', now(), 3)`,
    );
    await generateDossiers(ctx.db, { count: 1, from: '2026-01-05', to: '2026-01-05', seed: 7 });
    const [event] = await ctx.db.query('SELECT id, dossier_id FROM dossier_events ORDER BY id LIMIT 1');
    await ctx.db.query(
      `INSERT INTO notification_outbox (dossier_id, event_id, kind, channel, recipient, body, status, sent_at) VALUES
      ($1, $2, 'k', 'email', 'a@b.vn', 'cũ', 'sent', now() - interval '91 days'), ($1, $2, 'k', 'sms', '0912', 'mới', 'sent', now() - interval '89 days'),
      ($1, $2, 'k', 'zalo', '0912', 'chưa gửi', 'pending', NULL)`,
      [event.dossier_id, event.id],
    );

    for (const name of ['retention.idempotency-keys', 'retention.sessions', 'retention.notifications'])
      assert.equal(await runIfDue(ctx.db, job(name)), true, name);
    assert.deepEqual(
      (await ctx.db.query(`SELECT key FROM idempotency_keys WHERE scope = 'staff:x'`)).map((r) => r.key),
      ['con-moi-1'],
    );
    assert.deepEqual(
      (await ctx.db.query(`SELECT token_hash FROM sessions WHERE user_id = $1 AND token_hash IN ('het-han', 'bo-quen', 'dang-dung')`, [user.id])).map(
        (r) => r.token_hash,
      ),
      ['dang-dung'],
    );
    assert.deepEqual(
      (await ctx.db.query(`SELECT key FROM login_throttles WHERE key LIKE 'ip:10.1.1.%'`)).map((r) => r.key),
      ['ip:10.1.1.2'],
    );
    assert.deepEqual(
      (await ctx.db.query(`SELECT key FROM rate_limit_counts WHERE key LIKE 'lookup|10.1.1.%'`)).map((r) => r.key),
      ['lookup|10.1.1.2'],
    );
    assert.deepEqual(
      (await ctx.db.query(`SELECT body FROM notification_outbox WHERE event_id = $1 ORDER BY id`, [event.id])).map((r) => r.body),
      ['mới', 'chưa gửi'],
    );

    const health = (await ctx.app.inject({ url: '/health' })).json();
    const sessions = health.jobs.find((j: any) => j.name === 'retention.sessions');
    assert.equal(sessions.ok, true);
    assert.deepEqual(sessions.result, { staff: 2, citizen: 0, signInThrottles: 1, rateLimits: 1 });
    assert.ok(Date.now() - Date.parse(sessions.lastFinishedAt) < 60_000);
    assert.equal(await runIfDue(ctx.db, job('retention.sessions')), false, 'not due again within its period');
  });

  test('a job runs once per period however many servers share the database, and a failure is reported', async () => {
    let runs = 0;
    const counted: Job = {
      name: 'thu.dem-lan-chay',
      everyMs: 3600_000,
      run: async () => {
        runs++;
        await new Promise((r) => setTimeout(r, 200));
        return { runs };
      },
    };
    // Five servers (on PostgreSQL, five connection pools) ticking at once, twice over.
    const servers = ctx.url ? await Promise.all(Array.from({ length: 5 }, () => openDatabase({ url: ctx.url }))) : [ctx.db];
    try {
      for (let round = 0; round < 2; round++) await Promise.all(servers.flatMap((db) => [runIfDue(db, counted), runIfDue(db, counted)]));
    } finally {
      if (ctx.url) await Promise.all(servers.map((db) => db.close()));
    }
    assert.equal(runs, 1);
    await ctx.db.query(`UPDATE scheduled_jobs SET last_started_at = now() - interval '1 hour' WHERE name = 'thu.dem-lan-chay'`);
    assert.equal(await runIfDue(ctx.db, counted), true, 'due again after its period');
    assert.equal(runs, 2);

    // The servers' own schedulers: two of them (on PostgreSQL, two pools) start at once, and the job runs once.
    await ctx.db.query(`UPDATE scheduled_jobs SET last_started_at = now() - interval '1 hour' WHERE name = 'thu.dem-lan-chay'`);
    const pair = ctx.url ? await Promise.all([openDatabase({ url: ctx.url }), openDatabase({ url: ctx.url })]) : [ctx.db, ctx.db];
    const log = { error: (obj: object) => assert.fail(JSON.stringify(obj)) };
    try {
      await Promise.all(pair.map((db) => startJobs(db, [counted], log)).map((scheduler) => scheduler.stop()));
    } finally {
      if (ctx.url) await Promise.all(pair.map((db) => db.close()));
    }
    assert.equal(runs, 3, 'one run for the two schedulers');

    const failing: Job = {
      name: 'thu.hong',
      everyMs: 60_000,
      run: async () => {
        throw new Error('máy chủ ngân hàng không trả lời');
      },
    };
    const errors: unknown[] = [];
    assert.equal(await runIfDue(ctx.db, failing, (err) => errors.push(err)), true);
    assert.equal(errors.length, 1);
    const shown = (await ctx.app.inject({ url: '/health' })).json().jobs.find((j: any) => j.name === 'thu.hong');
    assert.deepEqual([shown.ok, shown.error], [false, 'máy chủ ngân hàng không trả lời']);
    assert.equal(await metric('congso_job_last_run_ok', 'thu.hong'), 0);
  });
});
