// The platform keeps what was added while it ran across a restart, on either database.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../config.ts';
import { startServer } from '../server.ts';
import { dbKinds, freshDatabase } from '../testing/harness.ts';
import { DEMO_PASSWORD } from './seed.ts';

for (const kind of dbKinds()) {
  test(`a restart keeps data added meanwhile, and the demo (with its past dossiers) is loaded once [${kind}]`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'congso-restart-'));
    const server = kind === 'postgres' ? await freshDatabase('postgres') : null;
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO_HISTORY: '200', ...(server ? { DATABASE_URL: server.url } : {}) });
    try {
      const first = await startServer(config);
      assert.ok(first.demoLogins.some((l) => l.username === 'admin'));
      const login = await fetch(`${first.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }),
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0];
      const agencies = (await (await fetch(`${first.url}/api/v1/agencies`)).json()) as { items: { id: string; code: string }[] };
      const created = await fetch(`${first.url}/api/v1/admin/agencies`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({
          code: 'H13.30',
          name: 'Sở Khoa học và Công nghệ',
          kind: 'department',
          parentId: agencies.items.find((a) => a.code === 'H13')!.id,
        }),
      });
      assert.equal(created.status, 201);
      const health = await (await fetch(`${first.url}/health`)).json();
      assert.equal(health.database, kind);
      const metrics = await (await fetch(`${first.url}/metrics`)).text();
      assert.match(metrics, /congso_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/admin\/agencies",status="201"\} 1/);
      // The demo's past dossiers reach the operations centre's figures.
      const dossierCount = async (db: typeof first.db) => (await db.query('SELECT count(*)::int AS n FROM dossiers'))[0].n;
      assert.equal(await dossierCount(first.db), 200);
      const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
      const year = await fetch(`${first.url}/api/v1/stats/summary?from=${Number(today.slice(0, 4)) - 1}-01-01&to=${today}`, { headers: { cookie } });
      assert.equal(year.status, 200);
      assert.ok((await year.json()).received.total > 100);
      await first.app.close();

      const second = await startServer(config);
      const after = (await (await fetch(`${second.url}/api/v1/agencies`)).json()) as { items: { code: string }[] };
      assert.equal(after.items.length, agencies.items.length + 1);
      assert.ok(after.items.some((a) => a.code === 'H13.30'));
      const [{ n }] = await second.db.query(`SELECT count(*)::int AS n FROM users WHERE username = 'admin'`);
      assert.equal(n, 1);
      assert.equal(await dossierCount(second.db), 200, 'no second demo history');
      const again = await fetch(`${second.url}/api/v1/auth/me`, { headers: { cookie } });
      assert.equal(again.status, 200, 'sessions survive a restart');
      await second.app.close();
    } finally {
      if (server) await server.drop();
    }
  });
}
