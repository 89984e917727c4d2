// The operations centre at scale: builds a province of generated dossiers through the historical import (unless the
// database already holds enough), then times the dashboard's queries (p50/p95 of the service functions behind the
// /api/v1/stats routes, answered from the aggregates) and, in the same run, the same figures computed by a full scan
// of the raw dossier rows; prints both, their ratio, and whether the figures agree. (Called in-process rather than
// over HTTP: the application's start-up anchors the whole dossier history first, which is another module's work.)
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/congso_bench BENCH_DOSSIERS=1000000 npm run bench:dashboard
// The database is created when missing. BENCH_RUNS sets the repetitions per dashboard query (default 40); BENCH_WORKERS the
// generator processes that fill it (default 2).
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase, type Database } from '../src/db/index.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { addDays, sqlVietnamDate, vietnamDate } from '../src/shared/time.ts';
import { breakdown, drillDown, summary, trend } from '../src/stats/query.ts';
import { index766 } from '../src/stats/index766.ts';
import { publicStats } from '../src/stats/public.ts';
import { generateDossierLines } from '../src/stats/generate.ts';
import { subscribe } from '../src/stats/stream.ts';
import { importDossiers } from '../src/dossiers/import.ts';
import { registerDossierHooks } from '../src/dossier-hooks.ts';
import { useHistoryKey } from '../src/dossiers/chain.ts';
import { loadConfig } from '../src/config.ts';

const URL_ = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/congso_bench';
const TARGET = Number(process.env.BENCH_DOSSIERS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const SCAN_RUNS = 3;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: percentile(s, 0.5), p95: percentile(s, 0.95) };
};
const ms = (x: number) => `${x.toFixed(1)} ms`.padStart(10);

async function ensureDatabase() {
  const url = new URL(URL_);
  const name = url.pathname.slice(1);
  const admin = new URL(URL_);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!exists.rowCount) await c.query(`CREATE DATABASE ${name}`);
  await c.end();
}

/**
 * Tops the database up to TARGET dossiers with generate:dossiers processes side by side (BENCH_WORKERS, default 2:
 * checking and hashing in Node and writing in PostgreSQL then keep both cores busy), each with its own seed.
 */
async function fill(db: Database) {
  const [{ n }] = await db.query('SELECT count(*)::int AS n FROM dossiers');
  if (n >= TARGET) return n;
  const [{ agencies }] = await db.query('SELECT count(*)::int AS agencies FROM agencies');
  if (!agencies) await seedDemo(db); // once, before the workers start
  const today = vietnamDate(new Date());
  const from = `${Number(today.slice(0, 4)) - 2}-01-01`;
  const workers = Math.max(1, Number(process.env.BENCH_WORKERS ?? 2));
  console.log(`Tạo ${TARGET - n} hồ sơ (${from} – ${today}) qua đường nhập hồ sơ lịch sử, ${workers} tiến trình…`);
  const started = performance.now();
  const share = Math.ceil((TARGET - n) / workers);
  const cli = fileURLToPath(new URL('../src/stats/generate-cli.ts', import.meta.url));
  const codes = await Promise.all(
    Array.from(
      { length: workers },
      (_, k) =>
        new Promise<number | null>((resolve) => {
          const child = spawn(
            process.execPath,
            ['--import', 'tsx', cli, '--count', String(share), '--from', from, '--to', today, '--seed', String(1000 + n + k)],
            { env: { ...process.env, DATABASE_URL: URL_ }, stdio: ['ignore', 'inherit', 'pipe'] },
          );
          createInterface({ input: child.stderr! }).on('line', (line) => console.log(`  [${k + 1}] ${line}`));
          child.on('exit', resolve);
        }),
    ),
  );
  const [{ total }] = await db.query('SELECT count(*)::int AS total FROM dossiers');
  const seconds = (performance.now() - started) / 1000;
  console.log(`  ${total - n} hồ sơ trong ${seconds.toFixed(0)} giây (${((total - n) / seconds).toFixed(0)} hồ sơ/giây)`);
  if (codes.some((c) => c !== 0)) throw new Error(`generate:dossiers exited with ${codes.join(', ')}`);
  return total;
}

