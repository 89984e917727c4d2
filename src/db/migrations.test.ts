// The rules every new migration follows, checked on the files (migrate.ts says why):
// - an index on a table that grows with the province's traffic is built CONCURRENTLY, in a no-transaction migration,
//   so submissions and events go on while it builds (a plain CREATE INDEX blocks every write to the table until done);
// - CONCURRENTLY appears only in no-transaction migrations (PostgreSQL refuses it in a transaction block), whose
//   statements migrate.ts can split and run again after a failure;
// - every migration runs under a lock_timeout: migrate.ts sets it, shown below against a held lock.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { dbKinds, freshDatabase } from '../testing/harness.ts';
import { LOCK_TIMEOUT, listMigrations, migrate, migrationOf, statementsOf, type Migration } from './migrate.ts';

/**
 * Migrations up to this number were written before the rules and are applied on deployed databases (forward-only:
 * never edited); several index large tables inside their transaction (e.g. 0038 uploads_created, 0039 sessions_expires).
 */
const GRANDFATHERED_UP_TO = 44;

/**
 * Tables whose size is bounded by the province's configuration, not by its traffic (units, agencies, staff, the
 * catalogue, calendars, numbering series, settings, job and anchor bookkeeping): a plain index build on them takes
 * moments. Every other table (dossiers and their events, files, uploads, messages, payments, documents, ratings,
 * results, counters per day × agency × procedure, citizens and their sessions, sign-in records, keys, checkpoints)
 * grows with use, and so does any table not listed here, new ones included.
 */
const SMALL_TABLES = new Set([
  'admin_units',
  'agencies',
  'users',
  'procedures',
  'procedure_versions',
  'calendar_settings',
  'calendar_adjustments',
  'catalog_revision',
  'dossier_settings',
  'test_credentials',
  'document_sequences',
  'stats_revision',
  'payment_receipt_sequences',
  'form_sequences',
  'receipt_forms',
  'scheduled_jobs',
  'search_synonyms',
  'history_anchors',
  'sandbox_vnpay_transactions',
  'schema_migrations',
]);

const CREATE_INDEX = /\bCREATE\s+(?:UNIQUE\s+)?INDEX\s+(CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?:("?[\w.]+"?)\s+)?ON\s+(?:ONLY\s+)?("?[\w.]+"?)/gi;
const CREATE_TABLE = /\bCREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?("?[\w.]+"?)/gi;
const unquote = (name: string) =>
  name
    .replace(/"/g, '')
    .replace(/^public\./, '')
    .toLowerCase();

/** What is wrong with a migration under the rules above (empty: nothing). */
function migrationProblems(m: Migration): string[] {
  const problems: string[] = [];
  const sql = m.sql.replace(/--.*$/gm, '');
  const created = new Set([...sql.matchAll(CREATE_TABLE)].map((x) => unquote(x[1])));
  if (/\bCONCURRENTLY\b/i.test(sql) && m.transactional) {
    problems.push(`${m.name}: CONCURRENTLY needs the first line "-- migrate: no-transaction"`);
  }
  if (m.version > GRANDFATHERED_UP_TO) {
    for (const [, concurrently, name, table] of sql.matchAll(CREATE_INDEX)) {
      const t = unquote(table);
      // A table created in the same migration is empty: a plain build is instant.
      if (SMALL_TABLES.has(t) || created.has(t) || concurrently) continue;
      problems.push(`${m.name}: index ${name ?? ''} on ${t}, a large table, must be built CONCURRENTLY in a no-transaction migration`);
    }
  }
  if (!m.transactional) {
    if (/\$\w*\$/.test(sql)) problems.push(`${m.name}: a no-transaction migration cannot hold dollar-quoted bodies (its statements are split at ";")`);
    if (/^\s*(BEGIN|COMMIT|START\s+TRANSACTION|SET\s+LOCAL)\b/im.test(sql))
      problems.push(`${m.name}: a no-transaction migration has no transaction to begin, commit or set LOCAL in`);
    const statements = statementsOf(m.sql);
    for (const [i, s] of statements.entries()) {
      const build = /^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?!IF\s+NOT\s+EXISTS)("?[\w.]+"?)/i.exec(s);
      if (!build) continue;
      const dropped = statements.slice(0, i).some((d) => new RegExp(`^DROP\\s+INDEX\\s+CONCURRENTLY\\s+IF\\s+EXISTS\\s+${build[1]}$`, 'i').test(d));
      if (!dropped) problems.push(`${m.name}: put "DROP INDEX CONCURRENTLY IF EXISTS ${build[1]};" before building it, so a failed build can be run again`);
    }
  }
  return problems;
}

test('every migration after the grandfathered ones follows the rules', () => {
  assert.deepEqual(listMigrations().flatMap(migrationProblems), []);
});

