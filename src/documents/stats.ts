// The operations centre's figures of văn bản đi, đến for a period and a scope, and the documents behind each. The stats
// module calls these; it never reads the documents tables. Every figure and its drill-down come from one
// classification of each document (`classify`), so a number and its list cannot disagree.
//
// Definitions (the period is inclusive Vietnam dates; "now" is the time of the query):
// - Handling is judged for incoming documents the leader directed (Phiếu giải quyết văn bản đến): their deadline
//   (due_at) was set then in working days on the working calendar. Each counts for its lead unit (đơn vị chủ trì).
// - on time / late: closed (hoàn thành) in the period, at or before / after the deadline.
// - open: directed before the period's end and not closed by then; overdue when the deadline had passed by the
//   period's end (or now, for a period not yet over); at risk: open now, not overdue, less than one working day left.
// - electronic share: incoming documents registered in the period that came on the platform or through the exchange
//   against those registered from paper; outgoing documents issued in the period that were sent to at least one
//   recipient on the platform or through the exchange against those with none (handed out on paper).
import type { Queryable } from '../db/index.ts';
import type { DocumentsRow } from '../db/schema.ts';
import { agenciesUnder, agencyNames, getAgencyRow } from '../agencies/service.ts';
import { workingCalendar } from '../calendar/service.ts';
import { addDays, vietnamDayStart } from '../shared/time.ts';
import { formatNumber } from './numbering.ts';
import { stateName } from './workflow.ts';

export const DOCUMENT_FIGURES = [
  'on_time',
  'late',
  'open',
  'overdue',
  'at_risk',
  'incoming_electronic',
  'incoming_paper',
  'outgoing_electronic',
  'outgoing_paper',
] as const;
export type DocumentFigure = (typeof DOCUMENT_FIGURES)[number];
const HANDLING: DocumentFigure[] = ['on_time', 'late', 'open', 'overdue', 'at_risk'];

export interface DocumentsScope {
  from: string;
  to: string;
  /** An organisation or unit and everything below it: its documents and those its units lead. */
  agency?: string;
}

const AT_RISK_HOURS = 8; // less than one working day left, as the inbox flags it

type Doc = Pick<
  DocumentsRow,
  | 'id'
  | 'direction'
  | 'agency_id'
  | 'status'
  | 'type_code'
  | 'subject'
  | 'secrecy'
  | 'channel'
  | 'lead_unit_id'
  | 'due_at'
  | 'closed_at'
  | 'registered_at'
  | 'issued_at'
  | 'number'
  | 'notation'
  | 'source_notation'
  | 'from_name'
> & { directed_at: Date | null; sent: number };

/** The documents any figure of the period may count: incoming registered or closed in it or open at its end, outgoing issued in it. */
async function documentsOf(db: Queryable, q: DocumentsScope) {
  let ids: string[] | null = null;
  if (q.agency) {
    const row = await getAgencyRow(db, q.agency);
    ids = row ? (await agenciesUnder(db, row.path)).map((a) => a.id) : [];
  }
  const start = vietnamDayStart(q.from);
  const end = vietnamDayStart(addDays(q.to, 1));
  const rows = await db.query<Doc>(
    `SELECT d.id, d.direction, d.agency_id, d.status, d.type_code, d.subject, d.secrecy, d.channel, d.lead_unit_id, d.due_at, d.closed_at,
            d.registered_at, d.issued_at, d.number, d.notation, d.source_notation, d.from_name,
            (SELECT min(e.at) FROM document_events e WHERE e.document_id = d.id AND e.action = 'direct') AS directed_at,
            (SELECT count(*)::int FROM document_recipients r WHERE r.document_id = d.id) AS sent
       FROM documents d
      WHERE ($1::uuid[] IS NULL OR d.agency_id = ANY($1::uuid[]) OR d.lead_unit_id = ANY($1::uuid[]))
        AND ((d.direction = 'incoming' AND d.number IS NOT NULL
              AND (d.registered_at >= $2 AND d.registered_at < $3 OR d.closed_at >= $2 AND d.closed_at < $3
                   OR d.due_at IS NOT NULL AND d.registered_at < $3 AND (d.closed_at IS NULL OR d.closed_at >= $3)))
          OR (d.direction = 'outgoing' AND d.issued_at >= $2 AND d.issued_at < $3))`,
    [ids, start, end],
  );
  return { rows, start, end };
}

async function classifier(db: Queryable, start: Date, end: Date) {
  const calendar = await workingCalendar(db);
  const now = new Date();
  const inPeriod = (v: Date | null) => v !== null && v >= start && v < end;
  return (d: Doc): Set<DocumentFigure> => {
    const out = new Set<DocumentFigure>();
    if (d.direction === 'outgoing') {
      out.add(d.sent > 0 ? 'outgoing_electronic' : 'outgoing_paper');
      return out;
    }
    if (inPeriod(d.registered_at)) out.add(d.channel === 'paper' ? 'incoming_paper' : 'incoming_electronic');
    if (!d.due_at || !d.directed_at) return out;
    if (d.status === 'done' && inPeriod(d.closed_at)) out.add(d.closed_at! <= d.due_at ? 'on_time' : 'late');
    if (d.directed_at < end && (d.closed_at === null || d.closed_at >= end)) {
      out.add('open');
      const judgedAt = end < now ? end : now;
      if (d.due_at < judgedAt) out.add('overdue');
      else if (end > now && calendar.workingHoursBetween(now, d.due_at) <= AT_RISK_HOURS) out.add('at_risk');
    }
    return out;
  };
}

