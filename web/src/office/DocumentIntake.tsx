// Vào sổ văn bản đến: the văn thư registers a paper document (Decree 30/2020 art. 22) — the sender (typed, or one of
// the platform's agencies), its số, ký hiệu and date, type, trích yếu, urgency, secrecy and the PDF scan; the server
// gives the số đến, shown at once with a link to the document.
import { type FormEvent, useMemo, useState } from 'react';
import { api, type Me } from '../api.ts';
import { Link } from '../router.tsx';
import { ErrorMessage, Field, Notice, useAction, usePageTitle } from '../ui.tsx';
import { useAgencies } from '../citizen/DossierParts.tsx';
import { MarksFields, ORDINARY, TypeField, marksBody, uploadDocumentFiles, registerNumber } from './documentParts.tsx';
import { registersPaper } from './session.ts';

const EMPTY = { fromName: '', sourceNotation: '', sourceDate: '', typeCode: '', subject: '' };

export function DocumentIntake({ me }: { me: Me }) {
  usePageTitle('Vào sổ văn bản đến');
  const [form, setForm] = useState(EMPTY);
  const [marks, setMarks] = useState(ORDINARY);
  const [scan, setScan] = useState<File | null>(null);
  const [saved, setSaved] = useState<{ id: string; arrivalNumber: number; scanFailed: boolean } | null>(null);
  const [formKey, setFormKey] = useState(0);
  const { busy, error, run } = useAction();
  const agencies = useAgencies();
  const senders = useMemo(
    () =>
      agencies.items
        .filter((a) => a.kind !== 'unit')
        .map((a) => a.name)
        .sort((x, y) => x.localeCompare(y, 'vi')),
    [agencies.items],
  );
  if (!registersPaper(me)) {
    return (
      <div className="alert alert-info" role="status">
        <h1>Vào sổ văn bản đến</h1>
        <p>Chức năng này dành cho văn thư của cơ quan.</p>
      </div>
    );
  }
  const set = (k: keyof typeof EMPTY) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const trimmed = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, v.trim()]));
      const created = await api<{ id: string; arrivalNumber: number }>('/api/v1/documents/incoming', { body: { ...trimmed, ...marksBody(marks) } });
      // Registered now: a failed scan upload is told here and added from the document's page, not registered twice.
      const scanFailed = scan
        ? await uploadDocumentFiles(created.id, 'scan', [scan]).then(
            () => false,
            () => true,
          )
        : false;
      setSaved({ ...created, scanFailed });
      setForm(EMPTY);
      setMarks(ORDINARY);
      setScan(null);
      setFormKey((k) => k + 1);
    });
  };
  return (
    <>
      <p className="back">
        <Link to="/mot-cua/van-ban?hop=den">‹ Văn bản đến</Link>
      </p>
      <h1>Vào sổ văn bản đến</h1>
      {saved && (
        <Notice>
          <p>
            Đã vào sổ văn bản đến. Số đến: <strong className="arrival-number">{registerNumber(saved.arrivalNumber)}</strong>.{' '}
            <Link to={`/mot-cua/van-ban/${saved.id}`}>Mở văn bản để trình lãnh đạo</Link>
          </p>
          {saved.scanFailed && <p>Chưa tải được bản quét; hãy thêm bản quét từ trang văn bản.</p>}
        </Notice>
      )}
      <form key={formKey} className="form" onSubmit={submit} aria-label="Vào sổ văn bản đến">
        <Field label="Cơ quan, tổ chức gửi (bắt buộc)" hint="Gõ tên hoặc chọn trong danh sách cơ quan trên hệ thống">
          <input value={form.fromName} onChange={set('fromName')} list="document-senders" maxLength={200} required autoComplete="off" disabled={busy} />
        </Field>
        <datalist id="document-senders">
          {senders.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <div className="grid-2">
          <Field label="Số, ký hiệu văn bản (bắt buộc)" hint="Ví dụ 45/UBND-VP">
            <input value={form.sourceNotation} onChange={set('sourceNotation')} maxLength={30} required autoComplete="off" disabled={busy} />
          </Field>
          <Field label="Ngày văn bản (bắt buộc)">
            <input type="date" value={form.sourceDate} onChange={set('sourceDate')} required disabled={busy} />
          </Field>
        </div>
        <TypeField value={form.typeCode} onChange={(typeCode) => setForm({ ...form, typeCode })} disabled={busy} />
        <Field label="Trích yếu nội dung (bắt buộc)">
          <textarea value={form.subject} onChange={set('subject')} maxLength={500} rows={3} required disabled={busy} />
        </Field>
        <MarksFields value={marks} onChange={setMarks} disabled={busy} />
        <Field label="Bản quét văn bản (PDF)" hint="Tối đa 10 MB; có thể thêm sau từ trang văn bản">
          <input type="file" accept=".pdf,application/pdf" onChange={(e) => setScan(e.target.files?.[0] ?? null)} disabled={busy} />
        </Field>
        <ErrorMessage error={error} />
        <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy}>
          Vào sổ và cấp số đến
        </button>
      </form>
    </>
  );
}
