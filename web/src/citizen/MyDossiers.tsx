// Hồ sơ của tôi: the signed-in citizen's dossiers, newest first.
import type { DossierSummary } from '../api.ts';

/** A listed dossier names whom it is for when that is not the citizen (another person, an organisation). */
type MyDossier = DossierSummary & { applicant: { kind: 'person' | 'organisation'; name: string; taxCode: string | null; representation: string | null } };
import { formatInstant } from '../format.ts';
import { Link } from '../router.tsx';
import { ErrorMessage, Loading, TableWrap, useFetch, usePageTitle } from '../ui.tsx';
import { Due, StatusBadge } from './DossierParts.tsx';
import { CitizenGate } from './session.tsx';

export function MyDossiersPage() {
  return <CitizenGate>{() => <MyDossiers />}</CitizenGate>;
}

function MyDossiers() {
  usePageTitle('Hồ sơ của tôi');
  const list = useFetch<{ items: MyDossier[] }>('/api/v1/citizen/dossiers');
  const items = list.data?.items;
  return (
    <div className="container page">
      <div className="page-head">
        <h1>Hồ sơ của tôi</h1>
        <div className="form-actions">
          <Link className="btn" to="/kho-du-lieu">
            Kho dữ liệu của tôi
          </Link>
          <Link className="btn" to="/phan-anh/cua-toi">
            Phản ánh của tôi
          </Link>
          <Link className="btn" to="/thu-tuc?onlineLevel=full">
            Nộp hồ sơ mới
          </Link>
        </div>
      </div>
      <ErrorMessage error={list.error} />
      {!items && list.loading && <Loading />}
      {items && items.length === 0 && (
        <p className="empty">
          Bạn chưa nộp hồ sơ nào. Tìm thủ tục cần thực hiện tại trang <Link to="/thu-tuc">Thủ tục hành chính</Link>, rồi chọn “Nộp hồ sơ trực tuyến”.
        </p>
      )}
      {items && items.length > 0 && (
        <TableWrap label="Danh sách hồ sơ của tôi" stack>
          <thead>
            <tr>
              <th scope="col">Mã hồ sơ</th>
              <th scope="col">Thủ tục</th>
              <th scope="col">Tình trạng</th>
              <th scope="col">Ngày nộp</th>
              <th scope="col">Ngày tiếp nhận</th>
              <th scope="col">Ngày hẹn trả</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id}>
                <td data-label="Mã hồ sơ" className="main-cell nowrap">
                  <Link to={`/ho-so-cua-toi/${d.id}`}>{d.code}</Link>
                </td>
                <td data-label="Thủ tục">
                  {d.procedure.name}
                  {d.applicant.representation && (
                    <span className="muted small">
                      {' '}
                      — cho {d.applicant.name}
                      {d.applicant.taxCode ? ` (mã số thuế ${d.applicant.taxCode})` : ''}
                    </span>
                  )}
                </td>
                <td data-label="Tình trạng">
                  <StatusBadge status={d.status} name={d.statusName} />
                </td>
                <td data-label="Ngày nộp" className="nowrap">
                  {formatInstant(d.submittedAt)}
                </td>
                <td data-label="Ngày tiếp nhận" className="nowrap">
                  {d.receivedAt ? formatInstant(d.receivedAt) : '—'}
                </td>
                <td data-label="Ngày hẹn trả">
                  <Due at={d.dueAt} timeliness={d.timeliness} title="Tiến độ giải quyết" />
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </div>
  );
}
