// The authorization matrix: every route of the OpenAPI document × every kind of caller. Each route must be classified
// below (a route without a rule fails the test), so a new route is covered as soon as it exists. For each caller the
// matrix asserts: no 2xx without permission; a denial that is a denial (401/403/404), not a validation error of the
// test's own request; and for callers outside an object's scope, the very answer (status, code, body) an unknown id
// of the same shape gets — so ids of other agencies and other citizens reveal nothing, not even a state.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { PDFDocument } from 'pdf-lib';
import { act, FEE_PROCEDURE, submitOnline } from '../payments/testkit.ts';
import { openDuePeriods } from '../reporting/service.ts';
import { agencyIds, citizenSignIn, eachDatabase, signIn, type Requester } from '../testing/harness.ts';

const ACTORS = [
  'anonymous',
  'citizen',
  'otherCitizen',
  'counter',
  'specialist',
  'leader',
  'agencyAdmin',
  'otherCounter',
  'otherLeader',
  'otherAdmin',
  'ioc',
  'sysadmin',
] as const;
type ActorName = (typeof ACTORS)[number];

/** Staff of the demo accounts: the own agency is Phường Cái Khế (where the fixtures' dossiers are), the other Phường Ninh Kiều and Sở Tư pháp. */
const STAFF_LOGINS: Partial<Record<ActorName, string>> = {
  counter: 'caikhe.motcua',
  specialist: 'caikhe.chuyenvien',
  leader: 'caikhe.lanhdao',
  agencyAdmin: 'caikhe.quantri',
  otherCounter: 'ninhkieu.motcua',
  otherLeader: 'ninhkieu.lanhdao',
  otherAdmin: 'stp.quantri',
  ioc: 'ioc',
  sysadmin: 'admin',
};
const CITIZEN = { idNumber: '092085000123', name: 'Nguyễn Văn Minh' };
const OTHER_CITIZEN = { idNumber: '092196112233', name: 'Trần Thị Thu Hà' };

const STAFF: ActorName[] = ['counter', 'specialist', 'leader', 'agencyAdmin', 'otherCounter', 'otherLeader', 'otherAdmin', 'ioc', 'sysadmin'];
const CITIZENS: ActorName[] = ['citizen', 'otherCitizen'];
const ADMINS: ActorName[] = ['agencyAdmin', 'otherAdmin', 'sysadmin'];
/** Who may see a dossier of Cái Khế filed by the citizen: its owner, the agency's staff, the IOC and the system administrator. */
const DOSSIER_SEES: ActorName[] = ['citizen', 'counter', 'specialist', 'leader', 'agencyAdmin', 'ioc', 'sysadmin'];
const STATS_READERS: ActorName[] = ['leader', 'otherLeader', 'ioc', 'sysadmin'];
/** Who sees the citizen's feedback before it is assigned: its reporter, the IOC and the system administrator (no matrix caller is a province operator). */
const FEEDBACK_SEES: ActorName[] = ['citizen', 'ioc', 'sysadmin'];
/** Who sees a draft of Cái Khế's specialist: the drafter, the agency's leader, and the staff of the drafting unit (the committee itself). */
const DOCUMENT_SEES: ActorName[] = ['counter', 'specialist', 'leader', 'agencyAdmin'];
/** Who sees Cái Khế's periodic report: its staff (the province's, as recipient), the IOC and the system administrator. */
const REPORT_SEES: ActorName[] = ['counter', 'specialist', 'leader', 'agencyAdmin', 'ioc', 'sysadmin'];
const DOCUMENT_SUBJECT = 'Công văn của ma trận phân quyền';
/** Who sees a work file of Cái Khế's specialist: its creator and the agency's leader. */
const WORK_FILE_SEES: ActorName[] = ['specialist', 'leader'];
const WORK_FILE_TITLE = 'Hồ sơ công việc của ma trận';
const feedbackReport = () => ({
  title: 'Đèn đường hỏng',
  text: 'Đèn đường trước nhà số 12 không sáng đã một tuần.',
  categoryCode: 'traffic',
  address: 'Đường 30/4',
});

/** The objects the matrix points at, each owned by someone. */
interface Fixture {
  paidDossier: { id: string; code: string };
  pendingDossier: { id: string; code: string };
  resultDossier: string;
  fileId: string;
  paymentId: string;
  documentId: string;
  scanId: string;
  procedureId: string;
  publishedProcedureId: string;
  draftProcedureId: string;
  procedureContent: unknown;
  userId: string;
  agencyId: string;
  adjustmentId: string;
  feedback: { id: string; code: string; mediaId: string };
  outgoing: { id: string; fileId: string };
  workFileId: string;
  dtiEvidenceId: string;
  report: { id: string; periodId: string; regimeId: string };
}

type Ids = Record<string, string>;
interface Rule {
  /** public: anyone; self: the caller's own things; scoped: objects with an owner; role: a permission, no object; admin: administrators. */
  kind: 'public' | 'self' | 'scoped' | 'role' | 'admin';
  /** Who may get a 2xx; non-GET requests of these callers are not sent (they would change the fixtures). */
  allow: ActorName[] | 'everyone';
  /** Who may see the object the request names: everyone else gets the answer of an unknown id (or never the marker in a list). */
  sees?: ActorName[];
  /** The path parameters (and query ids) of the real object; the unknown ones default to fresh UUIDs. */
  ids?: (f: Fixture) => Ids;
  unknownIds?: (f: Fixture) => Ids;
  query?: (ids: Ids) => Record<string, string>;
  payload?: (f: Fixture) => unknown;
  headers?: Record<string, string>;
  /** Text of the fixture (a dossier code, a username) that a list must not show to callers outside `sees`. */
  marker?: (f: Fixture) => string;
  /** A denial, or an allowed caller's answer, may also be a state conflict (the action is wrong for the object's state or the database kind). */
  stateful?: boolean;
  /** Server-sent events: an allowed caller's stream never ends, so only denials are sent. */
  stream?: boolean;
}

