// DTI self-assessment (tự đánh giá chỉ số chuyển đổi số cấp tỉnh): the year's catalogue loaded from data, components
// assigned to owner agencies, values with evidence, platform-measured components, the computed score with its
// formulas, a what-if score that writes nothing, and the province's published results of past years.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileTypeFromBuffer } from 'file-type';
import type { Database, Queryable } from '../db/index.ts';
import { agenciesById, getAgencyRow, organisationOf } from '../agencies/service.ts';
import { checkUploadContent, type UploadSettings } from '../dossiers/files.ts';
import { type Actor, isSystemAdmin, requireSystemAdmin } from '../shared/actor.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../shared/errors.ts';
import type { ReceivedFile } from '../shared/http.ts';
import { nfc } from '../shared/text.ts';
import { isAutoKey, platformRatios, type AutoKey } from './platform.ts';
import { type Catalogue, type CatalogueComponent, checkCatalogue, checkValue, scoreCatalogue, type Value } from './scoring.ts';

/** The catalogues shipped with the platform, loadable by a system administrator (file name → year's decision). */
const BUILTIN = ['dti-2022.json', 'dti-2025.json'];
export function builtinCatalogue(year: number): Catalogue {
  const found = BUILTIN.map((f) => JSON.parse(readFileSync(new URL(`./catalogues/${f}`, import.meta.url), 'utf8')) as Catalogue).find((c) => c.year === year);
  if (!found) throw notFound('bộ chỉ số DTI có sẵn của năm này');
  return found;
}
export const builtinYears = () => BUILTIN.map((f) => Number(/\d{4}/.exec(f)![0]));

