import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dbKinds, freshDatabase } from '../testing/harness.ts';
import { listMigrations, migrate, migrationVersion } from './migrate.ts';
import { openDatabase } from './index.ts';

for (const kind of dbKinds()) {
  test(`migrations apply once each, in order [${kind}]`, async () => {
    const { db, drop } = await freshDatabase(kind);
    try {
      const all = listMigrations().map((m) => m.version);
      assert.deepEqual(
        all,
        [...all].sort((a, b) => a - b),
      );
      assert.deepEqual(await migrate(db), all);
      assert.equal(await migrationVersion(db), all.at(-1));
      assert.deepEqual(await migrate(db), [], 'a second start applies nothing');
      const [{ n }] = await db.query('SELECT count(*)::int AS n FROM admin_units WHERE level = $1', ['province']);
      assert.equal(n, 34, 'the 34 provincial units ship with the platform');
      const [ext] = await db.query(`SELECT similarity('dang ky khai sinh', 'dang ky khai sinh') AS s`);
      assert.equal(Number(ext.s), 1, 'pg_trgm is available');
    } finally {
      await drop();
    }
  });
}

if (process.env.DATABASE_URL) {
  test('concurrent starts against one PostgreSQL server migrate once [postgres]', async () => {
    const { db, url, drop } = await freshDatabase('postgres');
    const other = await openDatabase({ url });
    try {
      const [x, y] = await Promise.all([migrate(db), migrate(other)]);
      assert.deepEqual(
        [...x, ...y].sort((a, b) => a - b),
        listMigrations().map((m) => m.version),
      );
      const [{ n }] = await db.query('SELECT count(*)::int AS n FROM schema_migrations');
      assert.equal(n, listMigrations().length);
    } finally {
      await other.close();
      await drop();
    }
  });
}
