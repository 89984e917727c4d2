// npm run backup -- <file>
// A consistent backup of the configured database (DATABASE_URL: pg_dump while the platform runs; PGlite in DATA_DIR:
// a copy of the data directory, with the server stopped — while it runs, GET /api/v1/admin/backup).
import { loadConfigOrExit } from '../config.ts';
import { backup } from './backup.ts';

const file = process.argv[2];
if (!file) {
  console.error('Cách dùng: npm run backup -- <tệp sao lưu>');
  process.exit(2);
}
try {
  const format = await backup(loadConfigOrExit().database, file);
  console.error(`Đã sao lưu (${format === 'postgres' ? 'pg_dump, định dạng custom' : 'thư mục dữ liệu PGlite, tar.gz'}) vào ${file}.`);
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
}