const requireStaff = (actor: Actor | null): Actor => {
  if (!actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
  return actor;
};

/**
 * Whether the actor writes for an owner agency: a system administrator always; otherwise staff whose organisation
 * (a sub-unit's staff act for theirs) is the owner or lies above it.
 */
async function writesFor(db: Queryable, me: Actor): Promise<(ownerPath: string | undefined) => boolean> {
  if (isSystemAdmin(me)) return () => true;
  const org = await organisationOf(db, me.agencyId);
  return (ownerPath) => ownerPath !== undefined && (ownerPath === org.path || ownerPath.startsWith(`${org.path}/`));
}

/** Loads a year's catalogue; a year that already has values keeps its catalogue (409), since they were scored under it. */
export async function loadCatalogue(db: Database, actor: Actor | null, c: Catalogue): Promise<{ year: number; components: number }> {
  const admin = requireSystemAdmin(actor, 'Chỉ quản trị hệ thống được nạp bộ chỉ số DTI.');
  checkCatalogue(c);
  const unknown = c.pillars.flatMap((p) => p.indicators.flatMap((i) => i.components)).find((x) => x.autoKey && !isAutoKey(x.autoKey));
  if (unknown) throw badRequest('DTI_CATALOGUE_INVALID', `Thành phần ${unknown.code}: nguồn đo tự động "${unknown.autoKey}" không có trên nền tảng.`);
  const components = c.pillars.flatMap((p) => p.indicators.flatMap((i) => i.components.map((comp) => ({ ...comp, indicator: i.code }))));
  await db.transaction(async (tx) => {
    const [used] = await tx.query('SELECT 1 FROM dti_values WHERE year = $1 UNION ALL SELECT 1 FROM dti_evidence WHERE year = $1 LIMIT 1', [c.year]);
    if (used) throw conflict('DTI_YEAR_IN_USE', `Năm ${c.year} đã có giá trị tự đánh giá; không thể nạp lại bộ chỉ số.`);
    await tx.query('DELETE FROM dti_components WHERE year = $1', [c.year]);
    await tx.query('DELETE FROM dti_frameworks WHERE year = $1', [c.year]);
    const structure = { note: c.note ?? null, pillars: c.pillars.map((p) => ({ ...p, indicators: p.indicators.map(({ components: _, ...i }) => i) })) };
    await tx.query('INSERT INTO dti_frameworks (year, decision, title, max_points, structure, loaded_by) VALUES ($1, $2, $3, $4, $5, $6)', [
      c.year,
      c.decision,
      c.title,
      c.maxPoints,
      JSON.stringify(structure),
      admin.userId,
    ]);
    for (const [i, comp] of components.entries())
      await tx.query(
        `INSERT INTO dti_components (year, code, indicator_code, position, name, max_points, scoring, evidence_required, auto_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [c.year, comp.code, comp.indicator, i, comp.name, comp.maxPoints, JSON.stringify(comp.scoring), comp.evidenceRequired, comp.autoKey ?? null],
      );
  });
  return { year: c.year, components: components.length };
}

export async function listYears(db: Queryable, actor: Actor | null) {
  requireStaff(actor);
  const rows = await db.query('SELECT year, decision, title, max_points FROM dti_frameworks ORDER BY year DESC');
  return rows.map((r) => ({ year: r.year, decision: r.decision, title: r.title, maxPoints: Number(r.max_points) }));
}

interface ComponentRow {
  code: string;
  indicator_code: string;
  name: string;
  max_points: string;
  scoring: CatalogueComponent['scoring'];
  evidence_required: boolean;
  auto_key: string | null;
  owner_agency_id: string | null;
}

/** The stored catalogue of a year, rebuilt in the loaded shape, with the rows behind it. */
async function catalogueOf(db: Queryable, year: number) {
  const [f] = await db.query('SELECT year, decision, title, max_points, structure FROM dti_frameworks WHERE year = $1', [year]);
  if (!f) throw notFound('bộ chỉ số DTI của năm này');
  const rows = await db.query<ComponentRow>('SELECT * FROM dti_components WHERE year = $1 ORDER BY position', [year]);
  const toComponent = (r: ComponentRow): CatalogueComponent => ({
    code: r.code,
    name: r.name,
    maxPoints: Number(r.max_points),
    scoring: r.scoring,
    evidenceRequired: r.evidence_required,
    ...(r.auto_key ? { autoKey: r.auto_key } : {}),
  });
  const catalogue: Catalogue = {
    year: f.year,
    decision: f.decision,
    title: f.title,
    note: f.structure.note ?? undefined,
    maxPoints: Number(f.max_points),
    pillars: f.structure.pillars.map((p: Catalogue['pillars'][number]) => ({
      ...p,
      indicators: p.indicators.map((i) => ({ ...i, components: rows.filter((r) => r.indicator_code === i.code).map(toComponent) })),
    })),
  };
  return { catalogue, rows };
}

/** Stored values, with the platform's figures in place of the auto-measured components. */
async function valuesOf(db: Queryable, year: number, rows: ComponentRow[]) {
  const stored = await db.query('SELECT code, value, note, updated_at FROM dti_values WHERE year = $1', [year]);
  const values = new Map<string, Value>(stored.map((r) => [r.code, r.value as Value]));
  const autoKeys = rows.map((r) => r.auto_key).filter((k): k is AutoKey => k !== null && isAutoKey(k));
  const measured = await platformRatios(db, year, autoKeys);
  const sources = new Map<string, string>();
  for (const r of rows) {
    const m = r.auto_key && isAutoKey(r.auto_key) ? measured.get(r.auto_key) : undefined;
    if (!r.auto_key) continue;
    values.delete(r.code);
    if (m) {
      values.set(r.code, { numerator: m.numerator, denominator: m.denominator });
      sources.set(r.code, m.source);
    }
  }
  return { values, sources, stored: new Map(stored.map((r) => [r.code, r])) };
}

/** The year's self-assessment: the catalogue, each component's owner, value, evidence and score, and the totals. */
export async function getAssessment(db: Queryable, actor: Actor | null, year: number) {
  const me = requireStaff(actor);
  const { catalogue, rows } = await catalogueOf(db, year);
  const { values, sources, stored } = await valuesOf(db, year, rows);
  const evidence = await db.query('SELECT id, code, name, mime, size, created_at FROM dti_evidence WHERE year = $1 ORDER BY created_at', [year]);
  const owners = await agenciesById(
    db,
    rows.map((r) => r.owner_agency_id).filter((x): x is string => x !== null),
  );
  const score = scoreCatalogue(catalogue, values);
  const mayWrite = await writesFor(db, me);
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const details = new Map(
    score.pillars.flatMap((p) =>
      p.indicators.flatMap((i) =>
        i.components.map((s) => {
          const r = byCode.get(s.code)!;
          const owner = r.owner_agency_id ? owners.get(r.owner_agency_id) : undefined;
          return [
            s.code,
            {
              ...s,
              name: r.name,
              scoring: r.scoring,
              evidenceRequired: r.evidence_required,
              auto: r.auto_key !== null,
              source: sources.get(s.code) ?? null,
              owner: owner ? { id: owner.id, name: owner.name } : null,
              editable: r.auto_key === null && mayWrite(owner?.path),
              note: stored.get(s.code)?.note ?? null,
              updatedAt: stored.get(s.code)?.updated_at ?? null,
              evidence: evidence.filter((e) => e.code === s.code).map((e) => ({ id: e.id, name: e.name, mime: e.mime, size: e.size, createdAt: e.created_at })),
            },
          ] as const;
        }),
      ),
    ),
  );
  return {
    decision: catalogue.decision,
    title: catalogue.title,
    note: catalogue.note ?? null,
    ...score,
    pillars: score.pillars.map((p) => ({ ...p, indicators: p.indicators.map((i) => ({ ...i, components: i.components.map((c) => details.get(c.code)!) })) })),
    canAssign: isSystemAdmin(me),
    published: await listPublished(db),
  };
}

/** The score with some values changed (or cleared with null), computed and not stored: the what-if view. */
export async function whatIf(db: Queryable, actor: Actor | null, year: number, changes: Record<string, Value | null>) {
  requireStaff(actor);
  const { catalogue, rows } = await catalogueOf(db, year);
  const { values } = await valuesOf(db, year, rows);
  const byCode = new Map(rows.map((r) => [r.code, r]));
  for (const [code, v] of Object.entries(changes)) {
    const r = byCode.get(code);
    if (!r) throw notFound(`thành phần ${code}`);
    if (v === null) values.delete(code);
    else values.set(code, checkValue({ code, scoring: r.scoring }, v));
  }
  return scoreCatalogue(catalogue, values);
}

async function componentRow(db: Queryable, year: number, code: string): Promise<ComponentRow> {
  const [r] = await db.query<ComponentRow>('SELECT * FROM dti_components WHERE year = $1 AND code = $2', [year, code]);
  if (!r) throw notFound('thành phần chỉ số');
  return r;
}

/** Assigns a component to the agency that reports it (or none); system administrators only. */
export async function setOwner(db: Queryable, actor: Actor | null, year: number, code: string, agencyId: string | null) {
  requireSystemAdmin(actor, 'Chỉ quản trị hệ thống được phân công thành phần cho cơ quan.');
  await componentRow(db, year, code);
  if (agencyId && !(await getAgencyRow(db, agencyId))) throw badRequest('UNKNOWN_AGENCY', 'Không tìm thấy cơ quan được phân công.');
  await db.query('UPDATE dti_components SET owner_agency_id = $3 WHERE year = $1 AND code = $2', [year, code, agencyId]);
}

/** Who may give a component's value and evidence: its owner agency (and units above it) or a system administrator. */
async function editableRow(db: Queryable, actor: Actor | null, year: number, code: string) {
  const me = requireStaff(actor);
  const r = await componentRow(db, year, code);
  if (r.auto_key) throw conflict('DTI_AUTO_MEASURED', 'Thành phần này do nền tảng tự đo; không nhập tay.');
  const owner = r.owner_agency_id ? await getAgencyRow(db, r.owner_agency_id) : undefined;
  if (!(await writesFor(db, me))(owner?.path)) throw forbidden('Chỉ cơ quan được phân công thành phần này được nhập giá trị và minh chứng.');
  return { me, r };
}

/** Records a component's value (null clears it), checked against its scoring. */
export async function setValue(db: Queryable, actor: Actor | null, year: number, code: string, input: { value: Value | null; note?: string }) {
  const { me, r } = await editableRow(db, actor, year, code);
  if (input.value === null) {
    await db.query('DELETE FROM dti_values WHERE year = $1 AND code = $2', [year, code]);
    return;
  }
  const value = checkValue({ code, scoring: r.scoring }, input.value);
  await db.query(
    `INSERT INTO dti_values (year, code, value, note, updated_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (year, code) DO UPDATE SET value = EXCLUDED.value, note = EXCLUDED.note, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [year, code, JSON.stringify(value), input.note ? nfc(input.note) : null, me.userId],
  );
}

/** Adds an evidence file (PDF or image, checked by its bytes like every upload). */
export async function addEvidence(db: Queryable, actor: Actor | null, year: number, code: string, file: ReceivedFile, settings: UploadSettings) {
  const { me } = await editableRow(db, actor, year, code);
  await checkUploadContent(file.filename, file.mimetype, file.content, settings);
  const mime = (await fileTypeFromBuffer(file.content))!.mime;
  const [row] = await db.query(
    `INSERT INTO dti_evidence (year, code, name, mime, size, sha256, content, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [
      year,
      code,
      nfc(file.filename).slice(0, 255) || 'minh-chung',
      mime,
      file.content.length,
      createHash('sha256').update(file.content).digest('hex'),
      file.content,
      me.userId,
    ],
  );
  return { id: row.id as string };
}

export async function readEvidence(db: Queryable, actor: Actor | null, year: number, id: string) {
  requireStaff(actor);
  const [r] = await db.query('SELECT name, mime, content FROM dti_evidence WHERE year = $1 AND id = $2', [year, id]);
  if (!r) throw notFound('minh chứng');
  return { name: r.name as string, mime: r.mime as string, content: Buffer.from(r.content) };
}

export interface PublishedResult {
  year: number;
  score: number;
  maxScore: number;
  rank: number | null;
  provinces: number | null;
  pillars: { code: string; name: string; score: number }[];
  source: string;
}

/** The province's officially published results, newest first, with the 0–1 value they compare by. */
export async function listPublished(db: Queryable) {
  const rows = await db.query('SELECT * FROM dti_published_results ORDER BY year DESC');
  return rows.map((r) => ({
    year: r.year,
    score: Number(r.score),
    maxScore: Number(r.max_score),
    index: Math.round((Number(r.score) / Number(r.max_score)) * 10000) / 10000,
    rank: r.rank,
    provinces: r.provinces,
    pillars: r.pillars,
    source: r.source,
  }));
}

/** Records (or corrects) a year's published result as announced; system administrators only. */
export async function setPublished(db: Queryable, actor: Actor | null, p: PublishedResult) {
  const admin = requireSystemAdmin(actor, 'Chỉ quản trị hệ thống được nhập kết quả DTI đã công bố.');
  if (p.score > p.maxScore) throw badRequest('DTI_VALUE_INVALID', 'Điểm công bố không được lớn hơn điểm tối đa.');
  await db.query(
    `INSERT INTO dti_published_results (year, score, max_score, rank, provinces, pillars, source, entered_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (year) DO UPDATE SET score = EXCLUDED.score, max_score = EXCLUDED.max_score, rank = EXCLUDED.rank, provinces = EXCLUDED.provinces,
       pillars = EXCLUDED.pillars, source = EXCLUDED.source, entered_by = EXCLUDED.entered_by, entered_at = now()`,
    [p.year, p.score, p.maxScore, p.rank, p.provinces, JSON.stringify(p.pillars), nfc(p.source), admin.userId],
  );
}
