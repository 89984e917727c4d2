// Backups a province can run. Everything the platform keeps is in the database — uploaded files, scans, the data
// store and signed results are stored byte for byte in it — so a backup is one consistent copy of the database:
//  - PostgreSQL server: pg_dump's custom format, taken in one snapshot while the platform runs;
//  - PGlite: the data directory as a gzipped tar, taken by the process that holds it between two statements (every
//    committed transaction, none half-written), by `npm run backup` when the server is stopped or by the running
//    server at GET /api/v1/admin/backup.
// What lives outside the database is configuration and secrets (HISTORY_KEY, SIGNING_P12_DIR): kept apart on purpose.
import { spawn } from 'node:child_process';
import { existsSync, openSync, readdirSync, readSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Database, type DatabaseOptions } from '../db/index.ts';

export type BackupFormat = 'pglite' | 'postgres';

/** Runs a PostgreSQL client tool; its error output becomes the error. */
function run(tool: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${tool} thất bại (mã ${code}): ${err.trim()}`))));
  });
}

/** A PGlite database's backup, as bytes (the running server answers it; the CLI writes it to a file). */
export async function pgliteBackup(db: Database): Promise<Buffer> {
  if (!db.dumpDataDir) throw new Error('Chỉ cơ sở dữ liệu nhúng (PGlite) sao lưu theo cách này; với máy chủ PostgreSQL dùng npm run backup (pg_dump).');
  return Buffer.from(await (await db.dumpDataDir()).arrayBuffer());
}

/** Writes a consistent backup of the configured database to `file`. */
export async function backup(options: DatabaseOptions, file: string): Promise<BackupFormat> {
  if (options.url) {
    await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`, `--dbname=${options.url}`]);
    return 'postgres';
  }
  if (!options.dataDir || !existsSync(join(options.dataDir, 'PG_VERSION')))
    throw new Error(`Không có cơ sở dữ liệu tại ${options.dataDir}: kiểm tra DATA_DIR.`);
  // PGlite is one process: a data directory a running server holds must be copied by that server.
  if (existsSync(join(options.dataDir, 'postmaster.pid'))) {
    throw new Error(`Máy chủ congso đang giữ ${options.dataDir}: sao lưu qua GET /api/v1/admin/backup (quản trị hệ thống), hoặc dừng máy chủ rồi chạy lại.`);
  }
  const db = await openDatabase(options);
  try {
    writeFileSync(file, await pgliteBackup(db));
  } finally {
    await db.close();
  }
  return 'pglite';
}

/** Which kind of database a backup file holds, from its first bytes. */
export function backupFormat(file: string): BackupFormat {
  const head = Buffer.alloc(5);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 5, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') === 'PGDMP') return 'postgres';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
  throw new Error(`${file} không phải bản sao lưu của congso.`);
}

/**
 * Restores a backup into an empty target of the same kind (a new PostgreSQL database, or a PGlite data directory that
 * does not exist yet) and returns it open. A target that already holds data is refused: a restore never merges.
 */
export async function restore(file: string, target: DatabaseOptions): Promise<Database> {
  const format = backupFormat(file);
  if (format === 'postgres') {
    if (!target.url) throw new Error('Bản sao lưu này là của máy chủ PostgreSQL: đặt DATABASE_URL tới một cơ sở dữ liệu mới, trống.');
    const db = await openDatabase(target);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
    if (n) {
      await db.close();
      throw new Error('Cơ sở dữ liệu đích đã có dữ liệu: hãy phục hồi vào một cơ sở dữ liệu mới, trống.');
    }
    try {
      await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${target.url}`, file]);
    } catch (err) {
      await db.close();
      throw err;
    }
    return db;
  }
  if (target.url) throw new Error('Bản sao lưu này là của PGlite: bỏ DATABASE_URL và đặt DATA_DIR tới một thư mục mới.');
  if (target.dataDir && existsSync(target.dataDir) && readdirSync(target.dataDir).length) {
    throw new Error(`Thư mục ${target.dataDir} đã có dữ liệu: hãy phục hồi vào một DATA_DIR mới.`);
  }
  return openDatabase({ ...target, loadDataDir: new Blob([readFileSync(file)]) });
}
