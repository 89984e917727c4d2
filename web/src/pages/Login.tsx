// Staff sign-in.
import { useState, type FormEvent } from 'react';
import { api, type Me } from '../api.ts';
import { navigate, useLocation } from '../router.tsx';
import { staffHome } from '../staff.tsx';
import { ErrorMessage, Field, useAction, usePageTitle } from '../ui.tsx';

export function Login() {
  usePageTitle('Đăng nhập');
  const { search } = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const { user } = await api<{ user: Me }>('/api/v1/auth/login', { body: { username: username.trim(), password } });
      navigate(staffHome(user, search.get('next')), { replace: true });
    });
  };

  return (
    <div className="container page narrow">
      <h1>Đăng nhập hệ thống</h1>
      <p className="muted">Dành cho cán bộ, công chức các cơ quan, đơn vị.</p>
      <form className="card form" onSubmit={submit}>
        <ErrorMessage error={error} />
        <Field label="Tên đăng nhập">
          <input
            name="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="username"
            required
            autoCapitalize="none"
            spellCheck={false}
          />
        </Field>
        <Field label="Mật khẩu">
          <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />
        </Field>
        <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy}>
          Đăng nhập
        </button>
      </form>
    </div>
  );
}
