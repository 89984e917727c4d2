// The admin area: requires a signed-in user (else to the login page), shows who is signed in, and the admin pages.
import { useEffect, type ReactNode } from 'react';
import { ApiError, api, type Me } from '../api.ts';
import { Link, matchPath, navigate } from '../router.tsx';
import { ErrorMessage, Loading, useAction, useFetch } from '../ui.tsx';
import { MeContext, isAdmin } from './shared.tsx';
import { Agencies } from './Agencies.tsx';
import { Users } from './Users.tsx';
import { Procedures } from './Procedures.tsx';
import { ProcedureEditor } from './ProcedureEditor.tsx';

const TABS = [
  { to: '/quan-tri/thu-tuc', label: 'Thủ tục hành chính' },
  { to: '/quan-tri/co-quan', label: 'Cơ quan, đơn vị' },
  { to: '/quan-tri/nguoi-dung', label: 'Người dùng' },
];

function page(pathname: string): ReactNode {
  if (pathname === '/quan-tri/co-quan') return <Agencies />;
  if (pathname === '/quan-tri/nguoi-dung') return <Users />;
  if (pathname === '/quan-tri/thu-tuc') return <Procedures />;
  const m = matchPath('/quan-tri/thu-tuc/:id', pathname);
  if (m) return <ProcedureEditor key={m.id} id={m.id} />;
  return <p>Không tìm thấy trang quản trị. <Link to="/quan-tri/thu-tuc">Về danh mục thủ tục</Link></p>;
}

export function AdminArea({ pathname }: { pathname: string }) {
  const me = useFetch<{ user: Me }>('/api/v1/auth/me');
  const logout = useAction();
  const unauthenticated = me.error instanceof ApiError && me.error.status === 401;

  useEffect(() => {
    if (unauthenticated) navigate(`/dang-nhap?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    else if (pathname === '/quan-tri' || pathname === '/quan-tri/') navigate('/quan-tri/thu-tuc', { replace: true });
  }, [unauthenticated, pathname]);

  if (!me.data) {
    return <div className="container page">{me.error && !unauthenticated ? <ErrorMessage error={me.error} /> : <Loading label="Đang kiểm tra đăng nhập…" />}</div>;
  }
  const user = me.data.user;
  const signOut = () => void logout.run(async () => {
    await api('/api/v1/auth/logout', { method: 'POST' });
    navigate('/dang-nhap', { replace: true });
  });

  return (
    <MeContext.Provider value={user}>
      <div className="admin-bar">
        <div className="container admin-bar-inner">
          <p className="who">
            <span className="who-name">{user.fullName}</span>
            <span className="who-agency">{user.agency.name}</span>
          </p>
          <button type="button" className="btn btn-small" onClick={signOut} disabled={logout.busy}>Đăng xuất</button>
        </div>
        {isAdmin(user) && (
          <nav className="container tabs" aria-label="Chức năng quản trị">
            {TABS.map((t) => (
              <Link key={t.to} to={t.to} aria-current={pathname === t.to || pathname.startsWith(t.to + '/') ? 'page' : undefined}>{t.label}</Link>
            ))}
          </nav>
        )}
      </div>
      <div className="container page">
        <ErrorMessage error={logout.error} />
        {isAdmin(user)
          ? page(pathname)
          : <div className="alert alert-info" role="status"><h1>Quản trị hệ thống</h1><p>Tài khoản của bạn không có quyền quản trị. Vui lòng liên hệ quản trị viên của cơ quan.</p></div>}
      </div>
    </MeContext.Provider>
  );
}
