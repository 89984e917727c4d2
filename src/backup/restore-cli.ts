// npm run restore -- <file>
// Restores a backup made by `npm run backup` (or GET /api/v1/admin/backup) into the configured database, which must be
// new and empty: a PostgreSQL database for a pg_dump backup, a DATA_DIR without data for a PGlite one.
import { loadConfigOrExit } from '../config.ts';
import { restore } from './backup.ts';

const file = process.argv[2];
if (!file) {
  console.error('Cách dùng: npm run restore -- <tệp sao lưu>');
  process.exit(2);
}
try {
  const db = await restore(file, loadConfigOrExit().database);
  const [{ n }] = await db.query('SELECT count(*)::int AS n FROM dossiers');
  await db.close();
  console.error(`Đã phục hồi ${n} hồ sơ từ ${file}. Kiểm tra lịch sử hồ sơ: npm run verify:history`);
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
}
