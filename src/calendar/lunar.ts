// Vietnamese lunar calendar (âm lịch): Hồ Ngọc Đức's astronomical algorithm (new moons and the sun's longitude
// after Jean Meeus, "Astronomical Algorithms"), evaluated at UTC+7. Written in-house rather than taken from npm:
// the research (shared/research/standards.md §6) found the ready packages either untyped and unmaintained
// (`amlich`), an obfuscated CJS build (`@dqcai/vn-lunar`), dependent on the host time zone
// (`vietnamese-lunar-calendar`) or Chinese (UTC+8) rules (`lunar-javascript`), which give other dates for Tết in
// 1985, 2007, 2030, 2053… Dates before 1968, when Vietnam still used UTC+8 for the calendar, follow UTC+7 too.

const TIME_ZONE = 7;
const SYNODIC_MONTH = 29.530588853;
/** Julian day of the new moon of 1900-01-01 (k = 0 in NewMoon). */
const EPOCH = 2415021.076998695;
const RAD = Math.PI / 180;

export interface SolarDate {
  year: number;
  month: number;
  day: number;
}
export interface LunarDate {
  year: number;
  month: number;
  day: number;
  leap: boolean;
}

/** Julian day number of a proleptic Gregorian (Julian before 15/10/1582) date. */
export function julianDay({ year, month, day }: SolarDate): number {
  const a = Math.floor((14 - month) / 12);
  const y = year + 4800 - a;
  const m = month + 12 * a - 3;
  const jd = day + Math.floor((153 * m + 2) / 5) + 365 * y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) - 32045;
  return jd < 2299161 ? day + Math.floor((153 * m + 2) / 5) + 365 * y + Math.floor(y / 4) - 32083 : jd;
}

export function fromJulianDay(jd: number): SolarDate {
  let b = 0;
  let c = jd + 32082;
  if (jd > 2299160) {
    const a = jd + 32044;
    b = Math.floor((4 * a + 3) / 146097);
    c = a - Math.floor((b * 146097) / 4);
  }
  const d = Math.floor((4 * c + 3) / 1461);
  const e = c - Math.floor((1461 * d) / 4);
  const m = Math.floor((5 * e + 2) / 153);
  return {
    day: e - Math.floor((153 * m + 2) / 5) + 1,
    month: m + 3 - 12 * Math.floor(m / 10),
    year: b * 100 + d - 4800 + Math.floor(m / 10),
  };
}

/** Julian date (UT) of the k-th new moon after 1900-01-01. */
function newMoon(k: number): number {
  const T = k / 1236.85;
  const T2 = T * T;
  const T3 = T2 * T;
  let jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 - 0.000000155 * T3;
  jd += 0.00033 * Math.sin((166.56 + 132.87 * T - 0.009173 * T2) * RAD);
  const M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3; // sun's mean anomaly
  const Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3; // moon's mean anomaly
  const F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3; // moon's argument of latitude
  let c = (0.1734 - 0.000393 * T) * Math.sin(M * RAD) + 0.0021 * Math.sin(2 * RAD * M);
  c = c - 0.4068 * Math.sin(Mpr * RAD) + 0.0161 * Math.sin(RAD * 2 * Mpr);
  c = c - 0.0004 * Math.sin(RAD * 3 * Mpr);
  c = c + 0.0104 * Math.sin(RAD * 2 * F) - 0.0051 * Math.sin(RAD * (M + Mpr));
  c = c - 0.0074 * Math.sin(RAD * (M - Mpr)) + 0.0004 * Math.sin(RAD * (2 * F + M));
  c = c - 0.0004 * Math.sin(RAD * (2 * F - M)) - 0.0006 * Math.sin(RAD * (2 * F + Mpr));
  c = c + 0.001 * Math.sin(RAD * (2 * F - Mpr)) + 0.0005 * Math.sin(RAD * (2 * Mpr + M));
  const deltaT = T < -11 ? 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3 : -0.000278 + 0.000265 * T + 0.000262 * T2;
  return jd + c - deltaT;
}

/** The sun's apparent longitude, in radians [0, 2π), at Julian date jdn (UT). */
function sunLongitude(jdn: number): number {
  const T = (jdn - 2451545.0) / 36525;
  const T2 = T * T;
  const M = 357.5291 + 35999.0503 * T - 0.0001559 * T2 - 0.00000048 * T * T2;
  const L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2;
  let DL = (1.9146 - 0.004817 * T - 0.000014 * T2) * Math.sin(RAD * M);
  DL += (0.019993 - 0.000101 * T) * Math.sin(RAD * 2 * M) + 0.00029 * Math.sin(RAD * 3 * M);
  const L = (L0 + DL) * RAD;
  return L - 2 * Math.PI * Math.floor(L / (2 * Math.PI));
}

