import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { vietnamIso } from '../shared/time.ts';
import { parseDateTime } from './dates.ts';
import { statutoryHolidays } from './holidays.ts';
import { WorkingCalendar, type Adjustment } from './working-calendar.ts';

const OFFICE_HOURS = [
  { start: '07:30', end: '11:30' },
  { start: '13:30', end: '17:00' },
];
/** The 2026 rows seeded by 0003_calendar.sql. */
const SEED_2026: Adjustment[] = [
  { date: '2026-08-31', kind: 'holiday', name: 'Nghỉ hoán đổi dịp Quốc khánh' },
  { date: '2026-08-22', kind: 'workday', name: 'Làm bù' },
];
const calendar = new WorkingCalendar(OFFICE_HOURS, SEED_2026);
const at = (text: string) => parseDateTime(text)!;
const days = (from: string, n: number, cal = calendar) => vietnamIso(cal.addWorkingDays(at(from), n), true);
const hours = (from: string, n: number) => vietnamIso(calendar.addWorkingHours(at(from), n), true);
const offDays = (year: number) => statutoryHolidays(year).map((d) => `${d.date} ${d.kind}`);

describe('statutory holidays (Bộ luật Lao động 2019 điều 111–112)', () => {
  test('2026 by rule: Tết Bính Ngọ Mon 16–Fri 20/2, Giỗ Tổ Sun 26/4 with nghỉ bù Mon 27/4, Quốc khánh Tue 1/9 + Wed 2/9, 24/11', () => {
    assert.deepEqual(offDays(2026), [
      '2026-01-01 holiday',
      '2026-02-16 holiday',
      '2026-02-17 holiday',
      '2026-02-18 holiday',
      '2026-02-19 holiday',
      '2026-02-20 holiday',
      '2026-04-26 holiday',
      '2026-04-27 compensatory',
      '2026-04-30 holiday',
      '2026-05-01 holiday',
      '2026-09-01 holiday',
      '2026-09-02 holiday',
      '2026-11-24 holiday',
    ]);
    const names = statutoryHolidays(2026).map((d) => d.name);
    assert.equal(names[1], 'Tết Nguyên đán Bính Ngọ (29 tháng Chạp)');
    assert.equal(names[7], 'Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)');
  });

  test('24/11 (Ngày Văn hóa Việt Nam) is a holiday from 2026 only', () => {
    assert.equal(calendar.isWorkingDay('2026-11-24'), false);
    assert.equal(calendar.isWorkingDay('2025-11-24'), true);
  });

  test('holidays on a weekend, or on each other, give nghỉ bù on the next free working days', () => {
    // 2023: Giỗ Tổ Sat 29/4, 30/4 Sun, 1/5 Mon → off Tue 2/5 and Wed 3/5 (as the Government arranged it).
    assert.deepEqual(
      offDays(2023).filter((d) => d.startsWith('2023-04') || d.startsWith('2023-05')),
      ['2023-04-29 holiday', '2023-04-30 holiday', '2023-05-01 holiday', '2023-05-02 compensatory', '2023-05-03 compensatory'],
    );
    // 2027: mùng 1 Tết is a Saturday: Fri 5/2 – Tue 9/2, nghỉ bù Wed 10/2 and Thu 11/2.
    assert.deepEqual(
      offDays(2027).filter((d) => d.startsWith('2027-02')),
      [
        '2027-02-05 holiday',
        '2027-02-06 holiday',
        '2027-02-07 holiday',
        '2027-02-08 holiday',
        '2027-02-09 holiday',
        '2027-02-10 compensatory',
        '2027-02-11 compensatory',
      ],
    );
    // 1947: Giỗ Tổ was on 30/4 itself.
    assert.deepEqual(statutoryHolidays(1947).find((d) => d.date === '1947-04-30')?.name, 'Giỗ Tổ Hùng Vương (10/3 âm lịch); Ngày Chiến thắng (30/4)');
  });

  test('the day next to 2/9 joins the weekend', () => {
    const neighbour = (year: number) =>
      statutoryHolidays(year)
        .filter((d) => d.date.slice(5, 7) === '09')
        .map((d) => d.date);
    assert.deepEqual(neighbour(2024), ['2024-09-02', '2024-09-03']);
    assert.deepEqual(neighbour(2025), ['2025-09-01', '2025-09-02']);
    assert.deepEqual(neighbour(2029), ['2029-09-02', '2029-09-03', '2029-09-04'], 'Sunday 2/9: Mon 3/9 + nghỉ bù Tue 4/9');
  });

  test('adjustments: an extra day off, a làm bù Saturday, a cancelled holiday', () => {
    const cal = new WorkingCalendar(OFFICE_HOURS, [...SEED_2026, { date: '2026-09-01', kind: 'not_holiday', name: 'x' }]);
    assert.equal(cal.isWorkingDay('2026-08-31'), false);
    assert.equal(cal.isWorkingDay('2026-08-22'), true);
    assert.equal(cal.isWorkingDay('2026-09-01'), true);
    assert.deepEqual(
      cal
        .holidays(2026)
        .filter((d) => d.date.slice(5, 7) === '08' || d.date.slice(5, 7) === '09')
        .map((d) => `${d.date} ${d.kind}`),
      ['2026-08-22 workday', '2026-08-31 adjustment', '2026-09-02 holiday'],
    );
  });
});

