// Điều hành (the operations centre's desk): staff frame with the dashboard and the drill-down lists. For the IOC,
// system administrators and agency leaders (who see their own organisation; the API enforces it).
import type { ReactNode } from 'react';
import type { Me } from '../api.ts';
import { Link } from '../router.tsx';
import { StaffArea } from '../staff.tsx';
import { Dashboard } from './Dashboard.tsx';
import { DocumentList } from './Documents.tsx';
import { Dti } from './Dti.tsx';
import { DossierList } from './DossierList.tsx';
import { FeedbackCaseList } from './Feedback.tsx';
import { canSeeStatistics } from './routes.tsx';

const DTI_PATH = '/dieu-hanh/dti';

function page(pathname: string, me: Me): ReactNode {
  // The DTI self-assessment is every staff member's: the owner agencies enter their components there.
  if (pathname === DTI_PATH) return <Dti me={me} />;
  if (!canSeeStatistics(me)) {
    return (
      <div className="alert alert-info" role="status">
        <h1>Điều hành</h1>
        <p>Tài khoản của bạn không có quyền xem số liệu điều hành. Vui lòng liên hệ quản trị viên.</p>
      </div>
    );
  }
  if (pathname === '/dieu-hanh' || pathname === '/dieu-hanh/') return <Dashboard me={me} />;
  if (pathname === '/dieu-hanh/ho-so') return <DossierList />;
  if (pathname === '/dieu-hanh/phan-anh') return <FeedbackCaseList />;
  if (pathname === '/dieu-hanh/van-ban') return <DocumentList />;
  return (
    <p>
      Không tìm thấy trang. <Link to="/dieu-hanh">Về bảng điều hành</Link>
    </p>
  );
}

export function IocArea({ pathname }: { pathname: string }) {
  const dti = { to: DTI_PATH, label: 'Chỉ số DTI', current: pathname === DTI_PATH };
  const tabs = (me: Me) =>
    canSeeStatistics(me)
      ? [
          { to: '/dieu-hanh', label: 'Bảng điều hành', current: pathname.startsWith('/dieu-hanh') && !dti.current },
          dti,
          { to: '/dieu-hanh/man-hinh', label: 'Màn hình giám sát', current: false },
          { to: '/minh-bach', label: 'Công khai kết quả', current: false },
        ]
      : [dti];
  return <StaffArea label="Chức năng điều hành" tabs={tabs} render={(me) => page(pathname, me)} />;
}
