// Nhập phản ánh: the province's operator keys in a report received by phone, on paper, by e-mail or on Zalo
// (QĐ 31/2021/QĐ-TTg art. 43.2) with the reporter's contact, kept confidential; then on to the new case's page.
import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { navigate } from '../router.tsx';
import { ErrorMessage, Field, Loading, useAction, usePageTitle } from '../ui.tsx';
import { useFeedbackOperator } from './FeedbackInbox.tsx';
import { CHANNELS, type Channel, emptyReport, PlaceFields, ReportFields, type ReportDraft, reportBody, uploadMedia } from '../feedback/parts.tsx';

const OPERATOR_CHANNELS: Channel[] = ['phone', 'paper', 'email', 'zalo'];

export function FeedbackIntake() {
  const operator = useFeedbackOperator();
  usePageTitle('Nhập phản ánh, kiến nghị');
  const [channel, setChannel] = useState<Channel>('phone');
  const [report, setReport] = useState<ReportDraft>(emptyReport);
  const [reporter, setReporter] = useState({ name: '', phone: '', email: '' });
  const [lat, setLat] = useState('');
  const [long, setLong] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const { busy, error, run } = useAction();

  if (operator === null) return <Loading />;
  if (!operator) {
    return (
      <div className="alert alert-info" role="status">
        <h1>Nhập phản ánh, kiến nghị</h1>
        <p>Chức năng này dành cho cán bộ tiếp nhận phản ánh của thành phố.</p>
      </div>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const contact = Object.fromEntries(Object.entries(reporter).flatMap(([k, v]) => (v.trim() ? [[k, v.trim()]] : [])));
    void run(async () => {
      const created = await api<{ id: string; code: string }>('/api/v1/feedback/intake', {
        body: {
          ...reportBody(report),
          channel,
          ...(Object.keys(contact).length ? { reporter: contact } : {}),
          ...(lat.trim() || long.trim() ? { lat: Number(lat), long: Number(long) } : {}),
        },
      });
      // The case exists now: a failed upload is told on its page rather than keying the report in twice.
      const uploaded = await uploadMedia(created.id, files).then(
        () => true,
        () => false,
      );
      navigate(`/mot-cua/phan-anh/${created.id}${uploaded ? '' : '?anh=loi'}`);
    });
  };
  const setContact = (k: keyof typeof reporter) => (e: { target: { value: string } }) => setReporter({ ...reporter, [k]: e.target.value });
  return (
    <>
      <h1>Nhập phản ánh, kiến nghị</h1>
      <form className="form" onSubmit={submit} aria-label="Nhập phản ánh, kiến nghị">
        <Field label="Kênh tiếp nhận (bắt buộc)">
          <select value={channel} onChange={(e) => setChannel(e.target.value as Channel)} disabled={busy}>
            {OPERATOR_CHANNELS.map((ch) => (
              <option key={ch} value={ch}>
                {CHANNELS[ch]}
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="choice-group">
          <legend>Người phản ánh (bảo mật, cơ quan xử lý không được xem)</legend>
          <div className="grid-2">
            <Field label="Họ và tên">
              <input value={reporter.name} onChange={setContact('name')} maxLength={200} autoComplete="off" disabled={busy} />
            </Field>
            <Field label="Số điện thoại" hint="Ví dụ 0912345678">
              <input type="tel" value={reporter.phone} onChange={setContact('phone')} pattern="(0|\+84)[0-9]{9,10}" autoComplete="off" disabled={busy} />
            </Field>
            <Field label="Thư điện tử">
              <input type="email" value={reporter.email} onChange={setContact('email')} maxLength={254} autoComplete="off" disabled={busy} />
            </Field>
          </div>
        </fieldset>
        <ReportFields value={report} onChange={setReport} disabled={busy} />
        <fieldset className="choice-group">
          <legend>Vị trí</legend>
          <PlaceFields value={report} onChange={setReport} disabled={busy} />
          <div className="grid-2">
            <Field label="Vĩ độ" hint="Ví dụ 10.0452 (không bắt buộc)">
              <input type="number" step="any" value={lat} onChange={(e) => setLat(e.target.value)} disabled={busy} />
            </Field>
            <Field label="Kinh độ" hint="Ví dụ 105.7846 (không bắt buộc)">
              <input type="number" step="any" value={long} onChange={(e) => setLong(e.target.value)} disabled={busy} />
            </Field>
          </div>
        </fieldset>
        <Field label="Ảnh, tài liệu kèm theo" hint="Tối đa 10 MB mỗi tệp">
          <input type="file" accept="image/*,.pdf,application/pdf" multiple onChange={(e) => setFiles([...(e.target.files ?? [])])} disabled={busy} />
        </Field>
        <ErrorMessage error={error} />
        <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy}>
          Tiếp nhận phản ánh
        </button>
      </form>
    </>
  );
}
