// Phản ánh, kiến nghị: the shapes of src/feedback's answers and the pieces the public and citizen pages share.
import { formatSize } from '../format.ts';
import { Link } from '../router.tsx';
import { Badge } from '../ui.tsx';

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
