// Xử lý hồ sơ (the one-stop office): requires a signed-in officer, shows who is signed in, and the office pages —
// dossiers, citizen feedback (phản ánh, kiến nghị) and documents (văn bản đi, đến); a văn thư works on documents only.
import type { ReactNode } from 'react';
import type { Me } from '../api.ts';
import { Link, matchPath, useLocation } from '../router.tsx';
import { StaffArea } from '../staff.tsx';
import { Inbox } from './Inbox.tsx';
import { Intake } from './Intake.tsx';
import { OfficeDossier } from './OfficeDossier.tsx';
import { Find } from './Find.tsx';
import { FeedbackCase } from './FeedbackCase.tsx';
import { FeedbackInbox } from './FeedbackInbox.tsx';
import { FeedbackIntake } from './FeedbackIntake.tsx';
import { DocumentsInbox } from './DocumentsInbox.tsx';
import { DocumentIntake } from './DocumentIntake.tsx';
import { DocumentDraft } from './DocumentDraft.tsx';
import { DocumentPage } from './DocumentPage.tsx';
import { WorkFileList, WorkFilePage } from './WorkFiles.tsx';
import { drafts, handlesCases, isCounterOfficer } from './session.ts';
import { ReportList, ReportPage, ReportRollup } from './Reports.tsx';

function page(pathname: string, search: string, me: Me): ReactNode {
  if (pathname === '/mot-cua' || pathname === '/mot-cua/') return handlesCases(me) ? <Inbox me={me} /> : <DocumentsInbox me={me} />;
  if (pathname === '/mot-cua/van-ban') return <DocumentsInbox me={me} />;
  if (pathname === '/mot-cua/van-ban/den-moi') return <DocumentIntake me={me} />;
  if (pathname === '/mot-cua/van-ban/du-thao') return <DocumentDraft me={me} />;
  const doc = matchPath('/mot-cua/van-ban/:id', pathname);
  if (doc) return <DocumentPage key={doc.id} id={doc.id} me={me} />;
  if (pathname === '/mot-cua/ho-so-cong-viec') return <WorkFileList />;
  const wf = matchPath('/mot-cua/ho-so-cong-viec/:id', pathname);
  if (wf) return <WorkFilePage key={wf.id} id={wf.id} />;
  if (pathname === '/mot-cua/tiep-nhan') return <Intake me={me} />;
  if (pathname === '/mot-cua/tra-cuu') return <Find />;
  const m = matchPath('/mot-cua/ho-so/:id', pathname);
  if (m) return <OfficeDossier key={m.id} id={m.id} />;
  if (pathname === '/mot-cua/phan-anh') return <FeedbackInbox />;
  if (pathname === '/mot-cua/phan-anh/moi') return <FeedbackIntake />;
  const f = matchPath('/mot-cua/phan-anh/:id', pathname);
  if (f) return <FeedbackCase key={f.id} id={f.id} />;
  if (pathname === '/mot-cua/bao-cao') return <ReportList />;
  const t = matchPath('/mot-cua/bao-cao/tong-hop/:id', pathname);
  if (t) return <ReportRollup key={t.id + search} periodId={t.id} agencyId={new URLSearchParams(search).get('don-vi')} />;
  const b = matchPath('/mot-cua/bao-cao/:id', pathname);
  if (b) return <ReportPage key={b.id} id={b.id} />;
  return (
    <p>
      Không tìm thấy trang. <Link to="/mot-cua">Về danh sách hồ sơ cần xử lý</Link>
    </p>
  );
}

export function OfficeArea({ pathname }: { pathname: string }) {
  const search = useLocation().search.toString();
  const tabs = (user: Me) => [
    ...(handlesCases(user)
      ? [
          { to: '/mot-cua', label: 'Hồ sơ cần xử lý', current: pathname === '/mot-cua' || pathname.startsWith('/mot-cua/ho-so/') },
          ...(isCounterOfficer(user) ? [{ to: '/mot-cua/tiep-nhan', label: 'Tiếp nhận tại quầy', current: pathname === '/mot-cua/tiep-nhan' }] : []),
          { to: '/mot-cua/tra-cuu', label: 'Tra cứu, sổ theo dõi', current: pathname === '/mot-cua/tra-cuu' },
          // Every officer handling cases sees feedback: the operators all of it, an agency's staff what is assigned to it.
          { to: '/mot-cua/phan-anh', label: 'Phản ánh, kiến nghị', current: pathname.startsWith('/mot-cua/phan-anh') },
          { to: '/mot-cua/bao-cao', label: 'Báo cáo định kỳ', current: pathname.startsWith('/mot-cua/bao-cao') },
        ]
      : []),
    ...(drafts(user)
      ? [
          {
            to: '/mot-cua/van-ban',
            label: 'Văn bản',
            current: pathname.startsWith('/mot-cua/van-ban') || pathname.startsWith('/mot-cua/ho-so-cong-viec') || !handlesCases(user),
          },
        ]
      : []),
  ];
  return <StaffArea label="Chức năng xử lý hồ sơ" tabs={tabs} render={(user) => page(pathname, search, user)} />;
}
