// Phản ánh, kiến nghị: the shapes of src/feedback's answers and the pieces the public, citizen and staff pages share.
import { lazy, Suspense } from 'react';
import { api, withQuery, type Unit } from '../api.ts';
import { DEFAULT_PROVINCE, formatSize } from '../format.ts';
import { Link } from '../router.tsx';
import { Badge, Field, Loading, useFetch } from '../ui.tsx';

export type Level = 'thuong' | 'khan' | 'phuc_tap';
export const LEVELS: Record<Level, string> = { thuong: 'Thường', khan: 'Khẩn', phuc_tap: 'Phức tạp' };
export type Channel = 'portal' | 'phone' | 'paper' | 'email' | 'zalo' | 'open311';
export const CHANNELS: Record<Channel, string> = {
  portal: 'Cổng dịch vụ công',
  phone: 'Điện thoại',
  paper: 'Văn bản giấy',
  email: 'Thư điện tử',
  zalo: 'Zalo',
  open311: 'Ứng dụng kết nối (Open311)',
};
export type Rating = 'hai_long' | 'chap_nhan' | 'khong_hai_long';
export const RATINGS: Record<Rating, string> = { hai_long: 'Hài lòng', chap_nhan: 'Chấp nhận được', khong_hai_long: 'Không hài lòng' };

export interface Category {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
}
export interface Location {
  lat: number | null;
  long: number | null;
  address: string | null;
  communeCode: string | null;
}
export interface Media {
  id: string;
  kind: 'report' | 'evidence';
  /** Evidence only: a photo or video before or after the work, or a document. */
  role: 'before' | 'after' | 'document' | null;
  name: string;
  mime: string;
  size: number;
}
/** A published case as anyone sees it (no reporter). */
export interface PublicCase {
  code: string;
  title: string;
  text: string;
  category: { code: string; name: string };
  level: Level | null;
  location: Location;
  status: string;
  statusName: string;
  agencyName: string | null;
  answer: string | null;
  publishedAt: string | null;
  rating: Rating | null;
  createdAt: string;
}
export interface PublicCaseDetail extends PublicCase {
  media: Media[];
  steps: { step: string; action: string; at: string; agencyName: string | null }[];
}
/** One of the citizen's own cases (src/feedback/service.ts `summary`). */
export interface CaseSummary {
  id: string;
  code: string;
  title: string;
  category: { code: string; name: string };
  status: string;
  statusName: string;
  agency: { id: string; name: string | null } | null;
  createdAt: string;
}

/** Where a published case stands for the public (src/feedback/service.ts PUBLIC_STATUSES), with its colour on the map. */
export type PublicStatus = 'published' | 'rated' | 'reopened';
export const PUBLIC_STATUSES: Record<PublicStatus, { name: string; colour: string }> = {
  published: { name: 'Đã trả lời', colour: '#1e7b34' },
  rated: { name: 'Đã trả lời và được đánh giá', colour: '#1d5fb4' },
  reopened: { name: 'Đang xử lý lại', colour: '#d9480f' },
};
/** A published case's public status: answered, rated, or reopened after an unsatisfied rating (whichever step it is in). */
export const publicStatus = (status: string): PublicStatus => (status === 'published' || status === 'rated' ? status : 'reopened');

/** A point of the public map (GET /api/v1/public/feedback/map). */
export interface MapPoint {
  code: string;
  title: string;
  status: string;
  statusName: string;
  lat: number;
  long: number;
}
export interface FeedbackMapProps {
  /** Published cases drawn as points; tapping one shows its code and title with a link to its page. */
  points?: MapPoint[];
  /** The reporter's pin; with `onPlace`, a tap on the map places or moves it. */
  pin?: { lat: number; long: number } | null;
  onPlace?: (lat: number, long: number) => void;
  /** The text alternative read by screen readers; the same cases are in the list next to the map. */
  label: string;
}

const LazyMap = lazy(() => import('./Map.tsx'));

/** The feedback map, loaded with ECharts on demand. */
export function FeedbackMap(props: FeedbackMapProps) {
  return (
    <Suspense fallback={<Loading label="Đang tải bản đồ…" />}>
      <LazyMap {...props} />
    </Suspense>
  );
}

/** Categories as a flat list, each child after its parent and marked as such. */
export function categoryOptions(items: Category[]) {
  const children = (parentId: string | null, depth: number): { code: string; label: string }[] =>
    items.filter((c) => c.parentId === parentId).flatMap((c) => [{ code: c.code, label: `${'— '.repeat(depth)}${c.name}` }, ...children(c.id, depth + 1)]);
  return children(null, 0);
}

