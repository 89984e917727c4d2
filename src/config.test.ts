// One config: config.ts is the only reader of the environment in src/, every variable it declares is in the README's
// configuration table (and nothing else is), and bad values stop the start with a message naming the variable.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { loadConfig, readVariables, VARIABLES, type Variable } from './config.ts';

const srcDir = fileURLToPath(new URL('.', import.meta.url));
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const table = VARIABLES as Record<string, Variable<unknown>>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** The README's configuration table: variable name → [default cell, meaning cell]. */
function readmeVariables(): Map<string, { defaults: string; row: string }> {
  const section = readme.split(/^## Configuration$/m)[1]?.split(/^## /m)[0];
  assert.ok(section, 'README.md has a "## Configuration" section');
  const rows = new Map<string, { defaults: string; row: string }>();
  for (const line of section.split('\n').filter((l) => /^\| `/.test(l))) {
    const [names, defaults] = line
      .split('|')
      .slice(1)
      .map((c) => c.trim());
    for (const m of names.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) rows.set(m[1], { defaults, row: line });
  }
  return rows;
}

test('no module under src/ but config.ts reads process.env (tests may)', () => {
  const readers = sourceFiles(srcDir)
    .filter((f) => !f.endsWith('.test.ts') && relative(srcDir, f) !== 'config.ts')
    .filter((f) => /\bprocess\s*\.\s*env\b|\bprocess\s*\[\s*['"]env['"]\s*\]/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(srcDir, f));
  assert.deepEqual(readers, [], 'these files read the environment: take the setting from Config (src/config.ts) instead');
});

test('the README documents exactly the variables config.ts declares, with their defaults and production requirements', () => {
  const documented = readmeVariables();
  const declared = Object.keys(table);
  assert.deepEqual(
    declared.filter((n) => !documented.has(n)),
    [],
    "declared in src/config.ts but missing from the README's table",
  );
  assert.deepEqual(
    [...documented.keys()].filter((n) => !(n in table)),
    [],
    "in the README's table but unknown to src/config.ts",
  );
  for (const [name, spec] of Object.entries(table)) {
    const { defaults, row } = documented.get(name)!;
    const shown = typeof spec.default === 'boolean' ? (spec.default ? '1' : '0') : spec.default;
    if (typeof shown === 'string' || typeof shown === 'number')
      assert.ok(defaults.includes(`\`${shown}\``), `${name}: the README's default should show \`${shown}\``);
    if (spec.requiredInProduction) assert.match(row, /NODE_ENV=production/, `${name}: the README should say production requires it`);
  }
});

test('values are parsed to their types and defaults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'congso-config-'));
  const c = loadConfig({
    DATA_DIR: dir,
    PORT: ' 8080 ',
    COOKIE_SECURE: '0',
    DEMO_DATA: '',
    DB_POOL_SIZE: '4',
    DATABASE_URL: 'postgres://u@db:5432/congso',
    UPLOAD_EXPIRY_HOURS: '24',
    RATE_LIMIT_LOOKUP: '7',
    NOTIFY_LEASE_MS: '60000',
    LOG_LEVEL: 'warn',
  });
  assert.equal(c.port, 8080);
  assert.equal(c.publicUrl, 'http://localhost:8080');
  assert.equal(c.cookieSecure, false);
  assert.equal(c.demoData, true, 'empty counts as unset: demo data outside production');
  assert.deepEqual(c.database, { url: 'postgres://u@db:5432/congso', poolSize: 4 });
  assert.equal(c.uploads.expiryHours, 24);
  assert.equal(c.uploads.dailyFiles, 100);
  assert.equal(c.security.rateLimits.lookup, 7);
  assert.deepEqual(c.notifications, { intervalMs: 5000, leaseMs: 60000 });
  assert.equal(c.logLevel, 'warn');
  assert.equal(c.signing, undefined);
  assert.equal(c.historyKey.length, 32, 'a development key is made in DATA_DIR');
  assert.deepEqual(loadConfig({ DATA_DIR: dir }).historyKey, c.historyKey, 'and kept there');
  assert.deepEqual(loadConfig({ DATA_DIR: dir }).database, { dataDir: join(dir, 'pglite') });
});

