// Báo cáo định kỳ (chế độ báo cáo, Decree 09/2019): the unit's reports and those sent to its organisation, one report's
// data form (figures the platform computes pre-filled; an empty cell is "chưa có số liệu", never 0) with its checks,
// XLSX export/import and the actions the server allows, and a period's roll-up with drill-down.
import { useEffect, useState } from 'react';
import { api, type AllowedAction } from '../api.ts';
import { formatDay, formatInstant, formatNumber } from '../format.ts';
import { Link } from '../router.tsx';
import { Badge, ErrorMessage, Field, Loading, Notice, TableWrap, useAction, useFetch, usePageTitle } from '../ui.tsx';

type Column = 'current' | 'previous' | 'lastYear' | 'plan';
type Values = Record<Column, number | null> & { computed?: number | null };

interface ReportSummary {
  id: string;
  regimeName: string;
  period: string;
  periodId: string;
  dueOn: string;
  agencyName: string;
  status: string;
  statusName: string;
  version: number;
  late: boolean;
  dueSoon: boolean;
}
interface Finding {
  indicator: string;
  column: Column;
  message: string;
}
interface Report extends ReportSummary {
  revision: number;
  legalBasis: string;
  outline: string[];
  narrative: string;
  columns: { key: Column; label: string }[];
  lines: { ordinal: number; code: string; name: string; unit: string; source: 'computed' | 'reported'; required: boolean; entered: Column[]; values: Values }[];
  checks: { errors: Finding[]; warnings: Finding[] };
  versions: { version: number; signed: boolean; returnedReason: string | null }[];
  history: { at: string; action: string; status: string; version: number; note: string | null; by: string | null }[];
  allowedActions: AllowedAction[];
}

const NO_DATA = 'chưa có số liệu';
const show = (v: number | null | undefined) => (v === null || v === undefined ? NO_DATA : formatNumber(v));

function StatusBadge({ r }: { r: Pick<ReportSummary, 'status' | 'statusName' | 'late' | 'dueSoon'> }) {
  return (
    <>
      <Badge tone={r.status === 'accepted' ? 'green' : r.status === 'returned' ? 'amber' : 'blue'}>{r.statusName}</Badge>{' '}
      {r.late ? <Badge tone="red">Quá hạn</Badge> : r.dueSoon ? <Badge tone="amber">Sắp đến hạn</Badge> : null}
    </>
  );
}

