// One procedure in a result list, and the badges shared with the detail page.
import type { OnlineLevel, ProcedureSummary } from '../api.ts';
import { AGENCY_LEVELS, ONLINE_LEVELS, formatTime } from '../format.ts';
import { Link } from '../router.tsx';
import { Badge } from '../ui.tsx';

export function OnlineLevelBadge({ level }: { level: OnlineLevel }) {
  const tone = level === 'full' ? 'green' : level === 'partial' ? 'blue' : 'neutral';
  return (
    <Badge tone={tone} title="Mức độ dịch vụ công trực tuyến">
      {ONLINE_LEVELS[level] ?? level}
    </Badge>
  );
}

export function ProcedureCard({ procedure: p }: { procedure: ProcedureSummary }) {
  return (
    <article className="procedure-card">
      <h3>
        <Link to={`/thu-tuc/${encodeURIComponent(p.id)}`}>{p.name}</Link>
      </h3>
      <dl className="meta">
        <div>
          <dt>Mã thủ tục</dt>
          <dd>{p.code}</dd>
        </div>
        <div>
          <dt>Lĩnh vực</dt>
          <dd>{p.field}</dd>
        </div>
        <div>
          <dt>Cấp thực hiện</dt>
          <dd>{AGENCY_LEVELS[p.agencyLevel] ?? p.agencyLevel}</dd>
        </div>
        <div>
          <dt>Thời hạn giải quyết</dt>
          <dd>{p.processingTime ? formatTime(p.processingTime) : '—'}</dd>
        </div>
      </dl>
      <p className="badges">
        <OnlineLevelBadge level={p.onlineLevel} />
        {p.free && <Badge tone="amber">Miễn phí</Badge>}
      </p>
    </article>
  );
}
