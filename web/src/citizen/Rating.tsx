// Đánh giá mức độ hài lòng after the result is returned: five levels with reasons, once per dossier.
import { useState, type FormEvent } from 'react';
import { formatInstant } from '../format.ts';
import { ErrorMessage, Field, Loading, Notice, RadioChoice, useAction, useFetch } from '../ui.tsx';
import { newIdempotencyKey, postWithKey } from './requests.ts';

interface Rating {
  level: number;
  levelName: string;
  reasons: string[];
  comment: string | null;
  ratedAt: string;
}

const LEVELS = ['Rất không hài lòng', 'Không hài lòng', 'Bình thường', 'Hài lòng', 'Rất hài lòng'];
const REASONS = [
  'Trả kết quả đúng hoặc trước hẹn',
  'Cán bộ hướng dẫn tận tình, dễ hiểu',
  'Thủ tục, giấy tờ đơn giản',
  'Nộp và nhận kết quả trực tuyến thuận tiện',
  'Trả kết quả chậm so với hẹn',
  'Phải bổ sung giấy tờ nhiều lần',
  'Cán bộ thiếu nhiệt tình',
  'Hệ thống trực tuyến khó sử dụng',
];

export function RatingPanel({ dossierId }: { dossierId: string }) {
  const res = useFetch<{ rating: Rating | null }>(`/api/v1/dossiers/${dossierId}/rating`);
  const [level, setLevel] = useState<number | null>(null);
  const [reasons, setReasons] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState(false);
  const { busy, error, run } = useAction();
  if (!res.data) return res.error ? <ErrorMessage error={res.error} /> : <Loading />;
  const r = res.data.rating;
  if (r) {
    return (
      <Notice>
        Bạn đã đánh giá “{r.levelName}” lúc {formatInstant(r.ratedAt)}
        {r.reasons.length ? ` (${r.reasons.join('; ')})` : ''}. Cảm ơn bạn đã góp ý.
      </Notice>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!level) {
      setMissing(true);
      return;
    }
    void run(async () => {
      const saved = await postWithKey<Rating>(
        `/api/v1/dossiers/${dossierId}/rating`,
        { level, reasons, ...(comment.trim() ? { comment: comment.trim() } : {}) },
        newIdempotencyKey(),
      );
      res.setData({ rating: saved });
    });
  };
  const toggle = (reason: string) => setReasons((list) => (list.includes(reason) ? list.filter((x) => x !== reason) : [...list, reason]));
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Đánh giá mức độ hài lòng">
      <RadioChoice
        legend="Mức độ hài lòng của bạn (bắt buộc)"
        name="level"
        options={LEVELS.map((label, i) => ({ value: i + 1, label }))}
        value={level}
        onChange={setLevel}
        missing={missing}
        missingText="Vui lòng chọn một mức độ hài lòng."
        disabled={busy}
      />
      <fieldset className="choice-group">
        <legend>Lý do (có thể chọn nhiều)</legend>
        {REASONS.map((reason) => (
          <label key={reason} className="check">
            <input type="checkbox" checked={reasons.includes(reason)} onChange={() => toggle(reason)} disabled={busy} /> {reason}
          </label>
        ))}
      </fieldset>
      <Field label="Góp ý thêm">
        <textarea value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} disabled={busy} />
      </Field>
      <ErrorMessage error={error} />
      <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy}>
        Gửi đánh giá
      </button>
    </form>
  );
}