/** The reference: the same figures from the raw rows, by the counters' definitions, in Vietnam dates. */
const VN = sqlVietnamDate;
// The on-time rule (dossiers/rules.ts): an accepted dossier that ended — result issued, or stopped/withdrawn (8) — is
// judged at its end against the appointment given at reception (original_due_at, moved only by waiting time).
const DUE = 'coalesce(original_due_at, due_at)';
const LATE = `(supplement_requests > 1 OR finished_at > ${DUE})`;
const EARLY = `(NOT ${LATE} AND ${VN('finished_at')} < ${VN(DUE)})`;
const IN = (col: string) => `${VN(col)} BETWEEN $1::date AND $2::date`;
const CLASSIFIED = `status IN (8, 9, 10) AND received_at IS NOT NULL AND ${DUE} IS NOT NULL AND ${IN('finished_at')}`;
const scanSql = (group: string | null) => `
  SELECT ${group ?? `''`} AS key,
    count(*) FILTER (WHERE ${IN('received_at')})::int AS received,
    count(*) FILTER (WHERE ${VN('received_at')} < $1::date AND (finished_at IS NULL OR ${VN('finished_at')} >= $1::date))::int AS carried_over,
    count(*) FILTER (WHERE ${CLASSIFIED} AND ${EARLY})::int AS early,
    count(*) FILTER (WHERE ${CLASSIFIED} AND NOT ${LATE} AND NOT ${EARLY})::int AS on_time,
    count(*) FILTER (WHERE ${CLASSIFIED} AND ${LATE})::int AS late
  FROM dossiers WHERE ($3::uuid IS NULL OR home_agency_id = $3::uuid) ${group ? `GROUP BY ${group}` : ''}`;

