// Abuse (lạm dụng): the province's operators bar a reporter who keeps sending spam or abusive reports — a citizen
// account, or a phone number for reports sent without one — with a reason, and lift the bar. Each block is a row
// that unblocking closes, so the table is the log of both. A barred reporter's report is refused before anything
// is written. The handling agencies' staff cannot block: whom to bar is the feedback desk's decision.
import type { Database, Queryable, Row } from '../db/index.ts';
import type { Actor } from '../shared/actor.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../shared/errors.ts';
import { isOperator } from './workflow.ts';

/**
 * A Vietnamese phone number in the one form reports store and blocks compare: 0 and 9–10 digits (+84, 0084 and 84
 * written 0, a trunk 0 after them dropped; spaces, dots, dashes and brackets removed). Null when it is not one.
 */
const phoneKey = (phone: string): string | null => {
  const digits = phone.replace(/[\s.\-()]/g, '');
  const international = /^(?:\+84|0084|84)0?(\d{9,10})$/.exec(digits);
  const key = international ? `0${international[1]}` : digits;
  return /^0\d{9,10}$/.test(key) ? key : null;
};

/** The phone a reporter gave, in its one form; a clear 400 when it is not a Vietnamese phone number. */
export function reporterPhone(phone: string): string {
  const key = phoneKey(phone);
  if (!key) throw badRequest('INVALID_PHONE', 'Số điện thoại không hợp lệ (số Việt Nam, ví dụ 0912345678 hoặc +84912345678).');
  return key;
}

/** Refuses (403) a report from a barred citizen account or phone number; called in the report's transaction before it writes. */
export async function refuseBlockedReporter(tx: Queryable, reporter: { citizenId: string | null; phone: string | null }): Promise<void> {
  const [blocked] = await tx.query('SELECT 1 FROM feedback_blocks WHERE unblocked_at IS NULL AND (citizen_id = $1 OR phone = $2) LIMIT 1', [
    reporter.citizenId,
    reporter.phone ? phoneKey(reporter.phone) : null,
  ]);
  if (blocked) {
    throw new AppError(
      403,
      'FEEDBACK_REPORTER_BLOCKED',
      'Tài khoản hoặc số điện thoại này đang bị tạm ngừng gửi phản ánh, kiến nghị do đã gửi nội dung sai sự thật, quấy rối hoặc quảng cáo. Vui lòng liên hệ Trung tâm Phục vụ hành chính công của tỉnh nếu cần hỗ trợ.',
    );
  }
}

async function requireOperator(tx: Queryable, actor: Actor) {
  if (!(await isOperator(tx, { kind: 'staff', actor }))) throw forbidden('Chỉ cán bộ tiếp nhận phản ánh của tỉnh được chặn hoặc bỏ chặn người gửi phản ánh.');
}

/** The last three digits only: the list of blocks is no way around the logged look at a reporter's identity. */
const masked = (phone: string) => `${'*'.repeat(phone.length - 3)}${phone.slice(-3)}`;

const view = (r: Row) => ({
  id: r.id,
  kind: r.citizen_id ? ('citizen' as const) : ('phone' as const),
  phone: r.phone ? masked(r.phone) : null,
  caseCode: r.case_code ?? null,
  reason: r.reason,
  blockedAt: new Date(r.blocked_at).toISOString(),
  unblockedAt: r.unblocked_at ? new Date(r.unblocked_at).toISOString() : null,
  unblockReason: r.unblock_reason,
  active: r.unblocked_at === null,
});

const SELECT = 'SELECT b.*, f.code AS case_code FROM feedback_blocks b LEFT JOIN feedback_cases f ON f.id = b.case_id';

export type BlockInput = { caseId: string; reason: string } | { phone: string; reason: string };

/** Blocks the reporter of a case (their account, or the phone given without one), or a phone number. */
export async function blockReporter(db: Database, actor: Actor, input: BlockInput) {
  return db.transaction(async (tx) => {
    await requireOperator(tx, actor);
    let target: { citizenId: string | null; phone: string | null; caseId: string | null };
    if ('caseId' in input) {
      const [c] = await tx.query('SELECT id, citizen_id, reporter_phone FROM feedback_cases WHERE id = $1', [input.caseId]);
      if (!c) throw notFound('phản ánh');
      if (!c.citizen_id && !c.reporter_phone)
        throw badRequest('NO_REPORTER_TO_BLOCK', 'Phản ánh này không có tài khoản hay số điện thoại của người gửi để chặn.');
      target = { citizenId: c.citizen_id, phone: c.citizen_id ? null : reporterPhone(c.reporter_phone), caseId: c.id };
    } else {
      target = { citizenId: null, phone: reporterPhone(input.phone), caseId: null };
    }
    const [row] = await tx.query(
      `INSERT INTO feedback_blocks (citizen_id, phone, case_id, reason, blocked_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING id`,
      [target.citizenId, target.phone, target.caseId, input.reason, actor.userId],
    );
    if (!row) throw conflict('ALREADY_BLOCKED', 'Người gửi này đang bị chặn gửi phản ánh.');
    const [created] = await tx.query(`${SELECT} WHERE b.id = $1`, [row.id]);
    return view(created);
  });
}

export async function unblockReporter(db: Database, actor: Actor, id: string, reason: string) {
  return db.transaction(async (tx) => {
    await requireOperator(tx, actor);
    const [row] = await tx.query(
      'UPDATE feedback_blocks SET unblocked_at = now(), unblocked_by = $2, unblock_reason = $3 WHERE id = $1 AND unblocked_at IS NULL RETURNING id',
      [id, actor.userId, reason],
    );
    if (!row) throw notFound('lệnh chặn đang có hiệu lực');
    const [updated] = await tx.query(`${SELECT} WHERE b.id = $1`, [id]);
    return view(updated);
  });
}

/** Every block and unblock, newest first (`active`: only those in force). */
export async function listBlocks(db: Queryable, actor: Actor, q: { active?: boolean }) {
  await requireOperator(db, actor);
  const rows = await db.query(`${SELECT} WHERE ($1::boolean IS NULL OR (b.unblocked_at IS NULL) = $1) ORDER BY b.blocked_at DESC LIMIT 500`, [
    q.active ?? null,
  ]);
  return { items: rows.map(view) };
}
