// Payments (thanh toán nghĩa vụ tài chính): a dossier's fees and charges become a payment obligation; the citizen pays
// by a VietQR bank transfer (settled by an imported statement or the bank's callback) or through the VNPay gateway
// (return URL, IPN, or the reconciler's query). Each obligation is settled once, with a receipt number, and the
// settlement moves the dossier on (record_payment) in the same transaction.
import { randomBytes, randomInt } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Database, Queryable, Row } from '../db/index.ts';
import type { PaymentOrdersRow, PaymentReceiptSequencesRow, PaymentRefundsRow, PaymentsRow, ReceiptFormsRow } from '../db/schema.ts';
import { getProcedureVersion } from '../catalog/service.ts';
import { fixedFees, type FeeLine } from '../catalog/fees.ts';
import { actAsSystem, getDossier, type SystemAction, type Who } from '../dossiers/service.ts';
import type { DossierEventRecord } from '../dossiers/hooks.ts';
import { Status } from '../dossiers/rules.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../shared/errors.ts';
import { nfc } from '../shared/text.ts';
import type { Actor } from '../shared/actor.ts';
import { transferText, vietQrPayload } from './vietqr.ts';
import { IPN_ANSWERS, isPaid, paymentUrl, queryDrRequest, verifiedParams, verifyQueryDrAnswer, vnpDate, type VnpayConfig, type VnpParams } from './vnpay.ts';
import { vietnamYear } from '../shared/time.ts';

export type Method = 'vietqr' | 'vnpay' | 'counter';
export const METHOD_NAMES: Record<Method, string> = {
  vietqr: 'Chuyển khoản ngân hàng (mã VietQR)',
  vnpay: 'Cổng thanh toán VNPay',
  counter: 'Nộp tại Bộ phận Một cửa',
};

export interface PaymentSettings {
  /** The collecting account (tài khoản thu phí, lệ phí) a VietQR code points to; null = no VietQR. */
  account: { bankBin: string; accountNo: string; accountName: string } | null;
  vnpay: VnpayConfig | null;
  /** The development gateway at /sandbox/vnpay is served (never in production). */
  sandbox: boolean;
  /** Shared secret of the bank's transaction callback (HMAC-SHA256 of the body); null = no callback. */
  bankCallbackSecret: string | null;
}

export const SANDBOX_PAY_PATH = '/sandbox/vnpay/pay';
export const SANDBOX_API_PATH = '/sandbox/vnpay/api';

/** What the province configured (config PAYMENT_*, VNPAY_*, BANK_CALLBACK_SECRET); every part optional. */
export interface PaymentConfig {
  bankBin?: string;
  accountNo?: string;
  accountName?: string;
  tmnCode?: string;
  hashSecret?: string;
  payUrl?: string;
  apiUrl?: string;
  bankCallbackSecret?: string;
}

/**
 * Outside production every part has a development default (the local sandbox gateway, a demo account); in production
 * a part that is not configured is simply not offered.
 */
export function paymentSettings(configured: PaymentConfig, production: boolean): PaymentSettings {
  const dev = (value: string) => (production ? undefined : value);
  const bankBin = configured.bankBin ?? dev('970436');
  const accountNo = configured.accountNo ?? dev('0071000888999');
  const tmnCode = configured.tmnCode ?? dev('CONGSO01');
  const hashSecret = configured.hashSecret ?? dev('congso-sandbox-hash-secret');
  const payUrl = configured.payUrl ?? dev(SANDBOX_PAY_PATH);
  const apiUrl = configured.apiUrl ?? dev(SANDBOX_API_PATH);
  return {
    account: bankBin && accountNo ? { bankBin, accountNo, accountName: configured.accountName ?? 'UBND THANH PHO CAN THO' } : null,
    vnpay: tmnCode && hashSecret && payUrl && apiUrl ? { tmnCode, hashSecret, payUrl, apiUrl } : null,
    sandbox: !production,
    bankCallbackSecret: configured.bankCallbackSecret ?? dev('congso-bank-callback-secret') ?? null,
  };
}

// ---- the obligation ----------------------------------------------------------------------------

/**
 * What a dossier's applicant has to pay, from submission on: the fixed fees (payable once the desk receives the
 * dossier), or null when an officer will set the amount.
 */
