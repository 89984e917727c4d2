// A read replica by PostgreSQL's own streaming replication, started by the test: a throwaway primary (initdb) and its
// replica (pg_basebackup -R), the platform on DATABASE_URL = primary and DATABASE_READ_URL = replica. The public
// lookup and the operations centre are answered from the replica (with replay paused they still show what was there
// before), a client that has just written reads its own write from the primary, and once replay goes on everyone
// sees it. Needs PostgreSQL's server binaries (initdb, pg_ctl, pg_basebackup); skipped, saying so, without them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { startServer, type Running } from '../src/server.ts';
import { WROTE_COOKIE } from '../src/shared/read-replica.ts';
import { freePort } from './processes.ts';

const TOOLS = ['initdb', 'pg_ctl', 'pg_basebackup'];
const candidates = [
  ...(existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : []).map(
    (v) => `/usr/lib/postgresql/${v}/bin`,
  ),
  '/usr/local/bin',
  '/usr/local/pgsql/bin',
];
const BIN = candidates.find((dir) => TOOLS.every((t) => existsSync(join(dir, t))));
const skip = BIN ? false : `PostgreSQL's server binaries (${TOOLS.join(', ')}) were not found in ${candidates.join(', ')}`;
/** PostgreSQL refuses to run as root: then the binaries run as the `postgres` user. */
const asRoot = process.getuid?.() === 0;

function pgTool(tool: string, args: string[]) {
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(BIN!, tool), ...args]] : [join(BIN!, tool), args];
  execFileSync(cmd, argv, { stdio: 'pipe', timeout: 60_000 });
}

let dir = '';
const ports = { primary: 0, replica: 0 };
const url = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`;
let running: Running | undefined;

const start = (name: 'primary' | 'replica') =>
  pgTool('pg_ctl', [
    '-D',
    join(dir, name),
    '-l',
    join(dir, `${name}.log`),
    '-w',
    '-o',
    `-p ${ports[name]} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c shared_buffers=16MB`,
    'start',
  ]);

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'congso-replica-'));
  chmodSync(dir, 0o777);
  if (asRoot) execFileSync('chown', ['postgres', dir]);
  ports.primary = await freePort();
  ports.replica = await freePort();
  pgTool('initdb', ['-D', join(dir, 'primary'), '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
  start('primary');
  pgTool('pg_basebackup', ['-h', '127.0.0.1', '-p', String(ports.primary), '-U', 'postgres', '-D', join(dir, 'replica'), '-R', '-X', 'stream']);
  start('replica');
  const config = loadConfig({
    DATABASE_URL: url(ports.primary),
    DATABASE_READ_URL: url(ports.replica),
    DEMO_DATA: '1',
    DEMO_HISTORY: '0',
    HISTORY_KEY: randomBytes(32).toString('hex'),
    DATA_DIR: join(dir, 'data'),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  });
  running = await startServer(config);
});

after(async () => {
  await running?.app.close();
  if (!dir) return;
  for (const name of ['replica', 'primary']) {
    if (existsSync(join(dir, name, 'postmaster.pid'))) pgTool('pg_ctl', ['-D', join(dir, name), '-m', 'immediate', '-w', 'stop']);
  }
  rmSync(dir, { recursive: true, force: true });
});

/** A statement on the replica itself (replay control). */
async function onReplica(sql: string) {
  const client = new pg.Client({ connectionString: url(ports.replica) });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`waited 10 s for ${what}`);
}

test('lookups and the operations centre read from the replica, and whoever just wrote reads their write', { skip }, async () => {
  const app = running!.app;
  const login = async (username: string) => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'Congso@2026' } });
    assert.equal(res.statusCode, 200, res.body);
    // The session only: signing in is a write too, and its read-your-writes cookie is what the test sets by hand.
    return res.cookies
      .filter((c) => c.name !== WROTE_COOKIE)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  };
  const counter = await login('caikhe.motcua');
  const ioc = await login('ioc');
  const as =
    (cookie: string) =>
    (url: string, method: 'GET' | 'POST' = 'GET', payload?: object) =>
      app.inject({ method, url, payload, headers: { cookie } });
  const agencyId = ((await as(counter)('/api/v1/agencies')).json().items as { id: string; code: string }[]).find((a) => a.code === 'H13.102')!.id;
  const procedure = (await as(counter)('/api/v1/procedures/1.001193')).json() as { id: string };
  /** A birth registration taken at the counter (received at once). */
  const submit = async (cookie: string) => {
    const res = await as(cookie)('/api/v1/dossiers', 'POST', {
      procedureId: procedure.id,
      agencyId,
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
    });
    assert.equal(res.statusCode, 201, res.body);
    return res;
  };
  const lookup =
    (code: string, cookie = '') =>
    () =>
      app.inject({ url: `/api/v1/lookup/${code}`, headers: cookie ? { cookie } : {} });
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  const received = async () => ((await as(ioc)(`/api/v1/stats/summary?from=${today}&to=${today}`)).json() as { received: { total: number } }).received.total;

  // Anyone's lookup is served once the replica has replayed the submission.
  const first = await submit(counter);
  await until('the replica to replay the first submission', lookup(first.json().code), (r) => r.statusCode === 200);
  // The write told this client to read from the primary for a while.
  const wrote = first.cookies.find((c) => c.name === WROTE_COOKIE);
  assert.ok(wrote, 'a successful write sets the read-your-writes cookie');
  const writer = `${counter}; ${WROTE_COOKIE}=${wrote.value}`;

  // Replay paused: the replica keeps what it has. The counter takes a second dossier.
  await onReplica('SELECT pg_wal_replay_pause()');
  const receivedBefore = await received();
  const second = (await submit(writer)).json().code as string;
  assert.equal((await lookup(second, writer)()).statusCode, 200, 'read-your-writes: the officer who just wrote finds the dossier (primary)');
  assert.equal((await lookup(second)()).statusCode, 404, 'a lookup without a recent write is answered by the replica, which lacks it');
  assert.equal(await received(), receivedBefore, "the operations centre's figures come from the replica");

  // Replay resumed: everyone sees the second dossier.
  await onReplica('SELECT pg_wal_replay_resume()');
  await until('the replica to serve the second dossier', lookup(second), (r) => r.statusCode === 200);
  await until("the operations centre's figures to count it", received, (n) => n === receivedBefore + 1);
});
