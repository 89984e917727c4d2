// npm run generate:dossiers -- [--count 100000] [--from 2024-01-01] [--to 2026-11-27] [--seed 1]
// Writes realistic past dossiers for the demo province through the historical import (so the IOC's counters are kept
// as for any import) into the configured database; the demo province is created first when the database is empty.
// The same seed gives the same dossiers, and running it again skips them (codes already taken): use another seed to add more.
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../config.ts';
import { openDatabase } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { registerDossierHooks } from '../dossier-hooks.ts';
import { generateDossiers } from './generate.ts';
import { useHistoryKey } from '../dossiers/chain.ts';
import { vietnamDate } from '../shared/time.ts';

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const { values } = parseArgs({
    options: { count: { type: 'string', default: '100000' }, from: { type: 'string' }, to: { type: 'string' }, seed: { type: 'string', default: '1' } },
  });
  const today = vietnamDate(new Date());
  const opts = {
    count: Number(values.count),
    from: values.from ?? `${Number(today.slice(0, 4)) - 2}-01-01`,
    to: values.to ?? today,
    seed: Number(values.seed),
  };
  if (!Number.isInteger(opts.count) || opts.count < 1 || !/^\d{4}-\d{2}-\d{2}$/.test(opts.from) || !/^\d{4}-\d{2}-\d{2}$/.test(opts.to)) {
    console.error('Cách dùng: npm run generate:dossiers -- --count 100000 --from 2024-01-01 --to 2026-11-27 --seed 1');
    process.exit(2);
  }
  registerDossierHooks();
  const config = loadConfigOrExit();
  useHistoryKey(config.historyKey);
  const db = await openDatabase(config.database);
  try {
    await migrate(db);
    const started = Date.now();
    const report = await generateDossiers(db, opts, (done) => console.error(`… ${done} hồ sơ, ${((Date.now() - started) / 1000).toFixed(0)} giây`));
    console.error(
      `Đã nhập: ${report.imported}; bỏ qua (đã có): ${report.skipped}; bị từ chối: ${report.rejected.length}; thời gian: ${((Date.now() - started) / 1000).toFixed(1)} giây`,
    );
    if (report.rejected.length) console.error(JSON.stringify(report.rejected.slice(0, 5), null, 2));
    process.exitCode = report.rejected.length ? 1 : 0;
  } finally {
    await db.close();
  }
}
