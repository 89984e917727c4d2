// The admin area: requires a signed-in user (else to the login page), shows who is signed in, and the admin pages.
import { useEffect, type ReactNode } from 'react';
import type { Me } from '../api.ts';
import { Link, matchPath, navigate } from '../router.tsx';
import { StaffArea } from '../staff.tsx';
import { MeContext, isAdmin } from './shared.tsx';
import { Agencies } from './Agencies.tsx';
import { Users } from './Users.tsx';
import { Procedures } from './Procedures.tsx';
import { ProcedureEditor } from './ProcedureEditor.tsx';
import { Synonyms } from './Synonyms.tsx';
import { FeedbackCategories } from './FeedbackCategories.tsx';

const TABS = [
  { to: '/quan-tri/thu-tuc', label: 'Thủ tục hành chính' },
  { to: '/quan-tri/co-quan', label: 'Cơ quan, đơn vị' },
  { to: '/quan-tri/nguoi-dung', label: 'Người dùng' },
  { to: '/quan-tri/tu-dong-nghia', label: 'Từ đồng nghĩa' },
  { to: '/quan-tri/linh-vuc-phan-anh', label: 'Lĩnh vực phản ánh' },
];

const NOT_ADMIN = (
  <div className="alert alert-info" role="status">
    <h1>Quản trị hệ thống</h1>
    <p>Tài khoản của bạn không có quyền quản trị. Vui lòng liên hệ quản trị viên của cơ quan.</p>
  </div>
);

function page(pathname: string): ReactNode {
  if (pathname === '/quan-tri/co-quan') return <Agencies />;
  if (pathname === '/quan-tri/nguoi-dung') return <Users />;
  if (pathname === '/quan-tri/thu-tuc') return <Procedures />;
  if (pathname === '/quan-tri/tu-dong-nghia') return <Synonyms />;
  if (pathname === '/quan-tri/linh-vuc-phan-anh') return <FeedbackCategories />;
  const m = matchPath('/quan-tri/thu-tuc/:id', pathname);
  if (m) return <ProcedureEditor key={m.id} id={m.id} />;
  return (
    <p>
      Không tìm thấy trang quản trị. <Link to="/quan-tri/thu-tuc">Về danh mục thủ tục</Link>
    </p>
  );
}

export function AdminArea({ pathname }: { pathname: string }) {
  useEffect(() => {
    if (pathname === '/quan-tri' || pathname === '/quan-tri/') navigate('/quan-tri/thu-tuc', { replace: true });
  }, [pathname]);
  const tabs = (user: Me) => (isAdmin(user) ? TABS.map((t) => ({ ...t, current: pathname === t.to || pathname.startsWith(t.to + '/') })) : []);
  return (
    <StaffArea
      label="Chức năng quản trị"
      tabs={tabs}
      render={(user) => <MeContext.Provider value={user}>{isAdmin(user) ? page(pathname) : NOT_ADMIN}</MeContext.Provider>}
    />
  );
}
