// The calendar domain: office hours and adjustments stored as data, the WorkingCalendar built from them, and
// their administration (system administrators only).
import type { Database, Queryable } from '../db/index.ts';
import type { CalendarAdjustmentsRow } from '../db/schema.ts';
import { requireSystemAdmin, type Actor } from '../shared/actor.ts';
import { badRequest, conflict, notFound } from '../shared/errors.ts';
import { FIRST_YEAR, isWeekend, LAST_YEAR } from './dates.ts';
import { statutoryHolidays } from './holidays.ts';
import { officePeriodsMs, WorkingCalendar, type Adjustment, type AdjustmentKind, type OfficePeriod } from './working-calendar.ts';

export interface StoredAdjustment extends Adjustment {
  id: string;
  source: string;
  createdAt: string;
}

// calendar_settings.revision goes up with every change. Each process keeps the calendar per database (a transaction
// uses its database's) and reads the revision at most once per REVISION_CHECK_MS, and at once after a change made
// in this process (calendarChanged): an admin's edit shows at once here, within REVISION_CHECK_MS in the other
// processes sharing the database. The WorkingCalendar itself caches each year it has computed.
export const REVISION_CHECK_MS = 1000;
/** Moved on by every calendar write of this process once it has committed. */
let writes = 0;
const calendarChanged = () => {
  writes++;
};
interface Cached {
  revision: number;
  calendar: Promise<WorkingCalendar>;
  checkedAt: number;
  checkedWrites: number;
}
const cache = new WeakMap<Queryable, Cached>();

export async function workingCalendar(db: Queryable): Promise<WorkingCalendar> {
  const key = db.database ?? db;
  const hit = cache.get(key);
  const now = Date.now();
  if (hit && hit.checkedWrites === writes && now - hit.checkedAt < REVISION_CHECK_MS) return hit.calendar;
  const checkedWrites = writes;
  const [{ revision }] = await db.query<{ revision: number }>('SELECT revision FROM calendar_settings');
  const current = cache.get(key);
  if (current?.revision === revision) {
    Object.assign(current, { checkedAt: now, checkedWrites });
    return current.calendar;
  }
  const calendar = Promise.all([getOfficeHours(db), loadAdjustments(db)]).then(([hours, adjustments]) => new WorkingCalendar(hours, adjustments));
  cache.set(key, { revision, calendar, checkedAt: now, checkedWrites });
  calendar.catch(() => cache.delete(key));
  return calendar;
}

export async function getOfficeHours(db: Queryable): Promise<OfficePeriod[]> {
  const [row] = await db.query<{ office_hours: OfficePeriod[] }>('SELECT office_hours FROM calendar_settings');
  return row.office_hours;
}

const requireCalendarAdmin = (actor: Actor | null) => requireSystemAdmin(actor, 'Chỉ quản trị hệ thống được quản lý lịch làm việc.');

const bump = (tx: Queryable, actor: Actor) =>
  tx.query('UPDATE calendar_settings SET revision = revision + 1, updated_by = $1, updated_at = now()', [actor.userId]);

export async function setOfficeHours(db: Database, actor: Actor | null, periods: OfficePeriod[]): Promise<OfficePeriod[]> {
  const admin = requireCalendarAdmin(actor);
  officePeriodsMs(periods);
  const clean = periods.map(({ start, end }) => ({ start, end }));
  await db.transaction(async (tx) => {
    await bump(tx, admin);
    await tx.query('UPDATE calendar_settings SET office_hours = $1::jsonb', [JSON.stringify(clean)]);
  });
  calendarChanged();
  return clean;
}

const ADJUSTMENT_SELECT = `SELECT id, to_char(day, 'YYYY-MM-DD') AS date, kind, name, source, created_at FROM calendar_adjustments`;
/** A calendar_adjustments row as ADJUSTMENT_SELECT gives it (the day as YYYY-MM-DD text). */
type AdjustmentRow = Pick<CalendarAdjustmentsRow, 'id' | 'name' | 'source' | 'created_at'> & { date: string; kind: AdjustmentKind };
const toAdjustment = (r: AdjustmentRow): StoredAdjustment => ({
  id: r.id,
  date: r.date,
  kind: r.kind,
  name: r.name,
  source: r.source,
  createdAt: r.created_at.toISOString(),
});

async function loadAdjustments(db: Queryable, year?: number): Promise<StoredAdjustment[]> {
  const rows = await db.query<AdjustmentRow>(`${ADJUSTMENT_SELECT} WHERE $1::int IS NULL OR extract(year FROM day) = $1 ORDER BY day`, [year ?? null]);
  return rows.map(toAdjustment);
}

export async function listAdjustments(db: Queryable, actor: Actor | null, year?: number): Promise<StoredAdjustment[]> {
  requireCalendarAdmin(actor);
  return loadAdjustments(db, year);
}

export interface AdjustmentInput {
  date: string;
  kind: AdjustmentKind;
  name: string;
  source: string;
}

export async function createAdjustment(db: Database, actor: Actor | null, input: AdjustmentInput): Promise<StoredAdjustment> {
  const admin = requireCalendarAdmin(actor);
  const year = Number(input.date.slice(0, 4));
  if (year < FIRST_YEAR || year > LAST_YEAR) {
    throw badRequest('DATE_OUT_OF_RANGE', `Lịch làm việc chỉ tính được cho các năm từ ${FIRST_YEAR} đến ${LAST_YEAR}.`);
  }
  if (input.kind === 'workday' && !isWeekend(input.date)) {
    throw badRequest('NOT_A_WEEKEND', 'Ngày làm bù phải là thứ Bảy hoặc Chủ nhật; để bỏ một ngày nghỉ lễ, hãy dùng loại "not_holiday".');
  }
  if (input.kind === 'holiday' && isWeekend(input.date)) {
    throw badRequest('ALREADY_DAY_OFF', 'Thứ Bảy và Chủ nhật đã là ngày nghỉ hằng tuần.');
  }
  if (input.kind === 'not_holiday' && !statutoryHolidays(year).some((d) => d.date === input.date)) {
    throw badRequest('NOT_A_HOLIDAY', 'Ngày này không phải ngày nghỉ lễ, tết hay nghỉ bù theo quy định nên không cần hủy.');
  }
  const row = await db.transaction(async (tx) => {
    const [inserted] = await tx.query<Pick<CalendarAdjustmentsRow, 'id'>>(
      `INSERT INTO calendar_adjustments (day, kind, name, source, created_by)
      VALUES ($1, $2, $3, $4, $5) ON CONFLICT (day) DO NOTHING RETURNING id`,
      [input.date, input.kind, input.name, input.source, admin.userId],
    );
    if (!inserted) throw conflict('ADJUSTMENT_EXISTS', `Ngày ${input.date} đã có điều chỉnh; hãy xóa điều chỉnh cũ trước.`);
    await bump(tx, admin);
    return (await tx.query<AdjustmentRow>(`${ADJUSTMENT_SELECT} WHERE id = $1`, [inserted.id]))[0];
  });
  calendarChanged();
  return toAdjustment(row);
}

export async function deleteAdjustment(db: Database, actor: Actor | null, id: string): Promise<void> {
  const admin = requireCalendarAdmin(actor);
  await db.transaction(async (tx) => {
    const deleted = await tx.query('DELETE FROM calendar_adjustments WHERE id = $1 RETURNING id', [id]);
    if (!deleted.length) throw notFound('điều chỉnh lịch làm việc');
    await bump(tx, admin);
  });
  calendarChanged();
}
