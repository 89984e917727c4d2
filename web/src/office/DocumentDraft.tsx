// Soạn dự thảo văn bản đi: type, trích yếu, urgency and secrecy, the recipients — agencies on the platform, or
// outside it by mã định danh (sent through the document exchange) — the draft PDF and attachments; then on to the
// draft's page, where it is submitted for review.
import { type FormEvent, useMemo, useState } from 'react';
import { api, type Me } from '../api.ts';
import { navigate } from '../router.tsx';
import { ErrorMessage, Field, useAction, usePageTitle } from '../ui.tsx';
import { useAgencies } from '../citizen/DossierParts.tsx';
import { MarksFields, ORDINARY, TypeField, marksBody, uploadDocumentFiles } from './documentParts.tsx';
import { drafts } from './session.ts';

export function DocumentDraft({ me }: { me: Me }) {
  usePageTitle('Soạn dự thảo văn bản đi');
  const [typeCode, setTypeCode] = useState('');
  const [subject, setSubject] = useState('');
  const [marks, setMarks] = useState(ORDINARY);
  const [recipients, setRecipients] = useState<string[]>([]);
  const [pick, setPick] = useState('');
  const [outside, setOutside] = useState<{ organId: string; name: string }[]>([]);
  const [organId, setOrganId] = useState('');
  const [organName, setOrganName] = useState('');
  const [main, setMain] = useState<File | null>(null);
  const [attachments, setAttachments] = useState<File[]>([]);
  const { busy, error, setError, run } = useAction();
  const agencies = useAgencies();
  // Recipients are organisations (their văn thư receives), never the drafter's own.
  const organisations = useMemo(
    () => agencies.items.filter((a) => a.kind !== 'unit' && a.id !== me.agency.id).sort((x, y) => x.name.localeCompare(y.name, 'vi')),
    [agencies.items, me.agency.id],
  );
  if (!drafts(me)) {
    return (
      <div className="alert alert-info" role="status">
        <h1>Soạn dự thảo văn bản đi</h1>
        <p>Chức năng này dành cho chuyên viên, lãnh đạo và văn thư.</p>
      </div>
    );
  }
  const addOutside = () => {
    const o = { organId: organId.trim(), name: organName.trim() };
    if (!o.organId || !o.name) return setError(new Error('Nhập cả mã định danh và tên cơ quan nhận ngoài hệ thống.'));
    if (!outside.some((x) => x.organId === o.organId)) setOutside([...outside, o]);
    setOrganId('');
    setOrganName('');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const { id } = await api<{ id: string }>('/api/v1/documents', {
        body: { typeCode, subject: subject.trim(), ...marksBody(marks), recipients, ...(outside.length ? { outsideRecipients: outside } : {}) },
      });
      // The draft exists now: a failed upload is repeated from its page, where files are added anyway.
      await uploadDocumentFiles(id, 'main', main ? [main] : []).then(() => uploadDocumentFiles(id, 'attachment', attachments));
      navigate(`/mot-cua/van-ban/${id}`);
    });
  };
  const name = (id: string) => organisations.find((a) => a.id === id)?.name ?? id;
  return (
    <>
      <h1>Soạn dự thảo văn bản đi</h1>
      <form className="form" onSubmit={submit} aria-label="Soạn dự thảo văn bản đi">
        <TypeField value={typeCode} onChange={setTypeCode} disabled={busy} />
        <Field label="Trích yếu nội dung (bắt buộc)">
          <textarea value={subject} onChange={(e) => setSubject(e.target.value)} maxLength={500} rows={3} required disabled={busy} />
        </Field>
        <MarksFields value={marks} onChange={setMarks} disabled={busy} />
        <fieldset className="choice-group recipients">
          <legend>Nơi nhận trên hệ thống</legend>
          <div className="inline-add">
            <Field label="Cơ quan nhận">
              <select value={pick} onChange={(e) => setPick(e.target.value)} disabled={busy}>
                <option value="">— Chọn cơ quan —</option>
                {organisations
                  .filter((a) => !recipients.includes(a.id))
                  .map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name}
                    </option>
                  ))}
              </select>
            </Field>
            <button
              type="button"
              className="btn"
              disabled={busy || !pick}
              onClick={() => {
                setRecipients([...recipients, pick]);
                setPick('');
              }}>
              Thêm nơi nhận
            </button>
          </div>
          <RemovableList items={recipients.map((id) => ({ key: id, label: name(id) }))} onRemove={(k) => setRecipients(recipients.filter((x) => x !== k))} />
        </fieldset>
        <fieldset className="choice-group recipients">
          <legend>Nơi nhận ngoài hệ thống (gửi liên thông)</legend>
          <div className="inline-add">
            <Field label="Mã định danh" hint="Ví dụ G01.01 hoặc 000.00.01.H92">
              <input value={organId} onChange={(e) => setOrganId(e.target.value)} maxLength={35} autoComplete="off" disabled={busy} />
            </Field>
            <Field label="Tên cơ quan">
              <input value={organName} onChange={(e) => setOrganName(e.target.value)} maxLength={300} autoComplete="off" disabled={busy} />
            </Field>
            <button type="button" className="btn" disabled={busy} onClick={addOutside}>
              Thêm nơi nhận
            </button>
          </div>
          <RemovableList
            items={outside.map((o) => ({ key: o.organId, label: `${o.name} (${o.organId})` }))}
            onRemove={(k) => setOutside(outside.filter((x) => x.organId !== k))}
          />
        </fieldset>
        <Field label="Tệp dự thảo (PDF)" hint="Có thể thêm sau; bắt buộc trước khi trình">
          <input type="file" accept=".pdf,application/pdf" onChange={(e) => setMain(e.target.files?.[0] ?? null)} disabled={busy} />
        </Field>
        <Field label="Tệp đính kèm" hint="Tối đa 10 MB mỗi tệp">
          <input type="file" multiple onChange={(e) => setAttachments([...(e.target.files ?? [])])} disabled={busy} />
        </Field>
        <ErrorMessage error={error} />
        <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy}>
          Lưu dự thảo
        </button>
      </form>
    </>
  );
}

function RemovableList({ items, onRemove }: { items: { key: string; label: string }[]; onRemove: (key: string) => void }) {
  if (!items.length) return <p className="muted small">Chưa có nơi nhận nào.</p>;
  return (
    <ul className="removable-list">
      {items.map((i) => (
        <li key={i.key}>
          <span>{i.label}</span>
          <button type="button" className="btn-link" onClick={() => onRemove(i.key)} aria-label={`Bỏ ${i.label}`}>
            Bỏ
          </button>
        </li>
      ))}
    </ul>
  );
}
