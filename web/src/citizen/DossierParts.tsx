// Pieces of a dossier page shared by the citizen's and the officer's views: badges, facts, form data, files,
// printed forms and the timeline.
import { useMemo, type ReactNode } from 'react';
import type { Agency, Dossier, DossierStatus, FormKind, Timeliness } from '../api.ts';
import { ACTIONS, CHANNELS, FORM_NAMES, STATUS_TONES, TIMELINESS, TIMELINESS_TONES, formatInstant, formatDay, formatSize } from '../format.ts';
import { Badge, TableWrap, useFetch } from '../ui.tsx';
import { schemaFields, type FormSchema } from './SchemaForm.tsx';

/** A titled block of a dossier page. */
export function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="detail-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export function StatusBadge({ status, name }: { status: DossierStatus; name: string }) {
  return (
    <Badge tone={STATUS_TONES[status] ?? 'neutral'} title="Tình trạng hồ sơ">
      {name}
    </Badge>
  );
}

export function TimelinessBadge({ value, title }: { value: Timeliness | null | undefined; title?: string }) {
  if (!value) return null;
  return (
    <Badge tone={TIMELINESS_TONES[value]} title={title}>
      {TIMELINESS[value] ?? value}
    </Badge>
  );
}

/** A due time with its badge: "16:00 23/11/2026 [Trong hạn]". */
export function Due({ at, timeliness, title }: { at: string | null; timeliness?: Timeliness | null; title?: string }) {
  if (!at) return <>—</>;
  return (
    <span className="due">
      <span className="nowrap">{formatInstant(at)}</span> <TimelinessBadge value={timeliness} title={title} />
    </span>
  );
}

/** The public list of active agencies, and their names by id. */
export function useAgencies() {
  const res = useFetch<{ items: Agency[] }>('/api/v1/agencies');
  return useMemo(() => {
    const items = res.data?.items ?? [];
    return { items, names: new Map(items.map((a) => [a.id, a.name])) };
  }, [res.data]);
}

export function DossierFacts({ dossier: d, agencyNames, staff }: { dossier: Dossier; agencyNames: Map<string, string>; staff?: boolean }) {
  const name = (id: string | null) => (id ? (agencyNames.get(id) ?? '—') : '—');
  const rescheduled = d.originalDueAt && d.dueAt && d.originalDueAt !== d.dueAt;
  return (
    <dl className="info-grid">
      <div>
        <dt>Thủ tục</dt>
        <dd>
          {d.procedure.name} <span className="muted">({d.procedure.code})</span>
        </dd>
      </div>
      <div>
        <dt>Cơ quan giải quyết</dt>
        <dd>{name(d.homeAgencyId)}</dd>
      </div>
      {staff && d.agencyId !== d.homeAgencyId && (
        <div>
          <dt>Đang xử lý tại</dt>
          <dd>{name(d.agencyId)}</dd>
        </div>
      )}
      <div>
        <dt>Nơi tiếp nhận</dt>
        <dd>{name(d.receivingAgencyId)}</dd>
      </div>
      <div>
        <dt>Hình thức nộp</dt>
        <dd>{CHANNELS[d.channel] ?? d.channel}</dd>
      </div>
      <div>
        <dt>Ngày nộp</dt>
        <dd>{formatInstant(d.submittedAt)}</dd>
      </div>
      <div>
        <dt>Ngày tiếp nhận</dt>
        <dd>{d.receivedAt ? formatInstant(d.receivedAt) : 'Chưa tiếp nhận'}</dd>
      </div>
      <div>
        <dt>Ngày hẹn trả kết quả</dt>
        <dd>
          <Due at={d.dueAt} timeliness={d.timeliness} title="Tiến độ giải quyết" />
          {rescheduled && <span className="muted small"> (đã hẹn lại; hạn ban đầu {formatInstant(d.originalDueAt)})</span>}
        </dd>
      </div>
      {staff && d.stepName && (
        <div>
          <dt>Bước hiện tại</dt>
          <dd>{d.stepName}</dd>
        </div>
      )}
      {staff && d.stepDueAt && (
        <div>
          <dt>Hạn xử lý bước</dt>
          <dd>{formatInstant(d.stepDueAt)}</dd>
        </div>
      )}
      {d.finishedAt && (
        <div>
          <dt>Ngày kết thúc xử lý</dt>
          <dd>{formatInstant(d.finishedAt)}</dd>
        </div>
      )}
      {d.returnedAt && (
        <div>
          <dt>Ngày trả kết quả</dt>
          <dd>{formatInstant(d.returnedAt)}</dd>
        </div>
      )}
    </dl>
  );
}

export function ApplicantFacts({ dossier: d }: { dossier: Dossier }) {
  const a = d.applicant;
  return (
    <dl className="info-grid">
      {d.representation && (
        <div className="wide">
          <dt>Người nộp</dt>
          <dd>{d.representation}</dd>
        </div>
      )}
      {a.kind === 'organisation' ? (
        <>
          <div>
            <dt>Tên tổ chức, doanh nghiệp</dt>
            <dd>{a.name}</dd>
          </div>
          <div>
            <dt>Mã số thuế</dt>
            <dd>{a.taxCode}</dd>
          </div>
        </>
      ) : (
        <>
          <div>
            <dt>Họ và tên</dt>
            <dd>{a.name}</dd>
          </div>
          <div>
            <dt>Số định danh cá nhân</dt>
            <dd>{a.idNumber}</dd>
          </div>
          {a.birthDate && (
            <div>
              <dt>Ngày sinh</dt>
              <dd>{formatDay(a.birthDate)}</dd>
            </div>
          )}
        </>
      )}
      <div className="wide">
        <dt>Địa chỉ</dt>
        <dd>{a.address || '—'}</dd>
      </div>
      <div>
        <dt>Số điện thoại</dt>
        <dd>{a.phone || '—'}</dd>
      </div>
      <div>
        <dt>Thư điện tử</dt>
        <dd>{a.email || '—'}</dd>
      </div>
    </dl>
  );
}

