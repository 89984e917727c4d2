// A unit's periodic report as a case of the workflow engine: the unit's staff fill the draft (web form or XLSX) and
// submit it to their leader → the leader approves by signing it (chữ ký số) or sends it back → the recipient accepts
// it or returns it with reasons → a returned report is corrected as its next version (every version is kept).
import type { Queryable, Row } from '../db/index.ts';
import { inScope, type Role } from '../shared/actor.ts';
import { badRequest, conflict } from '../shared/errors.ts';
import { defineCaseType, updateCaseRow, type ActionDeclaration, type Change, type Party } from '../workflow/engine.ts';
import { organisationOf } from '../agencies/service.ts';
import { type FormRow, type ReportData, validate } from './form.ts';

export type ReportStatus = 'draft' | 'submitted' | 'signed' | 'accepted' | 'returned';

export const REPORT_STATES = {
  draft: { name: 'Đang soạn', clock: 'runs' },
  submitted: { name: 'Chờ lãnh đạo đơn vị ký duyệt', clock: 'runs' },
  signed: { name: 'Đã ký, chờ nơi nhận tiếp nhận', clock: 'stopped' },
  returned: { name: 'Bị trả lại, chờ chỉnh sửa', clock: 'runs' },
  accepted: { name: 'Đã tiếp nhận', clock: 'stopped', final: true },
} as const satisfies Record<ReportStatus, { name: string; clock: string; final?: boolean }>;

export interface SignedReport {
  pdf: Buffer;
  signatures: Record<string, unknown>[];
}

export type Action =
  | { action: 'save'; data: ReportData; narrative: string } // lưu số liệu
  | { action: 'submit'; note?: string } // trình lãnh đạo
  | { action: 'send_back'; note: string } // lãnh đạo trả lại để sửa
  | { action: 'sign'; signed: SignedReport; note?: string } // lãnh đạo duyệt, ký số và gửi
  | { action: 'accept'; note?: string } // nơi nhận tiếp nhận
  | { action: 'return'; reason: string } // nơi nhận trả lại, nêu lý do
  | { action: 'correct'; note?: string }; // đơn vị chỉnh sửa thành phiên bản mới

export interface ReportCase {
  row: Row;
  /** The reporting unit's path (scope checks) and the recipient organisation. */
  unitPath: string;
  recipientId: string;
  form: FormRow[];
}

export interface ReportEvent {
  action: string;
  to: ReportStatus;
  note?: string | null;
  signed?: SignedReport;
  userId?: string;
}

type Declared<A extends Action['action']> = ActionDeclaration<ReportCase, ReportStatus, Extract<Action, { action: A }>, ReportEvent>;

const UNIT_STAFF: Role[] = ['counter_officer', 'specialist', 'unit_leader', 'agency_leader'];
const LEADERS: Role[] = ['unit_leader', 'agency_leader'];
const RECIPIENT_STAFF: Role[] = ['specialist', 'unit_leader', 'agency_leader'];
const unitStaff = [{ roles: UNIT_STAFF, scopes: ['unit'] }];
const recipient = [{ roles: RECIPIENT_STAFF, scopes: ['recipient'] }];

const change = (set: Record<string, unknown>, ...events: ReportEvent[]): Change<ReportEvent> => ({ set, events });

const save: Declared<'save'> = {
  label: 'Lưu',
  from: ['draft'],
  to: [],
  policy: unitStaff,
  perform: async (_tx, _c, input) => change({ data: JSON.stringify(input.data), narrative: input.narrative }),
};

const submit: Declared<'submit'> = {
  label: 'Trình lãnh đạo ký',
  from: ['draft'],
  to: ['submitted'],
  policy: unitStaff,
  check: (c) => {
    const { errors } = validate(c.form, c.row.data);
    return errors.length ? conflict('REPORT_INVALID', `Báo cáo còn ${errors.length} lỗi cần sửa trước khi trình.`, { errors }) : null;
  },
  perform: async (_tx, _c, input, _by, now) =>
    change({ status: 'submitted', submitted_at: now }, { action: 'submit', to: 'submitted', note: input.note ?? null }),
};

const sendBack: Declared<'send_back'> = {
  label: 'Trả lại để sửa',
  from: ['submitted'],
  to: ['draft'],
  policy: [{ roles: LEADERS, scopes: ['unit'] }],
  perform: async (_tx, _c, input) => change({ status: 'draft' }, { action: 'send_back', to: 'draft', note: input.note }),
};

const sign: Declared<'sign'> = {
  label: 'Ký số và gửi',
  from: ['submitted'],
  to: ['signed'],
  policy: [{ roles: LEADERS, scopes: ['unit'], ownScopeOnly: true }],
  perform: async (_tx, _c, input, by, now) =>
    change(
      { status: 'signed', signed_at: now },
      { action: 'sign', to: 'signed', note: input.note ?? null, signed: input.signed, userId: by?.kind === 'staff' ? by.actor.userId : undefined },
    ),
};

const accept: Declared<'accept'> = {
  label: 'Tiếp nhận báo cáo',
  from: ['signed'],
  to: ['accepted'],
  policy: recipient,
  perform: async (_tx, _c, input, _by, now) => change({ status: 'accepted', accepted_at: now }, { action: 'accept', to: 'accepted', note: input.note ?? null }),
};

