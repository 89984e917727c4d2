// The one fetch client of the web app: JSON in (or a file / form as it is), JSON out, the session cookie sent along;
// a failure throws ApiError with the server's { code, message } (Vietnamese), so every page can show `error.message`
// as is. citizen/requests.ts builds the idempotent POSTs, uploads and dossier actions on it.
import type { AgencyLevel, OnlineLevel, ProcedureContent } from '../../src/catalog/types.ts';

export type { AgencyLevel, OnlineLevel, ProcedureContent };
export type { ApplicantType, DossierComponent, FeeItem, WorkflowStep } from '../../src/catalog/types.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | undefined | null>;

/** "/api/v1/x" + "?a=1&b=2", leaving out empty values. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

export interface ApiInit {
  /** GET without a body, POST with one. */
  method?: string;
  /** Sent as JSON, except a FormData (multipart) or a File/Blob, sent as it is (its type in `headers`). */
  body?: unknown;
  /** Extra headers, e.g. an Idempotency-Key. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function api<T>(path: string, init: ApiInit = {}): Promise<T> {
  const raw = init.body instanceof FormData || init.body instanceof Blob;
  const json = init.body !== undefined && !raw;
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(json ? { 'content-type': 'application/json' } : {}), ...init.headers },
      body: init.body === undefined ? undefined : raw ? (init.body as FormData | Blob) : JSON.stringify(init.body),
      signal: init.signal,
    });
  } catch (err) {
    if (init.signal?.aborted) throw err;
    throw new ApiError(0, 'NETWORK_ERROR', 'Không kết nối được tới máy chủ. Vui lòng kiểm tra kết nối mạng và thử lại.');
  }
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (data ?? {}) as { code?: string; message?: string; details?: unknown };
    // A 413 without the envelope comes from a proxy in front of the server.
    const fallback = res.status === 413 ? 'Tệp quá lớn (tối đa 10 MB).' : `Máy chủ trả về lỗi ${res.status}. Vui lòng thử lại sau.`;
    throw new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.message ?? fallback, e.details ?? null);
  }
  return data as T;
}

// ---- shapes of the API (docs/api-contract.md) ----

export type Role = 'counter_officer' | 'specialist' | 'unit_leader' | 'agency_leader' | 'ioc_viewer' | 'agency_admin' | 'system_admin' | 'clerk';
export type AgencyKind = 'province_committee' | 'department' | 'commune_committee' | 'unit';
export type ProcedureStatus = 'draft' | 'published' | 'unpublished';

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
export interface Me {
  id: string;
  username: string;
  fullName: string;
  roles: Role[];
  agency: { id: string; code: string; name: string };
}

export interface ProcedureSummary {
  id: string;
  code: string;
  nationalCode: string;
  name: string;
  field: string;
  agencyLevel: AgencyLevel;
  competentAgency: string;
  onlineLevel: OnlineLevel;
  processingTime: ProcedureContent['processingTime'];
  free: boolean;
  version: number;
}
export interface AdminProcedureSummary extends ProcedureSummary {
  status: ProcedureStatus;
  agencyId: string;
}
export interface PublicProcedure {
  id: string;
  code: string;
  version: number;
  publishedAt: string;
  agencyId: string;
  content: ProcedureContent;
}
export interface AdminProcedure {
  id: string;
  code: string;
  status: ProcedureStatus;
  version: number;
  publishedVersion?: number | null;
  agencyId: string;
  content: ProcedureContent;
  versions: { version: number; createdAt: string; createdBy: string | null }[];
}
export interface Agency {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
  unitCode: string | null;
  kind: AgencyKind;
  active: boolean;
  /** Tiếp nhận sáng thứ Bảy tại bộ phận một cửa, 'HH:MM'. */
  saturdaySession?: { start: string; end: string } | null;
}
export interface User {
  id: string;
  username: string;
  fullName: string;
  email: string | null;
  roles: Role[];
  agencyId: string;
  agencyName: string;
  active: boolean;
  lockedUntil: string | null;
}
export interface Unit {
  code: string;
  name: string;
  fullName: string;
  level: 'province' | 'commune';
  provinceCode: string | null;
}
export interface ImportResult {
  created: number;
  updated: number;
  unchanged?: number;
  rejected: { index: number; code: string | null; message: string }[];
}

