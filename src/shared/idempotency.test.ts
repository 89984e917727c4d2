// A server killed (kill -9) under concurrent keyed submissions: after a restart on the same data every retried key
// gets its first answer or a fresh run — no acknowledged dossier lost, none twice, no key left "in progress".
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../db/index.ts';
import { DEMO_PASSWORD } from '../demo/seed.ts';
import { FREE_PROCEDURE } from '../payments/testkit.ts';
import { dbKinds, freshDatabase } from '../testing/harness.ts';

const SUBMISSIONS = 40;

/** `npm start` as a child process; resolves with its address once it listens. */
function startChild(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  // The harness's DATABASE_URL is the server's admin database: the child gets its own database or none (PGlite).
  const { DATABASE_URL: _admin, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...inherited, PORT: '0', HOST: '127.0.0.1', DEMO_HISTORY: '0', LOG_LEVEL: 'silent', COOKIE_SECURE: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk;
      const m = /đang chạy tại (http:\/\/\S+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        resolve({ child, url: m[1] });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk) => {
      out += chunk;
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${out}`)));
  });
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

for (const kind of dbKinds()) {
  test(`kill -9 under keyed counter submissions: after a restart every key answers once, none lost, none twice, none stuck [${kind}]`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'congso-kill-'));
    const server = kind === 'postgres' ? await freshDatabase('postgres') : null;
    const env: Record<string, string> = { DATA_DIR: dataDir, ...(server ? { DATABASE_URL: server.url! } : {}) };
    let running: ChildProcess | undefined;
    try {
      const first = await startChild(env);
      running = first.child;
      const signIn = async (url: string) => {
        const res = await fetch(`${url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'caikhe.motcua', password: DEMO_PASSWORD }),
        });
        assert.equal(res.status, 200);
        return res.headers.get('set-cookie')!.split(';')[0];
      };
      const cookie = await signIn(first.url);
      const procedure = await (await fetch(`${first.url}/api/v1/procedures/${FREE_PROCEDURE}`)).json();
      const me = await (await fetch(`${first.url}/api/v1/auth/me`, { headers: { cookie } })).json();
      // Each submission names its own child, so the dossiers of one key can be counted.
      const body = (i: number) =>
        JSON.stringify({
          procedureId: procedure.id,
          agencyId: me.user.agency.id,
          channel: 'counter',
          applicant: { name: 'Lê Thị Khóa', idNumber: '092190004242' },
          formData: {
            hoTenTre: `Bé Khóa ${i}`,
            ngaySinh: '2026-11-01',
            gioiTinh: 'Nam',
            noiSinh: 'Cần Thơ',
            hoTenMe: 'Lê Thị Khóa',
            soDinhDanhNguoiYeuCau: '092190004242',
          },
        });
      const submit = (url: string, i: number) =>
        fetch(`${url}/api/v1/dossiers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie, 'idempotency-key': `khoa-thu-${i}-${kind}` },
          body: body(i),
        });

      // Fire every submission at once; kill the server once a quarter of them have been answered.
      const acknowledged = new Map<number, { id: string; code: string }>();
      const refused: string[] = [];
      let answered = 0;
      let kill!: () => void;
      const killNow = new Promise<void>((resolve) => {
        kill = resolve;
      });
      const inFlight = Array.from({ length: SUBMISSIONS }, (_, i) =>
        submit(first.url, i)
          .then(async (res) => {
            if (res.status === 201) acknowledged.set(i, await res.json());
            else refused.push(`${res.status} ${await res.text()}`);
            if (++answered >= SUBMISSIONS / 4) kill();
          })
          .catch(() => undefined),
      ); // the connection died with the server
      await Promise.race([killNow, Promise.all(inFlight)]);
      await killed(first.child);
      await Promise.all(inFlight);
      assert.deepEqual(refused, []);
      assert.ok(acknowledged.size >= SUBMISSIONS / 4, 'some submissions were acknowledged before the kill');
      assert.ok(acknowledged.size < SUBMISSIONS, 'some submissions were still in flight when the server died');

      const second = await startChild(env);
      running = second.child;
      // Every key retried twice at once: the duplicate waits for the first and answers the same.
      const retries = await Promise.all(
        Array.from({ length: SUBMISSIONS }, async (_, i) => {
          const [a, b] = await Promise.all([submit(second.url, i), submit(second.url, i)]);
          return { i, a: { status: a.status, body: await a.json() }, b: { status: b.status, body: await b.json() } };
        }),
      );
      const stuck = retries.filter((r) => r.a.status !== 201 || r.b.status !== 201);
      assert.deepEqual(
        stuck.map((r) => [r.i, r.a.status, r.a.body.code, r.b.status, r.b.body.code]),
        [],
        'no key stuck or refused',
      );
      for (const r of retries) {
        assert.equal(r.a.body.id, r.b.body.id, `key ${r.i}: both retries name one dossier`);
        const ack = acknowledged.get(r.i);
        if (ack) assert.deepEqual({ id: r.a.body.id, code: r.a.body.code }, { id: ack.id, code: ack.code }, `key ${r.i}: the acknowledged dossier`);
      }
      await killed(second.child);
      running = undefined;

      // In the database: exactly one dossier per key (every acknowledged one among them, checked above).
      const db = server ? server.db : await openDatabase({ dataDir: join(dataDir, 'pglite') });
      try {
        const perKey = await db.query(`SELECT form_data->>'hoTenTre' AS child, count(*)::int AS n FROM dossiers
                                        WHERE applicant->>'idNumber' = '092190004242' GROUP BY 1`);
        assert.equal(perKey.length, SUBMISSIONS);
        assert.deepEqual(
          perKey.filter((r) => r.n !== 1),
          [],
          'no key made two dossiers',
        );
        const [{ n }] = await db.query('SELECT count(*)::int AS n FROM idempotency_keys WHERE status_code = 0');
        assert.equal(n, 0, 'no claim without its answer');
      } finally {
        if (!server) await db.close();
      }
    } finally {
      if (running) await killed(running);
      await server?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}