const PERIOD = { from: '2026-01-01', to: '2026-12-31' };
const multipart = (field: string, content: Buffer, filename = 'trang-1.png') => {
  const boundary = '----congsomatrix';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload: () => payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
};
const PDF = await (async () => {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]);
  return Buffer.from(await doc.save());
})();
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABc3UBGAAAAABJRU5ErkJggg==', 'base64');
const scanBody = multipart('page', Buffer.from('not really a page'));
const dossierSubmission = (f: Fixture) => ({
  procedureId: f.procedureId,
  agencyId: f.agencyId,
  channel: 'counter',
  applicant: { name: OTHER_CITIZEN.name, idNumber: OTHER_CITIZEN.idNumber },
  formData: {},
});

const publicRoute: Rule = { kind: 'public', allow: 'everyone' };
const dossierRoute = (extra: Partial<Rule> = {}): Rule => ({
  kind: 'scoped',
  allow: DOSSIER_SEES,
  sees: DOSSIER_SEES,
  ids: (f) => ({ id: f.paidDossier.id }),
  ...extra,
});

/** Every route of the OpenAPI document, by "METHOD /path". */
const RULES: Record<string, Rule> = {
  'GET /health': publicRoute,
  'POST /api/v1/auth/login': publicRoute,
  'POST /api/v1/auth/logout': publicRoute,
  'GET /api/v1/auth/me': { kind: 'self', allow: STAFF },
  'GET /api/v1/citizen/signin': publicRoute,
  'GET /api/v1/citizen/me': { kind: 'self', allow: CITIZENS },
  'POST /api/v1/citizen/signout': publicRoute,

  // Administration: users and agencies within the administrator's agency and below; the province's things for system administrators.
  'GET /api/v1/admin/users': { kind: 'admin', allow: ADMINS, sees: ['agencyAdmin', 'sysadmin'], marker: () => 'caikhe.motcua' },
  'POST /api/v1/admin/users': {
    kind: 'admin',
    allow: ADMINS,
    payload: (f) => ({ username: 'matrix.user', password: 'Matran@2026x', fullName: 'Người Thử', roles: ['specialist'], agencyId: f.agencyId }),
  },
  'GET /api/v1/admin/users/{id}': { kind: 'admin', allow: ['agencyAdmin', 'sysadmin'], sees: ['agencyAdmin', 'sysadmin'], ids: (f) => ({ id: f.userId }) },
  'PATCH /api/v1/admin/users/{id}': {
    kind: 'admin',
    allow: ['agencyAdmin', 'sysadmin'],
    sees: ['agencyAdmin', 'sysadmin'],
    ids: (f) => ({ id: f.userId }),
    payload: () => ({ active: false }),
  },
  'GET /api/v1/agencies': publicRoute,
  'GET /api/v1/admin/agencies': { kind: 'admin', allow: ADMINS, sees: ['agencyAdmin', 'sysadmin'], marker: () => 'H13.102' },
  'POST /api/v1/admin/agencies': {
    kind: 'admin',
    allow: ADMINS,
    payload: (f) => ({ code: 'H13.102.9', name: 'Tổ thử nghiệm', kind: 'unit', parentId: f.agencyId }),
  },
  'PATCH /api/v1/admin/agencies/{id}': {
    kind: 'admin',
    allow: ['agencyAdmin', 'sysadmin'],
    sees: ['agencyAdmin', 'sysadmin'],
    ids: (f) => ({ id: f.agencyId }),
    payload: () => ({ active: false }),
  },
  'GET /api/v1/units': publicRoute,
  'GET /api/v1/public/geo/boundaries': publicRoute,
  'GET /api/v1/public/geo/commune-at': { ...publicRoute, query: () => ({ lat: '10.03', long: '105.78' }) },

  // The catalogue: public reading of published procedures only; the demo procedures belong to the province.
  'GET /api/v1/procedures': publicRoute,
  'GET /api/v1/fields': publicRoute,
  'GET /api/v1/procedures/{id}': { kind: 'public', allow: 'everyone', sees: [], ids: (f) => ({ id: f.draftProcedureId }) },
  'GET /api/v1/admin/procedures': { kind: 'admin', allow: ADMINS, sees: ['sysadmin'], marker: () => '1.001193' },
  'POST /api/v1/admin/procedures': { kind: 'admin', allow: ADMINS, payload: (f) => ({ agencyId: f.agencyId, content: f.procedureContent }) },
  'GET /api/v1/admin/procedures/export': { kind: 'admin', allow: ADMINS, sees: ['sysadmin'], marker: () => '1.001193' },
  'POST /api/v1/admin/procedures/import': { kind: 'admin', allow: ADMINS, payload: () => ({ items: [] }) },
  'GET /api/v1/admin/procedures/{id}': { kind: 'admin', allow: ['sysadmin'], sees: ['sysadmin'], ids: (f) => ({ id: f.publishedProcedureId }) },
  'PUT /api/v1/admin/procedures/{id}': {
    kind: 'admin',
    allow: ['sysadmin'],
    sees: ['sysadmin'],
    ids: (f) => ({ id: f.publishedProcedureId }),
    payload: (f) => ({ content: f.procedureContent }),
  },
  'POST /api/v1/admin/procedures/{id}/publish': { kind: 'admin', allow: ['sysadmin'], sees: ['sysadmin'], ids: (f) => ({ id: f.draftProcedureId }) },
  'POST /api/v1/admin/procedures/{id}/unpublish': { kind: 'admin', allow: ['sysadmin'], sees: ['sysadmin'], ids: (f) => ({ id: f.publishedProcedureId }) },

  // The working calendar: read by anyone, changed by system administrators.
  'GET /api/v1/calendar/due': publicRoute,
  'GET /api/v1/calendar/holidays': publicRoute,
  'GET /api/v1/calendar/office-hours': publicRoute,
  'GET /api/v1/admin/calendar/adjustments': { kind: 'admin', allow: ['sysadmin'] },
  'POST /api/v1/admin/calendar/adjustments': {
    kind: 'admin',
    allow: ['sysadmin'],
    payload: () => ({ date: '2026-12-24', kind: 'holiday', name: 'Nghỉ thử', source: 'Ma trận phân quyền' }),
  },
  'DELETE /api/v1/admin/calendar/adjustments/{id}': { kind: 'admin', allow: ['sysadmin'], sees: ['sysadmin'], ids: (f) => ({ id: f.adjustmentId }) },
  'PUT /api/v1/admin/calendar/office-hours': {
    kind: 'admin',
    allow: ['sysadmin'],
    payload: () => ({
      periods: [
        { start: '07:30', end: '11:30' },
        { start: '13:30', end: '17:00' },
      ],
    }),
  },

  // Dossiers.
  'POST /api/v1/uploads': { kind: 'self', allow: [...CITIZENS, ...STAFF], ...multipart('file', Buffer.from('%PDF-1.4\n%%EOF\n'), 'a.pdf') },
  'GET /api/v1/citizen/drafts/{procedureId}': { kind: 'self', allow: ['citizen'], sees: ['citizen'], ids: (f) => ({ procedureId: f.procedureId }) },
  'PUT /api/v1/citizen/drafts/{procedureId}': {
    kind: 'self',
    allow: CITIZENS,
    ids: (f) => ({ procedureId: f.procedureId }),
    payload: () => ({ formData: {} }),
  },
  'GET /api/v1/dossiers/{id}/files/{fileId}': dossierRoute({ ids: (f) => ({ id: f.paidDossier.id, fileId: f.fileId }) }),
  'POST /api/v1/dossiers': { kind: 'role', allow: [...CITIZENS, 'counter', 'otherCounter'], payload: dossierSubmission },
  'GET /api/v1/dossiers': { kind: 'role', allow: STAFF, sees: DOSSIER_SEES, marker: (f) => f.paidDossier.code },
  // The paid dossier is being examined: recording a payment is wrong for its state, so only its scope decides who learns that.
  'POST /api/v1/dossiers/{id}/actions': dossierRoute({ allow: [], stateful: true, payload: () => ({ action: 'record_payment', reference: 'PT-01' }) }),
  'GET /api/v1/dossiers/{id}': dossierRoute(),
  'GET /api/v1/dossiers/{id}/forms/{kind}': dossierRoute({
    ids: (f) => ({ id: f.paidDossier.id, kind: 'receipt' }),
    unknownIds: () => ({ id: randomUUID(), kind: 'receipt' }),
  }),
  'GET /api/v1/admin/dossier-settings': { kind: 'admin', allow: ADMINS },
  'PUT /api/v1/admin/dossier-settings': { kind: 'admin', allow: ['sysadmin'], payload: () => ({ atRiskShare: 0.25 }) },
  'GET /api/v1/inbox': { kind: 'self', allow: STAFF, sees: DOSSIER_SEES, marker: (f) => f.pendingDossier.code },
  'GET /api/v1/citizen/dossiers': { kind: 'self', allow: CITIZENS, sees: ['citizen'], marker: (f) => f.paidDossier.code },
  'GET /api/v1/lookup/{code}': publicRoute,
  'POST /api/v1/import/dossiers': { kind: 'admin', allow: ['sysadmin'], payload: () => '{}\n', headers: { 'content-type': 'application/x-ndjson' } },
  'GET /api/v1/register': { kind: 'role', allow: STAFF, sees: DOSSIER_SEES, query: () => ({ format: 'csv' }), marker: (f) => f.paidDossier.code },
  'POST /api/v1/scans': { kind: 'role', allow: ['counter', 'otherCounter'], ...scanBody },
  'GET /api/v1/scans/{id}': {
    kind: 'scoped',
    allow: ['counter', 'specialist', 'leader', 'agencyAdmin', 'sysadmin'],
    sees: ['counter', 'specialist', 'leader', 'agencyAdmin', 'sysadmin'],
    ids: (f) => ({ id: f.scanId }),
  },

  // Statistics: the IOC and system administrators the province, a leader their own organisation (the agency filter is the object).
  ...Object.fromEntries(
    ['summary', 'trend', 'breakdown', 'dossiers', 'index766', 'feedback', 'feedback/cases', 'documents', 'documents/items'].map((name) => [
      `GET /api/v1/stats/${name}`,
      {
        kind: 'scoped',
        allow: ['leader', 'ioc', 'sysadmin'],
        sees: ['leader', 'ioc', 'sysadmin'],
        ids: (f: Fixture) => ({ agency: f.agencyId }),
        query: (ids: Ids) => ({
          ...(name === 'index766' ? { period: '2026' } : PERIOD),
          ...(name === 'breakdown' ? { by: 'procedure' } : {}),
          ...(name === 'dossiers' ? { indicator: 'received' } : {}),
          ...(name === 'feedback/cases' ? { figure: 'received' } : {}),
          ...(name === 'documents/items' ? { figure: 'open' } : {}),
          agency: ids.agency,
        }),
      } satisfies Rule,
    ]),
  ),
  'GET /api/v1/stats/stream': { kind: 'role', allow: STATS_READERS, stream: true },
  'GET /api/v1/public/stats': publicRoute,
  'GET /api/v1/public/stats.csv': publicRoute,
  'GET /api/v1/public/geo/communes': publicRoute,

  // Payments: the dossier's scope, and the desk's roles for money.
  'GET /api/v1/dossiers/{id}/payments': dossierRoute(),
  'GET /api/v1/dossiers/{id}/payments/vietqr': dossierRoute({ ids: (f) => ({ id: f.pendingDossier.id }) }),
  'GET /api/v1/dossiers/{id}/payments/vietqr.png': dossierRoute({ ids: (f) => ({ id: f.pendingDossier.id }) }),
  'POST /api/v1/dossiers/{id}/payments/vnpay': dossierRoute({ allow: ['citizen'], ids: (f) => ({ id: f.pendingDossier.id }) }),
  'GET /api/v1/payments/vnpay/return': publicRoute, // signed by the gateway
  'GET /api/v1/payments/vnpay/ipn': publicRoute, // signed by the gateway
  'POST /api/v1/payments/bank/callback': publicRoute, // signed by the bank
  'POST /api/v1/payments/statements': {
    kind: 'role',
    allow: ['counter', 'otherCounter', 'leader', 'otherLeader', 'sysadmin'],
    payload: () => 'date,reference,amount,description\n2026-11-27,MATRIX1,1000,khong ro\n',
    headers: { 'content-type': 'text/csv' },
  },
  'POST /api/v1/payments/reconcile': { kind: 'admin', allow: ['sysadmin'] },
  'GET /api/v1/payments/{id}/receipt': dossierRoute({ ids: (f) => ({ id: f.paymentId }) }),
  'GET /api/v1/payments/{id}/refunds': dossierRoute({ ids: (f) => ({ id: f.paymentId }) }),
  'POST /api/v1/payments/{id}/refunds': dossierRoute({
    allow: ['counter', 'leader', 'sysadmin'],
    ids: (f) => ({ id: f.paymentId }),
    payload: () => ({ amount: 1000, reason: 'Thử hoàn trả' }),
  }),

  // The personal data store.
  'GET /api/v1/citizen/documents': { kind: 'self', allow: CITIZENS, sees: ['citizen'], marker: (f) => f.documentId },
  'GET /api/v1/citizen/documents/{id}/content': { kind: 'scoped', allow: ['citizen'], sees: ['citizen'], ids: (f) => ({ id: f.documentId }) },
  'GET /api/v1/dossiers/{id}/reused-documents': dossierRoute(),

  // Satisfaction: the applicant's own rating.
  // The national portal sync: a dossier's log for the staff who see it; a retry for system administrators; health for the IOC.
  'GET /api/v1/dossiers/{id}/national-sync': dossierRoute({ allow: DOSSIER_SEES.filter((a) => a !== 'citizen') }),
  'POST /api/v1/dossiers/{id}/national-sync/retry': dossierRoute({ kind: 'admin', allow: ['sysadmin'], sees: ['sysadmin'] }),
  'GET /api/v1/national-sync/health': { kind: 'role', allow: ['ioc', 'sysadmin'] },
  'GET /api/v1/dossiers/{id}/rating': dossierRoute({ allow: ['citizen'], sees: ['citizen'] }),
  'POST /api/v1/dossiers/{id}/rating': dossierRoute({ allow: [], sees: ['citizen'], stateful: true, payload: () => ({ level: 5, reasons: [] }) }),

  // Results: signed by the agency's leader, read within the dossier's scope, verified by anyone.
  'POST /api/v1/dossiers/{id}/result': dossierRoute({ allow: [], stateful: true, ids: (f) => ({ id: f.resultDossier }) }),
  'GET /api/v1/dossiers/{id}/result': dossierRoute({ ids: (f) => ({ id: f.resultDossier }) }),
  'GET /api/v1/dossiers/{id}/result/pdf': dossierRoute({ ids: (f) => ({ id: f.resultDossier }) }),
  'POST /api/v1/verify': publicRoute,
  'GET /api/v1/verify/{code}': publicRoute,
  'GET /api/v1/verify-authorities': publicRoute,
  'GET /api/v1/admin/history/verify': { kind: 'admin', allow: ['sysadmin'] },
  'GET /api/v1/history/anchors': publicRoute,
  // A copy of the whole province's data: system administrators only (on a server: 409, use pg_dump).
  'GET /api/v1/admin/backup': { kind: 'admin', allow: ['sysadmin'], stateful: true },

  // Sessions: one's own.
  'POST /api/v1/auth/sessions/end-others': { kind: 'self', allow: STAFF },
  'POST /api/v1/citizen/sessions/end-others': { kind: 'self', allow: CITIZENS },
  'GET /api/v1/citizen/documents/looks': { kind: 'self', allow: CITIZENS },

  // Search synonyms: province data, read by administrators, changed by system administrators.
  'GET /api/v1/admin/search-synonyms': { kind: 'admin', allow: ADMINS },
  'PUT /api/v1/admin/search-synonyms': { kind: 'admin', allow: ['sysadmin'], payload: () => ({ items: [] }) },

  // The dossier's fees due, the officers to assign or consult, the applicant's store for the officer handling it.
  'GET /api/v1/dossiers/{id}/fees': dossierRoute(),
  'GET /api/v1/dossiers/{id}/staff': dossierRoute({ allow: DOSSIER_SEES.filter((who) => who !== 'citizen') }),
  'GET /api/v1/dossiers/{id}/applicant-documents': dossierRoute({ allow: ['counter'] }),

  // Citizen feedback: reports by citizens, intake by the province's operators, the case within its parties, the public only what is published.
  'GET /api/v1/feedback-categories': publicRoute,
  'POST /api/v1/feedback': { kind: 'role', allow: CITIZENS, payload: feedbackReport },
  'POST /api/v1/feedback/intake': { kind: 'role', allow: [], payload: () => ({ ...feedbackReport(), channel: 'phone' }) },
  'GET /api/v1/feedback': { kind: 'role', allow: STAFF, sees: FEEDBACK_SEES, marker: (f) => f.feedback.code },
  'GET /api/v1/feedback/{id}': { kind: 'scoped', allow: FEEDBACK_SEES, sees: FEEDBACK_SEES, ids: (f) => ({ id: f.feedback.id }) },
  'POST /api/v1/feedback/{id}/actions': {
    kind: 'scoped',
    allow: [],
    sees: FEEDBACK_SEES,
    stateful: true,
    ids: (f) => ({ id: f.feedback.id }),
    payload: () => ({ action: 'publish' }),
  },
  'POST /api/v1/feedback/{id}/media': {
    kind: 'scoped',
    allow: ['citizen'],
    sees: FEEDBACK_SEES,
    ids: (f) => ({ id: f.feedback.id }),
    ...multipart('file', PNG, 'anh.png'),
  },
  'GET /api/v1/feedback/{id}/media/{mediaId}': {
    kind: 'scoped',
    allow: FEEDBACK_SEES,
    sees: FEEDBACK_SEES,
    ids: (f) => ({ id: f.feedback.id, mediaId: f.feedback.mediaId }),
  },
  'GET /api/v1/public/feedback/{code}/media/{mediaId}': {
    kind: 'public',
    allow: 'everyone',
    sees: [],
    ids: (f) => ({ code: f.feedback.code, mediaId: f.feedback.mediaId }),
    unknownIds: () => ({ code: 'PA-260101-9999', mediaId: randomUUID() }),
  },
  'GET /api/v1/citizen/feedback': { kind: 'self', allow: CITIZENS, sees: ['citizen'], marker: (f) => f.feedback.code },
  'GET /api/v1/public/feedback': publicRoute,
  'GET /api/v1/public/feedback/map': publicRoute,
  // Not yet published: answers like a code that does not exist, to everyone.
  'GET /api/v1/public/feedback/{code}': {
    kind: 'public',
    allow: 'everyone',
    sees: [],
    ids: (f) => ({ code: f.feedback.code }),
    unknownIds: () => ({ code: 'PA-260101-9999' }),
  },
  // Blocking abusive reporters is the province's operators' (no matrix caller is one): the agencies' staff cannot.
  'GET /api/v1/feedback-blocks': { kind: 'role', allow: [] },
  'POST /api/v1/feedback-blocks': { kind: 'role', allow: [], payload: () => ({ phone: '0912000111', reason: 'Gửi quảng cáo nhiều lần.' }) },
  'POST /api/v1/feedback-blocks/{id}/unblock': { kind: 'role', allow: [], payload: () => ({ reason: 'Đã cam kết không tái phạm.' }) },
  'GET /api/v1/admin/feedback-settings': { kind: 'admin', allow: ADMINS },
  'PUT /api/v1/admin/feedback-settings': { kind: 'admin', allow: ['sysadmin'], payload: () => ({ allowAnonymous: false }) },
  'GET /api/v1/admin/feedback-categories': { kind: 'admin', allow: ADMINS },
  'POST /api/v1/admin/feedback-categories': { kind: 'admin', allow: ['sysadmin'], payload: () => ({ code: 'matrix', name: 'Lĩnh vực thử' }) },
  'PATCH /api/v1/admin/feedback-categories/{id}': { kind: 'admin', allow: ['sysadmin'], payload: () => ({ active: false }) },
  // Open311 GeoReport v2: public reading (published cases only in full, never the reporter); writing needs an API key,
  // which no session gives, so every caller's POST is refused; the keys are the system administrator's.
  ...Object.fromEntries(
    ['json', 'xml'].flatMap((format) => [
      [`GET /open311/v2/discovery.${format}`, publicRoute],
      [`GET /open311/v2/services.${format}`, publicRoute],
      [`GET /open311/v2/requests.${format}`, publicRoute],
      [`GET /open311/v2/servicerequestupdates.${format}`, publicRoute],
      [
        `POST /open311/v2/requests.${format}`,
        {
          kind: 'role',
          allow: [],
          payload: () => 'service_code=environment&lat=10.04&long=105.78&description=R%C3%A1c%20th%E1%BA%A3i%20b%E1%BB%ABa%20b%C3%A3i',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        },
      ],
    ]),
  ),
  'GET /open311/v2/services/{file}': { ...publicRoute, ids: () => ({ file: 'environment.json' }) },
  'GET /open311/v2/requests/{file}': { ...publicRoute, ids: (f) => ({ file: `${f.feedback.code}.json` }) },
  'GET /open311/v2/tokens/{file}': { ...publicRoute, ids: (f) => ({ file: `${f.feedback.id}.xml` }) },
  'GET /api/v1/admin/open311-keys': { kind: 'admin', allow: ['sysadmin'] },
  // Văn bản đi, đến: the involved staff of the agency whose register holds it; drafting by specialists and leaders, registering by văn thư.
  'GET /api/v1/document-types': publicRoute,
  'GET /api/v1/documents': { kind: 'role', allow: STAFF, sees: DOCUMENT_SEES, query: () => ({ box: 'outgoing' }), marker: () => DOCUMENT_SUBJECT },
  // The registers (sổ): the văn thư, leaders and administrator of the agency (or of one above it), of its own register.
  'GET /api/v1/documents/registers/{book}': {
    kind: 'scoped',
    allow: ['leader', 'agencyAdmin', 'sysadmin'],
    sees: ['leader', 'agencyAdmin', 'sysadmin'],
    ids: (f) => ({ book: 'incoming', agencyId: f.agencyId }),
    unknownIds: () => ({ book: 'incoming', agencyId: randomUUID() }),
    query: (ids) => ({ ...PERIOD, agencyId: ids.agencyId, format: 'xlsx' }),
  },
  'POST /api/v1/documents': {
    kind: 'role',
    allow: ['specialist', 'leader', 'otherLeader'],
    payload: () => ({ typeCode: 'cong_van', subject: 'Văn bản thử', recipients: [] }),
  },
  'POST /api/v1/documents/incoming': {
    kind: 'role',
    allow: [],
    payload: () => ({ typeCode: 'cong_van', subject: 'Văn bản giấy', fromName: 'Nơi gửi', sourceNotation: '01/ABC', sourceDate: '2026-11-20' }),
  },
  'GET /api/v1/documents/{id}': { kind: 'scoped', allow: DOCUMENT_SEES, sees: DOCUMENT_SEES, ids: (f) => ({ id: f.outgoing.id }) },
  'POST /api/v1/documents/{id}/files': {
    kind: 'scoped',
    allow: ['specialist'],
    sees: DOCUMENT_SEES,
    ids: (f) => ({ id: f.outgoing.id }),
    query: () => ({ kind: 'attachment' }),
    ...multipart('file', PDF, 'phu-luc.pdf'),
  },
  'GET /api/v1/documents/{id}/files/{fileId}': {
    kind: 'scoped',
    allow: DOCUMENT_SEES,
    sees: DOCUMENT_SEES,
    ids: (f) => ({ id: f.outgoing.id, fileId: f.outgoing.fileId }),
  },
  'POST /api/v1/documents/{id}/actions': {
    kind: 'scoped',
    allow: [],
    sees: DOCUMENT_SEES,
    stateful: true,
    ids: (f) => ({ id: f.outgoing.id }),
    payload: () => ({ action: 'approve_review' }),
  },
  'POST /api/v1/documents/{id}/sign': {
    kind: 'scoped',
    allow: [],
    sees: DOCUMENT_SEES,
    stateful: true,
    ids: (f) => ({ id: f.outgoing.id }),
    payload: () => ({ position: 'Chủ tịch' }),
  },
  'POST /api/v1/documents/{id}/issue': { kind: 'scoped', allow: [], sees: DOCUMENT_SEES, stateful: true, ids: (f) => ({ id: f.outgoing.id }) },
  'GET /api/v1/documents/search': {
    kind: 'role',
    allow: STAFF,
    sees: DOCUMENT_SEES,
    query: () => ({ q: 'ma tran phan quyen' }),
    marker: () => DOCUMENT_SUBJECT,
  },
  // Hồ sơ công việc: seen by its creator, its responsible person, the agency's văn thư and leaders; changed by the first two.
  'GET /api/v1/work-files': { kind: 'role', allow: STAFF, sees: WORK_FILE_SEES, marker: () => WORK_FILE_TITLE },
  'POST /api/v1/work-files': {
    kind: 'role',
    allow: ['specialist', 'leader', 'otherLeader'],
    stateful: true,
    payload: () => ({ code: 'MT-02', title: 'Hồ sơ thử', retentionYears: 5 }),
  },
  'GET /api/v1/work-files/{id}': { kind: 'scoped', allow: WORK_FILE_SEES, sees: WORK_FILE_SEES, ids: (f) => ({ id: f.workFileId }) },
  'PUT /api/v1/work-files/{id}/documents/{documentId}': {
    kind: 'scoped',
    allow: ['specialist'],
    sees: WORK_FILE_SEES,
    stateful: true,
    ids: (f) => ({ id: f.workFileId, documentId: f.outgoing.id }),
  },
  'DELETE /api/v1/work-files/{id}/documents/{documentId}': {
    kind: 'scoped',
    allow: ['specialist'],
    sees: WORK_FILE_SEES,
    stateful: true,
    ids: (f) => ({ id: f.workFileId, documentId: f.outgoing.id }),
  },
  'POST /api/v1/work-files/{id}/close': { kind: 'scoped', allow: ['specialist'], sees: WORK_FILE_SEES, stateful: true, ids: (f) => ({ id: f.workFileId }) },
  // Chỉ tiêu, báo cáo định kỳ: the dictionary and regimes for staff, edited by the system administrator; a unit's
  // report for its staff and the recipient; roll-ups of what lies in the caller's scope.
  'GET /api/v1/indicators': { kind: 'role', allow: STAFF },
  'PUT /api/v1/indicators/{code}/{year}': {
    kind: 'admin',
    allow: ['sysadmin'],
    ids: () => ({ code: 'TTHC.INSPECTIONS', year: '2030' }),
    payload: () => ({ name: 'Chỉ tiêu', unit: 'cuộc', area: 'Thử', definition: '', formula: '', aggregation: 'sum', disaggregations: [], source: 'reported' }),
  },
  'GET /api/v1/report-regimes': { kind: 'role', allow: STAFF },
  'PATCH /api/v1/report-regimes/{id}': {
    kind: 'admin',
    allow: ['sysadmin'],
    ids: (f) => ({ id: f.report.regimeId }),
    payload: () => ({ cutoffDay: 15, dueWorkingDays: 2, remindDaysBefore: 2, active: true }),
  },
  'POST /api/v1/report-regimes/{id}/periods': {
    kind: 'admin',
    allow: ['sysadmin'],
    ids: (f) => ({ id: f.report.regimeId }),
    payload: () => ({ label: 'Đột xuất', startsOn: '2026-01-01', endsOn: '2026-01-31', dueOn: '2026-02-05' }),
  },
  'GET /api/v1/reports': { kind: 'role', allow: STAFF, sees: REPORT_SEES, marker: (f) => f.report.id },
  'GET /api/v1/reports/{id}': { kind: 'scoped', allow: REPORT_SEES, sees: REPORT_SEES, ids: (f) => ({ id: f.report.id }) },
  'PUT /api/v1/reports/{id}/values': {
    kind: 'scoped',
    allow: ['counter', 'specialist', 'leader'],
    sees: REPORT_SEES,
    ids: (f) => ({ id: f.report.id }),
    payload: () => ({ entries: {} }),
  },
  'POST /api/v1/reports/{id}/actions': {
    kind: 'scoped',
    allow: [],
    sees: REPORT_SEES,
    stateful: true,
    ids: (f) => ({ id: f.report.id }),
    payload: () => ({ action: 'accept' }),
  },
  // No version is signed yet: those who see the report get the missing file's 404.
  'GET /api/v1/reports/{id}/versions/{version}/pdf': {
    kind: 'scoped',
    allow: [],
    sees: REPORT_SEES,
    ids: (f) => ({ id: f.report.id, version: '1' }),
    unknownIds: () => ({ id: randomUUID(), version: '1' }),
  },
  'GET /api/v1/reports/{id}/xlsx': { kind: 'scoped', allow: REPORT_SEES, sees: REPORT_SEES, ids: (f) => ({ id: f.report.id }) },
  'POST /api/v1/reports/{id}/xlsx': {
    kind: 'scoped',
    allow: ['counter', 'specialist', 'leader'],
    sees: REPORT_SEES,
    ids: (f) => ({ id: f.report.id }),
    ...multipart('file', Buffer.from('PK'), 'bieu-mau.xlsx'),
  },
  'GET /api/v1/report-periods/{id}/rollup': { kind: 'role', allow: STAFF, ids: (f) => ({ id: f.report.periodId }) },
  'POST /api/v1/admin/open311-keys': { kind: 'admin', allow: ['sysadmin'], payload: () => ({ name: 'Ứng dụng ma trận' }) },
  'POST /api/v1/admin/open311-keys/{id}/revoke': { kind: 'admin', allow: ['sysadmin'] },
  // DTI self-assessment: every staff member reads it; only system administrators load, assign and record published
  // results; values and evidence belong to the owner agency (none assigned in the fixtures, so the administrator only).
  'GET /api/v1/dti/years': { kind: 'role', allow: STAFF },
  'POST /api/v1/dti/catalogues': { kind: 'admin', allow: ['sysadmin'], payload: () => ({ builtin: 2025 }) },
  'GET /api/v1/dti/{year}': { kind: 'role', allow: STAFF, ids: () => ({ year: '2022' }) },
  'POST /api/v1/dti/{year}/what-if': { kind: 'role', allow: STAFF, ids: () => ({ year: '2022' }), payload: () => ({ values: { '1.1': 2 } }) },
  'PUT /api/v1/dti/{year}/components/{code}/owner': {
    kind: 'admin',
    allow: ['sysadmin'],
    ids: () => ({ year: '2022', code: '1.1' }),
    payload: () => ({ agencyId: null }),
  },
  'PUT /api/v1/dti/{year}/components/{code}/value': {
    kind: 'role',
    allow: ['sysadmin'],
    ids: () => ({ year: '2022', code: '1.1' }),
    payload: () => ({ value: 3 }),
  },
  'POST /api/v1/dti/{year}/components/{code}/evidence': {
    kind: 'role',
    allow: ['sysadmin'],
    ids: () => ({ year: '2022', code: '1.1' }),
    ...multipart('file', PDF, 'minh-chung.pdf'),
  },
  'GET /api/v1/dti/{year}/evidence/{id}': { kind: 'role', allow: STAFF, ids: (f) => ({ year: '2022', id: f.dtiEvidenceId }) },
  'PUT /api/v1/dti/published/{year}': {
    kind: 'admin',
    allow: ['sysadmin'],
    ids: () => ({ year: '2024' }),
    payload: () => ({ score: 0.7, maxScore: 1, rank: null, provinces: null, pillars: [], source: 'Ma trận' }),
  },
  // Open data: public, read-only.
  'GET /api/3/action/{action}': { ...publicRoute, ids: () => ({ action: 'package_list' }) },
  'POST /api/3/action/{action}': { ...publicRoute, ids: () => ({ action: 'package_list' }), payload: () => ({}) },
  'GET /api/v1/open-data/{dataset}/{file}': { ...publicRoute, ids: () => ({ dataset: 'thu-tuc-hanh-chinh', file: 'thu-tuc.schema.json' }) },
  'GET /catalog.jsonld': publicRoute,
};

