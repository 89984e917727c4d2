// npm run verify:history [-- <dossier code>]
// Seals histories older than the hash chain, anchors every finished day, then checks the chain of one dossier (by
// code) or of the whole database and the daily anchors. Prints the report; exit code 1 names the first broken link.
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { anchorHistory, verifyAnchors, verifyChains } from '../dossiers/chain.ts';

const code = process.argv[2];
const db = await openDatabase(loadConfig().database);
try {
  await migrate(db);
  const only = code ? (await db.query('SELECT id FROM dossiers WHERE code = $1', [code])).map((r) => r.id as string) : undefined;
  if (code && !only!.length) {
    console.error(`Không tìm thấy hồ sơ mã ${code}.`);
    process.exitCode = 2;
  } else {
    const anchored = await anchorHistory(db);
    const chains = await verifyChains(db, only);
    const anchors = await verifyAnchors(db);
    console.log(JSON.stringify({ ok: chains.ok && anchors.ok, anchoredNow: anchored, chains, anchors }, null, 2));
    const first = chains.breaks[0]?.message ?? anchors.firstBroken?.message;
    console.error(first
      ? `LỊCH SỬ BỊ THAY ĐỔI. Mắt xích đứt đầu tiên: ${first}`
      : `Lịch sử nguyên vẹn: ${chains.dossiers} hồ sơ, ${chains.events} sự kiện, ${anchors.days} mốc ngày.`);
    process.exitCode = first ? 1 : 0;
  }
} finally {
  await db.close();
}
