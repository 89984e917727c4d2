// npm run import:dossiers -- <file.ndjson>
// Imports historical dossiers (one JSON object per line) into the configured database, reading the file line by
// line, and prints { imported, skipped, rejected: [{ line, code, reason }] }. Exit code 1 when a line was rejected.
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadConfigOrExit } from '../config.ts';
import { openDatabase } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { registerDossierHooks } from '../dossier-hooks.ts';
import { importDossiers } from './import.ts';
import { useHistoryKey } from './chain.ts';

const file = process.argv[2];
if (!file || !existsSync(file)) {
  console.error(file ? `Không tìm thấy tệp: ${file}` : 'Cách dùng: npm run import:dossiers -- <tệp .ndjson>');
  process.exit(2);
}
const config = loadConfigOrExit();
// The IOC's counters follow the import as they follow the HTTP import.
registerDossierHooks();
useHistoryKey(config.historyKey);
const db = await openDatabase(config.database);
try {
  await migrate(db);
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  const started = Date.now();
  const report = await importDossiers(db, lines);
  console.log(JSON.stringify(report, null, 2));
  console.error(
    `Đã nhập: ${report.imported}; bỏ qua (đã có): ${report.skipped}; bị từ chối: ${report.rejected.length}; thời gian: ${((Date.now() - started) / 1000).toFixed(1)} giây`,
  );
  process.exitCode = report.rejected.length ? 1 : 0;
} finally {
  await db.close();
}
