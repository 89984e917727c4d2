// The hot paths over HTTP at 32 connections (autocannon in a child process), each beside references measured in the
// same run: bare Fastify answering the same JSON from memory (the framework's ceiling on this machine) and nginx
// answering it as a static file (when installed); then counter submissions at 8 connections beside `pgbench -N -c8`
// on the same server (PostgreSQL only). Rounds interleave the targets; each figure is the median of the rounds.
//   npm run bench:http                                   (PGlite)
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:http   (also the server: a database created and dropped)
// BENCH_SECONDS per run (default 2), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 32): about 2 minutes per
// database by default.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { buildApp } from '../src/app.ts';
import type { Database } from '../src/db/index.ts';
import { migrate } from '../src/db/migrate.ts';
import { DEMO_PASSWORD, seedDemo } from '../src/demo/seed.ts';
import { formData } from '../src/testing/samples.ts';
import { freshDatabase } from '../src/testing/harness.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SUBMITTERS = 8;
const LOAD = fileURLToPath(new URL('./http-load.ts', import.meta.url));
const run = promisify(execFile);

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  load: number;
  bad: number;
}

/** One autocannon run in a child process; `bad` counts non-2xx answers and errors. */
function load(opts: Record<string, unknown>): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOAD, JSON.stringify({ connections: CONNECTIONS, duration: SECONDS, ...opts })], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b) => {
      out += b;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}`));
      const r = JSON.parse(out.trim().split('\n').at(-1)!);
      resolve({ rps: r.rps, p50: r.p50, p99: r.p99, load: loadavg()[0], bad: r.non2xx + r.errors });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const medianOf = (runs: Figures[]): Figures => ({
  rps: median(runs.map((r) => r.rps)),
  p50: median(runs.map((r) => r.p50)),
  p99: median(runs.map((r) => r.p99)),
  load: median(runs.map((r) => r.load)),
  bad: runs.reduce((n, r) => n + r.bad, 0),
});
const line = (name: string, f: Figures, ref?: Figures) =>
  `  ${name.padEnd(34)} ${Math.round(f.rps).toLocaleString('en').padStart(8)} req/s  p50 ${String(f.p50).padStart(4)} ms  p99 ${String(f.p99).padStart(4)} ms  load ${f.load.toFixed(2)}` +
  (ref ? `  ${(f.rps / ref.rps).toFixed(2)}× Fastify` : '') +
  (f.bad ? `  (${f.bad} failed)` : '');

/** nginx serving `body` as a static file on a free port, one worker (a Node server is one thread); null when absent. */
async function startNginx(body: string) {
  const which = await run('sh', ['-c', 'command -v nginx || ls /usr/sbin/nginx']).catch(() => null);
  const bin = which?.stdout.trim().split('\n')[0];
  if (!bin) return null;
  const dir = mkdtempSync(join(tmpdir(), 'congso-bench-nginx-'));
  writeFileSync(join(dir, 'lookup.json'), body);
  const probe = Fastify();
  await probe.listen({ port: 0, host: '127.0.0.1' });
  const { port } = probe.server.address() as { port: number };
  await probe.close();
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  server { listen 127.0.0.1:${port}; root ${dir}; default_type application/json; } }`,
  );
  const child = spawn(bin, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    if (
      await fetch(`http://127.0.0.1:${port}/lookup.json`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}/lookup.json`,
    stop: () => {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function measure(kind: string, db: Database, url?: string) {
  await migrate(db);
  await seedDemo(db);
  const app = await buildApp({
    db,
    cookieSecure: false,
    security: {
      rateLimits: { lookup: 1e9, staffSignIn: 1e9, staffSignInPerAccount: 1e9, citizenSignIn: 1e9, citizenSignInPerAccount: 1e9, paymentCallbacks: 1e9 },
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'caikhe.motcua', password: DEMO_PASSWORD }),
  });
  const cookie = String(login.headers.get('set-cookie')).split(';')[0];
  const staff = { cookie, 'content-type': 'application/json' };
  const [ward] = await db.query(`SELECT id FROM agencies WHERE code = 'H13.102'`);
  const found = (await (await fetch(`${base}/api/v1/procedures?q=${encodeURIComponent('đăng ký khai sinh')}`)).json()) as { items: { id: string }[] };
  const procedure = (await (await fetch(`${base}/api/v1/procedures/${found.items[0].id}`)).json()) as {
    id: string;
    content: { formSchema: Record<string, unknown> };
  };
  const applicant = { name: 'Nguyễn Thị Ánh Tuyết', idNumber: '092190001234', address: 'Phường Cái Khế, Thành phố Cần Thơ', phone: '0912345678' };
  const submission = JSON.stringify({
    procedureId: procedure.id,
    agencyId: ward.id,
    applicant,
    formData: formData(procedure.content.formSchema, applicant.idNumber),
    channel: 'counter',
  });
  const submitted = await fetch(`${base}/api/v1/dossiers`, { method: 'POST', headers: staff, body: submission });
  if (submitted.status !== 201) throw new Error(`counter submission: ${submitted.status} ${await submitted.text()}`);
  const dossier = (await submitted.json()) as { id: string; code: string };
  const lookupPath = `/api/v1/lookup/${dossier.code}?verify=1234`;
  const lookupBody = await (await fetch(base + lookupPath)).text();

  const bare = Fastify();
  const answer = JSON.parse(lookupBody);
  bare.get('/api/v1/lookup/:code', async () => answer);
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}${lookupPath}`;
  const nginx = await startNginx(lookupBody);

  const targets: [string, Record<string, unknown>][] = [
    ['bare Fastify, same JSON from memory', { url: bareUrl }],
    ...(nginx ? [['nginx, same JSON as a static file', { url: nginx.url }] as [string, Record<string, unknown>]] : []),
    ['public lookup GET /lookup/:code', { url: base + lookupPath }],
    // A code typed in lower case is never kept (see lookupDossier): the one indexed read on every request.
    ['  the same, read each time', { url: base + lookupPath.toLowerCase() }],
    ['catalogue search GET /procedures?q=', { url: `${base}/api/v1/procedures?q=${encodeURIComponent('khai sinh')}` }],
    ['officer inbox GET /inbox', { url: `${base}/api/v1/inbox`, headers: staff }],
    ['dossier page GET /dossiers/:id', { url: `${base}/api/v1/dossiers/${dossier.id}`, headers: staff }],
  ];
  const runs = new Map<string, Figures[]>(targets.map(([name]) => [name, []]));
  const submissions: Figures[] = [];
  const pgbench: number[] = [];
  const pgbenchUrl = url && (await pgbenchReady(url));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, opts] of targets) runs.get(name)!.push(await load(opts));
    submissions.push(await load({ url: `${base}/api/v1/dossiers`, method: 'POST', headers: staff, body: submission, connections: SUBMITTERS }));
    if (pgbenchUrl) pgbench.push(await pgbenchTps(pgbenchUrl));
  }
  nginx?.stop();
  await bare.close();
  await app.close();

  const [{ n }] = await db.query('SELECT count(*)::int AS n FROM dossiers');
  console.log(`\n[${kind}] ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s, medians; ${n} dossiers at the end`);
  const ref = medianOf(runs.get(targets[0][0])!);
  for (const [name] of targets) console.log(line(name, medianOf(runs.get(name)!), ref));
  if (!nginx) console.log('  nginx not installed: no static-file reference');
  const sub = medianOf(submissions);
  console.log(`${line(`counter submissions POST, ${SUBMITTERS} conns`, sub)}  (dossiers/s)`);
  if (pgbench.length) {
    const tps = median(pgbench);
    console.log(
      `  pgbench -N -c${SUBMITTERS}, same server            ${Math.round(tps).toLocaleString('en').padStart(8)} TPS    submissions ${(sub.rps / tps).toFixed(3)}× pgbench`,
    );
  } else if (url) console.log('  pgbench not available: no TPS reference');
}

/** Initialises pgbench's tables in the bench database; the URL when pgbench ran. */
async function pgbenchReady(url: string) {
  return run('pgbench', ['-i', '-q', '-s', '1', url]).then(
    () => url,
    () => null,
  );
}

async function pgbenchTps(url: string) {
  const { stdout } = await run('pgbench', ['-N', `-c${SUBMITTERS}`, '-j2', `-T${SECONDS}`, url]);
  return Number(/tps = ([\d.]+)/.exec(stdout)![1]);
}

const pglite = await freshDatabase('pglite');
try {
  await measure('pglite (embedded)', pglite.db);
} finally {
  await pglite.drop();
}
if (process.env.DATABASE_URL) {
  const server = await freshDatabase('postgres');
  try {
    await measure('postgres (server)', server.db, server.url);
  } finally {
    await server.drop();
  }
}
