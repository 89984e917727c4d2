// Two server processes on one PostgreSQL database behind nginx, run with the repository's deploy/nginx.conf: the
// lookup limit is counted across both (and a forged X-Forwarded-For changes nothing), a session made on one works on
// the other, the live wall on one sees a reception made through the other, and the jobs one server ran at its start
// are not run again by the other. Needs nginx and DATABASE_URL; skipped, saying so, without either.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { readVariables } from '../src/config.ts';
import { freshDatabase } from '../src/testing/harness.ts';
import { freePort, startProcess, stopProcess } from './processes.ts';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((bin) => spawnSync(bin, ['-v']).status === 0);
const skip = !NGINX ? 'nginx is not installed' : !readVariables().DATABASE_URL ? 'DATABASE_URL is not set (two servers need a PostgreSQL server)' : false;
const LOOKUP_LIMIT = 5;
/** nginx connects to the servers from this address, the only one they trust; the test itself talks from 127.0.0.1. */
const PROXY_ADDRESS = '127.0.0.2';
const PASSWORD = 'Congso@2026';

let nginx: ChildProcess | undefined;
let nginxDir = '';
let drop: (() => Promise<void>) | undefined;
let dbUrl = '';
const servers: Awaited<ReturnType<typeof startProcess>>[] = [];
let front = '';
/** When the second server was started: every cluster job ran before (by the first), none after. */
let secondStartedAt = 0;

before(async () => {
  if (skip) return;
  const fresh = await freshDatabase('postgres');
  drop = fresh.drop;
  dbUrl = fresh.url!;
  const [frontPort, portA, portB] = [await freePort(), await freePort(), await freePort()];
  front = `http://127.0.0.1:${frontPort}`;
  const env = {
    DATABASE_URL: dbUrl,
    DEMO_DATA: '1',
    DEMO_HISTORY: '0',
    HISTORY_KEY: randomBytes(32).toString('hex'),
    PUBLIC_URL: front,
    COOKIE_SECURE: '0',
    TRUST_PROXY: PROXY_ADDRESS,
    RATE_LIMIT_LOOKUP: String(LOOKUP_LIMIT),
    DATA_DIR: mkdtempSync(join(tmpdir(), 'congso-cluster-data-')),
  };
  // The first server migrates and loads the demo province; the second starts on the database as it is.
  servers.push(await startProcess(env, portA));
  secondStartedAt = Date.now();
  servers.push(await startProcess(env, portB));

  // The repository's configuration, pointed at these two servers and this port; it reports which server answered.
  nginxDir = mkdtempSync(join(tmpdir(), 'congso-cluster-nginx-'));
  const site = readFileSync('deploy/nginx.conf', 'utf8')
    .replace(/^\s*server 10\.0\.0\.\d+:3000.*$/gm, '')
    .replace('keepalive 32;', `server 127.0.0.1:${portA}; server 127.0.0.1:${portB}; keepalive 32;`)
    .replace('listen 80;', `listen 127.0.0.1:${frontPort}; add_header x-upstream $upstream_addr always; proxy_bind ${PROXY_ADDRESS};`);
  assert.match(site, new RegExp(`server 127.0.0.1:${portB};`));
  const tmp = `client_body_temp_path ${nginxDir}; proxy_temp_path ${nginxDir}; fastcgi_temp_path ${nginxDir}; uwsgi_temp_path ${nginxDir}; scgi_temp_path ${nginxDir};`;
  writeFileSync(
    join(nginxDir, 'nginx.conf'),
    `daemon off; worker_processes 1; pid ${nginxDir}/nginx.pid; error_log ${nginxDir}/error.log;
events { worker_connections 256; }
http { access_log off; ${tmp}
${site}
}`,
  );
  nginx = spawn(NGINX!, ['-c', join(nginxDir, 'nginx.conf'), '-p', nginxDir], { stdio: 'ignore' });
  for (let i = 0; i < 50 && !(await fetch(`${front}/health`).catch(() => null))?.ok; i++) await new Promise((r) => setTimeout(r, 100));
});

after(async () => {
  nginx?.kill();
  await Promise.all(servers.map((s) => stopProcess(s.child)));
  await drop?.();
  if (nginxDir) rmSync(nginxDir, { recursive: true, force: true });
});

async function login(base: string, username: string) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

