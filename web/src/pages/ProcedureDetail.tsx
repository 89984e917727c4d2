// The public page of one procedure: everything a citizen needs to prepare and file the dossier.
import type { ReactNode } from 'react';
import { ApiError, type PublicProcedure } from '../api.ts';
import { AGENCY_LEVELS, APPLICANT_TYPES, ONLINE_LEVELS, formatDate, formatNumber, formatTime } from '../format.ts';
import { Link } from '../router.tsx';
import { Badge, ErrorMessage, Loading, TableWrap, useFetch, usePageTitle } from '../ui.tsx';
import { OnlineLevelBadge } from './ProcedureCard.tsx';
import { feeRate } from '../citizen/Fees.tsx';

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="detail-section">
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** Free text from the catalogue, keeping its line breaks. */
const Text = ({ value }: { value: string | undefined }) => (value?.trim() ? <p className="prose">{value}</p> : <p className="muted">Không có.</p>);

export function ProcedureDetail({ id }: { id: string }) {
  const { data, error, loading } = useFetch<PublicProcedure>(`/api/v1/procedures/${encodeURIComponent(id)}`);
  usePageTitle(data?.content.name ?? (error ? 'Không tìm thấy thủ tục' : 'Thủ tục hành chính'));

  const breadcrumb = (
    <nav aria-label="Vị trí trang" className="breadcrumb">
      <ol>
        <li>
          <Link to="/">Trang chủ</Link>
        </li>
        <li>
          <Link to="/thu-tuc">Thủ tục hành chính</Link>
        </li>
        {data && <li aria-current="page">{data.code}</li>}
      </ol>
    </nav>
  );
  if (!data) {
    return (
      <div className="container page">
        {breadcrumb}
        {loading && <Loading />}
        {error &&
          (error instanceof ApiError && error.status === 404 ? (
            <>
              <h1>Không tìm thấy thủ tục</h1>
              <p>Thủ tục không tồn tại hoặc đã ngừng công bố.</p>
              <p>
                <Link to="/thu-tuc">Tra cứu thủ tục khác</Link>
              </p>
            </>
          ) : (
            <ErrorMessage error={error} />
          ))}
      </div>
    );
  }

  const c = data.content;
  const fees = c.fees ?? [];
  return (
    <div className="container page detail">
      {breadcrumb}
      <h1>{c.name}</h1>
      <p className="badges">
        <OnlineLevelBadge level={c.onlineLevel} />
        {fees.every((f) => f.amount === 0) && <Badge tone="amber">Miễn phí</Badge>}
      </p>
      {(c.onlineLevel === 'full' || c.onlineLevel === 'partial') && (
        <p>
          <Link className="btn btn-primary" to={`/nop-ho-so/${encodeURIComponent(data.id)}`}>
            Nộp hồ sơ trực tuyến
          </Link>
        </p>
      )}
      {c.onlineLevel !== 'offline' && c.minIdentityLevel && (
        <p className="alert alert-info" role="note">
          Nộp trực tuyến thủ tục này cần đăng nhập bằng tài khoản định danh điện tử mức {c.minIdentityLevel} (VNeID).
        </p>
      )}

      <Section id="thong-tin-chung" title="Thông tin chung">
        <dl className="info-grid">
          <div>
            <dt>Mã thủ tục</dt>
            <dd>{data.code}</dd>
          </div>
          <div>
            <dt>Lĩnh vực</dt>
            <dd>{c.field}</dd>
          </div>
          <div>
            <dt>Cơ quan thực hiện</dt>
            <dd>{c.competentAgency}</dd>
          </div>
          <div>
            <dt>Cấp thực hiện</dt>
            <dd>{AGENCY_LEVELS[c.agencyLevel] ?? c.agencyLevel}</dd>
          </div>
          <div>
            <dt>Mức độ dịch vụ công</dt>
            <dd>{ONLINE_LEVELS[c.onlineLevel] ?? c.onlineLevel}</dd>
          </div>
          <div>
            <dt>Thời hạn giải quyết</dt>
            <dd>
              {formatTime(c.processingTime)}
              {c.processingTime.note ? <span className="note"> ({c.processingTime.note})</span> : null}
            </dd>
          </div>
          <div className="wide">
            <dt>Đối tượng thực hiện</dt>
            <dd>
              {c.applicantTypes?.length ? <span className="applicant-types">{c.applicantTypes.map((t) => APPLICANT_TYPES[t] ?? t).join(', ')}. </span> : null}
              <span className="prose">{c.applicants}</span>
            </dd>
          </div>
        </dl>
      </Section>

      <Section id="trinh-tu" title="Trình tự thực hiện">
        <Text value={c.steps} />
      </Section>
      <Section id="cach-thuc" title="Cách thức thực hiện">
        <Text value={c.methods} />
      </Section>

      <Section id="thanh-phan-ho-so" title="Thành phần hồ sơ">
        {c.components.length === 0 ? (
          <p className="muted">Không yêu cầu giấy tờ.</p>
        ) : (
          <TableWrap label="Thành phần hồ sơ" stack>
            <thead>
              <tr>
                <th scope="col" className="num">
                  STT
                </th>
                <th scope="col">Tên giấy tờ</th>
                <th scope="col" className="num">
                  Bản chính
                </th>
                <th scope="col" className="num">
                  Bản sao
                </th>
                <th scope="col">Mẫu đơn/tờ khai</th>
                <th scope="col">Bắt buộc</th>
              </tr>
            </thead>
            <tbody>
              {c.components.map((d, i) => (
                <tr key={i}>
                  <td data-label="STT" className="num">
                    {i + 1}
                  </td>
                  <td data-label="Tên giấy tờ" className="main-cell">
                    {d.name}
                  </td>
                  <td data-label="Bản chính" className="num">
                    {formatNumber(d.originals)}
                  </td>
                  <td data-label="Bản sao" className="num">
                    {formatNumber(d.copies)}
                  </td>
                  <td data-label="Mẫu đơn/tờ khai">
                    {d.templateUrl ? (
                      <a href={d.templateUrl} target="_blank" rel="noopener noreferrer">
                        {d.templateName || 'Tải mẫu'}
                      </a>
                    ) : (
                      d.templateName || '—'
                    )}
                  </td>
                  <td data-label="Bắt buộc">{d.required ? 'Có' : 'Không'}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        )}
      </Section>

      <Section id="phi-le-phi" title="Phí, lệ phí">
        {fees.length === 0 ? (
          <p>Không thu phí, lệ phí.</p>
        ) : (
          <TableWrap label="Phí, lệ phí" stack>
            <thead>
              <tr>
                <th scope="col">Tên phí, lệ phí</th>
                <th scope="col">Loại</th>
                <th scope="col">Mức thu</th>
                <th scope="col">Ghi chú</th>
              </tr>
            </thead>
            <tbody>
              {fees.map((f, i) => (
                <tr key={i}>
                  <td data-label="Tên phí, lệ phí" className="main-cell">
                    {f.name}
                  </td>
                  <td data-label="Loại">{f.kind === 'fee' ? 'Phí' : 'Lệ phí'}</td>
                  <td data-label="Mức thu" className="money">
                    {feeRate(f)}
                  </td>
                  <td data-label="Ghi chú">{f.note || '—'}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        )}
      </Section>

      <Section id="yeu-cau" title="Yêu cầu, điều kiện thực hiện">
        <Text value={c.requirements} />
      </Section>

      <Section id="can-cu" title="Căn cứ pháp lý">
        {c.legalBasis.length ? (
          <ul className="legal-list">
            {c.legalBasis.map((l, i) => (
              <li key={i}>{l}</li>
            ))}
          </ul>
        ) : (
          <p className="muted">Không có.</p>
        )}
      </Section>

      <Section id="ket-qua-thuc-hien" title="Kết quả thực hiện">
        <Text value={c.resultType} />
      </Section>

      <p className="muted small">
        Phiên bản {formatNumber(data.version)}
        {data.publishedAt ? `, công bố ngày ${formatDate(data.publishedAt)}` : ''}.
      </p>
    </div>
  );
}
