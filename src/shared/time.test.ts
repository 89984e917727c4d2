import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addDays,
  sqlVietnamDate,
  sqlVietnamDayStart,
  vietnamDate,
  vietnamDateTime,
  vietnamDayStart,
  vietnamIso,
  vietnamParts,
  vietnamYear,
  yymmdd,
} from './time.ts';

test('a Vietnam day runs from 17:00 UTC to 17:00 UTC', () => {
  const before = new Date('2026-12-31T16:59:59.999Z');
  const after = new Date('2026-12-31T17:00:00Z');
  assert.equal(vietnamDate(before), '2026-12-31');
  assert.equal(vietnamDate(after), '2027-01-01');
  assert.equal(yymmdd(before), '261231');
  assert.equal(yymmdd(after), '270101');
  assert.equal(vietnamYear(before), 2026);
  assert.equal(vietnamYear(after), 2027);
  assert.equal(vietnamDayStart('2027-01-01').toISOString(), '2026-12-31T17:00:00.000Z');
  assert.equal(vietnamDate(vietnamDayStart('2027-01-01')), '2027-01-01');
  assert.equal(vietnamDate(new Date(vietnamDayStart('2027-01-01').getTime() - 1)), '2026-12-31');
});

test('Vietnam date-time texts', () => {
  const at = new Date('2026-11-22T18:30:00Z');
  assert.equal(vietnamIso(at), '2026-11-23T01:30:00+07:00');
  assert.equal(vietnamIso(new Date('2026-11-22T18:30:00.250Z')), '2026-11-23T01:30:00+07:00', 'seconds by default');
  assert.equal(vietnamIso(new Date('2026-11-22T18:30:00.250Z'), true), '2026-11-23T01:30:00.250+07:00');
  assert.equal(vietnamIso(at, true), '2026-11-23T01:30:00+07:00', 'no .000');
  assert.equal(vietnamDateTime(at), '23/11/2026 01:30');
  assert.equal(vietnamDateTime('2026-11-22T16:59:00Z'), '22/11/2026 23:59');
  assert.equal(vietnamDateTime(null), '');
  assert.deepEqual(vietnamParts(new Date('2026-02-28T17:05:00Z')), { year: 2026, month: 3, day: 1, hour: 0, minute: 5 });
});

test('addDays crosses months, leap days and years', () => {
  assert.equal(addDays('2024-02-28', 1), '2024-02-29');
  assert.equal(addDays('2024-03-01', -1), '2024-02-29');
  assert.equal(addDays('2026-12-31', 1), '2027-01-01');
  assert.equal(addDays('2026-01-01', -365), '2025-01-01');
});

test('the SQL forms agree with the TypeScript ones', async () => {
  const { openDatabase } = await import('../db/index.ts');
  const db = await openDatabase({});
  try {
    // A session time zone other than UTC must not move the answers.
    await db.query(`SET TimeZone = 'America/New_York'`);
    for (const at of ['2026-12-31T16:59:59Z', '2026-12-31T17:00:00Z']) {
      const [r] = await db.query<{ day: string }>(`SELECT to_char(${sqlVietnamDate('$1::timestamptz')}, 'YYYY-MM-DD') AS day`, [at]);
      assert.equal(r.day, vietnamDate(new Date(at)), at);
    }
    const [s] = await db.query<{ start: Date }>(`SELECT ${sqlVietnamDayStart(`'2027-01-01'::date`)} AS start`);
    assert.equal(s.start.toISOString(), vietnamDayStart('2027-01-01').toISOString());
  } finally {
    await db.close();
  }
});
