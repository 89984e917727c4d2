// Lĩnh vực phản ánh: the category tree reporters and operators pick from. System administrators add a category
// (under a parent or at the top), rename it, move it under another parent, retire it and use it again; a retired
// category is kept for the cases filed under it but refused for new reports.
import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { ErrorMessage, Field, Loading, Notice, useAction, useFetch, usePageTitle } from '../ui.tsx';
import { type Category, categoryOptions } from '../feedback/parts.tsx';
import { useMe } from './shared.tsx';

type AdminCategory = Category & { active: boolean };
const BASE = '/api/v1/admin/feedback-categories';

export function FeedbackCategories() {
  usePageTitle('Lĩnh vực phản ánh');
  const me = useMe();
  const list = useFetch<{ items: AdminCategory[] }>(BASE);
  const [notice, setNotice] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const editable = me.roles.includes('system_admin');
  const items = list.data?.items;
  const done = (message: string) =>
    void list.reload().then(() => {
      setNotice(message);
      setEditing(null);
    });

  const tree = (parentId: string | null) => {
    const children = (items ?? []).filter((c) => c.parentId === parentId);
    if (!children.length) return null;
    return (
      <ul className="category-tree">
        {children.map((c) => (
          <li key={c.id}>
            {editing === c.id ? (
              <EditRow category={c} all={items!} onDone={done} onCancel={() => setEditing(null)} />
            ) : (
              <div className="category-row">
                <span className="category-name">
                  {c.name} <span className="muted small">({c.code})</span>
                </span>
                {!c.active && <span className="badge badge-neutral">Ngừng sử dụng</span>}
                {editable && (
                  <button type="button" className="btn btn-small" onClick={() => setEditing(c.id)} aria-label={`Sửa ${c.name}`}>
                    Sửa
                  </button>
                )}
              </div>
            )}
            {tree(c.id)}
          </li>
        ))}
      </ul>
    );
  };

  return (
    <>
      <h1>Lĩnh vực phản ánh, kiến nghị</h1>
      <p className="muted">
        Cây lĩnh vực người dân và cán bộ tiếp nhận chọn khi gửi, nhập và phân loại phản ánh. Lĩnh vực ngừng sử dụng không nhận phản ánh mới; các phản ánh đã có
        vẫn giữ lĩnh vực đó.
      </p>
      <Notice>{notice}</Notice>
      <ErrorMessage error={list.error} />
      {!items ? <Loading /> : tree(null)}
      {items && editable && <AddForm all={items} onDone={(c) => done(`Đã thêm lĩnh vực “${c.name}”.`)} />}
      {!editable && <p className="muted">Chỉ quản trị hệ thống của thành phố được sửa danh mục này.</p>}
    </>
  );
}

/** Parents a category may move under: active ones, not itself nor anything beneath it. */
function parentChoices(all: AdminCategory[], self: string | null) {
  const below = new Set<string>();
  const walk = (id: string) => {
    below.add(id);
    for (const c of all) if (c.parentId === id) walk(c.id);
  };
  if (self) walk(self);
  return categoryOptions(all.filter((c) => c.active && !below.has(c.id))).map((o) => ({ ...o, id: all.find((c) => c.code === o.code)!.id }));
}

function ParentField({ value, onChange, all, self }: { value: string; onChange: (v: string) => void; all: AdminCategory[]; self: string | null }) {
  return (
    <Field label="Thuộc lĩnh vực">
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">— Lĩnh vực cấp trên cùng —</option>
        {parentChoices(all, self).map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

function EditRow({ category: c, all, onDone, onCancel }: { category: AdminCategory; all: AdminCategory[]; onDone: (m: string) => void; onCancel: () => void }) {
  const [name, setName] = useState(c.name);
  const [parentId, setParentId] = useState(c.parentId ?? '');
  const { busy, error, run } = useAction();
  const save = (patch: Record<string, unknown>, message: string) =>
    void run(async () => {
      await api(`${BASE}/${c.id}`, { method: 'PATCH', body: patch });
      onDone(message);
    });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save({ name, parentId: parentId || null }, `Đã lưu lĩnh vực “${name.trim()}”.`);
  };
  return (
    <form className="form row-card" onSubmit={submit} aria-label={`Sửa lĩnh vực ${c.name}`}>
      <div className="row-fields">
        <Field label="Tên lĩnh vực">
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </Field>
        <ParentField value={parentId} onChange={setParentId} all={all} self={c.id} />
      </div>
      <ErrorMessage error={error} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy}>
          Lưu
        </button>
        {c.active ? (
          <button type="button" className="btn btn-danger" disabled={busy} onClick={() => save({ active: false }, `Đã ngừng sử dụng lĩnh vực “${c.name}”.`)}>
            Ngừng sử dụng
          </button>
        ) : (
          <button type="button" className="btn" disabled={busy} onClick={() => save({ active: true }, `Đã dùng lại lĩnh vực “${c.name}”.`)}>
            Dùng lại
          </button>
        )}
        <button type="button" className="btn" onClick={onCancel} disabled={busy}>
          Hủy
        </button>
      </div>
    </form>
  );
}

function AddForm({ all, onDone }: { all: AdminCategory[]; onDone: (c: AdminCategory) => void }) {
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [parentId, setParentId] = useState('');
  const { busy, error, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const created = await api<AdminCategory>(BASE, { body: { code: code.trim(), name: name.trim(), parentId: parentId || null } });
      setCode('');
      setName('');
      onDone(created);
    });
  };
  return (
    <section className="detail-section" aria-labelledby="them-linh-vuc">
      <h2 id="them-linh-vuc">Thêm lĩnh vực</h2>
      <form className="form" onSubmit={submit}>
        <div className="row-fields">
          <Field label="Tên lĩnh vực (bắt buộc)">
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
          </Field>
          <Field label="Mã (bắt buộc)" hint="Chữ thường không dấu, số, dấu gạch; ví dụ: street_lights">
            <input value={code} onChange={(e) => setCode(e.target.value)} required pattern="[a-z0-9_.\-]{2,40}" maxLength={40} />
          </Field>
          <ParentField value={parentId} onChange={setParentId} all={all} self={null} />
        </div>
        <ErrorMessage error={error} />
        <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy}>
          Thêm lĩnh vực
        </button>
      </form>
    </section>
  );
}
