// Search at national size: a catalogue of 6,000 published procedures, then the p50/p95/p99 latency of
// GET /api/v1/procedures?q=… over loopback HTTP, beside two references measured in the same run:
// the same server answering a static file, and a bare `SELECT 1` round trip to the same database.
//   npm run bench:search                 (PGlite)
//   DATABASE_URL=postgres://… npm run bench:search   (also the PostgreSQL server)
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.ts';
import { openDatabase, type Database } from '../src/db/index.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { createProcedure, publishProcedure } from '../src/catalog/service.ts';
import type { ProcedureContent } from '../src/catalog/types.ts';
import { freshDatabase } from '../src/testing/harness.ts';

const TARGET = Number(process.env.BENCH_PROCEDURES ?? 6000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const QUERIES = [
  'dang ky khai sinh',
  'ĐĂNG KÝ KHAI SINH',
  'khai sinh',
  'ket hon',
  'chứng thực bản sao',
  'giay phep xay dung',
  'ho kinh doanh',
  'ly lich tu phap',
  'quyen su dung dat',
  'an toan thuc pham',
  'ban le ruou',
  'dang ky khai sinhh',
  'chung thuc chu ky',
  '1.001193',
  'trich luc',
  'tro cap xa hoi',
  'doanh nghiep',
  'giấy phép',
  'hộ tịch',
  'mai tang',
];
const FILTERED = [
  '/api/v1/procedures?field=H%E1%BB%99%20t%E1%BB%8Bch&page=2',
  '/api/v1/procedures?onlineLevel=full&q=cap',
  '/api/v1/procedures?agencyLevel=commune&q=dang%20ky',
];
// Words that turn a real procedure into a plausible other one, the way ministries' catalogues vary.
const VARIANTS = [
  'đối với cá nhân',
  'đối với tổ chức',
  'có yếu tố nước ngoài',
  'cấp lại',
  'điều chỉnh',
  'gia hạn',
  'cho doanh nghiệp',
  'cho hợp tác xã',
  'tại khu công nghiệp',
  'trong lĩnh vực y tế',
  'trong lĩnh vực giáo dục',
  'cho cơ sở tôn giáo',
  'liên thông',
  'qua mạng',
  'thuộc thẩm quyền của Bộ',
  'đối với người khuyết tật',
  'đối với tàu cá',
  'trên địa bàn cấp xã',
  'cho dự án đầu tư',
  'cho người lao động',
];

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}
function summary(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: percentile(s, 0.5), p95: percentile(s, 0.95), p99: percentile(s, 0.99), n: s.length };
}
const fmt = (x: { p50: number; p95: number; p99: number; n: number }) =>
  `p50 ${x.p50.toFixed(2)} ms  p95 ${x.p95.toFixed(2)} ms  p99 ${x.p99.toFixed(2)} ms  (n=${x.n})`;

async function fillCatalogue(db: Database) {
  await seedDemo(db);
  const [{ agency }] = await db.query(`SELECT id AS agency FROM agencies WHERE code = 'H13'`);
  const templates = JSON.parse(readFileSync(new URL('../src/demo/procedures.json', import.meta.url), 'utf8')) as ProcedureContent[];
  const [{ n }] = await db.query('SELECT count(*)::int AS n FROM procedures');
  for (let i = n; i < TARGET; i++) {
    const t = templates[i % templates.length];
    const v = VARIANTS[Math.floor(i / templates.length) % VARIANTS.length];
    // Synthetic codes start at 9.x so they never collide with a real national code.
    const content = {
      ...t,
      nationalCode: `9.${String(i).padStart(6, '0')}`,
      name: `${t.name} ${v} (${Math.floor(i / (templates.length * VARIANTS.length)) + 1})`,
    };
    await publishProcedure(db, null, await createProcedure(db, null, agency, content));
  }
}

async function measure(kind: string, db: Database) {
  const t0 = performance.now();
  await migrate(db);
  await fillCatalogue(db);
  const built = performance.now() - t0;
  const app = await buildApp({ db, webDir: new URL('../web/dist/', import.meta.url).pathname });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const base = `http://127.0.0.1:${port}`;
  const get = async (path: string) => {
    const s = performance.now();
    const res = await fetch(base + path);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    return performance.now() - s;
  };
  const paths = [...QUERIES.map((q) => `/api/v1/procedures?q=${encodeURIComponent(q)}`), ...FILTERED];
  for (const p of paths) await get(p); // warm-up
  const search: number[] = [];
  const byPath = new Map<string, number[]>(paths.map((p) => [p, []]));
  const stat: number[] = [];
  const select1: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const took = await get(paths[i % paths.length]);
    search.push(took);
    byPath.get(paths[i % paths.length])!.push(took);
    if (i % 3 === 0) {
      stat.push(await get('/index.html').catch(() => get('/docs/json')));
      const s = performance.now();
      await db.query('SELECT 1');
      select1.push(performance.now() - s);
    }
  }
  // Ranking at size: the three phrasings must still put the real procedure first among 6,000.
  const top = async (q: string) => ((await (await fetch(`${base}/api/v1/procedures?q=${encodeURIComponent(q)}`)).json()) as any).items[0]?.name;
  const tops = await Promise.all(['dang ky khai sinh', 'ĐĂNG KÝ KHAI SINH', 'khai sinh'].map(top));
  const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM procedures WHERE status = 'published'`);
  await app.close();
  const s = summary(search);
  console.log(`\n[${kind}] catalogue: ${n} published procedures (built in ${(built / 1000).toFixed(1)} s)`);
  console.log(`  search  GET /api/v1/procedures?q=…   ${fmt(s)}   target p95 < 20 ms: ${s.p95 < 20 ? 'MET' : 'NOT MET'}`);
  console.log(`  ref     GET static file, same server  ${fmt(summary(stat))}`);
  console.log(`  ref     SELECT 1, same database        ${fmt(summary(select1))}`);
  console.log(`  ratio   search p95 / static-file p95 = ${(s.p95 / summary(stat).p95).toFixed(1)}×`);
  const slowest = [...byPath]
    .map(([p, ms]) => ({ p, ...summary(ms) }))
    .sort((a, b) => b.p95 - a.p95)
    .slice(0, 5);
  console.log('  slowest requests by p95:');
  for (const x of slowest)
    console.log(`    ${decodeURIComponent(x.p.replace('/api/v1/procedures?', '')).padEnd(46)} p50 ${x.p50.toFixed(2)} ms  p95 ${x.p95.toFixed(2)} ms`);
  const ranked = tops.every((t) => t === 'Đăng ký khai sinh');
  console.log(
    `  top hit for "dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "khai sinh": ${tops.map((t) => JSON.stringify(t)).join(', ')}  ${ranked ? 'RIGHT' : 'WRONG'}`,
  );
  return s.p95 < 20 && ranked;
}

let ok = true;
const pglite = await openDatabase({});
try {
  ok = (await measure('pglite (embedded)', pglite)) && ok;
} finally {
  await pglite.close();
}
if (process.env.DATABASE_URL) {
  const fresh = await freshDatabase('postgres');
  try {
    ok = (await measure('postgres (server)', fresh.db)) && ok;
  } finally {
    await fresh.drop();
  }
}
process.exitCode = ok ? 0 : 1;
