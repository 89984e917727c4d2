// The VNPay payment-gateway protocol (version 2.1.0): the signed redirect, the signature of the return URL and the
// IPN, and the querydr request and answer. Pure functions over a configuration; the sandbox gateway signs with
// these same functions, so the platform and the sandbox cannot drift apart.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { vietnamIso } from '../shared/time.ts';

export interface VnpayConfig {
  tmnCode: string;
  hashSecret: string;
  /** The gateway's payment page (vpcpay.html) and its merchant API (querydr). */
  payUrl: string;
  apiUrl: string;
}

export type VnpParams = Record<string, string>;

const hmac = (secret: string, data: string) => createHmac('sha512', secret).update(data, 'utf8').digest('hex');

/** Sorted keys, empty values dropped, form-encoded (a space becomes '+'): the text VNPay signs. */
export function signData(params: VnpParams): string {
  const sorted = Object.keys(params)
    .filter((k) => params[k] !== '' && params[k] !== undefined)
    .sort();
  return new URLSearchParams(sorted.map((k) => [k, params[k]])).toString();
}

export const signParams = (secret: string, params: VnpParams) => hmac(secret, signData(params));

/** Compares two hex digests in constant time (different lengths are simply unequal). */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase(), 'utf8');
  const y = Buffer.from(b.toLowerCase(), 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** yyyyMMddHHmmss in Vietnam time (GMT+7), as VNPay dates are written. */
export function vnpDate(at: Date): string {
  return vietnamIso(at).replace(/[-:T]/g, '').slice(0, 14);
}

export interface PaymentRequest {
  txnRef: string;
  amount: number;
  orderInfo: string;
  returnUrl: string;
  ipAddr: string;
  createdAt: Date;
  expireMinutes?: number;
}

/** The signed address that sends the payer to the gateway. */
export function paymentUrl(config: VnpayConfig, r: PaymentRequest): string {
  const params: VnpParams = {
    vnp_Version: '2.1.0',
    vnp_Command: 'pay',
    vnp_TmnCode: config.tmnCode,
    vnp_Amount: String(r.amount * 100),
    vnp_CurrCode: 'VND',
    vnp_TxnRef: r.txnRef,
    vnp_OrderInfo: r.orderInfo,
    vnp_OrderType: 'other',
    vnp_Locale: 'vn',
    vnp_ReturnUrl: r.returnUrl,
    vnp_IpAddr: r.ipAddr,
    vnp_CreateDate: vnpDate(r.createdAt),
    vnp_ExpireDate: vnpDate(new Date(r.createdAt.getTime() + (r.expireMinutes ?? 15) * 60_000)),
  };
  return `${config.payUrl}?${signData(params)}&vnp_SecureHash=${signParams(config.hashSecret, params)}`;
}

/** The parameters of a return URL or an IPN with a verified signature; null when the signature is wrong or missing. */
export function verifiedParams(secret: string, query: Record<string, unknown>): VnpParams | null {
  const hash = typeof query.vnp_SecureHash === 'string' ? query.vnp_SecureHash : '';
  const params: VnpParams = {};
  for (const [k, v] of Object.entries(query)) {
    if (k.startsWith('vnp_') && k !== 'vnp_SecureHash' && k !== 'vnp_SecureHashType' && typeof v === 'string') params[k] = v;
  }
  return hash && sameDigest(hash, signParams(secret, params)) ? params : null;
}

/** Paid only when both the response code and the transaction status say so. */
export const isPaid = (p: VnpParams) => p.vnp_ResponseCode === '00' && p.vnp_TransactionStatus === '00';

// ---- querydr: the merchant API's fields are joined with '|' in a fixed order before signing ----

const QUERY_FIELDS = [
  'vnp_RequestId',
  'vnp_Version',
  'vnp_Command',
  'vnp_TmnCode',
  'vnp_TxnRef',
  'vnp_TransactionDate',
  'vnp_CreateDate',
  'vnp_IpAddr',
  'vnp_OrderInfo',
];
const ANSWER_FIELDS = [
  'vnp_ResponseId',
  'vnp_Command',
  'vnp_ResponseCode',
  'vnp_Message',
  'vnp_TmnCode',
  'vnp_TxnRef',
  'vnp_Amount',
  'vnp_BankCode',
  'vnp_PayDate',
  'vnp_TransactionNo',
  'vnp_TransactionType',
  'vnp_TransactionStatus',
  'vnp_OrderInfo',
  'vnp_PromotionCode',
  'vnp_PromotionAmount',
];

export const signJoined = (secret: string, fields: string[], body: VnpParams) => hmac(secret, fields.map((f) => body[f] ?? '').join('|'));

export function queryDrRequest(config: VnpayConfig, q: { requestId: string; txnRef: string; transactionDate: string; now: Date; ipAddr: string }): VnpParams {
  const body: VnpParams = {
    vnp_RequestId: q.requestId,
    vnp_Version: '2.1.0',
    vnp_Command: 'querydr',
    vnp_TmnCode: config.tmnCode,
    vnp_TxnRef: q.txnRef,
    vnp_TransactionDate: q.transactionDate,
    vnp_CreateDate: vnpDate(q.now),
    vnp_IpAddr: q.ipAddr,
    vnp_OrderInfo: `Truy van giao dich ${q.txnRef}`,
  };
  return { ...body, vnp_SecureHash: signJoined(config.hashSecret, QUERY_FIELDS, body) };
}

export const verifyQueryDrRequest = (secret: string, body: VnpParams) => sameDigest(body.vnp_SecureHash ?? '', signJoined(secret, QUERY_FIELDS, body));
export const signQueryDrAnswer = (secret: string, body: VnpParams): VnpParams => ({ ...body, vnp_SecureHash: signJoined(secret, ANSWER_FIELDS, body) });
export const verifyQueryDrAnswer = (secret: string, body: VnpParams) => sameDigest(body.vnp_SecureHash ?? '', signJoined(secret, ANSWER_FIELDS, body));

/** The IPN answers VNPay expects. */
export const IPN_ANSWERS = {
  ok: { RspCode: '00', Message: 'Confirm Success' },
  notFound: { RspCode: '01', Message: 'Order not found' },
  already: { RspCode: '02', Message: 'Order already confirmed' },
  badAmount: { RspCode: '04', Message: 'Invalid amount' },
  badSignature: { RspCode: '97', Message: 'Invalid signature' },
  error: { RspCode: '99', Message: 'Unknown error' },
} as const;
