// npm run import:units -- <file.json|file.csv>
// Imports administrative units into the configured database and prints what was added, changed, rejected.
import { readFileSync } from 'node:fs';
import { loadConfigOrExit } from '../config.ts';
import { openDatabase } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { importUnits, rawUnitsFromText } from './service.ts';

const file = process.argv[2];
if (!file) {
  console.error('Cách dùng: npm run import:units -- <tệp .json hoặc .csv>');
  process.exit(2);
}
const config = loadConfigOrExit();
const db = await openDatabase(config.database);
try {
  await migrate(db);
  const report = await importUnits(db, rawUnitsFromText(readFileSync(file, 'utf8')));
  console.log(`Thêm mới: ${report.added.length}; thay đổi: ${report.changed.length}; không đổi: ${report.unchanged}; bị từ chối: ${report.rejected.length}`);
  for (const r of report.rejected) console.log(`  dòng ${r.line}${r.code ? ` (mã ${r.code})` : ''}: ${r.reason}`);
  process.exitCode = report.rejected.length ? 1 : 0;
} finally {
  await db.close();
}
