// Agencies (cơ quan, đơn vị) in the user's scope: the list, add, edit, deactivate.
import { useMemo, useState, type FormEvent } from 'react';
import { api, type Agency, type AgencyKind, type Unit } from '../api.ts';
import { AGENCY_KINDS, DEFAULT_PROVINCE, keysOf } from '../format.ts';
import { Badge, ErrorMessage, Field, Loading, Notice, TableWrap, upsert, useAction, useFetch, useFocusFirstField, usePageTitle } from '../ui.tsx';
import { AgencyOptions, useAgencies } from './shared.tsx';

interface Draft {
  code: string;
  name: string;
  parentId: string;
  kind: AgencyKind;
  unitCode: string;
  satStart: string;
  satEnd: string;
}
const blank = (parentId: string): Draft => ({ code: '', name: '', parentId, kind: 'department', unitCode: '', satStart: '', satEnd: '' });

export function Agencies() {
  usePageTitle('Cơ quan, đơn vị');
  const agencies = useAgencies();
  const [editing, setEditing] = useState<Agency | null>(null);
  const [notice, setNotice] = useState('');
  const toggle = useAction();

  // The province of this installation: the unit code of the provincial People's Committee.
  const province = agencies.items.find((a) => a.kind === 'province_committee' && a.unitCode)?.unitCode ?? DEFAULT_PROVINCE;
  const provinces = useFetch<{ items: Unit[] }>('/api/v1/units?level=province');
  const communes = useFetch<{ items: Unit[] }>(`/api/v1/units?level=commune&province=${province}`);
  const units = useMemo(
    () => [...(provinces.data?.items ?? []).filter((u) => u.code === province), ...(communes.data?.items ?? [])],
    [provinces.data, communes.data, province],
  );
  const unitName = useMemo(() => new Map(units.map((u) => [u.code, u.fullName])), [units]);

  const saved = (a: Agency, verb: string) => {
    setEditing(null);
    setNotice(`Đã ${verb} ${a.name}.`);
    agencies.setData({ items: upsert(agencies.items, a) });
    agencies.reload();
  };
  const setActive = (a: Agency, active: boolean) =>
    void toggle.run(async () => {
      const updated = await api<Agency>(`/api/v1/admin/agencies/${a.id}`, { method: 'PATCH', body: { active } });
      saved(updated, active ? 'kích hoạt lại' : 'ngừng hoạt động');
    });

  return (
    <>
      <h1>Cơ quan, đơn vị</h1>
      <Notice>{notice}</Notice>
      <ErrorMessage error={agencies.error ?? toggle.error} />
      {!agencies.data ? (
        <Loading />
      ) : (
        <TableWrap label="Danh sách cơ quan, đơn vị">
          <thead>
            <tr>
              <th scope="col">Mã định danh</th>
              <th scope="col">Tên cơ quan, đơn vị</th>
              <th scope="col">Cơ quan cha</th>
              <th scope="col">Loại</th>
              <th scope="col">Đơn vị hành chính</th>
              <th scope="col">Trạng thái</th>
              <th scope="col">
                <span className="visually-hidden">Thao tác</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {agencies.items.map((a) => (
              <tr key={a.id} className={a.active ? undefined : 'inactive'}>
                <td className="nowrap">{a.code}</td>
                <td style={{ paddingLeft: `${0.75 + (agencies.depth.get(a.id) ?? 0) * 1}rem` }}>{a.name}</td>
                <td>{a.parentId ? (agencies.byId.get(a.parentId)?.name ?? '—') : '—'}</td>
                <td>{AGENCY_KINDS[a.kind] ?? a.kind}</td>
                <td>{a.unitCode ? `${unitName.get(a.unitCode) ?? ''} (${a.unitCode})`.trim() : '—'}</td>
                <td>{a.active ? <Badge tone="green">Đang hoạt động</Badge> : <Badge tone="red">Ngừng hoạt động</Badge>}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => {
                      setNotice('');
                      setEditing(a);
                    }}
                    aria-label={`Sửa ${a.name}`}>
                    Sửa
                  </button>
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={toggle.busy}
                    onClick={() => setActive(a, !a.active)}
                    aria-label={`${a.active ? 'Ngừng hoạt động' : 'Kích hoạt lại'} ${a.name}`}>
                    {a.active ? 'Ngừng hoạt động' : 'Kích hoạt lại'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      {agencies.data && (
        <AgencyForm
          key={editing?.id ?? 'new'}
          agency={editing}
          agencies={agencies}
          units={units}
          onCancel={() => setEditing(null)}
          onSaved={(a) => saved(a, editing ? 'lưu' : 'thêm')}
        />
      )}
    </>
  );
}

function AgencyForm({
  agency,
  agencies,
  units,
  onCancel,
  onSaved,
}: {
  agency: Agency | null;
  agencies: ReturnType<typeof useAgencies>;
  units: Unit[];
  onCancel: () => void;
  onSaved: (a: Agency) => void;
}) {
  const [d, setD] = useState<Draft>(() =>
    agency
      ? {
          code: agency.code,
          name: agency.name,
          parentId: agency.parentId ?? '',
          kind: agency.kind,
          unitCode: agency.unitCode ?? '',
          satStart: agency.saturdaySession?.start ?? '',
          satEnd: agency.saturdaySession?.end ?? '',
        }
      : blank(agencies.items[0]?.id ?? ''),
  );
  const { busy, error, run } = useAction();
  const form = useFocusFirstField<HTMLFormElement>(!!agency);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const base = { code: d.code.trim(), name: d.name.trim(), unitCode: d.unitCode.trim() || null };
      onSaved(
        agency
          ? await api<Agency>(`/api/v1/admin/agencies/${agency.id}`, {
              method: 'PATCH',
              body: { ...base, saturdaySession: d.satStart && d.satEnd ? { start: d.satStart, end: d.satEnd } : null },
            })
          : await api<Agency>('/api/v1/admin/agencies', { body: { ...base, parentId: d.parentId || null, kind: d.kind } }),
      );
    });
  };

  return (
    <form ref={form} className="card form" onSubmit={submit} aria-labelledby="agency-form-title">
      <h2 id="agency-form-title">{agency ? `Sửa cơ quan: ${agency.name}` : 'Thêm cơ quan, đơn vị'}</h2>
      <ErrorMessage error={error} />
      <div className="grid-2">
        <Field label="Mã định danh" hint="Theo Quyết định 20/2020/QĐ-TTg, ví dụ H13.20">
          <input value={d.code} onChange={(e) => set('code', e.target.value.toUpperCase())} required maxLength={35} spellCheck={false} />
        </Field>
        <Field label="Tên cơ quan, đơn vị">
          <input value={d.name} onChange={(e) => set('name', e.target.value)} required minLength={2} maxLength={300} />
        </Field>
        <Field label="Cơ quan cha" hint={agency ? 'Không thay đổi được sau khi tạo.' : undefined}>
          <select value={d.parentId} onChange={(e) => set('parentId', e.target.value)} disabled={!!agency} required={!agency}>
            {agency && !agency.parentId && <option value="">(Không có)</option>}
            <AgencyOptions agencies={agencies.items} depth={agencies.depth} activeOnly={!agency} />
          </select>
        </Field>
        <Field label="Loại cơ quan" hint={agency ? 'Không thay đổi được sau khi tạo.' : undefined}>
          <select value={d.kind} onChange={(e) => set('kind', e.target.value as AgencyKind)} disabled={!!agency}>
            {keysOf(AGENCY_KINDS).map((k) => (
              <option key={k} value={k}>
                {AGENCY_KINDS[k]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Đơn vị hành chính" hint="Đơn vị hành chính mà cơ quan quản lý (nếu có).">
          <select value={d.unitCode} onChange={(e) => set('unitCode', e.target.value)}>
            <option value="">(Không gắn đơn vị hành chính)</option>
            {d.unitCode && !units.some((u) => u.code === d.unitCode) && <option value={d.unitCode}>{d.unitCode}</option>}
            {units.map((u) => (
              <option key={u.code} value={u.code}>
                {u.fullName} ({u.code})
              </option>
            ))}
          </select>
        </Field>
        {agency && (
          <>
            <Field label="Tiếp nhận sáng thứ Bảy: từ" hint="Để trống nếu bộ phận một cửa không làm việc sáng thứ Bảy.">
              <input type="time" value={d.satStart} onChange={(e) => set('satStart', e.target.value)} min="06:00" max="12:00" />
            </Field>
            <Field label="Tiếp nhận sáng thứ Bảy: đến" hint="Thời hạn giải quyết vẫn tính từ ngày làm việc kế tiếp.">
              <input type="time" value={d.satEnd} onChange={(e) => set('satEnd', e.target.value)} min="06:00" max="12:00" />
            </Field>
          </>
        )}
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {agency ? 'Lưu thay đổi' : 'Thêm cơ quan'}
        </button>
        {agency && (
          <button type="button" className="btn" onClick={onCancel}>
            Hủy
          </button>
        )}
      </div>
    </form>
  );
}
