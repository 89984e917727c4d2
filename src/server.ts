// Opens the database, applies migrations, optionally loads the demo province, and starts listening.
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/index.ts';
import { migrate } from './db/migrate.ts';
import { demoLogins as listDemoLogins, seedDemo, type DemoLogin } from './demo/seed.ts';
import { registerDossierHooks } from './dossier-hooks.ts';
import { useHistoryKey } from './dossiers/chain.ts';
import { generateDossiers } from './stats/generate.ts';
import { defaultTransports, startNotificationWorker, useNotificationLinks } from './notifications/service.ts';
import { platformJobs, startJobs } from './jobs/index.ts';
import { httpGateway } from './exchange/gateway.ts';
import { httpPortal } from './national/portal.ts';
import { addDays, vietnamDate } from './shared/time.ts';

export interface Running {
  app: FastifyInstance;
  db: Database;
  url: string;
  demoLogins: DemoLogin[];
}

export async function startServer(config: Config, opts: { logger?: boolean } = {}): Promise<Running> {
  // Before the demo history is generated: its events are sealed with the key.
  useHistoryKey(config.historyKey);
  useNotificationLinks(config.publicUrl);
  const db = await openDatabase(config.database);
  await migrate(db);
  const readDb = config.readDatabase && (await openDatabase(config.readDatabase));
  if (config.demoData && (await seedDemo(db)) && config.demoHistory > 0) {
    // A year of past dossiers, so that the operations centre has something to show in the demo.
    registerDossierHooks();
    const today = vietnamDate(new Date());
    await generateDossiers(db, { count: config.demoHistory, from: addDays(today, -365), to: today, seed: 1 });
  }
  const demoLogins = config.demoData ? await listDemoLogins(db) : [];
  const app = await buildApp({
    db,
    readDb,
    readYourWritesSeconds: config.readYourWritesSeconds,
    historyKey: config.historyKey,
    logger: opts.logger,
    logLevel: config.logLevel,
    cookieSecure: config.cookieSecure,
    production: config.production,
    publicUrl: config.publicUrl,
    oidc: config.oidc,
    security: config.security,
    trustProxy: config.trustProxy,
    sessionIdleMinutes: config.sessionIdleMinutes,
    uploads: config.uploads,
    payments: config.payments,
    signing: config.signing,
  });
  // The notification outbox is delivered by this process on the jobs' schedule; more workers may run beside it
  // (npm run worker:notifications).
  const notifications = startNotificationWorker(db, {
    intervalMs: 0,
    leaseMs: config.notifications.leaseMs,
    transports: defaultTransports({ smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, logger: app.log }),
  });
  // Without a configured gateway the exchange's outbox waits (the documents module still writes it).
  const exchange = config.exchange ? httpGateway(config.exchange) : undefined;
  // Without a configured national portal the sync's outbox waits (the dossier-event hook still writes it).
  const national = config.national ? { portal: httpPortal(config.national), leaseMs: config.nationalLeaseMs } : undefined;
  const jobs = startJobs(db, platformJobs({ app, notifications, exchange, national, sessionIdleMinutes: config.sessionIdleMinutes }), app.log);
  app.addHook('onClose', async () => {
    await jobs.stop();
    await notifications.stop();
    await db.close();
    await readDb?.close();
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return { app, db, url: `http://localhost:${port}`, demoLogins };
}
