// The DTI catalogue's shape and its scoring, without the database: a catalogue is checked when it is loaded, and a
// score is computed from the catalogue and the values (stored or, in the what-if view, typed) with its formula in words.
import { badRequest } from '../shared/errors.ts';

/** Cách chấm điểm: bậc thang (the first step whose minimum the value reaches), tỷ lệ (a/b against a target), có/không. */
export type Scoring = { type: 'steps'; unit?: string; steps: { min: number; points: number }[] } | { type: 'ratio'; target?: number } | { type: 'yes_no' };

export interface CatalogueComponent {
  code: string;
  name: string;
  maxPoints: number;
  scoring: Scoring;
  evidenceRequired: boolean;
  /** Measured by the platform (platform.ts names the figures); absent = self-assessed by the owner agency. */
  autoKey?: string;
}
export interface CatalogueIndicator {
  code: string;
  name: string;
  maxPoints: number;
  components: CatalogueComponent[];
}
export interface Catalogue {
  year: number;
  decision: string;
  title: string;
  note?: string;
  maxPoints: number;
  pillars: { code: string; name: string; indicators: CatalogueIndicator[] }[];
}

/** A number of steps or events, a ratio's two counts, or yes/no. */
export type Value = number | { numerator: number; denominator: number } | boolean;

const round2 = (x: number) => Math.round(x * 100) / 100;
const vn = (x: number) => String(round2(x)).replace('.', ',');
const pct = (x: number) => `${vn(x * 100)}%`;

/**
 * Checks what loading would store: codes unique, every component's points within its indicator's and adding up to it,
 * the indicators adding up to the catalogue's total, steps in falling order within the component's points.
 */
export function checkCatalogue(c: Catalogue): void {
  const fail = (message: string) => {
    throw badRequest('DTI_CATALOGUE_INVALID', message);
  };
  const codes = new Set<string>();
  let total = 0;
  for (const p of c.pillars)
    for (const ind of p.indicators) {
      let sum = 0;
      for (const comp of ind.components) {
        if (codes.has(comp.code)) fail(`Mã thành phần ${comp.code} bị trùng.`);
        codes.add(comp.code);
        sum += comp.maxPoints;
        const s = comp.scoring;
        if (s.type === 'steps') {
          if (!s.steps.length) fail(`Thành phần ${comp.code}: chấm theo bậc thang cần ít nhất một bậc.`);
          s.steps.forEach((step, i) => {
            if (step.points > comp.maxPoints) fail(`Thành phần ${comp.code}: bậc ${i + 1} cho ${step.points} điểm, quá điểm tối đa ${comp.maxPoints}.`);
            const prev = s.steps[i - 1];
            if (prev && !(step.min < prev.min && step.points <= prev.points))
              fail(`Thành phần ${comp.code}: các bậc phải xếp từ cao xuống thấp (ngưỡng và điểm giảm dần).`);
          });
        }
        if (s.type === 'ratio' && s.target !== undefined && !(s.target > 0 && s.target <= 1))
          fail(`Thành phần ${comp.code}: tỷ lệ mục tiêu phải lớn hơn 0 và không quá 1.`);
      }
      if (round2(sum) !== round2(ind.maxPoints))
        fail(`Chỉ số ${ind.code}: tổng điểm các thành phần (${vn(sum)}) khác điểm tối đa của chỉ số (${vn(ind.maxPoints)}).`);
      total += ind.maxPoints;
    }
  if (round2(total) !== round2(c.maxPoints)) fail(`Tổng điểm các chỉ số chính (${vn(total)}) khác tổng điểm của bộ chỉ số (${vn(c.maxPoints)}).`);
}

/** Refuses a value of the wrong kind for the component's scoring, naming the component. */
export function checkValue(comp: Pick<CatalogueComponent, 'code' | 'scoring'>, v: Value): Value {
  const t = comp.scoring.type;
  const ok =
    t === 'yes_no'
      ? typeof v === 'boolean'
      : t === 'steps'
        ? typeof v === 'number' && Number.isFinite(v) && v >= 0
        : typeof v === 'object' && v.numerator >= 0 && v.denominator > 0 && v.numerator <= v.denominator;
  if (!ok) {
    const expected = t === 'yes_no' ? 'có hoặc không' : t === 'steps' ? 'một số không âm' : 'tử số và mẫu số (0 ≤ tử số ≤ mẫu số, mẫu số > 0)';
    throw badRequest('DTI_VALUE_INVALID', `Thành phần ${comp.code}: giá trị phải là ${expected}.`);
  }
  return v;
}

