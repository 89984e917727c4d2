// An officer's inbox page over a large history: BENCH_DOSSIERS dossiers (default 1,000,000) written set-based into a
// fresh database, spread over the communes and a year, 2% of them open (in a workflow step or waiting at the desk);
// then the p50/p95 of an inbox page (first and a later page) for a specialist and a counter officer of one commune,
// beside the public lookup (one indexed read) measured the same way, through the application (inject, no network).
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:inbox   (the server; PGlite without it)
// BENCH_DOSSIERS (size), BENCH_REQUESTS per target (default 200).
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { buildApp } from '../src/app.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { formData } from '../src/testing/samples.ts';
import { freshDatabase, signIn } from '../src/testing/harness.ts';

const SIZE = Number(process.env.BENCH_DOSSIERS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const CHUNK = 100_000;

const { db, drop } = await freshDatabase(process.env.DATABASE_URL ? 'postgres' : 'pglite');
try {
  await migrate(db);
  await seedDemo(db);
  const unlimited = 1e9;
  const app = await buildApp({
    db,
    cookieSecure: false,
    security: {
      rateLimits: {
        lookup: unlimited,
        staffSignIn: unlimited,
        staffSignInPerAccount: unlimited,
        citizenSignIn: unlimited,
        citizenSignInPerAccount: unlimited,
        paymentCallbacks: unlimited,
      },
    },
  });
  const counter = await signIn(app, 'caikhe.motcua');
  const [ward] = await db.query(`SELECT id FROM agencies WHERE code = 'H13.102'`);
  const [procedure] = await db.query(`SELECT id FROM procedures WHERE national_code = '1.001193'`);
  const content = (await app.inject({ url: `/api/v1/procedures/${procedure.id}` })).json().content;
  const applicant = { name: 'Nguyễn Thị Ánh Tuyết', idNumber: '092190001234', address: 'Phường Cái Khế, Thành phố Cần Thơ', phone: '0912345678' };
  const submitted = await counter({
    method: 'POST',
    url: '/api/v1/dossiers',
    payload: { procedureId: procedure.id, agencyId: ward.id, applicant, formData: formData(content.formSchema, applicant.idNumber), channel: 'counter' },
  });
  if (submitted.statusCode !== 201) throw new Error(`submission: ${submitted.statusCode} ${submitted.body}`);
  const template = submitted.json().id;

  // The history: copies of the submitted dossier, commune by commune (g modulo the communes), over the past year.
  const started = performance.now();
  for (let from = 1; from < SIZE; from += CHUNK) {
    await db.query(
      `WITH communes AS (SELECT array_agg(id ORDER BY code) AS ids FROM agencies WHERE kind = 'commune_committee'),
            t AS (SELECT * FROM dossiers WHERE id = $3)
       INSERT INTO dossiers (code, procedure_id, procedure_version, home_agency_id, agency_id, receiving_agency_id, channel, status, applicant,
                             form_data, step, step_due_at, submitted_at, received_at, due_at, original_due_at, finished_at, returned_at)
       SELECT 'BENCH-' || g, t.procedure_id, t.procedure_version, a, a, a, 'counter', s, t.applicant, t.form_data,
              CASE WHEN s = 2 THEN 1 END, CASE WHEN s = 2 THEN now() + (g % 240 - 40) * interval '1 hour' END,
              at, CASE WHEN s <> 1 THEN at END, CASE WHEN s <> 1 THEN at + interval '7 days' END, CASE WHEN s <> 1 THEN at + interval '7 days' END,
              CASE WHEN s = 10 THEN at + interval '5 days' END, CASE WHEN s = 10 THEN at + interval '5 days' END
         FROM generate_series($1::int, $2::int) g, communes c, t,
              LATERAL (SELECT c.ids[1 + g % cardinality(c.ids)] AS a,
                              CASE WHEN g % 100 < 2 THEN 2 WHEN g % 100 = 2 THEN 1 ELSE 10 END::smallint AS s,
                              now() - (g % 365) * interval '1 day' AS at) x`,
      [from, Math.min(from + CHUNK - 1, SIZE - 1), template],
    );
  }
  await db.query('ANALYZE dossiers');
  const generated = (performance.now() - started) / 1000;
  const [{ open, here }] = await db.query(
    `SELECT count(*) FILTER (WHERE status IN (1, 2))::int AS open, count(*) FILTER (WHERE status IN (1, 2) AND home_agency_id = $1)::int AS here FROM dossiers`,
    [ward.id],
  );

  const specialist = await signIn(app, 'caikhe.chuyenvien');
  const [{ code }] = await db.query('SELECT code FROM dossiers WHERE id = $1', [template]);
  const timed = async (name: string, request: () => Promise<{ statusCode: number; json: () => any }>) => {
    const ms: number[] = [];
    let total = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const t = performance.now();
      const res = await request();
      ms.push(performance.now() - t);
      if (res.statusCode !== 200) throw new Error(`${name}: ${res.statusCode}`);
      total = res.json().total ?? 0;
    }
    ms.sort((a, b) => a - b);
    const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(1);
    console.log(`  ${name.padEnd(44)} p50 ${at(0.5).padStart(6)} ms  p95 ${at(0.95).padStart(6)} ms${total ? `  (${total} waiting)` : ''}`);
  };
  console.log(
    `\n[${db.kind}] ${SIZE.toLocaleString('en')} dossiers generated in ${generated.toFixed(0)} s; ${open.toLocaleString('en')} open, ${here} at Cái Khế; load ${loadavg()[0].toFixed(2)}`,
  );
  await timed('reference: public lookup (one indexed read)', () => app.inject({ url: `/api/v1/lookup/${code.toLowerCase()}` }));
  await timed('inbox, specialist, page 1 of 50', () => specialist({ url: '/api/v1/inbox' }));
  await timed('inbox, specialist, page 3 of 50', () => specialist({ url: '/api/v1/inbox?page=3' }));
  await timed('inbox, counter officer, page 1 of 50', () => counter({ url: '/api/v1/inbox' }));
  console.log(`  target: p95 < 20 ms at 1,000,000 dossiers; load average now ${loadavg()[0].toFixed(2)}`);
  await app.close();
} finally {
  await drop();
}