test('the lookup limit is counted across both servers, by the client address nginx reports', { skip }, async () => {
  const upstreams = new Set<string>();
  for (let i = 0; i < LOOKUP_LIMIT; i++) {
    const res = await fetch(`${front}/api/v1/lookup/KHONG-CO-${i}`);
    assert.equal(res.status, 404, `lookup ${i + 1} of ${LOOKUP_LIMIT} is answered`);
    upstreams.add(res.headers.get('x-upstream')!);
  }
  assert.equal(upstreams.size, 2, 'nginx sent the lookups to both servers');
  // The next one is refused whichever server gets it: through nginx, with a forged address, and at each server directly
  // (the test's own address, 127.0.0.1, is no trusted proxy, so its X-Forwarded-For is ignored).
  const refused = [
    await fetch(`${front}/api/v1/lookup/KHONG-CO-X`),
    await fetch(`${front}/api/v1/lookup/KHONG-CO-Y`, { headers: { 'x-forwarded-for': '10.9.9.9' } }),
    ...(await Promise.all(servers.map((s) => fetch(`${s.url}/api/v1/lookup/KHONG-CO-Z`, { headers: { 'x-forwarded-for': '10.9.9.9' } })))),
  ];
  assert.deepEqual(
    refused.map((r) => r.status),
    [429, 429, 429, 429],
  );
  assert.equal(((await refused[0].json()) as { code: string }).code, 'TOO_MANY_REQUESTS');
});

test('a session made on one server works on the other', { skip }, async () => {
  const cookie = await login(servers[0].url, 'admin');
  const me = await fetch(`${servers[1].url}/api/v1/auth/me`, { headers: { cookie } });
  assert.equal(me.status, 200);
  assert.equal(((await me.json()) as { user: { username: string } }).user.username, 'admin');
});

test('the live wall on one server sees a reception made through the other', { skip }, async () => {
  const ioc = await login(servers[0].url, 'ioc');
  const controller = new AbortController();
  const stream = await fetch(`${servers[1].url}/api/v1/stats/stream`, { headers: { cookie: ioc }, signal: controller.signal });
  assert.equal(stream.status, 200);
  const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
  const revisions: number[] = [];
  let buffered = '';
  const nextRevision = async () => {
    for (;;) {
      const match = /event: stats\ndata: (.*)\n\n/.exec(buffered);
      if (match) {
        buffered = buffered.slice(match.index + match[0].length);
        return (JSON.parse(match[1]) as { revision: number }).revision;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended');
      buffered += value;
    }
  };
  revisions.push(await nextRevision()); // the current revision, sent at once

  const counter = await login(servers[0].url, 'caikhe.motcua');
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${servers[0].url}/api/v1${path}`, { ...init, headers: { cookie: counter, 'content-type': 'application/json', ...init.headers } });
  const agencies = ((await (await api('/agencies')).json()) as { items: { id: string; code: string }[] }).items;
  const procedure = (await (await api('/procedures/1.001193')).json()) as { id: string };
  const submitted = await api('/dossiers', {
    method: 'POST',
    body: JSON.stringify({
      procedureId: procedure.id,
      agencyId: agencies.find((a) => a.code === 'H13.102')!.id,
      channel: 'counter',
      files: [],
      applicant: { name: 'Đỗ Thị Hồng', idNumber: '092190007777', phone: '0912000777' },
      formData: {
        hoTenTre: 'Lê Gia Bảo',
        ngaySinh: new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10),
        gioiTinh: 'Nam',
        noiSinh: 'Bệnh viện Đa khoa Trung ương Cần Thơ',
        hoTenMe: 'Đỗ Thị Hồng',
        soDinhDanhNguoiYeuCau: '092190007777',
      },
    }),
  });
  assert.equal(submitted.status, 201, await submitted.clone().text());
  const timeout = setTimeout(() => controller.abort(), 10_000);
  revisions.push(await nextRevision());
  clearTimeout(timeout);
  controller.abort();
  assert.ok(revisions[1] > revisions[0], `the wall moved on: ${revisions.join(' → ')}`);
});

test('the jobs one server ran at its start are not run again by the other', { skip }, async () => {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; last_started_at: Date }>('SELECT name, last_started_at FROM scheduled_jobs ORDER BY name');
    const cluster = rows.filter((r) => r.name !== 'notifications.deliver');
    assert.ok(
      cluster.some((r) => r.name === 'retention.sessions'),
      rows.map((r) => r.name).join(', '),
    );
    // The second server ticked every job at its start and found each one done for the period by the first.
    for (const r of cluster) assert.ok(r.last_started_at.getTime() < secondStartedAt, `${r.name} ran once, before the second server started`);
    // An every-server job (outbox delivery) did run there.
    const deliver = rows.find((r) => r.name === 'notifications.deliver')!;
    assert.ok(deliver.last_started_at.getTime() >= secondStartedAt);
    // Both servers report the cluster's runs.
    const health = (await (await fetch(`${servers[1].url}/health`)).json()) as { jobs: { name: string; lastStartedAt: string }[] };
    for (const r of cluster) assert.equal(health.jobs.find((j) => j.name === r.name)?.lastStartedAt, r.last_started_at.toISOString(), r.name);
  } finally {
    await client.end();
  }
});
