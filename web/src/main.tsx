// Entry point: the site frame (header, main, footer) and the route table.
import { StrictMode, useEffect, useRef, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { Link, matchPath, useLocation } from './router.tsx';
import { usePageTitle } from './ui.tsx';
import { Portal } from './pages/Portal.tsx';
import { ProcedureDetail } from './pages/ProcedureDetail.tsx';
import { Login } from './pages/Login.tsx';
import { Lookup } from './pages/Lookup.tsx';
import { OpenData } from './pages/OpenData.tsx';
import { Verify } from './results/Verify.tsx';
import { AdminArea } from './admin/AdminArea.tsx';
import { CitizenSignIn } from './citizen/SignIn.tsx';
import { SubmitDossierPage } from './citizen/SubmitDossier.tsx';
import { MyDossiersPage } from './citizen/MyDossiers.tsx';
import { MyDossierPage } from './citizen/MyDossier.tsx';
import { MyDocumentsPage } from './citizen/MyDocuments.tsx';
import { FeedbackListPage, PublicCasePage } from './feedback/Public.tsx';
import { MyFeedbackCasePage, MyFeedbackPage, SubmitFeedbackPage } from './feedback/Citizen.tsx';
import { OfficeArea } from './office/OfficeArea.tsx';
import { useStaffSignedIn } from './office/session.ts';
import { staffHome } from './staff.tsx';
import { WALL_PATH, canSeeStatistics, iocRoute, wall } from './ioc/routes.tsx';
import './styles.css';

const isPortal = (pathname: string) => pathname === '/' || pathname === '/thu-tuc';

function route(pathname: string): ReactNode {
  if (isPortal(pathname)) return <Portal />;
  const m = matchPath('/thu-tuc/:id', pathname);
  if (m) return <ProcedureDetail key={m.id} id={m.id} />;
  if (pathname === '/dang-nhap') return <Login />;
  if (pathname === '/du-lieu-mo') return <OpenData />;
  if (pathname === '/tra-cuu') return <Lookup code={null} />;
  const lookup = matchPath('/tra-cuu/:code', pathname);
  if (lookup) return <Lookup key={lookup.code} code={lookup.code} />;
  if (pathname === '/xac-minh') return <Verify code={null} />;
  const verify = matchPath('/xac-minh/:code', pathname);
  if (verify) return <Verify key={verify.code} code={verify.code} />;
  if (pathname === '/quan-tri' || pathname.startsWith('/quan-tri/')) return <AdminArea pathname={pathname} />;
  if (pathname === '/cong-dan/dang-nhap') return <CitizenSignIn />;
  const submit = matchPath('/nop-ho-so/:procedureId', pathname);
  if (submit) return <SubmitDossierPage key={submit.procedureId} procedureId={submit.procedureId} />;
  if (pathname === '/ho-so-cua-toi') return <MyDossiersPage />;
  const mine = matchPath('/ho-so-cua-toi/:id', pathname);
  if (mine) return <MyDossierPage key={mine.id} id={mine.id} />;
  if (pathname === '/kho-du-lieu') return <MyDocumentsPage />;
  if (pathname === '/phan-anh') return <FeedbackListPage />;
  if (pathname === '/phan-anh/gui') return <SubmitFeedbackPage />;
  if (pathname === '/phan-anh/cua-toi') return <MyFeedbackPage />;
  const myFeedback = matchPath('/phan-anh/cua-toi/:id', pathname);
  if (myFeedback) return <MyFeedbackCasePage key={myFeedback.id} id={myFeedback.id} />;
  const feedbackCase = matchPath('/phan-anh/:code', pathname);
  if (feedbackCase) return <PublicCasePage key={feedbackCase.code} code={feedbackCase.code} />;
  if (pathname === '/mot-cua' || pathname.startsWith('/mot-cua/')) return <OfficeArea pathname={pathname} />;
  const ioc = iocRoute(pathname);
  if (ioc) return ioc;
  return <NotFound />;
}

function NotFound() {
  usePageTitle('Không tìm thấy trang');
  return (
    <div className="container page">
      <h1>Không tìm thấy trang</h1>
      <p>Địa chỉ bạn truy cập không tồn tại hoặc đã được thay đổi.</p>
      <p>
        <Link to="/">Về trang tra cứu thủ tục hành chính</Link>
      </p>
    </div>
  );
}

function App() {
  const { pathname } = useLocation();
  const staff = useStaffSignedIn(pathname);
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // After a client-side navigation, move focus to the new content (as a full page load would for screen readers).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
  }, [pathname]);

  if (pathname === WALL_PATH) return wall; // the video wall: full screen, no site frame
  const brand = (
    <Link to="/" className="brand-link">
      Cổng dịch vụ công — <span className="brand-place">Thành phố Cần Thơ</span>
    </Link>
  );
  return (
    <>
      <a className="skip-link" href="#noi-dung">
        Bỏ qua, đến nội dung chính
      </a>
      <header className="site-header">
        <div className="container site-header-inner">
          <div className="brand">
            <span className="brand-emblem" aria-hidden="true">
              ★
            </span>
            {isPortal(pathname) ? <h1 className="brand-title">{brand}</h1> : <p className="brand-title">{brand}</p>}
          </div>
          <nav className="site-nav" aria-label="Điều hướng chính">
            <Link to="/thu-tuc" aria-current={isPortal(pathname) || pathname.startsWith('/thu-tuc/') ? 'page' : undefined}>
              Thủ tục hành chính
            </Link>
            <Link to="/tra-cuu" aria-current={pathname.startsWith('/tra-cuu') ? 'page' : undefined}>
              Tra cứu hồ sơ
            </Link>
            <Link to="/xac-minh" aria-current={pathname.startsWith('/xac-minh') ? 'page' : undefined}>
              Xác minh văn bản
            </Link>
            <Link
              to="/ho-so-cua-toi"
              aria-current={
                pathname.startsWith('/ho-so-cua-toi') || pathname.startsWith('/nop-ho-so/') || pathname === '/cong-dan/dang-nhap' ? 'page' : undefined
              }>
              Hồ sơ của tôi
            </Link>
            <Link to="/phan-anh" aria-current={pathname === '/phan-anh' || pathname.startsWith('/phan-anh/') ? 'page' : undefined}>
              Phản ánh, kiến nghị
            </Link>
            {(staff || pathname.startsWith('/mot-cua')) && (
              <Link to="/mot-cua" aria-current={pathname.startsWith('/mot-cua') ? 'page' : undefined}>
                Xử lý hồ sơ
              </Link>
            )}
            {staff && canSeeStatistics(staff) && (
              <Link to="/dieu-hanh" aria-current={pathname.startsWith('/dieu-hanh') ? 'page' : undefined}>
                Điều hành
              </Link>
            )}
            <Link to={staff ? staffHome(staff) : '/quan-tri'} aria-current={pathname.startsWith('/quan-tri') || pathname === '/dang-nhap' ? 'page' : undefined}>
              Cán bộ
            </Link>
          </nav>
        </div>
      </header>
      <main id="noi-dung" ref={main} tabIndex={-1}>
        {route(pathname)}
      </main>
      <footer className="site-footer">
        <div className="container">
          <p>Cổng dịch vụ công Thành phố Cần Thơ — Ủy ban nhân dân Thành phố Cần Thơ.</p>
          <p>
            <Link to="/minh-bach" className="footer-link">
              Công khai kết quả giải quyết thủ tục hành chính
            </Link>{' '}
            ·{' '}
            <Link to="/du-lieu-mo" className="footer-link">
              Dữ liệu mở
            </Link>{' '}
            · Phần mềm nguồn mở congso.
          </p>
        </div>
      </footer>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
