// The citizen's side of phản ánh, kiến nghị: reporting from a phone (the browser's position, photos from the camera),
// their own reports, and a report's page with what the server allows them to do now (answer a question, rate).
import { useEffect, useState, type FormEvent } from 'react';
import { api, withQuery, type AllowedAction } from '../api.ts';
import { formatInstant, formatNumber } from '../format.ts';
import { Link } from '../router.tsx';
import { ErrorMessage, Field, Loading, Notice, RadioChoice, TableWrap, useAction, useFetch, usePageTitle } from '../ui.tsx';
import { CitizenGate } from '../citizen/session.tsx';
import {
  Breadcrumb,
  emptyReport,
  feedbackAction,
  PlaceFields,
  ReportFields,
  type ReportDraft,
  reportBody,
  uploadMedia,
  type CaseSummary,
  FeedbackMap,
  LEVELS,
  type Level,
  type Location,
  LocationText,
  type Media,
  EvidenceList,
  MediaList,
  type Rating,
  RATINGS,
  StatusTag,
} from './parts.tsx';

export function SubmitFeedbackPage() {
  // Anonymous reports depend on a setting only administrators can read, so the portal asks citizens to sign in.
  return <CitizenGate>{() => <SubmitFeedback />}</CitizenGate>;
}

/** The report's place: from the phone's position (with its accuracy) or a pin placed on the map. */
type Position = { lat: number; long: number; accuracy?: number };