const ok = (status: number) => status >= 200 && status < 300;
const answer = (res: LightMyRequestResponse) => ({ status: res.statusCode, body: res.body });

eachDatabase('authorization matrix', { demo: true }, (ctx) => {
  const callers = {} as Record<ActorName, Requester>;
  let f: Fixture;
  let routes: { method: string; path: string }[];

  before(async () => {
    const { app, db } = ctx;
    callers.anonymous = (opts) => app.inject(opts);
    for (const [name, username] of Object.entries(STAFF_LOGINS)) callers[name as ActorName] = await signIn(app, username);
    callers.citizen = await citizenSignIn(app, CITIZEN.idNumber, CITIZEN.name);
    callers.otherCitizen = await citizenSignIn(app, OTHER_CITIZEN.idNumber, OTHER_CITIZEN.name);
    const { citizen, counter, specialist, leader, sysadmin } = callers;
    const ids = await agencyIds(db);

    // A fee dossier paid at the desk (a receipt), one still owing (VietQR), one approved and signed (a result).
    const paid = await submitOnline(ctx, citizen, FEE_PROCEDURE, CITIZEN);
    await act(counter, paid.id, { action: 'accept' });
    await act(counter, paid.id, { action: 'record_payment', reference: 'PT-00' });
    const pending = await submitOnline(ctx, citizen, FEE_PROCEDURE, CITIZEN);
    await act(counter, pending.id, { action: 'accept' });
    const signed = await submitOnline(ctx, citizen, '1.001193', CITIZEN);
    await act(counter, signed.id, { action: 'accept' });
    await act(specialist, signed.id, { action: 'forward' });
    await act(leader, signed.id, { action: 'forward' });
    const result = await leader({ method: 'POST', url: `/api/v1/dossiers/${signed.id}/result` });
    assert.equal(result.statusCode, 201, result.body);

    const dossier = (await citizen({ url: `/api/v1/dossiers/${paid.id}` })).json();
    const [payment] = (await citizen({ url: `/api/v1/dossiers/${paid.id}/payments` })).json().items;
    const [document] = (await citizen({ url: '/api/v1/citizen/documents' })).json().items;
    const page = multipart('page', PNG);
    const scan = await counter({ method: 'POST', url: '/api/v1/scans', payload: page.payload(), headers: page.headers });
    assert.equal(scan.statusCode, 201, scan.body);
    const adjustment = await sysadmin({
      method: 'POST',
      url: '/api/v1/admin/calendar/adjustments',
      payload: { date: '2026-12-23', kind: 'holiday', name: 'Nghỉ thử', source: 'Ma trận' },
    });
    assert.equal(adjustment.statusCode, 201, adjustment.body);
    const feeProcedure = (await app.inject({ url: `/api/v1/procedures/${FEE_PROCEDURE}` })).json();
    // A procedure withdrawn from publication: its id must answer on the portal like one that never existed.
    const [draft] = await db.query(`SELECT id FROM procedures WHERE code <> ALL($1) AND status = 'published' ORDER BY code LIMIT 1`, [
      [FEE_PROCEDURE, '1.001193'],
    ]);
    assert.equal((await sysadmin({ method: 'POST', url: `/api/v1/admin/procedures/${draft.id}/unpublish` })).statusCode, 200);
    const [user] = await db.query(`SELECT id FROM users WHERE username = 'caikhe.motcua'`);
    const feedback = await citizen({ method: 'POST', url: '/api/v1/feedback', payload: feedbackReport() });
    assert.equal(feedback.statusCode, 201, feedback.body);
    const photo = multipart('file', PNG, 'anh.png');
    const media = await citizen({ method: 'POST', url: `/api/v1/feedback/${feedback.json().id}/media`, payload: photo.payload(), headers: photo.headers });
    assert.equal(media.statusCode, 201, media.body);
    const outgoing = await specialist({
      method: 'POST',
      url: '/api/v1/documents',
      payload: { typeCode: 'cong_van', subject: DOCUMENT_SUBJECT, recipients: [ids['H13.11']] },
    });
    assert.equal(outgoing.statusCode, 201, outgoing.body);
    const draftFile = multipart('file', PDF, 'du-thao.pdf');
    const attached = await specialist({
      method: 'POST',
      url: `/api/v1/documents/${outgoing.json().id}/files?kind=main`,
      payload: draftFile.payload(),
      headers: draftFile.headers,
    });
    assert.equal(attached.statusCode, 204, attached.body);
    const outgoingFile = (await specialist({ url: `/api/v1/documents/${outgoing.json().id}` })).json().files[0];
    const workFile = await specialist({ method: 'POST', url: '/api/v1/work-files', payload: { code: 'MT-01', title: WORK_FILE_TITLE, retentionYears: 10 } });
    assert.equal(workFile.statusCode, 201, workFile.body);
    assert.equal((await sysadmin({ method: 'POST', url: '/api/v1/dti/catalogues', payload: { builtin: 2022 } })).statusCode, 201);
    const evidenceFile = multipart('file', PDF, 'minh-chung.pdf');
    const evidence = await sysadmin({
      method: 'POST',
      url: '/api/v1/dti/2022/components/1.1/evidence',
      payload: evidenceFile.payload(),
      headers: evidenceFile.headers,
    });
    assert.equal(evidence.statusCode, 201, evidence.body);
    f = {
      paidDossier: paid,
      pendingDossier: pending,
      resultDossier: signed.id,
      fileId: dossier.files.find((x: any) => x.id)?.id,
      paymentId: payment.id,
      documentId: document.id,
      scanId: scan.json().uploadId,
      procedureId: feeProcedure.id,
      publishedProcedureId: feeProcedure.id,
      draftProcedureId: draft.id,
      procedureContent: feeProcedure.content,
      userId: user.id,
      agencyId: ids['H13.102'],
      adjustmentId: adjustment.json().id,
      feedback: { ...feedback.json(), mediaId: media.json().items[0].id },
      outgoing: { id: outgoing.json().id, fileId: outgoingFile.id },
      workFileId: workFile.json().id,
      dtiEvidenceId: evidence.json().id,
      report: await (async () => {
        await openDuePeriods(db);
        const [r] = (await specialist({ url: '/api/v1/reports' })).json().items;
        const [regime] = (await specialist({ url: '/api/v1/report-regimes' })).json().items;
        return { id: r.id, periodId: r.periodId, regimeId: regime.id };
      })(),
    };
    assert.ok(f.fileId && f.documentId, 'the fixtures have a dossier file and a stored document');
    await citizen({ method: 'PUT', url: `/api/v1/citizen/drafts/${f.procedureId}`, payload: { formData: { hoTenNguoiYeuCau: CITIZEN.name } } });

    await app.ready();
    const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path })));
  });

  test('every route of the OpenAPI document is classified, and every rule names a route that exists', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(
      keys.filter((k) => !RULES[k]),
      [],
      'routes without a rule: classify them in RULES (public, self, scoped, role, admin)',
    );
    assert.deepEqual(
      Object.keys(RULES).filter((k) => !keys.includes(k)),
      [],
      'rules of routes that no longer exist',
    );
  });

  test('no caller gets what they may not; outside the scope, an object answers exactly like an unknown id', { timeout: 600_000 }, async () => {
    const problems: string[] = [];
    const send = (who: ActorName, route: { method: string; path: string }, rule: Rule, ids: Ids) => {
      const url = route.path.replace(/\{(\w+)\}/g, (_, k) => encodeURIComponent(ids[k] ?? randomUUID()));
      const query = rule.query?.(ids);
      const payload = rule.payload?.(f);
      return callers[who]({
        method: route.method as 'GET',
        url: query ? `${url}?${new URLSearchParams(query)}` : url,
        ...(payload === undefined ? {} : { payload: payload as string }),
        headers: rule.headers,
      });
    };
    let requests = 0;
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const rule = RULES[key];
      if (!rule) continue;
      for (const who of ACTORS) {
        const allowed = rule.allow === 'everyone' || rule.allow.includes(who);
        if (allowed && (route.method !== 'GET' || rule.stream)) continue;
        const realIds = rule.ids?.(f) ?? {};
        const res = await send(who, route, rule, realIds);
        requests++;
        const where = `${key} as ${who}`;
        if (res.statusCode >= 500) problems.push(`${where}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        const outside = rule.sees !== undefined && !rule.sees.includes(who);
        if (allowed) {
          if (rule.kind !== 'public' && !outside && !ok(res.statusCode) && !(rule.stateful && res.statusCode === 409))
            problems.push(`${where}: allowed, but ${res.statusCode} ${res.body.slice(0, 200)}`);
        } else {
          if (ok(res.statusCode)) problems.push(`${where}: LEAK, ${res.statusCode} without permission`);
          const denials = rule.stateful && !outside ? [401, 403, 404, 409] : [401, 403, 404];
          if (!denials.includes(res.statusCode)) problems.push(`${where}: ${res.statusCode} is not a denial (${res.body.slice(0, 200)})`);
        }
        if (outside && rule.ids) {
          const unknown = await send(who, route, rule, rule.unknownIds?.(f) ?? Object.fromEntries(Object.keys(realIds).map((k) => [k, randomUUID()])));
          requests++;
          try {
            assert.deepEqual(answer(res), answer(unknown));
          } catch {
            problems.push(
              `${where}: out of scope answers ${res.statusCode} ${res.body.slice(0, 160)}, an unknown id ${unknown.statusCode} ${unknown.body.slice(0, 160)}`,
            );
          }
        }
        if (outside && rule.marker && res.body.includes(rule.marker(f))) problems.push(`${where}: LEAK, the list shows ${rule.marker(f)}`);
      }
    }
    assert.ok(requests > routes.length * 5, `the matrix sent ${requests} requests`);
    assert.deepEqual(problems, []);
  });
});