/** The category picker of every feedback form and filter: the tree flattened, `emptyLabel` for no choice. */
export function CategorySelect({
  value,
  onChange,
  emptyLabel,
  required,
  disabled,
  ...labelled
}: {
  value: string;
  onChange: (code: string) => void;
  emptyLabel: string;
  required?: boolean;
  disabled?: boolean;
  /** Set by the enclosing `Field`. */
  id?: string;
  'aria-describedby'?: string;
}) {
  const categories = useCategories();
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} required={required} disabled={disabled} {...labelled}>
      <option value="">{emptyLabel}</option>
      {categoryOptions(categories.data?.items ?? []).map((c) => (
        <option key={c.code} value={c.code}>
          {c.label}
        </option>
      ))}
    </select>
  );
}

export function StatusTag({ status, name }: { status: string; name: string }) {
  const tone = status === 'published' || status === 'rated' ? 'green' : status === 'rejected' || status === 'merged' ? 'neutral' : 'blue';
  return <Badge tone={tone}>{name}</Badge>;
}

export function LocationText({ location }: { location: Location }) {
  const point = location.lat !== null && location.long !== null ? `${location.lat.toFixed(5)}, ${location.long.toFixed(5)}` : null;
  if (!location.address && !point) return <p className="muted">Không có vị trí.</p>;
  return (
    <p>
      {location.address}
      {location.address && point ? ' · ' : ''}
      {point && (
        <a
          href={`https://www.openstreetmap.org/?mlat=${location.lat}&mlon=${location.long}#map=17/${location.lat}/${location.long}`}
          target="_blank"
          rel="noreferrer">
          Tọa độ {point}
        </a>
      )}
    </p>
  );
}

/** Photos shown as images, videos as players, other files as links; `src` gives each file's address (public or the case's own). */
export function MediaList({ media, src, label }: { media: Media[]; src: (m: Media) => string; label: string }) {
  if (media.length === 0) return null;
  return (
    <ul className="feedback-media" aria-label={label}>
      {media.map((m) => (
        <li key={m.id}>
          {m.mime.startsWith('image/') ? (
            <a href={src(m)} target="_blank" rel="noreferrer">
              <img src={src(m)} alt={`${label}: ${m.name}`} loading="lazy" />
            </a>
          ) : m.mime.startsWith('video/') ? (
            // biome-ignore lint/a11y/useMediaCaption: a citizen's phone video has no captions to give; the report's text says what it shows
            <video src={src(m)} controls preload="metadata" playsInline aria-label={`${label}: ${m.name}`} />
          ) : (
            <a href={src(m)} target="_blank" rel="noreferrer">
              {m.name} ({formatSize(m.size)})
            </a>
          )}
        </li>
      ))}
    </ul>
  );
}

const EVIDENCE_ROLES = { before: 'Trước khi xử lý', after: 'Sau khi xử lý', document: 'Văn bản' } as const;

/** The evidence an answer carries, by role: photos and videos before and after the work, then documents. */
export function EvidenceList({ media, src }: { media: Media[]; src: (m: Media) => string }) {
  return (
    <>
      {(Object.keys(EVIDENCE_ROLES) as (keyof typeof EVIDENCE_ROLES)[])
        .filter((role) => media.some((m) => m.role === role))
        .map((role) => (
          <div key={role} className="feedback-evidence">
            <p className="muted small">Minh chứng: {EVIDENCE_ROLES[role].toLowerCase()}</p>
            <MediaList media={media.filter((m) => m.role === role)} src={src} label={`Minh chứng – ${EVIDENCE_ROLES[role].toLowerCase()}`} />
          </div>
        ))}
    </>
  );
}

/** Trang chủ › Phản ánh, kiến nghị › … › the current page. */
export function Breadcrumb({ trail, current }: { trail: { to: string; label: string }[]; current: string }) {
  return (
    <nav aria-label="Vị trí trang" className="breadcrumb">
      <ol>
        {[{ to: '/', label: 'Trang chủ' }, { to: '/phan-anh', label: 'Phản ánh, kiến nghị' }, ...trail].map((t) => (
          <li key={t.to}>
            <Link to={t.to}>{t.label}</Link>
          </li>
        ))}
        <li aria-current="page">{current}</li>
      </ol>
    </nav>
  );
}