export interface ComponentScore {
  code: string;
  maxPoints: number;
  value: Value | null;
  /** null while the component has no value: shown as missing, counted as 0 in the totals and flagged. */
  points: number | null;
  formula: string;
}

/** One component's points and the arithmetic that gives them. */
export function scoreComponent(comp: CatalogueComponent, value: Value | null): ComponentScore {
  const base = { code: comp.code, maxPoints: comp.maxPoints, value };
  const s = comp.scoring;
  if (value === null) {
    const how = s.type === 'steps' ? 'bậc thang' : s.type === 'ratio' ? 'tỷ lệ' : 'có/không';
    return { ...base, points: null, formula: `Chưa có giá trị (chấm theo ${how}); tạm tính 0 điểm.` };
  }
  if (s.type === 'yes_no') {
    const points = value === true ? comp.maxPoints : 0;
    return { ...base, points, formula: `Có/không: ${value === true ? 'Có' : 'Không'} → ${vn(points)} điểm.` };
  }
  if (s.type === 'steps') {
    const n = value as number;
    const step = s.steps.find((st) => n >= st.min);
    const unit = s.unit ? ` ${s.unit}` : '';
    return {
      ...base,
      points: step?.points ?? 0,
      formula: step
        ? `Bậc thang: ${vn(n)}${unit} ≥ ${vn(step.min)} → ${vn(step.points)} điểm.`
        : `Bậc thang: ${vn(n)}${unit} dưới bậc thấp nhất (${vn(s.steps.at(-1)!.min)}) → 0 điểm.`,
    };
  }
  const { numerator: a, denominator: b } = value as { numerator: number; denominator: number };
  const target = s.target ?? 1;
  const points = round2(comp.maxPoints * Math.min(1, a / b / target));
  const against = target === 1 ? '' : ` / mục tiêu ${pct(target)}`;
  return {
    ...base,
    points,
    formula: `Tỷ lệ: ${vn(a)}/${vn(b)} = ${pct(a / b)}${against}; ${vn(comp.maxPoints)} × min(1; ${vn(a / b / target)}) = ${vn(points)} điểm.`,
  };
}

interface Subtotal {
  points: number;
  maxPoints: number;
  /** points / maxPoints, the 0–1 value the 2025 results are published as (null for an unscored indicator). */
  index: number | null;
  missing: number;
}
const subtotal = (points: number, maxPoints: number, missing: number): Subtotal => ({
  points: round2(points),
  maxPoints,
  index: maxPoints ? Math.round((points / maxPoints) * 10000) / 10000 : null,
  missing,
});

export interface Scorecard extends Subtotal {
  year: number;
  pillars: (Subtotal & { code: string; name: string; indicators: (Subtotal & { code: string; name: string; components: ComponentScore[] })[] })[];
}

/** Every component, indicator, pillar and the total, from the values by component code (missing ones count 0). */
export function scoreCatalogue(c: Catalogue, values: Map<string, Value>): Scorecard {
  const pillars = c.pillars.map((p) => {
    const indicators = p.indicators.map((ind) => {
      const components = ind.components.map((comp) => scoreComponent(comp, values.get(comp.code) ?? null));
      const missing = components.filter((x) => x.points === null).length;
      return { code: ind.code, name: ind.name, ...subtotal(sum(components.map((x) => x.points ?? 0)), ind.maxPoints, missing), components };
    });
    return {
      code: p.code,
      name: p.name,
      ...subtotal(sum(indicators.map((i) => i.points)), sum(indicators.map((i) => i.maxPoints)), sum(indicators.map((i) => i.missing))),
      indicators,
    };
  });
  return { year: c.year, ...subtotal(sum(pillars.map((p) => p.points)), c.maxPoints, sum(pillars.map((p) => p.missing))), pillars };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