export async function feesDue(db: Queryable, by: Who, dossierId: string) {
  const d = await getDossier(db, by, dossierId);
  const content = await getProcedureVersion(db, d.procedure.id, d.procedure.version);
  return fixedFees(content.fees, d.formData as Record<string, unknown>);
}

/**
 * Dossier hook. An online dossier of a procedure with fixed fees owes them once the desk accepts it (free procedures
 * skip this); every request for payment opens an obligation; a payment recorded by an officer (cash at the desk)
 * settles it; a dossier that ends unpaid cancels it.
 */
export async function onDossierEventForPayments(tx: Queryable, dossier: Row, event: DossierEventRecord, then: (action: SystemAction) => void) {
  if (event.action === 'accept' && dossier.channel === 'online') {
    const content = await getProcedureVersion(tx, dossier.procedure_id, dossier.procedure_version);
    const fees = fixedFees(content.fees, dossier.form_data);
    if (fees && fees.total > 0) then({ action: 'request_payment', amount: fees.total, note: 'Phí, lệ phí theo quy định của thủ tục; nộp trực tuyến.' });
  } else if (event.action === 'request_payment') {
    const amount = Number(event.data.amount);
    const content = await getProcedureVersion(tx, dossier.procedure_id, dossier.procedure_version);
    const fees = fixedFees(content.fees, dossier.form_data);
    const items: FeeLine[] = event.actorKind === 'system' && fees ? fees.items : [{ kind: 'obligation', name: event.note ?? 'Nghĩa vụ tài chính', amount }];
    await tx.query(`UPDATE payments SET status = 'cancelled' WHERE dossier_id = $1 AND status = 'pending'`, [dossier.id]);
    await tx.query(
      `INSERT INTO payments (dossier_id, dossier_code, agency_id, payer_name, payer_id_number, amount, items) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [dossier.id, dossier.code, dossier.receiving_agency_id, dossier.applicant.name, dossier.applicant.idNumber ?? null, amount, JSON.stringify(items)],
    );
  } else if (event.action === 'record_payment' && event.actorKind === 'staff') {
    const [p] = await tx.query<Pick<PaymentsRow, 'id'>>(`SELECT id FROM payments WHERE dossier_id = $1 AND status = 'pending' FOR UPDATE`, [dossier.id]);
    if (p) await markPaid(tx, p.id, 'counter', String(event.data.reference ?? ''), event.at);
  } else if (event.toStatus !== null && [Status.Refused, Status.Stopped, Status.WithdrawalRequested].includes(event.toStatus as never)) {
    await tx.query(`UPDATE payments SET status = 'cancelled' WHERE dossier_id = $1 AND status = 'pending'`, [dossier.id]);
  }
}

async function nextReceiptNo(tx: Queryable, at: Date): Promise<string> {
  const year = vietnamYear(at);
  const [{ last }] = await tx.query<Pick<PaymentReceiptSequencesRow, 'last'>>(
    `INSERT INTO payment_receipt_sequences (year, last) VALUES ($1, 1)
     ON CONFLICT (year) DO UPDATE SET last = payment_receipt_sequences.last + 1 RETURNING last`,
    [year],
  );
  return `${year}-${String(last).padStart(6, '0')}`;
}

/**
 * Mẫu số and ký hiệu of the collecting agency's receipts (its own row, else the default): ký hiệu = the registered
 * series, the year's last two digits and E for an electronic receipt ("CT-26E").
 */
async function receiptForm(tx: Queryable, paymentId: string, at: Date): Promise<{ form: string; series: string }> {
  const [r] = await tx.query<Pick<ReceiptFormsRow, 'form_no' | 'series'>>(
    `SELECT f.form_no, f.series FROM payments p JOIN receipt_forms f ON f.agency_id = p.agency_id OR f.agency_id IS NULL
      WHERE p.id = $1 ORDER BY f.agency_id NULLS LAST LIMIT 1`,
    [paymentId],
  );
  const yy = String(vietnamYear(at)).slice(2);
  return { form: r.form_no, series: `${r.series}-${yy}E` };
}

async function markPaid(tx: Queryable, paymentId: string, method: Method, providerRef: string, at: Date) {
  const form = await receiptForm(tx, paymentId, at);
  await tx.query(
    `UPDATE payments SET status = 'paid', method = $2, provider_ref = $3, paid_at = $4, receipt_no = $5, receipt_form = $6, receipt_series = $7
    WHERE id = $1`,
    [paymentId, method, providerRef, at, await nextReceiptNo(tx, at), form.form, form.series],
  );
}

/**
 * Settles a pending obligation once: false when it was settled (or cancelled) before. The payment and the dossier's
 * record_payment commit together, or neither does.
 */
async function settle(tx: Queryable, paymentId: string, method: Method, providerRef: string): Promise<boolean> {
  const [p] = await tx.query<Pick<PaymentsRow, 'id' | 'dossier_id' | 'status'>>('SELECT id, dossier_id, status FROM payments WHERE id = $1 FOR UPDATE', [
    paymentId,
  ]);
  if (p?.status !== 'pending') return false;
  await markPaid(tx, p.id, method, providerRef, new Date());
  await actAsSystem(tx, p.dossier_id, { action: 'record_payment', reference: `${METHOD_NAMES[method]}: ${providerRef}`.slice(0, 200) });
  return true;
}

// ---- reading -----------------------------------------------------------------------------------

/** True when the party may see the dossier: the one scope of every payment and every payment action. */
async function canSeeDossier(db: Queryable, by: Who, dossierId: string) {
  try {
    await getDossier(db, by, dossierId);
    return true;
  } catch (err) {
    if (err instanceof AppError && err.statusCode === 404) return false;
    throw err;
  }
}

const toPayment = (p: PaymentsRow) => ({
  id: p.id,
  dossierId: p.dossier_id,
  dossierCode: p.dossier_code,
  amount: Number(p.amount),
  items: p.items as FeeLine[],
  status: p.status as 'pending' | 'paid' | 'cancelled',
  method: p.method as Method | null,
  methodName: p.method ? METHOD_NAMES[p.method as Method] : null,
  providerRef: p.provider_ref,
  paidAt: p.paid_at ? p.paid_at.toISOString() : null,
  receiptNo: p.receipt_no,
  receiptForm: p.receipt_form,
  receiptSeries: p.receipt_series,
  refunded: Number(p.refunded),
  createdAt: p.created_at.toISOString(),
});
export type Payment = ReturnType<typeof toPayment>;

/** A dossier's payments, newest first, for whoever may see the dossier. */
export async function dossierPayments(db: Queryable, by: Who, dossierId: string) {
  await getDossier(db, by, dossierId);
  return (await db.query<PaymentsRow>('SELECT * FROM payments WHERE dossier_id = $1 ORDER BY created_at DESC', [dossierId])).map(toPayment);
}

/** A payment, for whoever may see its dossier; otherwise the answer of an unknown payment. */
export async function getPayment(db: Queryable, by: Who, paymentId: string) {
  const [p] = await db.query<PaymentsRow>('SELECT * FROM payments WHERE id = $1', [paymentId]);
  if (!p || !(await canSeeDossier(db, by, p.dossier_id))) throw notFound('khoản thanh toán');
  return toPayment(p);
}

async function pendingFor(db: Queryable, by: Who, dossierId: string) {
  const [p] = (await dossierPayments(db, by, dossierId)).filter((x) => x.status === 'pending');
  if (!p) throw conflict('NO_PENDING_PAYMENT', 'Hồ sơ không có khoản phí, lệ phí nào đang chờ thanh toán.');
  return p;
}

// ---- VietQR bank transfer ----------------------------------------------------------------------

/** The transfer the citizen makes: the collecting account, the amount, and the dossier code as the purpose. */
export async function vietQrFor(db: Queryable, settings: PaymentSettings, by: Who, dossierId: string) {
  if (!settings.account) throw conflict('VIETQR_NOT_CONFIGURED', 'Chưa cấu hình tài khoản nhận chuyển khoản.');
  const p = await pendingFor(db, by, dossierId);
  const purpose = transferText(p.dossierCode);
  return { ...settings.account, amount: p.amount, purpose, payload: vietQrPayload({ ...settings.account, amount: p.amount, purpose }) };
}

/** Letters and digits only, upper case: banks drop or change punctuation in transfer descriptions. */
const squeeze = (s: string) =>
  transferText(s)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');

export interface BankLine {
  reference: string;
  amount: number;
  description: string;
  bookedAt: Date;
}
export type LineOutcome =
  | { status: 'matched'; dossierCode: string; paymentId: string }
  | { status: 'unmatched' | 'duplicate' | 'outside_scope'; reason: string };

/**
 * One credit on the collecting account: recorded once by its bank reference, and matched to the pending obligation
 * whose dossier code is in the description and whose amount equals the credit. An officer (`by`) settles only
 * obligations of dossiers in their scope; a line naming only other agencies' dossiers is left unrecorded, so the
 * agency it belongs to can still import it. The bank's own callback (`by` null) covers the whole account.
 */
async function applyBankLine(tx: Queryable, source: 'statement' | 'callback', line: BankLine, by: Actor | null): Promise<LineOutcome> {
  const text = squeeze(line.description);
  const named = (
    await tx.query<Pick<PaymentsRow, 'id' | 'dossier_id' | 'dossier_code' | 'amount'>>(
      `SELECT id, dossier_id, dossier_code, amount FROM payments WHERE status = 'pending'`,
    )
  ).filter((p) => text.includes(squeeze(p.dossier_code)));
  const candidates = [];
  for (const p of named) if (!by || (await canSeeDossier(tx, { kind: 'staff', actor: by }, p.dossier_id))) candidates.push(p);
  if (named.length && !candidates.length) {
    return { status: 'outside_scope', reason: 'Mã hồ sơ trong nội dung chuyển khoản không thuộc phạm vi của bạn; dòng này không được ghi nhận.' };
  }
  const inserted = await tx.query(
    `INSERT INTO bank_transactions (bank_ref, source, amount, description, booked_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (bank_ref) DO NOTHING RETURNING bank_ref`,
    [line.reference, source, line.amount, line.description, line.bookedAt],
  );
  if (!inserted.length) return { status: 'duplicate', reason: `Giao dịch ${line.reference} đã được ghi nhận trước đây.` };
  if (!candidates.length) return { status: 'unmatched', reason: 'Nội dung chuyển khoản không chứa mã hồ sơ nào đang chờ thanh toán.' };
  const exact = candidates.find((p) => Number(p.amount) === line.amount);
  if (!exact) {
    return {
      status: 'unmatched',
      reason: `Số tiền ${line.amount} không khớp khoản phải nộp ${Number(candidates[0].amount)} của hồ sơ ${candidates[0].dossier_code}.`,
    };
  }
  // Settled by another way a moment ago (a gateway payment): the credit is money to pay back, not a second settlement.
  if (!(await settle(tx, exact.id, 'vietqr', line.reference))) {
    return { status: 'unmatched', reason: `Hồ sơ ${exact.dossier_code} vừa được thanh toán bằng cách khác; khoản chuyển khoản này cần được hoàn trả.` };
  }
  await tx.query('UPDATE bank_transactions SET payment_id = $2 WHERE bank_ref = $1', [line.reference, exact.id]);
  return { status: 'matched', dossierCode: exact.dossier_code, paymentId: exact.id };
}

const HEADER_ALIASES: Record<string, keyof BankLine> = {
  date: 'bookedAt',
  ngay: 'bookedAt',
  'ngay giao dich': 'bookedAt',
  reference: 'reference',
  'so tham chieu': 'reference',
  'ma giao dich': 'reference',
  amount: 'amount',
  'so tien': 'amount',
  'so tien ghi co': 'amount',
  description: 'description',
  'noi dung': 'description',
  'dien giai': 'description',
};
const headerKey = (h: string) =>
  HEADER_ALIASES[
    h
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/[đĐ]/g, 'd')
      .toLowerCase()
      .replace(/[_\s]+/g, ' ')
      .trim()
  ];

/** "12.000", "12,000", "12000" → 12000; anything else (decimals, text) → NaN. */
const parseAmount = (s: string) => (/^-?\d{1,3}([.,]\d{3})*$|^-?\d+$/.test(s.trim()) ? Number(s.trim().replace(/[.,]/g, '')) : NaN);

/** "2026-11-27", "2026-11-27 09:30", "27/11/2026" (Vietnam time). */
function parseBookedAt(s: string): Date | null {
  const t = s.trim();
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(t);
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?/.exec(t);
  const parts = vn ? [vn[3], vn[2], vn[1], vn[4], vn[5]] : iso ? [iso[1], iso[2], iso[3], iso[4], iso[5]] : null;
  if (!parts) return null;
  const [y, m, d, hh, mm] = parts.map((x) => Number(x ?? 0));
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d || hh > 23 || mm > 59) return null;
  return new Date(day.getTime() + ((hh - 7) * 60 + mm) * 60_000);
}

export interface StatementResult {
  matched: { line: number; reference: string; dossierCode: string; amount: number }[];
  unmatched: { line: number; reference: string | null; amount: number | null; reason: string }[];
  duplicates: { line: number; reference: string }[];
  /** Credits naming only dossiers outside the officer's scope: not applied, not recorded. */
  outsideScope: { line: number; reference: string; reason: string }[];
}

/**
 * Imports a bank statement (CSV with a header: date, reference, amount, description — English or Vietnamese names).
 * Credits are matched by dossier code and amount; debits, broken lines and credits matching nothing are reported by
 * line number. Each line commits on its own, so a bad line never holds back a good one. An officer settles only the
 * obligations of dossiers in their scope (system administrators: the whole province).
 */
export async function importStatement(db: Database, actor: Actor, csv: string): Promise<StatementResult> {
  requireCollector(actor);
  let rows: string[][];
  try {
    rows = parseCsv(csv, { relax_column_count: true, skip_empty_lines: true, bom: true, trim: true });
  } catch (err) {
    throw badRequest('INVALID_CSV', `Tệp sao kê không đúng định dạng CSV: ${(err as Error).message}`);
  }
  const columns = (rows[0] ?? []).map(headerKey);
  const missing = (['bookedAt', 'reference', 'amount', 'description'] as const).filter((k) => !columns.includes(k));
  if (missing.length) {
    throw badRequest(
      'INVALID_STATEMENT',
      'Dòng tiêu đề của sao kê phải có các cột: ngày (date), số tham chiếu (reference), số tiền (amount), nội dung (description).',
    );
  }
  const result: StatementResult = { matched: [], unmatched: [], duplicates: [], outsideScope: [] };
  for (let i = 1; i < rows.length; i++) {
    const line = i + 1;
    const cell = (k: keyof BankLine) => rows[i][columns.indexOf(k)] ?? '';
    const reference = cell('reference');
    const amount = parseAmount(cell('amount'));
    const bookedAt = parseBookedAt(cell('bookedAt'));
    const problem = !reference
      ? 'thiếu số tham chiếu'
      : Number.isNaN(amount)
        ? `số tiền "${cell('amount')}" không hợp lệ`
        : amount <= 0
          ? 'không phải giao dịch ghi có (tiền vào)'
          : !bookedAt
            ? `ngày "${cell('bookedAt')}" không hợp lệ`
            : null;
    if (problem) {
      result.unmatched.push({ line, reference: reference || null, amount: Number.isNaN(amount) ? null : amount, reason: problem });
      continue;
    }
    const outcome = await db.transaction((tx) =>
      applyBankLine(tx, 'statement', { reference, amount, description: nfc(cell('description')), bookedAt: bookedAt! }, actor),
    );
    if (outcome.status === 'matched') result.matched.push({ line, reference, dossierCode: outcome.dossierCode, amount });
    else if (outcome.status === 'duplicate') result.duplicates.push({ line, reference });
    else if (outcome.status === 'outside_scope') result.outsideScope.push({ line, reference, reason: outcome.reason });
    else result.unmatched.push({ line, reference, amount, reason: outcome.reason });
  }
  return result;
}

/** The bank's notification of one credit (its signature already checked by the route). */
export function bankCallback(db: Database, line: BankLine): Promise<LineOutcome> {
  return db.transaction((tx) => applyBankLine(tx, 'callback', line, null));
}

// ---- VNPay gateway -----------------------------------------------------------------------------

/** A new gateway order for the dossier's pending obligation, and the signed address to send the payer to. */
export async function startVnpayPayment(db: Queryable, settings: PaymentSettings, by: Who, dossierId: string, returnUrl: string, ipAddr: string) {
  if (!settings.vnpay) throw conflict('VNPAY_NOT_CONFIGURED', 'Chưa cấu hình cổng thanh toán VNPay.');
  if (by.kind !== 'citizen') throw forbidden('Chỉ người nộp hồ sơ thanh toán trực tuyến.');
  const p = await pendingFor(db, by, dossierId);
  const now = new Date();
  // vnp_TxnRef: unique per attempt (a cancelled attempt cannot be paid again at VNPay).
  const txnRef = `${vnpDate(now)}${randomInt(100000, 999999)}`;
  await db.query('INSERT INTO payment_orders (txn_ref, payment_id, amount, create_date) VALUES ($1, $2, $3, $4)', [txnRef, p.id, p.amount, vnpDate(now)]);
  const orderInfo = `Thanh toan phi le phi ho so ${transferText(p.dossierCode)}`;
  return { txnRef, url: paymentUrl(settings.vnpay, { txnRef, amount: p.amount, orderInfo, returnUrl, ipAddr, createdAt: now }) };
}

export type GatewayAnswer = { RspCode: string; Message: string };

/**
 * A return URL or IPN from VNPay. Refused: a wrong signature (97), an unknown order (01), an amount that is not the
 * order's (04), an order already decided (02 — a replay settles nothing). Paid only when the response code and the
 * transaction status both say so; then the obligation is settled once, with the dossier.
 */
export async function vnpayCallback(db: Database, settings: PaymentSettings, query: Record<string, unknown>, via: 'return' | 'ipn') {
  const config = settings.vnpay;
  const p = config ? verifiedParams(config.hashSecret, query) : null;
  if (!config || !p || p.vnp_TmnCode !== config.tmnCode) return { answer: IPN_ANSWERS.badSignature as GatewayAnswer, dossierId: null, paid: false };
  return db.transaction(async (tx) => {
    const [order] = await tx.query<PaymentOrdersRow & Pick<PaymentsRow, 'dossier_id'>>(
      `SELECT o.*, pay.dossier_id FROM payment_orders o JOIN payments pay ON pay.id = o.payment_id WHERE o.txn_ref = $1 FOR UPDATE OF o`,
      [p.vnp_TxnRef ?? ''],
    );
    if (!order) return { answer: IPN_ANSWERS.notFound as GatewayAnswer, dossierId: null, paid: false };
    const decided = { dossierId: order.dossier_id, paid: order.status === 'paid' };
    if (!/^\d+$/.test(p.vnp_Amount ?? '') || Number(p.vnp_Amount) !== Number(order.amount) * 100)
      return { ...decided, answer: IPN_ANSWERS.badAmount as GatewayAnswer };
    if (order.status !== 'pending') return { ...decided, answer: IPN_ANSWERS.already as GatewayAnswer };
    const paid = isPaid(p);
    await decideOrder(tx, order, { paid, responseCode: p.vnp_ResponseCode ?? null, transactionNo: p.vnp_TransactionNo ?? null }, via);
    return { dossierId: order.dossier_id, paid, answer: IPN_ANSWERS.ok as GatewayAnswer };
  });
}

interface Verdict {
  paid: boolean;
  responseCode: string | null;
  transactionNo: string | null;
}

/** Records the gateway's verdict on a pending order; settles its obligation when paid. */
async function decideOrder(tx: Queryable, order: PaymentOrdersRow, v: Verdict, by: 'return' | 'ipn' | 'reconciler') {
  await tx.query(`UPDATE payment_orders SET status = $2, response_code = $3, transaction_no = $4, settled_by = $5, updated_at = now() WHERE txn_ref = $1`, [
    order.txn_ref,
    v.paid ? 'paid' : 'failed',
    v.responseCode,
    v.transactionNo,
    by,
  ]);
  if (v.paid) await settle(tx, order.payment_id, 'vnpay', v.transactionNo ?? order.txn_ref);
}

/** How the platform reaches the gateway's merchant API (HTTP in production; the sandbox in-process in development). */
export type GatewayTransport = (url: string, body: VnpParams) => Promise<VnpParams>;

export const httpTransport: GatewayTransport = async (url, body) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  return (await res.json()) as VnpParams;
};

/**
 * The reconciler: asks the gateway (querydr) about orders still pending after `minAgeMs`, so a lost IPN or an
 * abandoned return never leaves a paid dossier unpaid. Orders the gateway reports as failed are closed; those past
 * their expiry that the gateway never saw are closed as well.
 */
export async function reconcilePayments(db: Database, settings: PaymentSettings, transport: GatewayTransport, opts: { minAgeMs?: number } = {}) {
  const config = settings.vnpay;
  const summary = { checked: 0, settled: 0, failed: 0, pending: 0, errors: 0 };
  if (!config) return summary;
  const orders = await db.query<PaymentOrdersRow>(`SELECT * FROM payment_orders WHERE status = 'pending' AND created_at <= $1 ORDER BY created_at LIMIT 200`, [
    new Date(Date.now() - (opts.minAgeMs ?? 5 * 60_000)),
  ]);
  for (const order of orders) {
    summary.checked++;
    let answer: VnpParams;
    try {
      answer = await transport(
        config.apiUrl,
        queryDrRequest(config, {
          requestId: randomBytes(8).toString('hex'),
          txnRef: order.txn_ref,
          transactionDate: order.create_date,
          now: new Date(),
          ipAddr: '127.0.0.1',
        }),
      );
    } catch {
      summary.errors++;
      continue;
    }
    if (!verifyQueryDrAnswer(config.hashSecret, answer) || answer.vnp_TxnRef !== order.txn_ref) {
      summary.errors++;
      continue;
    }
    const expired = Date.now() - order.created_at.getTime() > 30 * 60_000;
    const outcome = await db.transaction(async (tx) => {
      const [fresh] = await tx.query<PaymentOrdersRow>(`SELECT * FROM payment_orders WHERE txn_ref = $1 AND status = 'pending' FOR UPDATE`, [order.txn_ref]);
      if (!fresh) return 'pending';
      const verdict = { responseCode: answer.vnp_TransactionStatus ?? answer.vnp_ResponseCode ?? null, transactionNo: answer.vnp_TransactionNo || null };
      // querydr answered (00) with the transaction's status: 00 paid, 01 not finished, anything else failed.
      if (answer.vnp_ResponseCode === '00' && answer.vnp_TransactionStatus === '00') {
        if (Number(answer.vnp_Amount) !== Number(fresh.amount) * 100) return 'error';
        await decideOrder(tx, fresh, { ...verdict, paid: true }, 'reconciler');
        return 'settled';
      }
      const final = answer.vnp_ResponseCode === '00' && answer.vnp_TransactionStatus !== '01';
      if (!final && !expired) return 'pending';
      await decideOrder(tx, fresh, { ...verdict, paid: false }, 'reconciler');
      return 'failed';
    });
    if (outcome === 'settled') summary.settled++;
    else if (outcome === 'failed') summary.failed++;
    else if (outcome === 'error') summary.errors++;
    else summary.pending++;
  }
  return summary;
}

// ---- refunds -----------------------------------------------------------------------------------

function requireCollector(actor: Actor | null): Actor {
  if (!actor) throw forbidden();
  if (!actor.roles.some((r) => ['counter_officer', 'agency_leader', 'system_admin'].includes(r))) {
    throw forbidden('Thao tác này dành cho cán bộ Bộ phận Một cửa hoặc lãnh đạo cơ quan.');
  }
  return actor;
}

/** Records money paid back (hoàn trả), at most what was paid; the payment keeps its receipt and shows the refund. */
export async function recordRefund(db: Database, actor: Actor, paymentId: string, input: { amount: number; reason: string; reference?: string }) {
  requireCollector(actor);
  await getPayment(db, { kind: 'staff', actor }, paymentId);
  return db.transaction(async (tx) => {
    const [p] = await tx.query<PaymentsRow>('SELECT * FROM payments WHERE id = $1 FOR UPDATE', [paymentId]);
    if (p.status !== 'paid') throw conflict('PAYMENT_NOT_PAID', 'Chỉ hoàn trả khoản đã thanh toán.');
    const left = Number(p.amount) - Number(p.refunded);
    if (input.amount > left) throw conflict('REFUND_TOO_LARGE', `Số tiền hoàn trả vượt quá số còn lại có thể hoàn (${left} đồng).`);
    await tx.query('INSERT INTO payment_refunds (payment_id, amount, reason, reference, by_id, by_name) VALUES ($1, $2, $3, $4, $5, $6)', [
      paymentId,
      input.amount,
      nfc(input.reason),
      input.reference ?? null,
      actor.userId,
      actor.fullName,
    ]);
    const [updated] = await tx.query<PaymentsRow>('UPDATE payments SET refunded = refunded + $2 WHERE id = $1 RETURNING *', [paymentId, input.amount]);
    return toPayment(updated);
  });
}

export async function listRefunds(db: Queryable, by: Who, paymentId: string) {
  await getPayment(db, by, paymentId);
  const rows = await db.query<PaymentRefundsRow>('SELECT * FROM payment_refunds WHERE payment_id = $1 ORDER BY at', [paymentId]);
  return rows.map((r) => ({ id: r.id, amount: Number(r.amount), reason: r.reason, reference: r.reference, byName: r.by_name, at: r.at.toISOString() }));
}
