// The frame of every staff area: requires a signed-in officer (else to the login page, coming back afterwards),
// shows who is signed in with sign-out buttons (here, and every other session of the account), the area's tabs, and the page.
import { useEffect, useState, type ReactNode } from 'react';
import { ApiError, api, type Me } from './api.ts';
import { isAdmin } from './admin/shared.tsx';
import { canSeeStatistics } from './ioc/routes.tsx';
import { drafts, handlesCases, handlesDossiers } from './office/session.ts';
import { Link, navigate } from './router.tsx';
import { ErrorMessage, Loading, Notice, useAction, useFetch } from './ui.tsx';

export interface StaffTab {
  to: string;
  label: string;
  current: boolean;
}

/** The staff areas and who may use them. */
const AREAS: { path: string; may: (me: Me) => boolean }[] = [
  { path: '/mot-cua', may: (me) => handlesCases(me) || drafts(me) },
  { path: '/dieu-hanh', may: canSeeStatistics },
  { path: '/quan-tri', may: isAdmin },
];

/**
 * Where a staff member goes after signing in, from the roles the server returns: the staff page that sent them to
 * sign in if they may use it, else their own work — the inbox for whoever handles dossiers, the operations centre
 * for its viewers, administration for administrators (and for anyone else, who is told there that the account has
 * no rights).
 */
export function staffHome(me: Me, next: string | null = null): string {
  const asked = next === null ? undefined : AREAS.find((a) => next === a.path || next.startsWith(a.path + '/') || next.startsWith(a.path + '?'));
  if (asked?.may(me)) return next!;
  if (handlesDossiers(me)) return '/mot-cua';
  // A văn thư works on documents.
  return drafts(me) ? '/mot-cua/van-ban' : me.roles.includes('ioc_viewer') ? '/dieu-hanh' : '/quan-tri';
}

export function StaffArea({ label, tabs, render }: { label: string; tabs: (me: Me) => StaffTab[]; render: (me: Me) => ReactNode }) {
  const me = useFetch<{ user: Me }>('/api/v1/auth/me');
  const logout = useAction();
  const [endedOthers, setEndedOthers] = useState<number | null>(null);
  const unauthenticated = me.error instanceof ApiError && me.error.status === 401;
  useEffect(() => {
    if (unauthenticated) navigate(`/dang-nhap?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
  }, [unauthenticated]);

  if (!me.data) {
    return (
      <div className="container page">{me.error && !unauthenticated ? <ErrorMessage error={me.error} /> : <Loading label="Đang kiểm tra đăng nhập…" />}</div>
    );
  }
  const user = me.data.user;
  const signOut = () =>
    void logout.run(async () => {
      await api('/api/v1/auth/logout', { method: 'POST' });
      navigate('/dang-nhap', { replace: true });
    });
  // Signed in somewhere else and forgot to sign out (a shared desk, a lost phone): end those sessions, keep this one.
  const endOthers = () =>
    void logout.run(async () => {
      setEndedOthers((await api<{ ended: number }>('/api/v1/auth/sessions/end-others', { method: 'POST' })).ended);
    });
  const shown = tabs(user);
  return (
    <>
      <div className="admin-bar">
        <div className="container admin-bar-inner">
          <p className="who">
            <span className="who-name">{user.fullName}</span>
            <span className="who-agency">{user.agency.name}</span>
          </p>
          <button type="button" className="btn btn-small" onClick={endOthers} disabled={logout.busy}>
            Đăng xuất nơi khác
          </button>
          <button type="button" className="btn btn-small" onClick={signOut} disabled={logout.busy}>
            Đăng xuất
          </button>
        </div>
        {shown.length > 0 && (
          <nav className="container tabs" aria-label={label}>
            {shown.map((t) => (
              <Link key={t.to} to={t.to} aria-current={t.current ? 'page' : undefined}>
                {t.label}
              </Link>
            ))}
          </nav>
        )}
      </div>
      <div className="container page">
        <ErrorMessage error={logout.error} />
        {endedOthers !== null && <Notice>{endedOthers ? `Đã đăng xuất ${endedOthers} phiên khác của tài khoản.` : 'Không có phiên nào khác đang mở.'}</Notice>}
        {render(user)}
      </div>
    </>
  );
}
