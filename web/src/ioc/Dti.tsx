// Tự đánh giá chỉ số chuyển đổi số (DTI): the year's catalogue with each component's owner, value, evidence, points and
// formula; the totals per main indicator, pillar and the whole; a what-if score of unsaved changes; the published
// results of past years beside this one. Every staff member reads it; the owner agency writes its components.
import { useEffect, useState } from 'react';
import { api, type Agency, type Me } from '../api.ts';
import { formatDecimal, formatSize } from '../format.ts';
import { setSearchParams, useLocation } from '../router.tsx';
import { Badge, ErrorMessage, Field, Loading, TableWrap, useAction, useFetch, usePageTitle } from '../ui.tsx';
import { Card, Panel } from './parts.tsx';

type Value = number | boolean | { numerator: number; denominator: number };
type Scoring = { type: 'steps'; unit?: string; steps: { min: number; points: number }[] } | { type: 'ratio'; target?: number } | { type: 'yes_no' };
interface Subtotal {
  points: number;
  maxPoints: number;
  index: number | null;
  missing: number;
}
interface Component {
  code: string;
  name: string;
  maxPoints: number;
  value: Value | null;
  points: number | null;
  formula: string;
  scoring: Scoring;
  evidenceRequired: boolean;
  auto: boolean;
  source: string | null;
  owner: { id: string; name: string } | null;
  editable: boolean;
  evidence: { id: string; name: string; size: number }[];
}
interface Assessment extends Subtotal {
  year: number;
  decision: string;
  title: string;
  note: string | null;
  canAssign: boolean;
  pillars: (Subtotal & { code: string; name: string; indicators: (Subtotal & { code: string; name: string; components: Component[] })[] })[];
  published: { year: number; score: number; maxScore: number; index: number; rank: number | null; provinces: number | null; source: string }[];
}
type Score = Subtotal & { pillars: (Subtotal & { code: string; indicators: (Subtotal & { code: string })[] })[] };

const METHOD: Record<Scoring['type'], string> = { steps: 'Bậc thang', ratio: 'Tỷ lệ', yes_no: 'Có/không' };
const points = (n: number | null) => (n === null ? '—' : formatDecimal(n));
const indexText = (x: number | null) => (x === null ? '—' : x.toLocaleString('vi-VN', { minimumFractionDigits: 4, maximumFractionDigits: 4 }));

/** A value typed as text: the form keeps what the user typed, the score gets a Value once it is complete. */
type Draft = { n?: string; d?: string; yes?: 'yes' | 'no' | '' };
function toDraft(v: Value | null): Draft {
  if (v === null) return {};
  if (typeof v === 'boolean') return { yes: v ? 'yes' : 'no' };
  if (typeof v === 'number') return { n: String(v) };
  return { n: String(v.numerator), d: String(v.denominator) };
}
function fromDraft(s: Scoring, d: Draft): Value | null {
  const num = (x: string | undefined) => (x === undefined || x.trim() === '' ? Number.NaN : Number(x.replace(',', '.')));
  if (s.type === 'yes_no') return d.yes ? d.yes === 'yes' : null;
  if (s.type === 'steps') return Number.isFinite(num(d.n)) ? num(d.n) : null;
  const [a, b] = [num(d.n), num(d.d)];
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? { numerator: a, denominator: b } : null;
}

