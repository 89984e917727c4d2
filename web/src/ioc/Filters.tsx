// The period picker (ngày, tháng, quý, năm, tùy chọn) and the scope filters (cơ quan, xã/phường, lĩnh vực, thủ tục).
// Both write the URL, which the pages read.
import { withQuery, type Agency, type Me, type ProcedureSummary, type Unit } from '../api.ts';
import { DEFAULT_PROVINCE, keysOf } from '../format.ts';
import { setSearchParams } from '../router.tsx';
import { Field, useFetch } from '../ui.tsx';
import {
  PERIOD_KINDS,
  SCOPE_KEYS,
  periodAround,
  periodLabel,
  periodParams,
  quarterName,
  quarterOf,
  shiftPeriod,
  today,
  type Period,
  type PeriodKind,
  type Scope,
} from './period.ts';

const setPeriod = (p: Period) => setSearchParams(periodParams(p), { replace: true });

export function PeriodPicker({ period: p }: { period: Period }) {
  const year = Number(p.from.slice(0, 4));
  const thisYear = Number(today().slice(0, 4));
  const years = Array.from({ length: 6 }, (_, i) => thisYear - i);
  if (!years.includes(year)) years.push(year);
  // A new kind of period around today when the current one holds today (quarter → this day, not the quarter's first).
  const anchor = p.from <= today() && today() <= p.to ? today() : p.from;
  const changeKind = (kind: PeriodKind) => setPeriod(kind === 'tuy-chon' ? { ...p, kind } : periodAround(kind, anchor));
  return (
    <fieldset className="ioc-period">
      <legend>Kỳ báo cáo</legend>
      <Field label="Theo">
        <select value={p.kind} onChange={(e) => changeKind(e.target.value as PeriodKind)}>
          {keysOf(PERIOD_KINDS).map((k) => (
            <option key={k} value={k}>
              {PERIOD_KINDS[k]}
            </option>
          ))}
        </select>
      </Field>
      {p.kind === 'ngay' && (
        <Field label="Ngày">
          <input type="date" value={p.from} max={today()} onChange={(e) => e.target.value && setPeriod(periodAround('ngay', e.target.value))} />
        </Field>
      )}
      {p.kind === 'thang' && (
        // Two lists rather than <input type="month">, which some browsers (Firefox, Safari) show as a bare text box.
        <Field label="Tháng">
          <select value={Number(p.from.slice(5, 7))} onChange={(e) => setPeriod(periodAround('thang', `${year}-${e.target.value.padStart(2, '0')}-01`))}>
            {Array.from({ length: 12 }, (_, i) => (
              <option key={i} value={i + 1}>
                Tháng {i + 1}
              </option>
            ))}
          </select>
        </Field>
      )}
      {p.kind === 'quy' && (
        <Field label="Quý">
          <select
            value={quarterOf(p.from)}
            onChange={(e) => setPeriod(periodAround('quy', `${year}-${String(Number(e.target.value) * 3 - 2).padStart(2, '0')}-01`))}>
            {[1, 2, 3, 4].map((q) => (
              <option key={q} value={q}>
                {quarterName(q)}
              </option>
            ))}
          </select>
        </Field>
      )}
      {(p.kind === 'thang' || p.kind === 'quy' || p.kind === 'nam') && (
        <Field label="Năm">
          <select value={year} onChange={(e) => setPeriod(periodAround(p.kind as 'thang' | 'quy' | 'nam', `${e.target.value}${p.from.slice(4)}`))}>
            {years.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </Field>
      )}
      {p.kind === 'tuy-chon' && (
        <>
          <Field label="Từ ngày">
            <input
              type="date"
              value={p.from}
              max={p.to}
              onChange={(e) => e.target.value && e.target.value <= p.to && setPeriod({ ...p, from: e.target.value })}
            />
          </Field>
          <Field label="Đến ngày">
            <input
              type="date"
              value={p.to}
              min={p.from}
              onChange={(e) => e.target.value && e.target.value >= p.from && setPeriod({ ...p, to: e.target.value })}
            />
          </Field>
        </>
      )}
      <div className="ioc-period-step">
        <button type="button" className="btn btn-small" onClick={() => setPeriod(shiftPeriod(p, -1))} aria-label="Kỳ trước">
          ‹
        </button>
        <span className="ioc-period-label" aria-live="polite">
          {periodLabel(p)}
        </span>
        <button type="button" className="btn btn-small" onClick={() => setPeriod(shiftPeriod(p, 1))} aria-label="Kỳ sau">
          ›
        </button>
      </div>
    </fieldset>
  );
}

/** Agencies that count as an organisation of their own (the units inside a department are counted with it). */
const ORGANISATION_KINDS: Agency['kind'][] = ['province_committee', 'department', 'commune_committee'];
const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name, 'vi');

export function ScopeFilters({ scope, me }: { scope: Scope; me: Me }) {
  const ownOnly = !me.roles.some((r) => r === 'ioc_viewer' || r === 'system_admin');
  const agencies = useFetch<{ items: Agency[] }>(ownOnly ? null : '/api/v1/agencies');
  const communes = useFetch<{ items: Unit[] }>(withQuery('/api/v1/units', { level: 'commune', province: DEFAULT_PROVINCE }));
  const fields = useFetch<{ items: { name: string; count: number }[] }>('/api/v1/fields');
  const procedures = useFetch<{ items: ProcedureSummary[] }>(withQuery('/api/v1/procedures', { field: scope.field, agency: scope.agency, pageSize: 100 }));
  const set = (key: keyof Scope, value: string) =>
    setSearchParams({ [key]: value, ...(key === 'field' || key === 'agency' ? { procedure: null } : {}) }, { replace: true });
  const any = SCOPE_KEYS.some((k) => scope[k]);
  return (
    <fieldset className="ioc-scope">
      <legend>Phạm vi</legend>
      {ownOnly ? (
        <p className="ioc-own">
          <span className="muted">Cơ quan:</span> {me.agency.name}
        </p>
      ) : (
        <Field label="Cơ quan">
          <select value={scope.agency ?? ''} onChange={(e) => set('agency', e.target.value)}>
            <option value="">Tất cả cơ quan</option>
            {(agencies.data?.items ?? [])
              .filter((a) => a.active && ORGANISATION_KINDS.includes(a.kind))
              .sort(byName)
              .map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
          </select>
        </Field>
      )}
      <Field label="Xã, phường">
        <select value={scope.commune ?? ''} onChange={(e) => set('commune', e.target.value)}>
          <option value="">Tất cả xã, phường</option>
          {(communes.data?.items ?? [])
            .slice()
            .sort(byName)
            .map((u) => (
              <option key={u.code} value={u.code}>
                {u.fullName}
              </option>
            ))}
        </select>
      </Field>
      <Field label="Lĩnh vực">
        <select value={scope.field ?? ''} onChange={(e) => set('field', e.target.value)}>
          <option value="">Tất cả lĩnh vực</option>
          {(fields.data?.items ?? []).map((f) => (
            <option key={f.name} value={f.name}>
              {f.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Thủ tục">
        <select value={scope.procedure ?? ''} onChange={(e) => set('procedure', e.target.value)}>
          <option value="">Tất cả thủ tục</option>
          {(procedures.data?.items ?? [])
            .slice()
            .sort(byName)
            .map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
        </select>
      </Field>
      {any && (
        <button type="button" className="btn btn-link" onClick={() => setSearchParams(Object.fromEntries(SCOPE_KEYS.map((k) => [k, null])), { replace: true })}>
          Bỏ lọc phạm vi
        </button>
      )}
    </fieldset>
  );
}
