// npm run verify:history [-- <dossier code>]
// Seals histories older than the hash chain, anchors every finished day and checkpoints today's heads, then checks the
// chain and replayed state of one dossier (by code) or of the whole database, the daily anchors and the checkpoints.
// Prints the report; exit code 1 names the first broken link.
import { loadConfigOrExit } from '../config.ts';
import { openDatabase, type Database } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { anchorHistory, checkHistory, checkpointHistory, dossierIdByCode, useHistoryKey } from '../dossiers/chain.ts';

/** What the command does, on an open database. */
export async function runHistoryCheck(db: Database, only?: string[]) {
  const anchoredNow = await anchorHistory(db);
  await checkpointHistory(db);
  return { anchoredNow, ...(await checkHistory(db, only)) };
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const code = process.argv[2];
  const config = loadConfigOrExit();
  useHistoryKey(config.historyKey);
  const db = await openDatabase(config.database);
  try {
    await migrate(db);
    const id = code ? await dossierIdByCode(db, code) : null;
    if (code && !id) {
      console.error(`Không tìm thấy hồ sơ mã ${code}.`);
      process.exitCode = 2;
    } else {
      const report = await runHistoryCheck(db, id ? [id] : undefined);
      console.log(JSON.stringify(report, null, 2));
      console.error(
        report.firstBreak
          ? `LỊCH SỬ BỊ THAY ĐỔI. Mắt xích đứt đầu tiên: ${report.firstBreak.message}`
          : `Lịch sử nguyên vẹn: ${report.chains.dossiers} hồ sơ, ${report.chains.events} sự kiện, ${report.anchors.days} mốc ngày, ${report.anchors.checkpoints} mốc kiểm tra.`,
      );
      process.exitCode = report.firstBreak ? 1 : 0;
    }
  } finally {
    await db.close();
  }
}
