// Tiếp nhận hồ sơ tại quầy: the counter officer finds the procedure, enters the applicant and the form, attaches the
// scans (số hóa) and receives the dossier; then on to the dossier page and its receipt.
import { useState } from 'react';
import { withQuery, type Agency, type Me, type Page, type ProcedureSummary, type PublicProcedure } from '../api.ts';
import { AGENCY_LEVELS } from '../format.ts';
import { navigate } from '../router.tsx';
import { ErrorMessage, Field, Loading, useFetch, usePageTitle, useSearchParamText } from '../ui.tsx';
import { DossierForm } from '../citizen/DossierForm.tsx';
import { isCounterOfficer } from './session.ts';

export function Intake({ me }: { me: Me }) {
  usePageTitle('Tiếp nhận hồ sơ tại quầy');
  const [q, setQ] = useState('');
  const box = useSearchParamText(q, setQ);
  const [chosen, setChosen] = useState<string | null>(null);
  const results = useFetch<Page<ProcedureSummary>>(q.trim() ? withQuery('/api/v1/procedures', { q: q.trim(), pageSize: 8 }) : null);
  const procedure = useFetch<PublicProcedure>(chosen ? `/api/v1/procedures/${chosen}` : null);
  const agencies = useFetch<{ items: Agency[] }>('/api/v1/agencies');

  if (!isCounterOfficer(me)) {
    return (
      <div className="alert alert-info" role="status">
        <h1>Tiếp nhận hồ sơ tại quầy</h1>
        <p>Chức năng này dành cho cán bộ Bộ phận Một cửa.</p>
      </div>
    );
  }
  const p = chosen ? procedure.data : null;
  return (
    <>
      <h1>Tiếp nhận hồ sơ tại quầy</h1>
      <section className="detail-section" aria-labelledby="chon-thu-tuc">
        <h2 id="chon-thu-tuc">Thủ tục hành chính</h2>
        {p ? (
          <div className="chosen">
            <p>
              <strong>{p.content.name}</strong>{' '}
              <span className="muted">
                ({p.code} · {AGENCY_LEVELS[p.content.agencyLevel]})
              </span>
            </p>
            <button type="button" className="btn btn-small" onClick={() => setChosen(null)}>
              Chọn thủ tục khác
            </button>
          </div>
        ) : (
          <div role="search">
            <Field label="Tìm thủ tục" hint="Nhập tên hoặc mã thủ tục, ví dụ: khai sinh, 1.001193.">
              <input
                type="search"
                value={box.text}
                onChange={(e) => box.setText(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    box.flush();
                  }
                }}
                autoComplete="off"
              />
            </Field>
            <ErrorMessage error={results.error} />
            {results.loading && <Loading label="Đang tìm kiếm…" />}
            {results.data &&
              q.trim() &&
              (results.data.items.length === 0 ? (
                <p className="muted">Không tìm thấy thủ tục phù hợp.</p>
              ) : (
                <ul className="pick-list" aria-label="Kết quả tìm thủ tục">
                  {results.data.items.map((r) => (
                    <li key={r.id}>
                      <button type="button" className="pick" onClick={() => setChosen(r.id)}>
                        <span className="pick-name">{r.name}</span>
                        <span className="muted small">
                          {r.code} · {r.field} · {AGENCY_LEVELS[r.agencyLevel]}
                        </span>
                      </button>
                    </li>
                  ))}
                </ul>
              ))}
            {chosen && procedure.loading && <Loading />}
            <ErrorMessage error={chosen ? procedure.error : null} />
          </div>
        )}
      </section>
      {p && !agencies.data && (agencies.error ? <ErrorMessage error={agencies.error} /> : <Loading />)}
      {p && agencies.data && (
        <DossierForm
          key={p.id}
          procedure={p}
          agencies={agencies.data.items}
          mode="counter"
          defaultAgencyId={me.agency.id}
          onDone={(created) => navigate(`/mot-cua/ho-so/${created.id}?moi=1`)}
        />
      )}
    </>
  );
}