/** What a reporter or an operator writes about the problem; `reportBody` turns it into the API's fields. */
export interface ReportDraft {
  categoryCode: string;
  title: string;
  text: string;
  level: Level | '';
  address: string;
  communeCode: string;
}
export const emptyReport: ReportDraft = { categoryCode: '', title: '', text: '', level: '', address: '', communeCode: '' };

export const reportBody = (r: ReportDraft) => ({
  title: r.title.trim(),
  text: r.text.trim(),
  categoryCode: r.categoryCode,
  ...(r.level ? { level: r.level } : {}),
  ...(r.address.trim() ? { address: r.address.trim() } : {}),
  ...(r.communeCode ? { communeCode: r.communeCode } : {}),
});

export const useCategories = () => useFetch<{ items: Category[] }>('/api/v1/feedback-categories');

/** Category, title, content and level of a report. */
export function ReportFields({ value, onChange, disabled }: { value: ReportDraft; onChange: (r: ReportDraft) => void; disabled: boolean }) {
  const set = (patch: Partial<ReportDraft>) => onChange({ ...value, ...patch });
  return (
    <>
      <Field label="Lĩnh vực (bắt buộc)">
        <CategorySelect
          value={value.categoryCode}
          onChange={(categoryCode) => set({ categoryCode })}
          emptyLabel="— Chọn lĩnh vực —"
          required
          disabled={disabled}
        />
      </Field>
      <Field label="Tiêu đề (bắt buộc)" hint="Từ 5 đến 200 ký tự">
        <input value={value.title} onChange={(e) => set({ title: e.target.value })} required minLength={5} maxLength={200} disabled={disabled} />
      </Field>
      <Field label="Nội dung (bắt buộc)" hint="Mô tả sự việc, thời gian xảy ra (ít nhất 10 ký tự)">
        <textarea value={value.text} onChange={(e) => set({ text: e.target.value })} required minLength={10} maxLength={5000} rows={5} disabled={disabled} />
      </Field>
      <LevelField value={value.level} onChange={(level) => set({ level })} disabled={disabled} hint="Cán bộ tiếp nhận sẽ xác định lại khi phân loại" />
    </>
  );
}

export function LevelField({ value, onChange, disabled, hint }: { value: Level | ''; onChange: (l: Level | '') => void; disabled: boolean; hint?: string }) {
  return (
    <Field label="Mức độ" hint={hint}>
      <select value={value} onChange={(e) => onChange(e.target.value as Level | '')} disabled={disabled}>
        <option value="">Chưa xác định</option>
        {(Object.keys(LEVELS) as Level[]).map((l) => (
          <option key={l} value={l}>
            {LEVELS[l]}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Address and commune of a report. */
export function PlaceFields({ value, onChange, disabled }: { value: ReportDraft; onChange: (r: ReportDraft) => void; disabled: boolean }) {
  const communes = useFetch<{ items: Unit[] }>(withQuery('/api/v1/units', { level: 'commune', province: DEFAULT_PROVINCE }));
  return (
    <>
      <Field label="Địa chỉ" hint="Số nhà, đường, khu vực">
        <input
          value={value.address}
          onChange={(e) => onChange({ ...value, address: e.target.value })}
          maxLength={500}
          autoComplete="street-address"
          disabled={disabled}
        />
      </Field>
      <Field label="Xã, phường">
        <select value={value.communeCode} onChange={(e) => onChange({ ...value, communeCode: e.target.value })} disabled={disabled}>
          <option value="">— Chọn xã, phường —</option>
          {communes.data?.items.map((u) => (
            <option key={u.code} value={u.code}>
              {u.name}
            </option>
          ))}
        </select>
      </Field>
    </>
  );
}

/** Photos per upload request, as src/feedback/routes.ts takes them. */
const FILES_PER_REQUEST = 5;

/** Uploads a case's photos or evidence in batches the API accepts. */
export async function uploadMedia(caseId: string, files: File[]) {
  for (let i = 0; i < files.length; i += FILES_PER_REQUEST) {
    const form = new FormData();
    for (const f of files.slice(i, i + FILES_PER_REQUEST)) form.append('file', f, f.name);
    await api(`/api/v1/feedback/${caseId}/media`, { body: form });
  }
}

/** One action on a case, refused with 409 STALE_FEEDBACK when the case changed since `revision` was read. */
export const feedbackAction = (id: string, revision: number, body: Record<string, unknown>) =>
  api<{ id: string; code: string; status: string }>(withQuery(`/api/v1/feedback/${id}/actions`, { revision }), { body });