const returnReport: Declared<'return'> = {
  label: 'Trả lại báo cáo',
  from: ['signed'],
  to: ['returned'],
  policy: recipient,
  perform: async (_tx, _c, input) => {
    if (!input.reason.trim()) throw badRequest('REASON_REQUIRED', 'Hãy nêu lý do trả lại báo cáo.');
    return change({ status: 'returned' }, { action: 'return', to: 'returned', note: input.reason });
  },
};

const correct: Declared<'correct'> = {
  label: 'Chỉnh sửa (phiên bản mới)',
  from: ['returned'],
  to: ['draft'],
  policy: unitStaff,
  perform: async (_tx, c, input) =>
    change({ status: 'draft', version: c.row.version + 1, submitted_at: null, signed_at: null }, { action: 'correct', to: 'draft', note: input.note ?? null }),
};

/** Who sees a report: its unit and the agencies above it, the recipient, system administrators and the IOC. */
export async function canSeeReport(tx: Queryable, by: Party, c: Pick<ReportCase, 'unitPath' | 'recipientId'>): Promise<boolean> {
  if (by.kind !== 'staff') return false;
  if (by.actor.roles.includes('ioc_viewer') || inScope(by.actor, c.unitPath)) return true;
  // The recipient's staff who receive reports, not every officer of its organisation (its one-stop desk, say).
  if (!by.actor.roles.some((r) => RECIPIENT_STAFF.includes(r))) return false;
  return (await organisationOf(tx, by.actor.agencyId)).id === c.recipientId;
}

export type FormReader = (tx: Queryable, regimeId: string, year: number) => Promise<FormRow[]>;

/** The case type over the reports table; `form` reads the regime's form (the service's, so the dictionary's year applies). */
export function reportCaseType(form: FormReader) {
  return defineCaseType<ReportCase, ReportStatus, Action, ReportEvent>({
    name: 'report',
    noun: 'báo cáo',
    states: REPORT_STATES,
    initial: ['draft'],
    actions: { save, submit, send_back: sendBack, sign, accept, return: returnReport, correct },
    async load(tx, id, lock) {
      const [row] = await tx.query(
        `SELECT r.*, p.regime_id, p.ends_on::text AS ends_on, p.due_on::text AS due_on, a.path AS unit_path,
                coalesce(g.recipient_id, (SELECT id FROM agencies WHERE parent_id IS NULL LIMIT 1)) AS recipient_id
           FROM reports r JOIN report_periods p ON p.id = r.period_id JOIN report_regimes g ON g.id = p.regime_id JOIN agencies a ON a.id = r.agency_id
          WHERE r.id = $1${lock ? ' FOR UPDATE OF r' : ''}`,
        [id],
      );
      if (!row) return null;
      return { row, unitPath: row.unit_path, recipientId: row.recipient_id, form: await form(tx, row.regime_id, Number(row.ends_on.slice(0, 4))) };
    },
    state: (c) => c.row.status,
    stateAfter: (c, { set }) => (set.status as ReportStatus | undefined) ?? c.row.status,
    visible: (tx, by, c) => canSeeReport(tx, by, c),
    // "unit": the reporting unit; "recipient": the organisation the report goes to.
    scopes: { unit: (c) => [c.row.agency_id], recipient: (c) => [c.recipientId] },
    namedRoles: { step: () => null },
    assigneeId: () => null,
    owner: () => null,
    organisationOf: async (tx, actor) => (await organisationOf(tx, actor.agencyId)).id,
    revision: (c) => c.row.revision,
    async write(tx, c, { set, events }, by) {
      await updateCaseRow(tx, 'reports', c.row.id, set);
      const version = (set.version as number | undefined) ?? c.row.version;
      for (const e of events) {
        await tx.query(`INSERT INTO report_events (report_id, actor_id, action, from_status, to_status, version, note) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
          c.row.id,
          by?.kind === 'staff' ? by.actor.userId : null,
          e.action,
          c.row.status,
          e.to,
          version,
          e.note ?? null,
        ]);
        // The version as submitted is kept; its signed PDF and a return's reasons are written onto it.
        if (e.action === 'submit')
          await tx.query(
            `INSERT INTO report_versions (report_id, version, data, narrative) VALUES ($1, $2, $3, $4)
             ON CONFLICT (report_id, version) DO UPDATE SET data = $3, narrative = $4`,
            [c.row.id, version, JSON.stringify(c.row.data), c.row.narrative],
          );
        if (e.signed)
          await tx.query(`UPDATE report_versions SET pdf = $3, signatures = $4, signed_by = $5, signed_at = now() WHERE report_id = $1 AND version = $2`, [
            c.row.id,
            version,
            e.signed.pdf,
            JSON.stringify(e.signed.signatures),
            e.userId ?? null,
          ]);
        if (e.action === 'return')
          await tx.query(`UPDATE report_versions SET returned_reason = $3 WHERE report_id = $1 AND version = $2`, [c.row.id, version, e.note]);
      }
    },
  });
}