describe('due dates (ngày hẹn trả kết quả)', () => {
  test('across Tết Bính Ngọ: Fri 13/2 is worked, Mon 16 – Fri 20/2 are not', () => {
    assert.equal(days('2026-02-12T09:00', 1), '2026-02-13T09:00:00+07:00');
    assert.equal(days('2026-02-12T09:00', 2), '2026-02-23T09:00:00+07:00');
    assert.equal(days('2026-02-12T09:00', 3), '2026-02-24T09:00:00+07:00');
  });

  test("across Giỗ Tổ's nghỉ bù (Mon 27/4) and 30/4–1/5", () => {
    assert.equal(days('2026-04-24T10:00', 1), '2026-04-28T10:00:00+07:00');
    assert.equal(days('2026-04-24T10:00', 2), '2026-04-29T10:00:00+07:00');
    assert.equal(days('2026-04-24T10:00', 3), '2026-05-04T10:00:00+07:00');
  });

  test('across Quốc khánh 2026: Sat 22/8 is worked, Mon 31/8 – Wed 2/9 are not', () => {
    assert.equal(days('2026-08-21T09:00', 1), '2026-08-22T09:00:00+07:00');
    assert.equal(days('2026-08-28T09:00', 1), '2026-09-03T09:00:00+07:00');
  });

  test('outside office hours, counting starts at the next office period', () => {
    assert.equal(days('2026-03-02T18:00', 1), '2026-03-03T17:00:00+07:00', 'Mon evening + 1 day = end of Tuesday');
    assert.equal(days('2026-03-02T06:00', 1), '2026-03-02T17:00:00+07:00', 'before opening = from 07:30 the same day');
    assert.equal(days('2026-03-07T10:00', 1), '2026-03-09T17:00:00+07:00', 'Saturday = from Monday 07:30');
    assert.equal(days('2026-03-02T12:00', 1), '2026-03-03T11:30:00+07:00', 'lunch break = from 13:30: the end of Tuesday morning');
    assert.equal(hours('2026-03-02T17:00', 0), '2026-03-03T07:30:00+07:00');
    assert.equal(days('2026-03-02T11:30', 1), '2026-03-03T11:30:00+07:00');
  });

  test('working hours run over office periods only', () => {
    assert.equal(hours('2026-03-02T10:00', 4), '2026-03-02T16:00:00+07:00');
    assert.equal(hours('2026-03-06T16:00', 2), '2026-03-09T08:30:00+07:00');
    assert.equal(hours('2026-03-02T09:00', 0.5), '2026-03-02T09:30:00+07:00');
    assert.equal(vietnamIso(calendar.addWorkingDays(at('2026-03-02T09:00Z'), 1), true), '2026-03-03T16:00:00+07:00', 'UTC input');
  });

  test('working hours between two instants', () => {
    assert.equal(calendar.workingHoursBetween(at('2026-03-02T09:00'), at('2026-03-03T09:00')), 7.5);
    assert.equal(calendar.workingHoursBetween(at('2026-02-12T09:00'), at('2026-02-23T09:00')), 15, 'two working days across Tết');
    assert.equal(calendar.workingHoursBetween(at('2026-03-06T17:30'), at('2026-03-09T07:00')), 0, 'a weekend');
    assert.equal(calendar.workingHoursBetween(at('2026-03-03T09:00'), at('2026-03-02T09:00')), 0);
    const from = at('2026-04-24T10:00');
    assert.equal(calendar.workingHoursBetween(from, calendar.addWorkingDays(from, 3)), 3 * 7.5);
  });

  test('years outside 1900–2199 are refused', () => {
    assert.throws(() => calendar.addWorkingDays(at('2199-12-31T09:00'), 5), { code: 'DATE_OUT_OF_RANGE' });
  });
});