test('a bad value stops the start with a message naming the variable, and all problems are listed together', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: '70000' }, /PORT="70000": phải trong khoảng 0–65535/],
    [{ PORT: '80a' }, /PORT="80a": phải là số nguyên/],
    [{ DB_POOL_SIZE: '0' }, /DB_POOL_SIZE="0"/],
    [{ COOKIE_SECURE: 'có' }, /COOKIE_SECURE="có": phải là 1 hoặc 0/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL="verbose": phải là một trong/],
    [{ DATABASE_URL: 'mysql://u:p@h/db' }, /DATABASE_URL: phải bắt đầu bằng postgres:\/\//],
    [{ PUBLIC_URL: 'dichvucong.cantho.gov.vn' }, /PUBLIC_URL=.*URL/],
    [{ UPLOAD_DAILY_BYTES: '1.5' }, /UPLOAD_DAILY_BYTES/],
    [{ NOTIFY_INTERVAL_MS: '10' }, /NOTIFY_INTERVAL_MS="10": phải trong khoảng/],
    [{ HISTORY_KEY: 'ngan' }, /HISTORY_KEY: cần ít nhất 32 ký tự/],
    [{ SIGNING_P12_DIR: '/khong/co/thu-muc' }, /SIGNING_P12_DIR=.*không tồn tại/],
    [{ SIGNING_P12_DIR: tmpdir() }, /SIGNING_TRUSTED_CA: cần đặt khi có SIGNING_P12_DIR/],
  ];
  for (const [env, message] of cases) assert.throws(() => readVariables(env), message, JSON.stringify(env));
  // A secret's value never appears in the message.
  assert.throws(
    () => readVariables({ HISTORY_KEY: 'bi-mat-ngan' }),
    (err: Error) => !err.message.includes('bi-mat-ngan'),
  );
  assert.throws(
    () => readVariables({ PORT: 'x', MAIL_FROM: 'a', DEMO_HISTORY: '-1' }),
    (err: Error) => /PORT="x"/.test(err.message) && /DEMO_HISTORY="-1"/.test(err.message),
  );
});

test('production refuses to start without what it needs, and starts with it', () => {
  const missing = (env: Record<string, string>) => {
    try {
      readVariables({ NODE_ENV: 'production', ...env });
      return [];
    } catch (err) {
      return [...(err as Error).message.matchAll(/^ {2}- ([A-Z_0-9]+)[ :]/gm)].map((m) => m[1]);
    }
  };
  assert.deepEqual(missing({}).sort(), ['HISTORY_KEY', 'OIDC_ISSUER', 'PUBLIC_URL', 'SIGNING_P12_DIR', 'SIGNING_TRUSTED_CA']);
  assert.deepEqual(readVariables({}).HISTORY_KEY, undefined, 'outside production nothing is required');
  const dir = mkdtempSync(join(tmpdir(), 'congso-config-'));
  writeFileSync(join(dir, 'ca.pem'), '');
  writeFileSync(join(dir, 'history.key'), `${'k'.repeat(40)}\n`);
  const env = {
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://dichvucong.cantho.gov.vn',
    OIDC_ISSUER: 'https://sso.vneid.gov.vn',
    OIDC_CLIENT_ID: 'congso',
    SIGNING_P12_DIR: dir,
    SIGNING_TRUSTED_CA: join(dir, 'ca.pem'),
    HISTORY_KEY_FILE: join(dir, 'history.key'),
  };
  assert.deepEqual(missing(env), []);
  const c = loadConfig(env);
  assert.equal(c.production, true);
  assert.equal(c.demoData, false);
  assert.deepEqual([c.payments.sandbox, c.payments.vnpay, c.payments.account], [false, null, null], 'no development payment defaults');
  assert.deepEqual(c.signing, { p12Dir: dir, passphrase: '', trustedCa: join(dir, 'ca.pem') });
});