/** The form data, labelled by the schema's titles when the procedure is known, else by its keys. */
export function FormDataFacts({ data, schema }: { data: Record<string, unknown>; schema?: FormSchema | null }) {
  const titled = schema ? schemaFields(schema) : [];
  const keys = [...titled.map((f) => f.key).filter((k) => k in data), ...Object.keys(data).filter((k) => !titled.some((f) => f.key === k))];
  if (!keys.length) return <p className="muted">Không có thông tin tờ khai.</p>;
  const label = (k: string) => titled.find((f) => f.key === k)?.label ?? k;
  const show = (v: unknown) => (typeof v === 'boolean' ? (v ? 'Có' : 'Không') : /^\d{4}-\d{2}-\d{2}$/.test(String(v)) ? formatDay(String(v)) : String(v));
  return (
    <dl className="info-grid">
      {keys.map((k) => (
        <div key={k}>
          <dt>{label(k)}</dt>
          <dd>{show(data[k])}</dd>
        </div>
      ))}
    </dl>
  );
}

export function FileTable({ dossier: d }: { dossier: Dossier }) {
  if (!d.files.length) return <p className="muted">Hồ sơ không có tệp đính kèm.</p>;
  return (
    <TableWrap label="Tệp đính kèm" stack>
      <thead>
        <tr>
          <th scope="col">Thành phần hồ sơ</th>
          <th scope="col">Tệp</th>
          <th scope="col">Dung lượng</th>
          <th scope="col">Thời gian</th>
        </tr>
      </thead>
      <tbody>
        {d.files.map((f) => (
          <tr key={f.id}>
            <td data-label="Thành phần hồ sơ" className="main-cell">
              {f.componentName ?? `Thành phần số ${(f.componentIndex ?? 0) + 1}`}
            </td>
            <td data-label="Tệp">
              <a href={`/api/v1/dossiers/${d.id}/files/${f.id}`} download={f.name}>
                {f.name}
              </a>
              {f.digitised && (
                <>
                  {' '}
                  <Badge tone="blue" title="Bản quét do cán bộ số hóa tại quầy">
                    Số hóa
                  </Badge>
                </>
              )}
            </td>
            <td data-label="Dung lượng" className="nowrap">
              {formatSize(f.size)}
            </td>
            <td data-label="Thời gian" className="nowrap">
              {formatInstant(f.uploadedAt)}
            </td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

const ISSUED_BY: Record<Exclude<FormKind, 'control'>, string> = {
  receipt: 'accept',
  supplement: 'request_supplement',
  refusal: 'refuse',
  apology: 'apologize',
  stop: 'stop',
};

/** Links to the printed forms (PDF) that exist for the dossier; the control slip only for staff. */
export function FormLinks({ dossier: d, control }: { dossier: Dossier; control?: boolean }) {
  const kinds = (Object.keys(ISSUED_BY) as Exclude<FormKind, 'control'>[]).filter((k) => d.events.some((e) => e.action === ISSUED_BY[k]));
  const all: FormKind[] = control ? [...kinds, 'control'] : kinds;
  if (!all.length) return <p className="muted">Chưa có phiếu nào được phát hành.</p>;
  return (
    <ul className="form-links">
      {all.map((k) => (
        <li key={k}>
          <a href={`/api/v1/dossiers/${d.id}/forms/${k}`} target="_blank" rel="noopener">
            {FORM_NAMES[k]}
          </a>{' '}
          <span className="muted small">(PDF, mở trong thẻ mới)</span>
        </li>
      ))}
    </ul>
  );
}

/** The documents a supplement request (its event's data) asked for outside the procedure's components. */
export const extraDocumentsOf = (data: Record<string, unknown> | null | undefined): string[] =>
  Array.isArray(data?.extraDocuments) ? (data.extraDocuments as string[]) : [];

/** The history of the dossier (phiếu kiểm soát quá trình giải quyết), oldest first. */
export function Timeline({ dossier: d, agencyNames }: { dossier: Dossier; agencyNames: Map<string, string> }) {
  const name = (id: string | null) => (id ? (agencyNames.get(id) ?? 'cơ quan khác') : null);
  return (
    <ol className="timeline">
      {d.events.map((e, i) => {
        const from = name(e.fromAgency);
        const to = name(e.toAgency);
        const reasons = Array.isArray(e.data?.reasons) ? (e.data!.reasons as string[]) : null;
        const extras = extraDocumentsOf(e.data);
        return (
          <li key={i}>
            <p className="timeline-head">
              <strong>{ACTIONS[e.action] ?? e.action}</strong>
              <span className="muted small nowrap">
                <time dateTime={e.at}>{formatInstant(e.at)}</time>
              </span>
            </p>
            <p className="small">
              {e.actorKind === 'citizen' ? 'Công dân' : e.actorKind === 'system' ? '' : 'Cán bộ'} {e.actorName}
              {to && from && to !== from ? (
                <>
                  {' '}
                  — từ {from} đến {to}
                </>
              ) : to && !from ? (
                <> — đến {to}</>
              ) : null}
            </p>
            {reasons ? (
              <ul className="small">
                {reasons.map((r, j) => (
                  <li key={j}>{r}</li>
                ))}
              </ul>
            ) : e.note ? (
              <p className="small prose timeline-note">{e.note}</p>
            ) : null}
            {extras.length > 0 && <p className="small">Giấy tờ cần nộp thêm: {extras.join('; ')}</p>}
          </li>
        );
      })}
    </ol>
  );
}