interface Counts {
  onTime: number;
  late: number;
  open: number;
  overdue: number;
  atRisk: number;
}
const zero = (): Counts => ({ onTime: 0, late: 0, open: 0, overdue: 0, atRisk: 0 });
const KEYS: Record<string, keyof Counts> = { on_time: 'onTime', late: 'late', open: 'open', overdue: 'overdue', at_risk: 'atRisk' };
const ratio = (n: number, d: number) => (d ? n / d : null);

/**
 * The figures of a period and scope: per organisation and, under it, per lead unit, the incoming documents handled
 * on time, late, open (overdue, at risk); and the shares of documents sent and received electronically.
 */
export async function documentsStats(db: Queryable, q: DocumentsScope) {
  const { rows, start, end } = await documentsOf(db, q);
  const classify = await classifier(db, start, end);
  const byOrg = new Map<string, Counts>();
  const byUnit = new Map<string, Counts & { organisationId: string }>();
  const total = zero();
  const share = { incoming_electronic: 0, incoming_paper: 0, outgoing_electronic: 0, outgoing_paper: 0 };
  for (const d of rows) {
    const figures = classify(d);
    for (const f of figures) {
      if (f in share) share[f as keyof typeof share]++;
      const key = KEYS[f];
      if (!key) continue;
      total[key]++;
      const org = byOrg.get(d.agency_id) ?? zero();
      org[key]++;
      byOrg.set(d.agency_id, org);
      const unit = byUnit.get(d.lead_unit_id!) ?? { ...zero(), organisationId: d.agency_id };
      unit[key]++;
      byUnit.set(d.lead_unit_id!, unit);
    }
  }
  const names = await agencyNames(db, [...byOrg.keys(), ...byUnit.keys()]);
  const row = (id: string, c: Counts, organisationId: string | null) => ({
    id,
    name: names.get(id) ?? '',
    organisationId,
    ...c,
    onTimeRatio: ratio(c.onTime, c.onTime + c.late),
  });
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'vi');
  const units = [...byOrg]
    .map(([id, c]) => row(id, c, null))
    .sort(byName)
    .flatMap((org) => [
      org,
      ...[...byUnit]
        .filter(([, u]) => u.organisationId === org.id)
        .map(([id, u]) => row(id, u, org.id))
        .sort(byName),
    ]);
  const incoming = share.incoming_electronic + share.incoming_paper;
  const outgoing = share.outgoing_electronic + share.outgoing_paper;
  return {
    period: { from: q.from, to: q.to },
    agency: q.agency ?? null,
    handling: { ...total, onTimeRatio: ratio(total.onTime, total.onTime + total.late) },
    units,
    electronic: {
      incoming: { electronic: share.incoming_electronic, paper: share.incoming_paper, ratio: ratio(share.incoming_electronic, incoming) },
      outgoing: { electronic: share.outgoing_electronic, paper: share.outgoing_paper, ratio: ratio(share.outgoing_electronic, outgoing) },
      ratio: ratio(share.incoming_electronic + share.outgoing_electronic, incoming + outgoing),
    },
  };
}

/**
 * The documents behind one figure, optionally of one row of the table (an organisation or a lead unit), newest first,
 * paged. A secret document shows its number and dates but never its trích yếu; the scope is the caller's (the stats
 * routes narrow it to what the actor may see).
 */
export async function documentsStatsItems(db: Queryable, q: DocumentsScope & { figure: DocumentFigure; unit?: string; page: number; pageSize: number }) {
  const { rows, start, end } = await documentsOf(db, q);
  const classify = await classifier(db, start, end);
  const at = (d: Doc) => (d.direction === 'outgoing' ? d.issued_at! : d.registered_at!).getTime();
  const members = rows
    .filter((d) => classify(d).has(q.figure))
    .filter((d) => !q.unit || (HANDLING.includes(q.figure) ? d.lead_unit_id === q.unit || d.agency_id === q.unit : d.agency_id === q.unit))
    .sort((a, b) => at(b) - at(a) || (a.id < b.id ? -1 : 1));
  const page = members.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
  const names = await agencyNames(
    db,
    page.flatMap((d) => [d.agency_id, d.lead_unit_id]).filter((x): x is string => Boolean(x)),
  );
  const types = new Map((await db.query<{ code: string; name: string }>('SELECT code, name FROM document_types')).map((t) => [t.code, t.name]));
  const iso = (v: Date | null) => (v ? v.toISOString() : null);
  const now = new Date();
  return {
    total: members.length,
    items: page.map((d) => {
      const outgoing = d.direction === 'outgoing';
      const secret = d.secrecy !== 'thuong';
      return {
        id: d.id,
        direction: d.direction,
        organisation: { id: d.agency_id, name: names.get(d.agency_id) ?? null },
        leadUnit: d.lead_unit_id ? { id: d.lead_unit_id, name: names.get(d.lead_unit_id) ?? null } : null,
        typeName: types.get(d.type_code) ?? null,
        secret,
        subject: secret ? null : d.subject,
        // Số, ký hiệu of an outgoing one; số đến and the sender's số, ký hiệu of an incoming one — none of a secret one,
        // which the operations centre counts without being named on it.
        notation: secret ? null : outgoing ? `${formatNumber(d.number!)}/${d.notation}` : d.source_notation,
        arrivalNumber: secret || outgoing ? null : d.number,
        from: secret || outgoing ? null : d.from_name,
        channel: d.channel,
        status: d.status,
        statusName: stateName(d) ?? d.status,
        registeredAt: iso(d.registered_at),
        issuedAt: iso(d.issued_at),
        dueAt: iso(d.due_at),
        closedAt: iso(d.closed_at),
        overdue: !outgoing && d.due_at !== null && (d.closed_at ? d.closed_at > d.due_at : d.due_at < now),
      };
    }),
  };
}
