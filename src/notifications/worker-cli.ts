// npm run worker:notifications
// Delivers the notification outbox from a process of its own (the server runs one worker too; several may run
// side by side on a PostgreSQL server, as each claims rows with FOR UPDATE SKIP LOCKED). Stops on SIGINT/SIGTERM
// after the message in flight. Config NOTIFY_INTERVAL_MS and NOTIFY_LEASE_MS tune polling and the lease.
import pino from 'pino';
import { loadConfigOrExit } from '../config.ts';
import { openDatabase } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { defaultTransports, startNotificationWorker } from './service.ts';

const config = loadConfigOrExit();
const logger = pino({ level: config.logLevel });
const db = await openDatabase(config.database);
await migrate(db);
const worker = startNotificationWorker(db, {
  transports: defaultTransports({ smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, logger }),
  intervalMs: config.notifications.intervalMs,
  leaseMs: config.notifications.leaseMs,
  logger,
});
logger.info({ database: db.kind, smtp: Boolean(config.smtpUrl) }, 'notification worker started');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(
    signal,
    () =>
      void worker
        .stop()
        .then(() => db.close())
        .then(() => process.exit(0)),
  );
}
