// Phản ánh, kiến nghị: the shapes of src/feedback's answers and the pieces the public and citizen pages share.
import { lazy, Suspense } from 'react';
import { formatSize } from '../format.ts';
import { Link } from '../router.tsx';
import { Badge, Loading } from '../ui.tsx';

export type Level = 'thuong' | 'khan' | 'phuc_tap';
export const LEVELS: Record<Level, string> = { thuong: 'Thường', khan: 'Khẩn', phuc_tap: 'Phức tạp' };
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

/** Photos shown as images, other files as links; `src` gives each file's address (public or the case's own). */
export function MediaList({ media, src, label }: { media: Media[]; src: (m: Media) => string; label: string }) {
  if (media.length === 0) return null;
  return (
    <ul className="feedback-media" aria-label={label}>
      {media.map((m) => (
        <li key={m.id}>
          {m.mime.startsWith('image/') ? (
            <a href={src(m)} target="_blank" rel="noreferrer">
              <img src={src(m)} alt={`${m.kind === 'evidence' ? 'Minh chứng' : 'Ảnh phản ánh'}: ${m.name}`} loading="lazy" />
            </a>
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