export function ReportList() {
  usePageTitle('Báo cáo định kỳ');
  const list = useFetch<{ items: ReportSummary[] }>('/api/v1/reports');
  const periods = [...new Map((list.data?.items ?? []).map((r) => [r.periodId, r])).values()];
  return (
    <>
      <h1>Báo cáo định kỳ</h1>
      <p className="muted">Báo cáo theo chế độ báo cáo (Nghị định 09/2019/NĐ-CP) của đơn vị bạn và báo cáo gửi đến cơ quan bạn.</p>
      <ErrorMessage error={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {periods.length > 0 && (
        <p>
          {periods.map((p) => (
            <Link key={p.periodId} className="btn" to={`/mot-cua/bao-cao/tong-hop/${p.periodId}`}>
              Tổng hợp {p.period}
            </Link>
          ))}
        </p>
      )}
      {list.data && (
        <TableWrap label="Danh sách báo cáo" stack>
          <thead>
            <tr>
              <th>Báo cáo</th>
              <th>Kỳ</th>
              <th>Đơn vị</th>
              <th>Hạn gửi</th>
              <th>Trạng thái</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((r) => (
              <tr key={r.id}>
                <td data-label="Báo cáo">
                  <Link to={`/mot-cua/bao-cao/${r.id}`}>{r.regimeName}</Link>
                </td>
                <td data-label="Kỳ">{r.period}</td>
                <td data-label="Đơn vị">{r.agencyName}</td>
                <td data-label="Hạn gửi">{formatDay(r.dueOn)}</td>
                <td data-label="Trạng thái">
                  <StatusBadge r={r} />
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </>
  );
}

/** What each action asks before it is confirmed. */
const ASKS: Record<string, string | undefined> = { send_back: 'Nội dung cần sửa', return: 'Lý do trả lại' };

export function ReportPage({ id }: { id: string }) {
  const report = useFetch<Report>(`/api/v1/reports/${id}`);
  const r = report.data;
  usePageTitle(r ? `${r.regimeName} — ${r.period}` : 'Báo cáo');
  const action = useAction();
  const [notice, setNotice] = useState('');
  const [entries, setEntries] = useState<Record<string, Partial<Record<Column, string>>>>({});
  const [narrative, setNarrative] = useState('');
  const [open, setOpen] = useState<AllowedAction | null>(null);
  const [reason, setReason] = useState('');
  useEffect(() => {
    if (!r) return;
    setEntries(
      Object.fromEntries(r.lines.map((l) => [l.code, Object.fromEntries(l.entered.map((c) => [c, l.values[c] === null ? '' : String(l.values[c])]))])),
    );
    setNarrative(r.narrative);
  }, [r]);
  if (!r) return report.error ? <ErrorMessage error={report.error} /> : <Loading />;
  const editable = r.allowedActions.some((a) => a.action === 'save');
  const done = async (message: string) => {
    await report.reload();
    setNotice(message);
  };
  const save = () =>
    action.run(async () => {
      const body = Object.fromEntries(
        Object.entries(entries).map(([code, cols]) => [
          code,
          Object.fromEntries(Object.entries(cols).map(([c, v]) => [c, v.trim() === '' ? null : Number(v.replace(',', '.'))])),
        ]),
      );
      await api(`/api/v1/reports/${id}/values`, { method: 'PUT', body: { entries: body, narrative, revision: r.revision } });
      await done('Đã lưu số liệu.');
    });
  const perform = (a: AllowedAction) =>
    action.run(async () => {
      const ask = ASKS[a.action];
      await api(`/api/v1/reports/${id}/actions`, {
        body: { action: a.action, revision: r.revision, ...(ask ? { [a.action === 'return' ? 'reason' : 'note']: reason } : {}) },
      });
      setOpen(null);
      setReason('');
      await done(`Đã thực hiện: ${a.label}.`);
    });
  const importFile = (file: File) =>
    action.run(async () => {
      const form = new FormData();
      form.append('file', file);
      await api(`/api/v1/reports/${id}/xlsx`, { body: form });
      await done('Đã nhập số liệu từ tệp XLSX.');
    });
  const problems = (action.error as { details?: { problems?: { cell: string; message: string }[]; errors?: Finding[] } } | null)?.details;
  return (
    <>
      <p>
        <Link to="/mot-cua/bao-cao">← Báo cáo định kỳ</Link>
      </p>
      <h1>{r.regimeName}</h1>
      <p>
        <strong>{r.period}</strong> · {r.agencyName} · Hạn gửi {formatDay(r.dueOn)} · Phiên bản {r.version} <StatusBadge r={r} />
      </p>
      <p className="muted">Căn cứ: {r.legalBasis}</p>
      <Notice>{notice}</Notice>
      <ErrorMessage error={action.error} />
      {problems?.problems && (
        <ul className="alert alert-error">
          {problems.problems.map((p) => (
            <li key={p.cell}>{p.message}</li>
          ))}
        </ul>
      )}
      <section aria-labelledby="report-form">
        <h2 id="report-form">Biểu số liệu</h2>
        <TableWrap label="Biểu số liệu" stack>
          <thead>
            <tr>
              <th>Chỉ tiêu</th>
              {r.columns.map((c) => (
                <th key={c.key}>{c.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {r.lines.map((l) => (
              <tr key={l.code}>
                <td data-label="Chỉ tiêu">
                  {l.ordinal}. {l.name} ({l.unit}){l.required ? ' *' : ''}
                  {l.source === 'computed' && <span className="muted"> — hệ thống tính: {show(l.values.computed)}</span>}
                </td>
                {r.columns.map((c) => (
                  <td key={c.key} data-label={c.label}>
                    {editable && l.entered.includes(c.key) ? (
                      <input
                        inputMode="decimal"
                        aria-label={`${l.name} — ${c.label}`}
                        placeholder={NO_DATA}
                        value={entries[l.code]?.[c.key] ?? ''}
                        onChange={(e) => setEntries((all) => ({ ...all, [l.code]: { ...all[l.code], [c.key]: e.target.value } }))}
                      />
                    ) : (
                      show(l.values[c.key])
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </TableWrap>
        {editable ? (
          <Field label="Thuyết minh (theo đề cương)" hint={r.outline.join('; ')}>
            <textarea rows={5} value={narrative} onChange={(e) => setNarrative(e.target.value)} />
          </Field>
        ) : (
          r.narrative && <p>{r.narrative}</p>
        )}
      </section>
      {(r.checks.errors.length > 0 || r.checks.warnings.length > 0) && (
        <section aria-labelledby="report-checks">
          <h2 id="report-checks">Kiểm tra số liệu</h2>
          <ul>
            {r.checks.errors.map((f) => (
              <li key={`e-${f.indicator}-${f.column}`}>
                <Badge tone="red">Lỗi</Badge> {f.message}
              </li>
            ))}
            {r.checks.warnings.map((f) => (
              <li key={`w-${f.indicator}-${f.column}`}>
                <Badge tone="amber">Cảnh báo</Badge> {f.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      <div className="toolbar-actions">
        {editable && (
          <button type="button" className="btn btn-primary" onClick={save} disabled={action.busy}>
            Lưu số liệu
          </button>
        )}
        <a className="btn" href={`/api/v1/reports/${id}/xlsx`}>
          Tải biểu mẫu XLSX
        </a>
        {editable && (
          <label className="btn">
            Nhập từ XLSX
            <input
              type="file"
              className="visually-hidden"
              accept=".xlsx"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void importFile(f);
                e.target.value = '';
              }}
            />
          </label>
        )}
        {r.allowedActions
          .filter((a) => a.action !== 'save')
          .map((a) => (
            <button key={a.action} type="button" className="btn" onClick={() => (ASKS[a.action] ? setOpen(a) : perform(a))} disabled={action.busy}>
              {a.label}
            </button>
          ))}
      </div>
      {open && (
        <form
          className="card"
          onSubmit={(e) => {
            e.preventDefault();
            void perform(open);
          }}>
          <Field label={ASKS[open.action]!}>
            <textarea rows={3} required value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <button type="submit" className="btn btn-primary" disabled={action.busy}>
            Xác nhận: {open.label}
          </button>
        </form>
      )}
      <section aria-labelledby="report-history">
        <h2 id="report-history">Phiên bản và lịch sử</h2>
        <ul>
          {r.versions.map((v) => (
            <li key={v.version}>
              Phiên bản {v.version}
              {v.signed && (
                <>
                  {' '}
                  — <a href={`/api/v1/reports/${id}/versions/${v.version}/pdf`}>bản ký số (PDF)</a>
                </>
              )}
              {v.returnedReason && <> — bị trả lại: {v.returnedReason}</>}
            </li>
          ))}
          {r.history.map((h, i) => (
            <li key={i}>
              {formatInstant(h.at)} · {h.by ?? 'Hệ thống'} · {h.status}
              {h.note ? ` — ${h.note}` : ''}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

interface Rollup {
  period: { label: string; dueOn: string };
  regime: { name: string };
  agency: { id: string; name: string };
  units: { total: number; sent: number; accepted: number; late: number };
  lines: { code: string; name: string; unit: string; values: Record<Column, number | null> }[];
  children: {
    agencyId: string;
    name: string;
    status: string | null;
    units: number;
    sent: number;
    drillable: boolean;
    lines: { code: string; current: number | null }[];
  }[];
}

export function ReportRollup({ periodId, agencyId }: { periodId: string; agencyId: string | null }) {
  const data = useFetch<Rollup>(`/api/v1/report-periods/${periodId}/rollup${agencyId ? `?agencyId=${agencyId}` : ''}`);
  const u = data.data;
  usePageTitle(u ? `Tổng hợp ${u.period.label}` : 'Tổng hợp báo cáo');
  if (!u) return data.error ? <ErrorMessage error={data.error} /> : <Loading />;
  return (
    <>
      <p>
        <Link to="/mot-cua/bao-cao">← Báo cáo định kỳ</Link>
      </p>
      <h1>Tổng hợp {u.period.label}</h1>
      <p>
        {u.regime.name} · <strong>{u.agency.name}</strong> · Hạn gửi {formatDay(u.period.dueOn)}
      </p>
      <p>
        Đã gửi {u.units.sent}/{u.units.total} đơn vị, đã tiếp nhận {u.units.accepted}
        {u.units.late > 0 && (
          <>
            {' '}
            · <Badge tone="red">{u.units.late} đơn vị quá hạn</Badge>
          </>
        )}
      </p>
      <TableWrap label="Số liệu tổng hợp" stack>
        <thead>
          <tr>
            <th>Chỉ tiêu</th>
            <th>Thực hiện kỳ này</th>
            <th>Kỳ trước</th>
            <th>Cùng kỳ năm trước</th>
          </tr>
        </thead>
        <tbody>
          {u.lines.map((l) => (
            <tr key={l.code}>
              <td data-label="Chỉ tiêu">
                {l.name} ({l.unit})
              </td>
              <td data-label="Thực hiện kỳ này">{show(l.values.current)}</td>
              <td data-label="Kỳ trước">{show(l.values.previous)}</td>
              <td data-label="Cùng kỳ năm trước">{show(l.values.lastYear)}</td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
      <h2>Theo đơn vị</h2>
      <TableWrap label="Theo đơn vị" stack>
        <thead>
          <tr>
            <th>Đơn vị</th>
            <th>Tình trạng</th>
            {u.lines.slice(0, 3).map((l) => (
              <th key={l.code}>{l.name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {u.children.map((c) => (
            <tr key={c.agencyId}>
              <td data-label="Đơn vị">
                <Link to={`/mot-cua/bao-cao/tong-hop/${periodId}?don-vi=${c.agencyId}`}>{c.name}</Link>
              </td>
              <td data-label="Tình trạng">{c.status ?? `Đã gửi ${c.sent}/${c.units}`}</td>
              {u.lines.slice(0, 3).map((l) => (
                <td key={l.code} data-label={l.name}>
                  {show(c.lines.find((x) => x.code === l.code)?.current)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </TableWrap>
    </>
  );
}
