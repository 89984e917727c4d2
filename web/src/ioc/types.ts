// Shapes of the operations-centre API (/api/v1/stats/*, /api/v1/public/stats, /api/v1/public/geo/communes).
import type { Timeliness } from '../api.ts';

/** A share (tỷ lệ) whose inputs may not be collected yet: `available: false` is shown as "Chưa có dữ liệu", never a number. */
export interface Share {
  numerator: number | null;
  denominator: number | null;
  ratio: number | null;
  available: boolean;
}

export const SHARE_KEYS = ['fullOnline', 'paidOnline', 'digitisedComponents', 'digitisedResults', 'electronicResults', 'reusedData', 'satisfaction'] as const;
export type ShareKey = (typeof SHARE_KEYS)[number];

export interface Summary {
  period: { from: string; to: string };
  agency: string | null;
  procedure: string | null;
  received: { total: number; online: number; counter: number; post: number };
  carriedOver?: number;
  finished: { total: number; early: number; onTime: number; late: number; other: number };
  onTimeRatio: number | null;
  averageWorkingDays: number | null;
  open: { inTime: number; atRisk: number; overdue: number };
  supplementRequests: number;
  apologies: number;
  shares?: Partial<Record<ShareKey, Share>>;
}

export type Grain = 'day' | 'month';
export interface TrendPoint {
  period: string;
  received: number;
  early: number;
  onTime: number;
  late: number;
  onTimeRatio: number | null;
}
export interface Trend {
  grain: Grain;
  points: TrendPoint[];
}

export type BreakdownBy = 'agency' | 'commune' | 'field' | 'procedure';
export interface BreakdownRow {
  key: string;
  name: string;
  received: number;
  finished: number;
  early: number;
  onTime: number;
  late: number;
  onTimeRatio: number | null;
  overdueOpen: number;
  rank: number | null;
}
export interface Breakdown {
  by: BreakdownBy;
  rows: BreakdownRow[];
}

/** The indicators a drill-down lists dossiers for. */
export const INDICATORS = ['received', 'early', 'on_time', 'late', 'finished_other', 'in_time', 'at_risk', 'overdue', 'supplements', 'apologies'] as const;
export type Indicator = (typeof INDICATORS)[number];

export interface IndicatorDossier {
  id: string;
  code: string;
  procedureName: string;
  agencyName: string;
  status: number;
  receivedAt: string | null;
  dueAt: string | null;
  finishedAt: string | null;
  timeliness: Timeliness | null;
}
export interface IndicatorDossiers {
  total: number;
  items: IndicatorDossier[];
}

export interface Index766Indicator {
  key: string;
  group?: string;
  name: string;
  formula: string;
  maxPoints: number;
  /** The formula's inputs; the first is its main ratio (numerator, denominator). */
  parts: { name: string; numerator: number; denominator: number }[];
  numerator: number | null;
  denominator: number | null;
  points: number;
  /** available: the platform holds the data; counted: the period has something to count (no denominator of 0). */
  available: boolean;
  counted: boolean;
}
export interface Index766 {
  period: string;
  indicators: Index766Indicator[];
  total: { points: number; maxPoints: number };
  ranking: { agencyId: string; name: string; points: number; maxPoints: number; rank: number | null }[];
}

export interface CommuneFeature {
  type: 'Feature';
  properties: { code: string; name: string; onTimeRatio: number | null; received: number };
  geometry: unknown;
}
export interface CommuneMap {
  type: 'FeatureCollection';
  features: CommuneFeature[];
}

import type { CaseSummary } from '../feedback/parts.tsx';

/** GET /api/v1/stats/feedback: citizen feedback (phản ánh, kiến nghị) of a period and scope. */
export interface FeedbackStats {
  received: { total: number; byChannel: { channel: string; received: number }[] };
  byCategory: { code: string; name: string; received: number }[];
  handled: { total: number; onTime: number; late: number };
  onTimeRatio: number | null;
  open: { overdue: number; atRisk: number; missed: number };
  satisfaction: { hai_long: number; chap_nhan: number; khong_hai_long: number; notRated: number; satisfiedRatio: number | null };
  averageWorkingHours: number | null;
}
export const FEEDBACK_FIGURES = [
  'received',
  'handled',
  'on_time',
  'late',
  'overdue',
  'at_risk',
  'missed',
  'not_rated',
  'hai_long',
  'chap_nhan',
  'khong_hai_long',
] as const;
export type FeedbackFigure = (typeof FEEDBACK_FIGURES)[number];
export interface FeedbackCases {
  total: number;
  items: (CaseSummary & { channel: string; dueAt: string | null; publishedAt: string | null; rating: string | null })[];
}

/** GET /api/v1/stats/documents: văn bản đi, đến of a period and scope. */
export interface DocumentCounts {
  onTime: number;
  late: number;
  open: number;
  overdue: number;
  atRisk: number;
  onTimeRatio: number | null;
}
export interface DocumentShare {
  electronic: number;
  paper: number;
  ratio: number | null;
}
export interface DocumentStats {
  handling: DocumentCounts;
  /** Each organisation (organisationId null), then its lead units. */
  units: (DocumentCounts & { id: string; name: string; organisationId: string | null })[];
  electronic: { incoming: DocumentShare; outgoing: DocumentShare; ratio: number | null };
}
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
export interface DocumentItems {
  total: number;
  items: {
    id: string;
    direction: 'incoming' | 'outgoing';
    organisation: { id: string; name: string | null };
    leadUnit: { id: string; name: string | null } | null;
    typeName: string | null;
    secret: boolean;
    subject: string | null;
    notation: string | null;
    arrivalNumber: number | null;
    from: string | null;
    channel: string | null;
    statusName: string;
    registeredAt: string | null;
    issuedAt: string | null;
    dueAt: string | null;
    closedAt: string | null;
    overdue: boolean;
  }[];
}