function SubmitFeedback() {
  usePageTitle('Gửi phản ánh, kiến nghị');
  const [report, setReport] = useState<ReportDraft>(emptyReport);
  const [position, setPosition] = useState<Position | null>(null);
  const [locating, setLocating] = useState(false);
  const [locateError, setLocateError] = useState<string | null>(null);
  const [photos, setPhotos] = useState<File[]>([]);
  const [sent, setSent] = useState<{ id: string; code: string; uploadError: Error | null } | null>(null);
  const { busy, error, run } = useAction();
  // The commune the pin falls in, from the server's boundaries; it fills the commune field unless the reporter chose one.
  const [communeByHand, setCommuneByHand] = useState(false);
  const pinnedCommune = useFetch<{ code: string; name: string }>(
    position && withQuery('/api/v1/public/geo/commune-at', { lat: position.lat, long: position.long }),
  );
  const found = position ? pinnedCommune.data : null;
  useEffect(() => {
    if (found && !communeByHand) setReport((r) => ({ ...r, communeCode: found.code }));
  }, [found, communeByHand]);

  const locate = () => {
    if (!navigator.geolocation) {
      setLocateError('Trình duyệt không hỗ trợ xác định vị trí. Vui lòng nhập địa chỉ.');
      return;
    }
    setLocating(true);
    setLocateError(null);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setPosition({ lat: p.coords.latitude, long: p.coords.longitude, accuracy: p.coords.accuracy });
        setLocating(false);
      },
      () => {
        setLocateError('Không lấy được vị trí (chưa cho phép hoặc không có tín hiệu). Vui lòng nhập địa chỉ.');
        setLocating(false);
      },
      { enableHighAccuracy: true, timeout: 15000 },
    );
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const created = await api<{ id: string; code: string }>('/api/v1/feedback', {
        body: { ...reportBody(report), ...(position ? { lat: position.lat, long: position.long } : {}) },
      });
      // The report exists now; a failed photo upload is told without hiding its code.
      let uploadError: Error | null = null;
      try {
        await uploadMedia(created.id, photos);
      } catch (err) {
        uploadError = err instanceof Error ? err : new Error(String(err));
      }
      setSent({ ...created, uploadError });
      window.scrollTo(0, 0);
    });
  };

  if (sent) {
    return (
      <div className="container page">
        <h1>Đã gửi phản ánh, kiến nghị</h1>
        <Notice>
          Mã phản ánh của bạn: <strong data-testid="feedback-code">{sent.code}</strong>. Bạn sẽ được thông báo khi phản ánh được xử lý và trả lời.
        </Notice>
        {sent.uploadError && <ErrorMessage error={new Error(`Chưa tải được ảnh: ${sent.uploadError.message} Bạn có thể thêm ảnh tại trang phản ánh.`)} />}
        <div className="form-actions">
          <Link className="btn btn-primary" to={`/phan-anh/cua-toi/${sent.id}`}>
            Xem phản ánh
          </Link>
          <Link className="btn" to="/phan-anh">
            Phản ánh đã trả lời
          </Link>
        </div>
      </div>
    );
  }
  return (
    <div className="container page">
      <Breadcrumb trail={[]} current="Gửi phản ánh" />
      <h1>Gửi phản ánh, kiến nghị</h1>
      <p className="muted">Thông tin cá nhân của bạn chỉ cán bộ tiếp nhận của thành phố được xem; cơ quan xử lý và trang công khai không thấy.</p>
      <form className="form" onSubmit={submit} aria-label="Gửi phản ánh, kiến nghị">
        <ReportFields value={report} onChange={setReport} disabled={busy} />
        <fieldset className="choice-group feedback-location">
          <legend>Vị trí</legend>
          <p className="muted small" id="huong-dan-ban-do">
            Chạm vào bản đồ để đặt hoặc di chuyển ghim vị trí (kéo để di chuyển, dùng hai ngón tay để phóng to), hoặc dùng vị trí hiện tại của điện thoại.
          </p>
          <FeedbackMap
            pin={position}
            onPlace={(lat, long) => !busy && setPosition({ lat, long })}
            label={`Bản đồ chọn vị trí phản ánh. ${position ? `Ghim đang ở ${position.lat.toFixed(5)}, ${position.long.toFixed(5)}.` : 'Chưa có ghim.'} Có thể dùng nút "Dùng vị trí hiện tại" hoặc nhập địa chỉ thay cho bản đồ.`}
          />
          <div className="form-actions">
            <button type="button" className="btn" onClick={locate} disabled={busy || locating} aria-busy={locating}>
              {position ? 'Lấy lại vị trí hiện tại' : 'Dùng vị trí hiện tại'}
            </button>
            {position && (
              <span role="status">
                Vị trí: {position.lat.toFixed(5)}, {position.long.toFixed(5)}
                {position.accuracy !== undefined ? ` (sai số khoảng ${formatNumber(Math.round(position.accuracy))} m)` : ' (ghim trên bản đồ)'}
                {found ? ` · thuộc ${found.name}` : pinnedCommune.error ? ' · ngoài ranh giới các xã, phường của tỉnh' : ''}{' '}
                <button type="button" className="btn btn-small" onClick={() => setPosition(null)} disabled={busy}>
                  Bỏ vị trí
                </button>
              </span>
            )}
          </div>
          {locateError && <p className="field-error">{locateError}</p>}
          <PlaceFields
            value={report}
            onChange={(r) => {
              if (r.communeCode !== report.communeCode) setCommuneByHand(r.communeCode !== '');
              setReport(r);
            }}
            disabled={busy}
          />
        </fieldset>
        <Field label="Ảnh, video" hint="Chụp ảnh hoặc quay video ngắn (ảnh JPEG, PNG tối đa 10 MB; video MP4, MOV, WebM)">
          <input type="file" accept="image/*,video/*" capture="environment" multiple onChange={(e) => setPhotos([...(e.target.files ?? [])])} disabled={busy} />
        </Field>
        {photos.length > 0 && <p className="muted small">Đã chọn {formatNumber(photos.length)} tệp.</p>}
        <ErrorMessage error={error} />
        <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy}>
          Gửi phản ánh
        </button>
      </form>
    </div>
  );
}

export function MyFeedbackPage() {
  return <CitizenGate>{() => <MyFeedback />}</CitizenGate>;
}

