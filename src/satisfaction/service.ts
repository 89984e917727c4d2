// Satisfaction (đánh giá mức độ hài lòng, Bộ chỉ số 766): once the result is returned, the dossier's citizen rates
// the service once, on five levels with reasons; the ratings feed the dashboard.
import type { Queryable } from '../db/index.ts';
import type { SatisfactionRatingsRow } from '../db/schema.ts';
import type { Citizen } from '../citizens/service.ts';
import { getDossier } from '../dossiers/service.ts';
import { Status } from '../dossiers/rules.ts';
import { conflict } from '../shared/errors.ts';
import { nfc } from '../shared/text.ts';

export const LEVELS = { 1: 'Rất không hài lòng', 2: 'Không hài lòng', 3: 'Bình thường', 4: 'Hài lòng', 5: 'Rất hài lòng' } as const;
export type Level = keyof typeof LEVELS;
/** Hài lòng = the two upper levels (the 766 indicator counts satisfied ratings). */
export const SATISFIED_FROM = 4;

export interface RatingInput {
  level: Level;
  reasons: string[];
  comment?: string;
}

const toRating = (r: SatisfactionRatingsRow) => ({
  dossierId: r.dossier_id,
  level: r.level as Level,
  levelName: LEVELS[r.level as Level],
  reasons: r.reasons as string[],
  comment: r.comment,
  ratedAt: r.rated_at.toISOString(),
});

export async function rateDossier(db: Queryable, citizen: Citizen, dossierId: string, input: RatingInput) {
  const d = await getDossier(db, { kind: 'citizen', citizen }, dossierId);
  if (d.status !== Status.Returned) throw conflict('NOT_RETURNED', 'Chỉ đánh giá sau khi hồ sơ đã được trả kết quả.');
  const [row] = await db.query<SatisfactionRatingsRow>(
    `INSERT INTO satisfaction_ratings (dossier_id, citizen_id, agency_id, procedure_id, level, reasons, comment)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dossier_id) DO NOTHING RETURNING *`,
    [d.id, citizen.id, d.homeAgencyId, d.procedure.id, input.level, JSON.stringify(input.reasons.map(nfc)), input.comment ? nfc(input.comment) : null],
  );
  if (!row) throw conflict('ALREADY_RATED', 'Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần.');
  return toRating(row);
}

/** The citizen's rating of a dossier, or null. */
export async function dossierRating(db: Queryable, citizen: Citizen, dossierId: string) {
  await getDossier(db, { kind: 'citizen', citizen }, dossierId);
  const [row] = await db.query<SatisfactionRatingsRow>('SELECT * FROM satisfaction_ratings WHERE dossier_id = $1', [dossierId]);
  return row ? toRating(row) : null;
}

/** Ratings given in [from, to) (optionally for one agency): how many, how many satisfied, the average level. */
export async function satisfactionStats(db: Queryable, q: { from: Date; to: Date; agencyId?: string }) {
  const [r] = await db.query<{ ratings: number; satisfied: number; average: number | null }>(
    `SELECT count(*)::int AS ratings, count(*) FILTER (WHERE level >= $4)::int AS satisfied, avg(level)::float AS average
       FROM satisfaction_ratings WHERE rated_at >= $1 AND rated_at < $2 AND ($3::uuid IS NULL OR agency_id = $3::uuid)`,
    [q.from, q.to, q.agencyId ?? null, SATISFIED_FROM],
  );
  return { ratings: r.ratings, satisfied: r.satisfied, average: r.average === null ? null : Math.round(r.average * 100) / 100 };
}