test('the check catches a plain index on a large table, CONCURRENTLY in a transaction, and a build that cannot be rerun', () => {
  const v = GRANDFATHERED_UP_TO + 1;
  const bad = (sql: string) => migrationProblems(migrationOf(`${v}_bad.sql`.padStart(12, '0'), sql));
  assert.match(bad('CREATE INDEX dossiers_x ON dossiers (x);').join(), /index dossiers_x on dossiers, a large table/);
  assert.match(bad('CREATE INDEX IF NOT EXISTS uploads_y ON public.uploads (y);').join(), /uploads, a large table/);
  assert.match(bad('CREATE TABLE new_things (id int);\nCREATE INDEX ON dossier_events (at);').join(), /on dossier_events, a large table/);
  assert.match(bad('CREATE INDEX CONCURRENTLY dossiers_x ON dossiers (x);').join(), /CONCURRENTLY needs the first line/);
  assert.match(bad('-- migrate: no-transaction\nCREATE INDEX CONCURRENTLY dossiers_x ON dossiers (x);').join(), /DROP INDEX CONCURRENTLY IF EXISTS dossiers_x/);
  assert.match(bad('-- migrate: no-transaction\nDO $$ BEGIN PERFORM 1; END $$;').join(), /dollar-quoted/);
  assert.match(bad("-- migrate: no-transaction\nSET LOCAL lock_timeout = '5s';").join(), /no transaction to begin/);
  // What the rules allow.
  assert.deepEqual(bad('CREATE TABLE things (id int);\nCREATE INDEX things_id ON things (id);\nCREATE INDEX agencies_x ON agencies (x);'), []);
  assert.deepEqual(bad('-- migrate: no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS dossiers_x;\nCREATE INDEX CONCURRENTLY dossiers_x ON dossiers (x);'), []);
  assert.deepEqual(bad('-- migrate: no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS dossiers_x ON dossiers (x);'), []);
  // The grandfathered ones are not held to them.
  assert.deepEqual(migrationProblems(migrationOf('0038_old.sql', 'CREATE INDEX uploads_created ON uploads (created_at);')), []);
});

/** A migrations directory of its own: a table with rows, then a concurrent index build on it. */
function tempMigrations(files: Record<string, string>): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'congso-migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

for (const kind of dbKinds()) {
  test(`a no-transaction migration builds an index concurrently, once, and leaves no lock_timeout behind [${kind}]`, async () => {
    const { db, drop } = await freshDatabase(kind);
    const { dir, remove } = tempMigrations({
      '0001_big.sql':
        "SET lock_timeout = '7s';\nCREATE TABLE big (id int PRIMARY KEY, at timestamptz NOT NULL);\nINSERT INTO big SELECT g, now() FROM generate_series(1, 1000) g;\n",
    });
    const noLockTimeoutLeft = async (what: string) => assert.equal((await db.query('SHOW lock_timeout'))[0].lock_timeout, '0', what);
    const concurrentBuild = [
      '-- migrate: no-transaction',
      '-- Built while writes go on.',
      'DROP INDEX CONCURRENTLY IF EXISTS big_at;',
      'CREATE INDEX CONCURRENTLY big_at',
      '  ON big (at);',
      '',
    ].join('\n');
    try {
      assert.deepEqual(await migrate(db, { dir }), [1]);
      await noLockTimeoutLeft("the file's own SET does not outlive its transaction on the connection");
      writeFileSync(join(dir, '0002_big_at.sql'), concurrentBuild);
      assert.deepEqual(
        listMigrations(dir).map((m) => m.transactional),
        [true, false],
      );
      assert.deepEqual(await migrate(db, { dir }), [2]);
      const [index] = await db.query(`SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'big_at'`);
      assert.equal(index?.valid, true, 'the index exists and is valid');
      assert.deepEqual(await migrate(db, { dir }), [], 'a second start applies nothing');
      await noLockTimeoutLeft('nor does the one migrate.ts sets outside a transaction');
    } finally {
      remove();
      await drop();
    }
  });
}

if (process.env.DATABASE_URL) {
  test('a migration waiting for a lock held by traffic gives up after the lock_timeout, in a transaction or not [postgres]', async () => {
    const { db, url, drop } = await freshDatabase('postgres');
    const { dir, remove } = tempMigrations({ '0001_t.sql': 'CREATE TABLE t (id int);\nCREATE TABLE u (id int);\n' });
    const traffic = new pg.Client({ connectionString: url });
    // A long request reads the table, so ALTER TABLE must wait for its lock: the migration gives up, the next start retries.
    const givesUpWhileHeld = async (table: string) => {
      await traffic.query('BEGIN');
      await traffic.query(`SELECT * FROM ${table}`);
      const started = Date.now();
      await assert.rejects(migrate(db, { dir }), (err: { code?: string }) => err.code === '55P03', 'lock_not_available');
      const waited = Date.now() - started;
      assert.ok(waited >= Number.parseInt(LOCK_TIMEOUT, 10) * 1000 - 200 && waited < 15_000, `waited ${waited} ms`);
      await traffic.query('ROLLBACK');
    };
    try {
      await migrate(db, { dir });
      await traffic.connect();
      writeFileSync(join(dir, '0002_t_x.sql'), 'ALTER TABLE t ADD COLUMN x int;\n');
      await givesUpWhileHeld('t');
      writeFileSync(join(dir, '0003_u_y.sql'), '-- migrate: no-transaction\nALTER TABLE u ADD COLUMN y int;\n');
      await givesUpWhileHeld('u');
      assert.deepEqual(
        (await db.query('SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version),
        [1, 2],
      );
      assert.deepEqual(await migrate(db, { dir }), [3], 'the next start applies it');
    } finally {
      await traffic.end();
      remove();
      await drop();
    }
  });
}
