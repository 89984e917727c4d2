import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { eachDatabase } from '../testing/harness.ts';
import { importUnits, rawUnitsFromCsv, rawUnitsFromText } from './service.ts';

const NATIONAL_FILE = new URL('../../../shared/data/vn-admin-units-2026-07.json', import.meta.url);

eachDatabase('administrative units import', {}, (ctx) => {
  // ctx.app serves GET /api/v1/units over the same database.
  test('the full national file: 3,321 communes added, then nothing on a second run', { skip: !existsSync(NATIONAL_FILE) && 'no ../shared' }, async () => {
    const text = readFileSync(NATIONAL_FILE, 'utf8');
    const first = await importUnits(ctx.db, rawUnitsFromText(text));
    assert.equal(first.added.length, 3321);
    assert.equal(first.rejected.length, 0, JSON.stringify(first.rejected.slice(0, 3)));
    assert.equal(first.changed.length + first.unchanged, 34, 'the shipped provinces are matched, not added');
    const [{ n, xa, phuong, dk }] = await ctx.db.query(`SELECT count(*)::int AS n,
      count(*) FILTER (WHERE unit_type = 'Xã')::int AS xa, count(*) FILTER (WHERE unit_type = 'Phường')::int AS phuong,
      count(*) FILTER (WHERE unit_type = 'Đặc khu')::int AS dk FROM admin_units WHERE level = 'commune'`);
    assert.deepEqual({ n, xa, phuong, dk }, { n: 3321, xa: 2611, phuong: 697, dk: 13 });
    const second = await importUnits(ctx.db, rawUnitsFromText(text));
    assert.deepEqual([second.added.length, second.changed.length, second.unchanged, second.rejected.length], [0, 0, 3355, 0]);
  });

  test('CSV: changed names are reported, bad rows rejected with their line, good rows imported', async () => {
    const csv = [
      'code,name,level,province_code',
      '31120,Phường Cái Khế Mới,commune,92', // existing (after the national import) or new: either way written
      '99001,Xã Thử Nghiệm,xa,92',
      '1234,Xã Sai Mã,commune,92', // 4 digits
      '99002,Xã Không Tỉnh,commune,77', // no province 77
      '99003,Xã Cấp Lạ,village,92', // unknown level
      '99004,,commune,92', // no name
      '99001,Xã Trùng Mã,commune,92', // duplicate in file
      '916,Huyện Phong Điền,district,92', // legacy district, kept for history
      '99005,Làng Không Loại,commune,92', // no unit type
    ].join('\n');
    const report = await importUnits(ctx.db, rawUnitsFromCsv(csv));
    assert.deepEqual(
      report.rejected.map((r) => r.line),
      [4, 5, 6, 7, 8, 10],
    );
    assert.match(report.rejected[0].reason, /5 chữ số/);
    assert.match(report.rejected[1].reason, /mã tỉnh "77"/);
    assert.match(report.rejected[4].reason, /trùng/);
    assert.ok(report.added.includes('99001') && report.added.includes('916'));
    const [unit] = await ctx.db.query(`SELECT name, full_name, unit_type FROM admin_units WHERE code = '99001'`);
    assert.deepEqual(unit, { name: 'Thử Nghiệm', full_name: 'Xã Thử Nghiệm', unit_type: 'Xã' });
    const [district] = await ctx.db.query(`SELECT to_char(valid_to, 'YYYY-MM-DD') AS valid_to FROM admin_units WHERE code = '916'`);
    assert.equal(district.valid_to, '2025-07-01', 'a legacy district is kept as history, ended with the 2025 reform');
    const current = await ctx.app.inject({ url: '/api/v1/units?province=92' });
    assert.ok(!current.json().items.some((u: any) => u.code === '916'), 'history is not offered as a current unit');
    const again = await importUnits(ctx.db, rawUnitsFromCsv('31120,Phường Cái Khế,commune,92\n99001,Xã Thử Nghiệm Hai,commune,92'));
    assert.ok(again.changed.includes('99001'));
    const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM admin_units WHERE code IN ('1234', '99002', '99003', '99004', '99005')`);
    assert.equal(n, 0, 'rejected rows are not written');
  });
});

test('the import CLI prints added, changed and rejected counts and the rejected lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'congso-units-'));
  const file = join(dir, 'units.csv');
  writeFileSync(file, 'code,name,level,province_code\n92001,Xã Một,commune,92\nabc,Xã Hai,commune,92\n');
  const run = promisify(execFile);
  const env = { ...process.env, DATA_DIR: dir, DATABASE_URL: '' };
  const out = await run(process.execPath, ['--import', 'tsx', 'src/geo/import-cli.ts', file], { env }).catch((e) => e);
  assert.equal(out.code, 1, 'exit code 1 when a row was rejected');
  assert.match(out.stdout, /Thêm mới: 1; thay đổi: 0; không đổi: 0; bị từ chối: 1/);
  assert.match(out.stdout, /dòng 3 \(mã abc\)/);
});
