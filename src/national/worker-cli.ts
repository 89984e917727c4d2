// npm run worker:national
// Delivers the national portal's outbox from a process of its own (the server delivers it too; several may run side by
// side on a PostgreSQL server, as each claims rows with FOR UPDATE SKIP LOCKED). A process killed mid-delivery leaves
// its message pending, sent again with the same message id once DVCQG_LEASE_MS has passed. Stops on SIGINT/SIGTERM.
import pino from 'pino';
import { loadConfigOrExit } from '../config.ts';
import { openDatabase } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { httpPortal } from './portal.ts';
import { deliverAllNationalSync } from './service.ts';

const POLL_MS = 500;
const config = loadConfigOrExit();
const logger = pino({ level: config.logLevel });
if (!config.national) {
  logger.error('DVCQG_URL is not set: nothing to deliver to');
  process.exit(78);
}
const portal = httpPortal(config.national);
const db = await openDatabase(config.database);
await migrate(db);
logger.info({ database: db.kind }, 'national portal sync worker started');
let stopped = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopped = true;
  });
}
while (!stopped) {
  try {
    await deliverAllNationalSync(db, portal, { logger, leaseMs: config.nationalLeaseMs });
  } catch (err) {
    logger.warn({ err: String((err as Error)?.message ?? err) }, 'national portal sync run failed');
  }
  await new Promise((r) => setTimeout(r, POLL_MS));
}
await db.close();
process.exit(0);
