// Nộp hồ sơ trực tuyến: the signed-in citizen fills the procedure's form, attaches the components, saves a draft
// or submits, and gets the dossier code.
import { useEffect, useRef, useState } from 'react';
import { ApiError, api, type Agency, type Citizen, type Draft, type PublicProcedure } from '../api.ts';
import { ONLINE_LEVELS } from '../format.ts';
import { Link } from '../router.tsx';
import { ErrorMessage, Loading, useFetch, usePageTitle } from '../ui.tsx';
import { DossierForm } from './DossierForm.tsx';
import { toRefs } from './FileSlots.tsx';
import { CitizenGate } from './session.tsx';

export function SubmitDossierPage({ procedureId }: { procedureId: string }) {
  return <CitizenGate>{(citizen) => <SubmitDossier procedureId={procedureId} citizen={citizen} />}</CitizenGate>;
}

function SubmitDossier({ procedureId, citizen }: { procedureId: string; citizen: Citizen }) {
  const procedure = useFetch<PublicProcedure>(`/api/v1/procedures/${encodeURIComponent(procedureId)}`);
  const agencies = useFetch<{ items: Agency[] }>('/api/v1/agencies');
  const p = procedure.data;
  // The saved draft, if any (404 = none); drafts are kept per procedure (uuid).
  const draft = useFetch<Draft>(p && p.content.onlineLevel !== 'offline' ? `/api/v1/citizen/drafts/${p.id}` : null);
  const noDraft = draft.error instanceof ApiError && draft.error.status === 404;
  const [done, setDone] = useState<{ id: string; code: string } | null>(null);
  usePageTitle(done ? 'Nộp hồ sơ thành công' : p ? `Nộp hồ sơ: ${p.content.name}` : 'Nộp hồ sơ trực tuyến');

  const breadcrumb = (
    <nav aria-label="Vị trí trang" className="breadcrumb">
      <ol>
        <li>
          <Link to="/">Trang chủ</Link>
        </li>
        {p && (
          <li>
            <Link to={`/thu-tuc/${p.id}`}>{p.content.name}</Link>
          </li>
        )}
        <li aria-current="page">Nộp hồ sơ trực tuyến</li>
      </ol>
    </nav>
  );

  if (done) return <Submitted created={done} />;
  const error = procedure.error ?? agencies.error ?? (draft.error && !noDraft ? draft.error : null);
  const ready = p && agencies.data && (p.content.onlineLevel === 'offline' || draft.data || noDraft);
  if (!ready) {
    return (
      <div className="container page">
        {breadcrumb}
        {error ? (
          procedure.error instanceof ApiError && procedure.error.status === 404 ? (
            <>
              <h1>Không tìm thấy thủ tục</h1>
              <p>Thủ tục không tồn tại hoặc đã ngừng công bố.</p>
              <p>
                <Link to="/thu-tuc">Tra cứu thủ tục khác</Link>
              </p>
            </>
          ) : (
            <ErrorMessage error={error} />
          )
        ) : (
          <Loading />
        )}
      </div>
    );
  }
  const c = p.content;
  return (
    <div className="container page">
      {breadcrumb}
      <h1>Nộp hồ sơ trực tuyến</h1>
      <p className="lead">
        <strong>{c.name}</strong> <span className="muted">({p.code})</span>
      </p>
      {c.onlineLevel === 'offline' ? (
        <div className="alert alert-info" role="status">
          <p>Thủ tục này chưa được cung cấp trực tuyến (mức độ: {ONLINE_LEVELS[c.onlineLevel]}). Vui lòng nộp hồ sơ trực tiếp tại Bộ phận Một cửa.</p>
          <p>
            <Link to={`/thu-tuc/${p.id}`}>Xem hướng dẫn thực hiện thủ tục</Link>
          </p>
        </div>
      ) : (
        <>
          <p className="muted">Các mục có ghi “(bắt buộc)” phải được điền đầy đủ. Hồ sơ nộp trực tuyến có giá trị như nộp trực tiếp.</p>
          <DossierForm
            procedure={p}
            agencies={agencies.data?.items ?? []}
            mode="online"
            citizen={citizen}
            draft={draft.data}
            onSaveDraft={(formData, files) => api<Draft>(`/api/v1/citizen/drafts/${p.id}`, { method: 'PUT', body: { formData, files: toRefs(files) } })}
            onDone={setDone}
          />
        </>
      )}
    </div>
  );
}

function Submitted({ created }: { created: { id: string; code: string } }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
    window.scrollTo(0, 0);
  }, []);
  return (
    <div className="container page narrow-wide">
      <div className="card success-card">
        <h1 ref={heading} tabIndex={-1}>
          Nộp hồ sơ thành công
        </h1>
        <p>Hồ sơ của bạn đã được gửi tới cơ quan giải quyết. Mã hồ sơ:</p>
        <p className="dossier-code">{created.code}</p>
        <p>
          Vui lòng ghi lại mã hồ sơ để tra cứu. Cán bộ Bộ phận Một cửa sẽ kiểm tra và tiếp nhận hồ sơ; kết quả tiếp nhận được cập nhật tại mục “Hồ sơ của tôi”.
        </p>
        <p className="form-actions">
          <Link className="btn btn-primary" to={`/ho-so-cua-toi/${created.id}`}>
            Xem hồ sơ {created.code}
          </Link>
          <Link className="btn" to="/ho-so-cua-toi">
            Hồ sơ của tôi
          </Link>
        </p>
      </div>
    </div>
  );
}
