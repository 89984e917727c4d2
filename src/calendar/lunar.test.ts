import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isoDate, toSolar } from './dates.ts';
import { lunarToSolar, solarToLunar, yearName, type SolarDate } from './lunar.ts';

const tet = (year: number) => isoDate(lunarToSolar({ year, month: 1, day: 1, leap: false }));
const hungKings = (year: number) => isoDate(lunarToSolar({ year, month: 3, day: 10, leap: false }));

test('Tết (mùng 1 tháng Giêng) falls on the Vietnamese dates', () => {
  const expected: Record<number, string> = {
    2023: '2023-01-22',
    2024: '2024-02-10',
    2025: '2025-01-29',
    2026: '2026-02-17',
    2027: '2027-02-06',
    // Years where Vietnam (UTC+7) and China (UTC+8) differ: the new moon falls between 23:00 and 24:00 Vietnam time.
    1985: '1985-01-21',
    2007: '2007-02-17',
    2030: '2030-02-02',
  };
  for (const [year, date] of Object.entries(expected)) assert.equal(tet(Number(year)), date, `Tết ${year}`);
});

test('Giỗ Tổ Hùng Vương (10/3 âm lịch)', () => {
  assert.equal(hungKings(2024), '2024-04-18');
  assert.equal(hungKings(2025), '2025-04-07');
  assert.equal(hungKings(2026), '2026-04-26');
  assert.equal(hungKings(2027), '2027-04-16');
});

test('solar → lunar, with the leap month of Quý Mão (nhuận tháng 2, 2023)', () => {
  assert.deepEqual(solarToLunar(toSolar('2026-02-16')), { year: 2025, month: 12, day: 29, leap: false });
  assert.deepEqual(solarToLunar(toSolar('2023-03-22')), { year: 2023, month: 2, day: 1, leap: true });
  assert.equal(isoDate(lunarToSolar({ year: 2023, month: 2, day: 1, leap: true })), '2023-03-22');
  assert.throws(() => lunarToSolar({ year: 2026, month: 2, day: 1, leap: true }), RangeError);
  assert.equal(yearName(2026), 'Bính Ngọ');
  assert.equal(yearName(2025), 'Ất Tỵ');
});

test('lunar → solar → lunar round-trips every month start 1900–2199', () => {
  for (let year = 1900; year <= 2199; year++) {
    for (let month = 1; month <= 12; month++) {
      for (const leap of [false, true]) {
        let solar: SolarDate;
        try {
          solar = lunarToSolar({ year, month, day: 1, leap });
        } catch {
          assert.ok(leap);
          continue;
        }
        assert.deepEqual(solarToLunar(solar), { year, month, day: 1, leap }, `${year}/${month}${leap ? ' nhuận' : ''}`);
      }
    }
  }
});