async function main() {
  await ensureDatabase();
  const db = await openDatabase({ url: URL_ });
  await migrate(db);
  const total = await fill(db);
  // As autovacuum would after a bulk load: fresh statistics and no dead row versions from the import's upserts.
  await db.query('VACUUM ANALYZE');
  // What each route calls, by its path and query string.
  const get = async (url: string): Promise<any> => {
    const [path, query] = url.split('?');
    const q = Object.fromEntries(new URLSearchParams(query)) as any;
    switch (path) {
      case '/api/v1/stats/summary':
        return summary(db, q);
      case '/api/v1/stats/trend':
        return trend(db, q);
      case '/api/v1/stats/breakdown':
        return breakdown(db, q);
      case '/api/v1/stats/index766':
        return index766(db, q);
      case '/api/v1/public/stats':
        return publicStats(db, `${q.year}-01-01`, `${q.year}-12-31`);
      case '/api/v1/stats/dossiers':
        return drillDown(db, { ...q, page: Number(q.page ?? 1), pageSize: Number(q.pageSize ?? 20) });
      default:
        throw new Error(path);
    }
  };

  const today = vietnamDate(new Date());
  const year = Number(today.slice(0, 4)) - 1; // the last full year
  const yFrom = `${year}-01-01`;
  const yTo = `${year}-12-31`;
  const [commune] = await db.query(`SELECT a.id, a.unit_code FROM agencies a JOIN dossiers d ON d.home_agency_id = a.id
    WHERE a.kind = 'commune_committee' GROUP BY a.id, a.unit_code ORDER BY count(*) DESC LIMIT 1`);
  const [field] = await db.query(`SELECT field FROM procedures GROUP BY field ORDER BY count(*) DESC LIMIT 1`);
  const last90 = addDays(today, -89);
  const dashboard: { name: string; url: string }[] = [
    { name: 'summary, last full year', url: `/api/v1/stats/summary?from=${yFrom}&to=${yTo}` },
    { name: 'summary, a quarter', url: `/api/v1/stats/summary?from=${year}-04-01&to=${year}-06-30` },
    { name: 'summary, custom 17 days', url: `/api/v1/stats/summary?from=${year}-03-09&to=${year}-03-25` },
    { name: 'summary, this year to date', url: `/api/v1/stats/summary?from=${today.slice(0, 4)}-01-01&to=${today}` },
    { name: 'summary, today', url: `/api/v1/stats/summary?from=${today}&to=${today}` },
    { name: 'summary, year, one commune committee', url: `/api/v1/stats/summary?from=${yFrom}&to=${yTo}&agency=${commune.id}` },
    { name: 'summary, year, by commune code', url: `/api/v1/stats/summary?from=${yFrom}&to=${yTo}&commune=${commune.unit_code}` },
    { name: 'summary, year, one field', url: `/api/v1/stats/summary?from=${yFrom}&to=${yTo}&field=${encodeURIComponent(field.field)}` },
    { name: 'trend by month, 2 years', url: `/api/v1/stats/trend?grain=month&from=${year - 1}-01-01&to=${yTo}` },
    { name: 'trend by day, 90 days', url: `/api/v1/stats/trend?grain=day&from=${last90}&to=${today}` },
    { name: 'breakdown by agency, year', url: `/api/v1/stats/breakdown?by=agency&from=${yFrom}&to=${yTo}` },
    { name: 'breakdown by commune, year', url: `/api/v1/stats/breakdown?by=commune&from=${yFrom}&to=${yTo}` },
    { name: 'breakdown by field, quarter', url: `/api/v1/stats/breakdown?by=field&from=${year}-04-01&to=${year}-06-30` },
    { name: 'index 766, year', url: `/api/v1/stats/index766?period=${year}` },
    { name: 'public page, year', url: `/api/v1/public/stats?year=${year}` },
    // Not an aggregate: a page of the raw rows behind a number, with its exact count.
    { name: 'drill-down: late in a month, page 1', url: `/api/v1/stats/dossiers?indicator=late&from=${year}-05-01&to=${year}-05-31&agency=${commune.id}` },
    { name: 'drill-down: overdue now, page 1', url: `/api/v1/stats/dossiers?indicator=overdue&from=${today}&to=${today}` },
  ];
  for (const q of dashboard) await get(q.url); // warm-up: plans and caches, as on a running server

  console.log(`\nTrung tâm điều hành — ${total.toLocaleString('vi-VN')} hồ sơ trên PostgreSQL (${URL_.replace(/\/\/[^@]*@/, '//')}), ${RUNS} lần mỗi truy vấn`);
  console.log(`${'truy vấn bảng điều hành'.padEnd(40)} ${'p50'.padStart(10)} ${'p95'.padStart(10)}`);
  const timings = new Map<string, { p50: number; p95: number }>();
  for (const q of dashboard) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await get(q.url);
      times.push(performance.now() - t);
    }
    const s = stats(times);
    timings.set(q.name, s);
    console.log(`${q.name.padEnd(40)} ${ms(s.p50)} ${ms(s.p95)}`);
  }
  const worst = Math.max(...[...timings].filter(([name]) => !name.startsWith('drill-down')).map(([, s]) => s.p95));
  console.log(`slowest p95 of the aggregate queries: ${worst.toFixed(1)} ms (target < 100 ms)`);

  // The same figures by a full scan of the raw rows, beside the aggregates.
  console.log(`\n${'same figures'.padEnd(40)} ${'aggregates p50'.padStart(15)} ${'full scan p50'.padStart(15)} ${'ratio'.padStart(8)}  figures agree`);
  const compare = async (
    name: string,
    aggregateUrl: string,
    params: unknown[],
    group: string | null,
    pickAggregate: (body: any) => Record<string, number[]>,
  ) => {
    const times: number[] = [];
    let rows: any[] = [];
    for (let i = 0; i < SCAN_RUNS; i++) {
      const t = performance.now();
      rows = await db.query(scanSql(group), params);
      times.push(performance.now() - t);
    }
    const scan = stats(times).p50;
    const aggTimes: number[] = [];
    let body: any;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      body = await get(aggregateUrl);
      aggTimes.push(performance.now() - t);
    }
    const agg = stats(aggTimes).p50;
    const fromScan = Object.fromEntries(rows.map((r) => [r.key, [r.received, r.early, r.on_time, r.late, ...(group ? [] : [r.carried_over])]]));
    const fromAgg = pickAggregate(body);
    const keys = Object.keys(fromAgg).filter((k) => fromAgg[k].some((x) => x));
    const agree = keys.every((k) => JSON.stringify(fromScan[k]) === JSON.stringify(fromAgg[k]));
    console.log(
      `${name.padEnd(40)} ${ms(agg).padStart(15)} ${ms(scan).padStart(15)} ${`${(scan / agg).toFixed(0)}×`.padStart(8)}  ${agree ? 'yes' : 'NO'} (${keys.length} rows)`,
    );
  };
  const summaryFigures = (s: any) => ({ '': [s.received.total, s.finished.early, s.finished.onTime, s.finished.late, s.carriedOver] });
  await compare('summary, last full year', `/api/v1/stats/summary?from=${yFrom}&to=${yTo}`, [yFrom, yTo, null], null, summaryFigures);
  await compare(
    'summary, a quarter',
    `/api/v1/stats/summary?from=${year}-04-01&to=${year}-06-30`,
    [`${year}-04-01`, `${year}-06-30`, null],
    null,
    summaryFigures,
  );
  await compare(
    'summary, custom 17 days',
    `/api/v1/stats/summary?from=${year}-03-09&to=${year}-03-25`,
    [`${year}-03-09`, `${year}-03-25`, null],
    null,
    summaryFigures,
  );
  await compare(
    'summary, year, one commune committee',
    `/api/v1/stats/summary?from=${yFrom}&to=${yTo}&agency=${commune.id}`,
    [yFrom, yTo, commune.id],
    null,
    summaryFigures,
  );
  await compare('breakdown by agency, year', `/api/v1/stats/breakdown?by=agency&from=${yFrom}&to=${yTo}`, [yFrom, yTo, null], 'home_agency_id::text', (b) =>
    Object.fromEntries(b.rows.map((r: any) => [r.key, [r.received, r.early, r.onTime, r.late]])),
  );

  // The live wall: a new dossier arrives (one generated line through the import, which counts it), and the time until
  // the wall's stream pushes, as a screen would receive it.
  registerDossierHooks();
  useHistoryKey(loadConfig().historyKey);
  const pushes: number[] = [];
  const screen = Object.assign(new EventEmitter(), {
    writeHead: () => screen,
    write: (chunk: string) => {
      if (chunk.startsWith('event: stats')) pushes.push(performance.now());
      return true;
    },
  });
  await subscribe(db, screen as unknown as ServerResponse);
  const delays: { code: string; ms: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const lines: string[] = [];
    for await (const line of generateDossierLines(db, { count: 1, from: addDays(today, -3), to: today, seed: 900_000 + total + i })) lines.push(line);
    const code = lines.length === 1 ? (JSON.parse(lines[0]).code as string) : '(none generated)';
    const seen = pushes.length;
    const sent = performance.now();
    const report = await importDossiers(db, lines);
    if (report.imported !== 1) throw new Error(`wall: the new dossier ${code} was not written: ${JSON.stringify(report)}`);
    while (pushes.length === seen && performance.now() - sent < 5000) await new Promise((r) => setTimeout(r, 5));
    delays.push({ code, ms: pushes.length > seen ? pushes[seen] - sent : Infinity });
  }
  screen.emit('close');
  console.log('\nwall: each new dossier written, and the time until the stream pushed (target < 2000 ms; it polls every 500 ms)');
  for (const d of delays) console.log(`  ${d.code}  ${Number.isFinite(d.ms) ? `${d.ms.toFixed(0)} ms` : 'NO PUSH within 5 s'}`);
  const missed = delays.filter((d) => !Number.isFinite(d.ms)).length;
  console.log(`  pushed for ${delays.length - missed} of ${delays.length}`);
  if (missed) process.exitCode = 1;
  await db.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
