// Staff accounts in the user's scope: the list, add, edit roles/agency, lock or unlock, reset the password.
import { useState, type FormEvent } from 'react';
import { api, withQuery, type Role, type User } from '../api.ts';
import { ROLES, formatDateTime } from '../format.ts';
import { Badge, ErrorMessage, Field, Loading, Notice, TableWrap, useAction, upsert, useFetch, useFocusFirstField, usePageTitle } from '../ui.tsx';
import { AgencyOptions, RoleCheckboxes, useAgencies, useMe } from './shared.tsx';

function UserStatus({ user }: { user: User }) {
  if (!user.active) return <Badge tone="red">Đã khóa</Badge>;
  if (user.lockedUntil && new Date(user.lockedUntil) > new Date())
    return (
      <Badge tone="amber" title="Đăng nhập sai nhiều lần: nơi đăng nhập mới phải chờ; đặt lại mật khẩu để bỏ chờ">
        Đăng nhập phải chờ đến {formatDateTime(user.lockedUntil)}
      </Badge>
    );
  return <Badge tone="green">Đang hoạt động</Badge>;
}

export function Users() {
  usePageTitle('Người dùng');
  const agencies = useAgencies();
  const [agencyFilter, setAgencyFilter] = useState('');
  const users = useFetch<{ items: User[] }>(withQuery('/api/v1/admin/users', { agency: agencyFilter }));
  const [editing, setEditing] = useState<User | null>(null);
  const [notice, setNotice] = useState('');

  const saved = (u: User, verb: string) => {
    setEditing(null);
    setNotice(`Đã ${verb} tài khoản ${u.username}.`);
    if (users.data) users.setData({ items: upsert(users.data.items, u) });
    void users.reload();
  };

  return (
    <>
      <h1>Người dùng</h1>
      <Notice>{notice}</Notice>
      <div className="toolbar">
        <Field label="Lọc theo cơ quan">
          <select value={agencyFilter} onChange={(e) => setAgencyFilter(e.target.value)}>
            <option value="">Tất cả cơ quan trong phạm vi</option>
            <AgencyOptions agencies={agencies.items} depth={agencies.depth} activeOnly={false} />
          </select>
        </Field>
      </div>
      <ErrorMessage error={users.error ?? agencies.error} />
      {!users.data ? (
        <Loading />
      ) : (
        <TableWrap label="Danh sách người dùng">
          <thead>
            <tr>
              <th scope="col">Tên đăng nhập</th>
              <th scope="col">Họ và tên</th>
              <th scope="col">Thư điện tử</th>
              <th scope="col">Cơ quan</th>
              <th scope="col">Vai trò</th>
              <th scope="col">Trạng thái</th>
              <th scope="col">
                <span className="visually-hidden">Thao tác</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.data.items.length === 0 && (
              <tr>
                <td colSpan={7} className="muted">
                  Chưa có người dùng.
                </td>
              </tr>
            )}
            {users.data.items.map((u) => (
              <tr key={u.id} className={u.active ? undefined : 'inactive'}>
                <td className="nowrap">{u.username}</td>
                <td>{u.fullName}</td>
                <td>{u.email ?? '—'}</td>
                <td>{u.agencyName}</td>
                <td>{u.roles.map((r) => ROLES[r] ?? r).join(', ')}</td>
                <td>
                  <UserStatus user={u} />
                </td>
                <td className="actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => {
                      setNotice('');
                      setEditing(u);
                    }}
                    aria-label={`Sửa ${u.username}`}>
                    Sửa
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      {agencies.data && (
        <UserForm
          key={editing?.id ?? 'new'}
          user={editing}
          agencies={agencies}
          onCancel={() => setEditing(null)}
          onSaved={(u) => saved(u, editing ? 'lưu' : 'tạo')}
        />
      )}
    </>
  );
}

interface Draft {
  username: string;
  password: string;
  fullName: string;
  email: string;
  agencyId: string;
  roles: Role[];
  active: boolean;
}

function UserForm({
  user,
  agencies,
  onCancel,
  onSaved,
}: {
  user: User | null;
  agencies: ReturnType<typeof useAgencies>;
  onCancel: () => void;
  onSaved: (u: User) => void;
}) {
  const me = useMe();
  const [d, setD] = useState<Draft>(() =>
    user
      ? {
          username: user.username,
          password: '',
          fullName: user.fullName,
          email: user.email ?? '',
          agencyId: user.agencyId,
          roles: user.roles,
          active: user.active,
        }
      : { username: '', password: '', fullName: '', email: '', agencyId: me.agency.id, roles: ['specialist'], active: true },
  );
  const { busy, error, setError, run } = useAction();
  const form = useFocusFirstField<HTMLFormElement>(!!user);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (d.roles.length === 0) {
      setError(new Error('Vui lòng chọn ít nhất một vai trò.'));
      return;
    }
    const common = { fullName: d.fullName.trim(), email: d.email.trim() || null, agencyId: d.agencyId, roles: d.roles };
    void run(async () =>
      onSaved(
        user
          ? await api<User>(`/api/v1/admin/users/${user.id}`, {
              method: 'PATCH',
              body: { ...common, active: d.active, ...(d.password ? { password: d.password } : {}) },
            })
          : await api<User>('/api/v1/admin/users', { body: { ...common, username: d.username.trim(), password: d.password } }),
      ),
    );
  };

  return (
    <form ref={form} className="card form" onSubmit={submit} aria-labelledby="user-form-title">
      <h2 id="user-form-title">{user ? `Sửa tài khoản: ${user.username}` : 'Thêm người dùng'}</h2>
      <ErrorMessage error={error} />
      <div className="grid-2">
        <Field label="Tên đăng nhập" hint={user ? undefined : 'Chữ cái không dấu, chữ số, dấu chấm, gạch dưới; 3–64 ký tự.'}>
          <input
            value={d.username}
            onChange={(e) => set('username', e.target.value)}
            disabled={!!user}
            required
            pattern="[A-Za-z0-9._\-]{3,64}"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
          />
        </Field>
        <Field label={user ? 'Đặt lại mật khẩu' : 'Mật khẩu'} hint={user ? 'Để trống nếu không đổi mật khẩu.' : undefined}>
          <input type="password" value={d.password} onChange={(e) => set('password', e.target.value)} required={!user} autoComplete="new-password" />
        </Field>
        <Field label="Họ và tên">
          <input value={d.fullName} onChange={(e) => set('fullName', e.target.value)} required maxLength={200} />
        </Field>
        <Field label="Thư điện tử">
          <input type="email" value={d.email} onChange={(e) => set('email', e.target.value)} maxLength={254} autoComplete="off" />
        </Field>
        <Field label="Cơ quan">
          <select value={d.agencyId} onChange={(e) => set('agencyId', e.target.value)} required>
            <AgencyOptions agencies={agencies.items} depth={agencies.depth} activeOnly={!user} />
          </select>
        </Field>
        {user && (
          <label className="check standalone">
            <input type="checkbox" checked={d.active} onChange={(e) => set('active', e.target.checked)} />
            Tài khoản đang hoạt động (bỏ chọn để khóa)
          </label>
        )}
      </div>
      <RoleCheckboxes value={d.roles} onChange={(roles) => set('roles', roles)} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {user ? 'Lưu thay đổi' : 'Tạo tài khoản'}
        </button>
        {user && (
          <button type="button" className="btn" onClick={onCancel}>
            Hủy
          </button>
        )}
      </div>
    </form>
  );
}