/** Local day number of the k-th new moon. */
const newMoonDay = (k: number) => Math.floor(newMoon(k) + 0.5 + TIME_ZONE / 24);

/** Which of the 12 solar terms' sectors (0–11, 30° each) the sun is in at the start of a local day. */
const sunSector = (dayNumber: number) => Math.floor((sunLongitude(dayNumber - 0.5 - TIME_ZONE / 24) / Math.PI) * 6);

/** Day number of the start of lunar month 11 (the month holding the winter solstice) of solar year `year`. */
function lunarMonth11(year: number): number {
  const k = Math.floor((julianDay({ year, month: 12, day: 31 }) - 2415021) / SYNODIC_MONTH);
  const nm = newMoonDay(k);
  return sunSector(nm) >= 9 ? newMoonDay(k - 1) : nm;
}

/** In a 13-month lunar year starting at month 11 `a11`: the index of the leap month (the first without a major solar term). */
function leapMonthOffset(a11: number): number {
  const k = Math.floor((a11 - EPOCH) / SYNODIC_MONTH + 0.5);
  let i = 1;
  let arc = sunSector(newMoonDay(k + i));
  let last: number;
  do {
    last = arc;
    i++;
    arc = sunSector(newMoonDay(k + i));
  } while (arc !== last && i < 14);
  return i - 1;
}

export function solarToLunar(date: SolarDate): LunarDate {
  const dayNumber = julianDay(date);
  const k = Math.floor((dayNumber - EPOCH) / SYNODIC_MONTH);
  let monthStart = newMoonDay(k + 1);
  if (monthStart > dayNumber) monthStart = newMoonDay(k);
  let a11 = lunarMonth11(date.year);
  let b11 = a11;
  let year: number;
  if (a11 >= monthStart) {
    year = date.year;
    a11 = lunarMonth11(date.year - 1);
  } else {
    year = date.year + 1;
    b11 = lunarMonth11(date.year + 1);
  }
  const diff = Math.floor((monthStart - a11) / 29);
  let month = diff + 11;
  let leap = false;
  if (b11 - a11 > 365) {
    const leapDiff = leapMonthOffset(a11);
    if (diff >= leapDiff) {
      month = diff + 10;
      leap = diff === leapDiff;
    }
  }
  if (month > 12) month -= 12;
  if (month >= 11 && diff < 4) year -= 1;
  return { year, month, day: dayNumber - monthStart + 1, leap };
}

/** The solar date of a lunar date; throws RangeError for a leap month that the year does not have. */
export function lunarToSolar({ year, month, day, leap }: LunarDate): SolarDate {
  const [a11, b11] = month < 11 ? [lunarMonth11(year - 1), lunarMonth11(year)] : [lunarMonth11(year), lunarMonth11(year + 1)];
  const k = Math.floor(0.5 + (a11 - EPOCH) / SYNODIC_MONTH);
  let offset = (month - 11 + 12) % 12;
  if (b11 - a11 > 365) {
    const leapOffset = leapMonthOffset(a11);
    const leapMonth = (leapOffset - 2 + 12) % 12;
    if (leap && month !== leapMonth) throw new RangeError(`lunar year ${year} has no leap month ${month}`);
    if (leap || offset >= leapOffset) offset += 1;
  } else if (leap) {
    throw new RangeError(`lunar year ${year} has no leap month`);
  }
  return fromJulianDay(newMoonDay(k + offset) + day - 1);
}

const STEMS = ['Giáp', 'Ất', 'Bính', 'Đinh', 'Mậu', 'Kỷ', 'Canh', 'Tân', 'Nhâm', 'Quý'];
const BRANCHES = ['Tý', 'Sửu', 'Dần', 'Mão', 'Thìn', 'Tỵ', 'Ngọ', 'Mùi', 'Thân', 'Dậu', 'Tuất', 'Hợi'];

/** The year's name in the sexagenary cycle (can chi), e.g. 2026 → "Bính Ngọ". */
export const yearName = (lunarYear: number) => `${STEMS[(lunarYear + 6) % 10]} ${BRANCHES[(lunarYear + 8) % 12]}`;