test('parseDateTime: offsets, a "+" decoded as a space, impossible dates', () => {
  assert.equal(parseDateTime('2026-02-12T09:00:00+07:00')!.toISOString(), '2026-02-12T02:00:00.000Z');
  assert.equal(parseDateTime('2026-02-12T09:00:00 07:00')!.toISOString(), '2026-02-12T02:00:00.000Z');
  assert.equal(parseDateTime('2026-02-12T02:00:00.250Z')!.toISOString(), '2026-02-12T02:00:00.250Z');
  assert.equal(parseDateTime('2026-02-12T09:00')!.toISOString(), '2026-02-12T02:00:00.000Z');
  for (const bad of ['2026-02-30T09:00', '2026-02-12T24:00', '2026-13-01T09:00', '1899-12-31T09:00', '2026-02-12', 'hôm nay']) {
    assert.equal(parseDateTime(bad), null, bad);
  }
});

describe('"trong ngày" (same day) with a 15:00 cut-off', () => {
  const due = (from: string, cutoff?: string) => vietnamIso(calendar.sameDayDue(at(from), cutoff), true).slice(0, 16);
  test("received before the cut-off: due at today's close; after it: at the next working day's close, not 24 hours later", () => {
    assert.equal(due('2026-12-02T09:10'), '2026-12-02T17:00');
    assert.equal(due('2026-12-02T14:59'), '2026-12-02T17:00');
    assert.equal(due('2026-12-02T15:00'), '2026-12-03T17:00');
    assert.equal(due('2026-12-02T16:30'), '2026-12-03T17:00');
    assert.equal(due('2026-12-02T06:45'), '2026-12-02T17:00', 'before office hours: the same day');
  });
  test("a Friday afternoon goes to Monday; a holiday or a Saturday desk session to the next working day; the cut-off is the procedure's", () => {
    assert.equal(due('2026-12-04T15:30'), '2026-12-07T17:00');
    assert.equal(due('2026-12-05T09:00'), '2026-12-07T17:00', 'Saturday morning at the desk');
    assert.equal(due('2026-04-29T16:00'), '2026-05-04T17:00', 'over 30/4, 1/5 and the weekend');
    assert.equal(due('2026-08-22T09:00'), '2026-08-22T17:00', 'a Saturday worked (làm bù) is a working day');
    assert.equal(due('2026-12-02T15:30', '16:00'), '2026-12-02T17:00');
  });
});

describe('reception at a desk open on Saturday morning (per-agency session; deadlines stay province-wide)', () => {
  test('received Sat 09:00: due as if received at Monday office start; same-day due Monday close', () => {
    // Sat 7/3/2026 and Mon 9/3/2026.
    assert.equal(days('2026-03-07T09:00', 3), days('2026-03-09T07:30', 3));
    assert.equal(days('2026-03-07T09:00', 3), '2026-03-11T17:00:00+07:00');
    assert.equal(vietnamIso(calendar.sameDayDue(at('2026-03-07T09:00')), true), '2026-03-09T17:00:00+07:00');
  });

  test('a province-wide làm bù Saturday still counts as a working day', () => {
    assert.equal(vietnamIso(calendar.sameDayDue(at('2026-08-22T09:00')), true), '2026-08-22T17:00:00+07:00');
  });
});