function MyFeedback() {
  usePageTitle('Phản ánh của tôi');
  const list = useFetch<{ items: CaseSummary[] }>('/api/v1/citizen/feedback');
  const items = list.data?.items;
  return (
    <div className="container page">
      <Breadcrumb trail={[]} current="Phản ánh của tôi" />
      <div className="page-head">
        <h1>Phản ánh của tôi</h1>
        <Link className="btn btn-primary" to="/phan-anh/gui">
          Gửi phản ánh mới
        </Link>
      </div>
      <ErrorMessage error={list.error} />
      {!items && list.loading && <Loading />}
      {items && items.length === 0 && <p className="empty">Bạn chưa gửi phản ánh, kiến nghị nào.</p>}
      {items && items.length > 0 && (
        <TableWrap label="Danh sách phản ánh của tôi" stack>
          <thead>
            <tr>
              <th scope="col">Mã phản ánh</th>
              <th scope="col">Tiêu đề</th>
              <th scope="col">Tình trạng</th>
              <th scope="col">Ngày gửi</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id}>
                <td data-label="Mã phản ánh" className="main-cell nowrap">
                  <Link to={`/phan-anh/cua-toi/${c.id}`}>{c.code}</Link>
                </td>
                <td data-label="Tiêu đề">{c.title}</td>
                <td data-label="Tình trạng">
                  <StatusTag status={c.status} name={c.statusName} />
                </td>
                <td data-label="Ngày gửi" className="nowrap">
                  {formatInstant(c.createdAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </div>
  );
}

interface MyCase extends CaseSummary {
  text: string;
  level: Level | null;
  location: Location;
  publishedAnswer: string | null;
  /** The evidence (media ids) the published answer carries. */
  publishedEvidence: string[];
  publishedAt: string | null;
  rating: Rating | null;
  ratingComment: string | null;
  revision: number;
  events: { action: string; step: string | null; at: string; by: string | null; agencyName: string | null; note: string | null }[];
  media: Media[];
  allowedActions: AllowedAction[];
}

export function MyFeedbackCasePage({ id }: { id: string }) {
  return <CitizenGate>{() => <MyFeedbackCase id={id} />}</CitizenGate>;
}

function MyFeedbackCase({ id }: { id: string }) {
  const res = useFetch<MyCase>(`/api/v1/feedback/${id}`);
  const [notice, setNotice] = useState<string | null>(null);
  const c = res.data;
  usePageTitle(c ? `Phản ánh ${c.code}` : 'Phản ánh của tôi');
  const trail = [{ to: '/phan-anh/cua-toi', label: 'Phản ánh của tôi' }];
  if (!c) {
    return (
      <div className="container page">
        <Breadcrumb trail={trail} current="…" />
        {res.error ? <ErrorMessage error={res.error} /> : <Loading />}
      </div>
    );
  }
  const allowed = (action: string) => c.allowedActions.find((a) => a.action === action);
  const done = (message: string) => void res.reload().then(() => setNotice(message));
  const question = [...c.events].reverse().find((e) => e.action === 'request_info');
  const provide = allowed('provide_info');
  const rate = allowed('rate');
  return (
    <div className="container page detail">
      <Breadcrumb trail={trail} current={c.code} />
      <h1>Phản ánh {c.code}</h1>
      <p className="badges">
        <StatusTag status={c.status} name={c.statusName} /> <span className="muted small">{c.category.name}</span>
      </p>
      <Notice>{notice}</Notice>
      {provide && question && (
        <section className="card" aria-labelledby="bo-sung">
          <h2 id="bo-sung">{provide.label}</h2>
          <p>
            Cơ quan xử lý đề nghị: <em>{question.note}</em>
          </p>
          <ProvideInfoForm id={c.id} revision={c.revision} onDone={() => done('Đã gửi thông tin bổ sung.')} />
        </section>
      )}
      {c.publishedAnswer && (
        <section className="card" aria-labelledby="tra-loi">
          <h2 id="tra-loi">Trả lời{c.agency?.name ? ` của ${c.agency.name}` : ''}</h2>
          <p className="prewrap">{c.publishedAnswer}</p>
          <p className="muted small">
            Công bố lúc {formatInstant(c.publishedAt)} · <Link to={`/phan-anh/${c.code}`}>Xem trang công khai</Link>
          </p>
          <EvidenceList media={c.media.filter((m) => c.publishedEvidence.includes(m.id))} src={(m) => `/api/v1/feedback/${c.id}/media/${m.id}`} />
          {c.rating && (
            <p>
              Bạn đã đánh giá: {RATINGS[c.rating]}
              {c.ratingComment ? ` — ${c.ratingComment}` : ''}
            </p>
          )}
        </section>
      )}
      {rate && (
        <section className="card" aria-labelledby="danh-gia">
          <h2 id="danh-gia">{rate.label}</h2>
          <RateForm id={c.id} revision={c.revision} onDone={() => done('Cảm ơn bạn đã đánh giá.')} />
        </section>
      )}
      <section className="card" aria-labelledby="noi-dung">
        <h2 id="noi-dung">{c.title}</h2>
        <p className="prewrap">{c.text}</p>
        {c.level && <p className="muted small">Mức độ: {LEVELS[c.level]}</p>}
        <LocationText location={c.location} />
        <MediaList media={c.media.filter((m) => m.kind === 'report')} src={(m) => `/api/v1/feedback/${c.id}/media/${m.id}`} label="Ảnh phản ánh" />
      </section>
      <section aria-labelledby="qua-trinh">
        <h2 id="qua-trinh">Quá trình xử lý</h2>
        <ol className="timeline">
          {c.events.map((e, i) => (
            <li key={i}>
              <p className="timeline-head">
                <strong>{e.step ?? 'Cập nhật xử lý'}</strong> <span className="muted small">{formatInstant(e.at)}</span>
              </p>
              {(e.by || e.agencyName) && <p className="timeline-note">{e.by ?? e.agencyName}</p>}
              {e.note && <p className="timeline-note prewrap">{e.note}</p>}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

function ProvideInfoForm({ id, revision, onDone }: { id: string; revision: number; onDone: () => void }) {
  const [text, setText] = useState('');
  const { busy, error, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await feedbackAction(id, revision, { action: 'provide_info', text: text.trim() });
      onDone();
    });
  };
  return (
    <form className="form" onSubmit={submit}>
      <Field label="Thông tin bổ sung (bắt buộc)">
        <textarea value={text} onChange={(e) => setText(e.target.value)} required maxLength={5000} rows={4} disabled={busy} />
      </Field>
      <ErrorMessage error={error} />
      <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy}>
        Gửi thông tin bổ sung
      </button>
    </form>
  );
}

function RateForm({ id, revision, onDone }: { id: string; revision: number; onDone: () => void }) {
  const [rating, setRating] = useState<Rating | null>(null);
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState(false);
  const { busy, error, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!rating) {
      setMissing(true);
      return;
    }
    void run(async () => {
      await feedbackAction(id, revision, { action: 'rate', rating, ...(comment.trim() ? { comment: comment.trim() } : {}) });
      onDone();
    });
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Đánh giá kết quả trả lời">
      <RadioChoice
        legend="Bạn đánh giá trả lời này thế nào? (bắt buộc)"
        name="rating"
        options={(Object.keys(RATINGS) as Rating[]).map((r) => ({ value: r, label: RATINGS[r] }))}
        value={rating}
        onChange={setRating}
        missing={missing}
        missingText="Vui lòng chọn một mức đánh giá."
        disabled={busy}
      />
      <p className="muted small">Nếu bạn không hài lòng, phản ánh được chuyển xử lý lại một lần.</p>
      <Field label="Ý kiến thêm">
        <textarea value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} disabled={busy} />
      </Field>
      <ErrorMessage error={error} />
      <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy}>
        Gửi đánh giá
      </button>
    </form>
  );
}