// ---- citizens and dossiers (docs/api-contract.md, "Citizens and dossiers") ----

export type DossierStatus = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
export type Channel = 'online' | 'counter' | 'post';
export type Timeliness = 'early' | 'on_time' | 'late' | 'in_time' | 'at_risk' | 'overdue';
export type { FormKind } from '../../src/forms/types.ts';

export interface Citizen {
  id: string;
  idNumber: string;
  fullName: string;
  birthDate?: string | null;
  phone: string | null;
  email: string | null;
}
export interface Upload {
  id: string;
  name: string;
  mime: string;
  size: number;
  sha256: string;
}
/** A file for a component, or (when supplementing) for a document the request asked for outside them (see src/dossiers/files.ts). */
export type FileRef =
  | { componentIndex: number; extraIndex?: undefined; uploadId: string }
  | { extraIndex: number; componentIndex?: undefined; uploadId: string };
export interface Draft {
  formData: Record<string, unknown>;
  files: FileRef[];
  updatedAt: string;
}
/** Người yêu cầu as recorded (see src/dossiers/service.ts). */
export interface Applicant {
  kind?: 'person' | 'organisation';
  name: string;
  idNumber?: string;
  birthDate?: string;
  taxCode?: string;
  address?: string;
  phone?: string;
  email?: string;
  representative?: { name: string; idNumber: string; birthDate?: string; role: 'legal_representative' | 'authorised' };
}
/** What a submission names: online, a person's name and ID number come from the e-ID unless submitting for someone else. */
export type ApplicantInput = Omit<Applicant, 'representative' | 'birthDate' | 'name'> & { name?: string };

export interface DossierSummary {
  id: string;
  code: string;
  status: DossierStatus;
  statusName: string;
  channel: Channel;
  procedure: { id: string; version: number; name: string; code: string };
  agencyId: string;
  homeAgencyId: string;
  receivingAgencyId: string;
  step: number | null;
  stepName: string | null;
  stepRole: Role | null;
  stepDueAt: string | null;
  submittedAt: string | null;
  receivedAt: string | null;
  dueAt: string | null;
  originalDueAt: string | null;
  finishedAt: string | null;
  returnedAt: string | null;
  supplementRequests: number;
  apologies: number;
  revision: number;
  timeliness: Timeliness | null;
}
export interface InboxItem extends DossierSummary {
  stepTimeliness: Timeliness | null;
  applicantName: string;
}
export interface DossierFile {
  id: string;
  kind?: 'component' | 'authorisation' | 'extra';
  componentIndex: number | null;
  componentName: string | null;
  name: string;
  mime: string;
  size: number;
  sha256: string;
  /** kind 'extra': the document the supplement request asked for (its position and name). */
  extraIndex?: number | null;
  extraName?: string | null;
  digitised: boolean;
  uploadedAt: string;
}
export interface DossierEvent {
  at: string;
  action: string;
  actorKind: 'staff' | 'citizen' | 'system';
  actorName: string;
  fromStatus: DossierStatus | null;
  toStatus: DossierStatus | null;
  fromStep: number | null;
  toStep: number | null;
  fromAgency: string | null;
  toAgency: string | null;
  note: string | null;
  data: Record<string, unknown> | null;
}
/** An action the signed-in user may take on a case now, as the server's policy says (the pages compute none themselves). */
export interface AllowedAction {
  action: string;
  label: string;
}
export interface Dossier extends DossierSummary {
  formData: Record<string, unknown>;
  applicant: Applicant;
  files: DossierFile[];
  events: DossierEvent[];
  allowedActions: AllowedAction[];
  /** "… nộp thay cho … theo giấy ủy quyền", or an organisation's representative; null when the applicant submitted. */
  representation: string | null;
}