export function Dti({ me }: { me: Me }) {
  usePageTitle('Tự đánh giá chỉ số chuyển đổi số (DTI)');
  const { search } = useLocation();
  const years = useFetch<{ items: { year: number; decision: string }[]; builtin: number[] }>('/api/v1/dti/years');
  const year = Number(search.get('nam')) || years.data?.items[0]?.year || null;
  const res = useFetch<Assessment>(year ? `/api/v1/dti/${year}` : null);
  const agencies = useFetch<Agency[]>(res.data?.canAssign ? '/api/v1/agencies' : null);
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [whatIf, setWhatIf] = useState<Score | null>(null);
  const act = useAction();
  const a = res.data;
  const isAdmin = me.roles.includes('system_admin');

  const changed = a
    ? Object.fromEntries(
        a.pillars
          .flatMap((p) => p.indicators.flatMap((i) => i.components))
          .filter((c) => drafts[c.code] !== undefined && JSON.stringify(fromDraft(c.scoring, drafts[c.code])) !== JSON.stringify(c.value))
          .map((c) => [c.code, fromDraft(c.scoring, drafts[c.code])]),
      )
    : {};
  const changedKey = JSON.stringify(changed);
  // The what-if score follows the unsaved changes; nothing is stored until a row is saved.
  useEffect(() => {
    if (!year || changedKey === '{}') return setWhatIf(null);
    const ctrl = new AbortController();
    api<Score>(`/api/v1/dti/${year}/what-if`, { body: { values: JSON.parse(changedKey) }, signal: ctrl.signal }).then(setWhatIf, () => setWhatIf(null));
    return () => ctrl.abort();
  }, [year, changedKey]);

  const save = (c: Component) =>
    act.run(async () => {
      await api(`/api/v1/dti/${year}/components/${c.code}/value`, { method: 'PUT', body: { value: fromDraft(c.scoring, drafts[c.code] ?? {}) } });
      await res.reload();
      setDrafts(({ [c.code]: _, ...rest }) => rest);
    });
  const assign = (c: Component, agencyId: string) =>
    act.run(async () => {
      await api(`/api/v1/dti/${year}/components/${c.code}/owner`, { method: 'PUT', body: { agencyId: agencyId || null } });
      await res.reload();
    });
  const upload = (c: Component, file: File) =>
    act.run(async () => {
      const form = new FormData();
      form.append('file', file);
      await api(`/api/v1/dti/${year}/components/${c.code}/evidence`, { body: form });
      await res.reload();
    });
  const load = (y: number) =>
    act.run(async () => {
      await api('/api/v1/dti/catalogues', { body: { builtin: y } });
      await years.reload();
      setSearchParams({ nam: String(y) });
    });

  const whatIfOf = (code: string) => whatIf?.pillars.flatMap((p) => p.indicators).find((i) => i.code === code);
  const missingYears = (years.data?.builtin ?? []).filter((y) => !years.data?.items.some((i) => i.year === y));

  return (
    <div className="dti">
      <h1>Tự đánh giá chỉ số chuyển đổi số (DTI)</h1>
      <div className="ioc-public-bar">
        {years.data && years.data.items.length > 0 && (
          <Field label="Năm đánh giá">
            <select value={year ?? ''} onChange={(e) => setSearchParams({ nam: e.target.value })}>
              {years.data.items.map((y) => (
                <option key={y.year} value={y.year}>
                  {y.year} — {y.decision}
                </option>
              ))}
            </select>
          </Field>
        )}
        {isAdmin &&
          missingYears.map((y) => (
            <button key={y} type="button" className="btn" disabled={act.busy} onClick={() => load(y)}>
              Nạp bộ chỉ số {y}
            </button>
          ))}
      </div>
      <ErrorMessage error={years.error ?? res.error ?? act.error} />
      {years.data && years.data.items.length === 0 && <p>Chưa nạp bộ chỉ số DTI nào. Quản trị hệ thống nạp bộ chỉ số của năm để bắt đầu.</p>}
      {res.loading && !a && <Loading />}
      {a && (
        <>
          <p className="lead">
            {a.title} ({a.decision}).
          </p>
          {a.note && <p className="muted">{a.note}</p>}
          <ul className="ioc-cards">
            <Card
              name="Tổng điểm tự đánh giá"
              value={`${points(a.points)} / ${formatDecimal(a.maxPoints)}`}
              note={`Giá trị chỉ số ${indexText(a.index)}${a.missing ? ` · ${a.missing} thành phần chưa có giá trị (tính 0)` : ''}`}
              tone="accent"
            />
            {whatIf && (
              <Card
                name="Điểm thử tính (chưa lưu)"
                value={`${points(whatIf.points)} / ${formatDecimal(whatIf.maxPoints)}`}
                note={`Chênh lệch ${whatIf.points >= a.points ? '+' : ''}${formatDecimal(Math.round((whatIf.points - a.points) * 100) / 100)} điểm`}
                tone="alarm"
              />
            )}
            {a.pillars.map((p) => (
              <Card
                key={p.code}
                name={`${p.code}. ${p.name}`}
                value={`${points(p.points)} / ${formatDecimal(p.maxPoints)}`}
                note={`Giá trị ${indexText(p.index)}`}
              />
            ))}
          </ul>
          {whatIf && (
            <p className="dti-whatif" role="status">
              Đang thử tính với {Object.keys(changed).length} giá trị chưa lưu.{' '}
              <button type="button" className="btn btn-link" onClick={() => setDrafts({})}>
                Bỏ các thay đổi
              </button>
            </p>
          )}

          <Panel id="dti-compare" title="So sánh với kết quả đã công bố">
            {a.published.length === 0 ? (
              <p className="muted">Chưa nhập kết quả DTI đã công bố của các năm trước.</p>
            ) : (
              <TableWrap label="Kết quả DTI các năm" stack>
                <thead>
                  <tr>
                    <th>Năm</th>
                    <th className="num">Giá trị (0–1)</th>
                    <th className="num">Xếp hạng</th>
                    <th>Nguồn</th>
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    <td data-label="Năm">{a.year} (tự đánh giá)</td>
                    <td data-label="Giá trị" className="num">
                      {indexText(a.index)}
                    </td>
                    <td data-label="Xếp hạng" className="num">
                      —
                    </td>
                    <td data-label="Nguồn">Tính trên nền tảng</td>
                  </tr>
                  {a.published.map((p) => (
                    <tr key={p.year}>
                      <td data-label="Năm">{p.year}</td>
                      <td data-label="Giá trị" className="num">
                        {indexText(p.index)}
                      </td>
                      <td data-label="Xếp hạng" className="num">
                        {p.rank ? `${p.rank}${p.provinces ? `/${p.provinces}` : ''}` : '—'}
                      </td>
                      <td data-label="Nguồn">{p.source}</td>
                    </tr>
                  ))}
                </tbody>
              </TableWrap>
            )}
          </Panel>

          {a.pillars.map((p) =>
            p.indicators.map((ind) => {
              const trial = whatIfOf(ind.code);
              return (
                <Panel
                  key={`${p.code}-${ind.code}`}
                  id={`dti-${ind.code}`}
                  title={`${ind.code}. ${ind.name}`}
                  actions={
                    <span className="dti-subtotal">
                      {points(ind.points)} / {formatDecimal(ind.maxPoints)} điểm
                      {trial && trial.points !== ind.points ? ` → thử tính ${points(trial.points)}` : ''}
                    </span>
                  }>
                  {ind.components.length === 0 ? (
                    <p className="muted">Chỉ số không tính điểm.</p>
                  ) : (
                    <TableWrap label={`Thành phần của chỉ số ${ind.code}`} stack>
                      <thead>
                        <tr>
                          <th>Mã</th>
                          <th>Thành phần</th>
                          <th>Giá trị</th>
                          <th className="num">Điểm</th>
                          <th>Cách tính</th>
                          <th>Minh chứng</th>
                        </tr>
                      </thead>
                      <tbody>
                        {ind.components.map((c) => (
                          <tr key={c.code}>
                            <td data-label="Mã">{c.code}</td>
                            <td className="main-cell">
                              {c.name}
                              <div className="dti-meta">
                                <Badge tone={c.auto ? 'blue' : 'neutral'}>{c.auto ? 'Nền tảng tự đo' : METHOD[c.scoring.type]}</Badge>{' '}
                                {a.canAssign && !c.auto ? (
                                  <select aria-label={`Cơ quan phụ trách ${c.code}`} value={c.owner?.id ?? ''} onChange={(e) => assign(c, e.target.value)}>
                                    <option value="">— Chưa phân công —</option>
                                    {agencies.data?.map((ag) => (
                                      <option key={ag.id} value={ag.id}>
                                        {ag.name}
                                      </option>
                                    ))}
                                  </select>
                                ) : (
                                  <span className="muted">{c.auto ? (c.source ?? 'Chưa có số liệu trong năm') : (c.owner?.name ?? 'Chưa phân công')}</span>
                                )}
                              </div>
                            </td>
                            <td data-label="Giá trị">
                              <div className="dti-value">
                                {c.auto ? (
                                  <MeasuredValue value={c.value} />
                                ) : (
                                  <ValueInput
                                    c={c}
                                    draft={drafts[c.code] ?? toDraft(c.value)}
                                    onChange={(d) => setDrafts((all) => ({ ...all, [c.code]: d }))}
                                  />
                                )}
                                {c.editable && changed[c.code] !== undefined && (
                                  <button type="button" className="btn btn-primary btn-small" disabled={act.busy} onClick={() => save(c)}>
                                    Lưu
                                  </button>
                                )}
                              </div>
                            </td>
                            <td data-label="Điểm" className="num">
                              {points(c.points)} / {formatDecimal(c.maxPoints)}
                            </td>
                            <td data-label="Cách tính" className="dti-formula">
                              {c.formula}
                            </td>
                            <td data-label="Minh chứng">
                              <div className="dti-evidence">
                                {c.evidence.map((e) => (
                                  <div key={e.id}>
                                    <a href={`/api/v1/dti/${a.year}/evidence/${e.id}`} target="_blank" rel="noreferrer">
                                      {e.name}
                                    </a>{' '}
                                    <span className="muted">({formatSize(e.size)})</span>
                                  </div>
                                ))}
                                {c.evidenceRequired && c.evidence.length === 0 && <Badge tone="amber">Cần minh chứng</Badge>}
                                {c.editable && (
                                  <input
                                    type="file"
                                    accept="application/pdf,image/jpeg,image/png"
                                    aria-label={`Thêm minh chứng cho ${c.code}`}
                                    onChange={(e) => e.target.files?.[0] && upload(c, e.target.files[0])}
                                  />
                                )}
                              </div>
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </TableWrap>
                  )}
                </Panel>
              );
            }),
          )}
        </>
      )}
    </div>
  );
}

/** A platform-measured ratio as its two counts. */
function MeasuredValue({ value }: { value: Value | null }) {
  if (value === null || typeof value !== 'object') return <span className="muted">Chưa có số liệu</span>;
  return (
    <>
      {formatDecimal(value.numerator)} / {formatDecimal(value.denominator)}
    </>
  );
}

/** The value's input by scoring method. Any reader may try values (what-if); only the owner agency saves them. */
function ValueInput({ c, draft, onChange }: { c: Component; draft: Draft; onChange: (d: Draft) => void }) {
  const s = c.scoring;
  if (s.type === 'yes_no')
    return (
      <select
        className="dti-value-select"
        aria-label={`Giá trị ${c.code}`}
        value={draft.yes ?? ''}
        onChange={(e) => onChange({ yes: e.target.value as Draft['yes'] })}>
        <option value="">—</option>
        <option value="yes">Có</option>
        <option value="no">Không</option>
      </select>
    );
  if (s.type === 'steps')
    return (
      <input
        className="dti-number"
        inputMode="decimal"
        aria-label={`Giá trị ${c.code}${s.unit ? ` (${s.unit})` : ''}`}
        value={draft.n ?? ''}
        onChange={(e) => onChange({ n: e.target.value })}
      />
    );
  return (
    <span className="dti-ratio">
      <input
        className="dti-number"
        inputMode="decimal"
        aria-label={`Tử số ${c.code}`}
        value={draft.n ?? ''}
        onChange={(e) => onChange({ ...draft, n: e.target.value })}
      />
      /
      <input
        className="dti-number"
        inputMode="decimal"
        aria-label={`Mẫu số ${c.code}`}
        value={draft.d ?? ''}
        onChange={(e) => onChange({ ...draft, d: e.target.value })}
      />
    </span>
  );
}
