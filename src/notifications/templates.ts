// Vietnamese message templates for the dossier changes that matter to the citizen. Every text is NFC.
// Email: subject and plain-text body. Zalo: one short message with diacritics. SMS: the same short message
// without diacritics (many phones and SMS gateways count accented text as UCS-2, 70 characters a part),
// kept within 160 characters where the content allows it.

import { vietnamDateTime } from '../shared/time.ts';

export type NotificationKind =
  | 'received' // tiếp nhận
  | 'supplement_requested' // yêu cầu bổ sung
  | 'payment_requested' // yêu cầu thực hiện nghĩa vụ tài chính
  | 'rescheduled' // xin lỗi và hẹn lại ngày trả
  | 'result_ready' // đã có kết quả
  | 'returned' // đã trả kết quả
  | 'refused' // không được tiếp nhận
  | 'stopped'; // dừng xử lý

export interface NotificationContext {
  kind: NotificationKind;
  code: string;
  procedureName: string;
  applicantName: string;
  /** Public lookup page of the dossier. */
  lookupUrl: string;
  /** Appointment (received) or the new appointment (rescheduled). */
  dueAt?: Date | null;
  reasons?: string[];
  /** VND, for payment_requested. */
  amount?: number;
  /** How the result was returned (returned). */
  method?: 'counter' | 'post' | 'online' | string;
}

export interface RenderedNotification {
  email: { subject: string; text: string };
  zalo: string;
  sms: string;
}

/** "17:00 ngày 23/11/2026", in Vietnam time: the short wording of messages (printed forms spell it out, forms/format.ts). */
export function messageDateTime(at: Date): string {
  const [date, time] = vietnamDateTime(at).split(' ');
  return `${time} ngày ${date}`;
}

/** 50000 → "50.000 đồng". */
export function vnd(amount: number): string {
  const whole = Math.round(amount);
  const digits = String(Math.abs(whole)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${whole < 0 ? '-' : ''}${digits} đồng`;
}

/**
 * Vietnamese without diacritics for SMS: the folding of shared/text.ts (NFD, strip marks, đ → d) but keeping case,
 * punctuation and spacing, so that codes and links survive.
 */
export function unaccent(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');
}

const RETURN_METHODS: Record<string, string> = {
  counter: 'trực tiếp tại Bộ phận Một cửa',
  post: 'qua dịch vụ bưu chính',
  online: 'trực tuyến',
};

/** One SMS part of GSM-7 text; Zalo keeps to the same length so that it reads at a glance. */
const SHORT_LIMIT = 160;
const SIGNATURE = 'Hệ thống thông tin giải quyết thủ tục hành chính';

/** The short text: the essentials, then the lookup link; optional parts go first when the whole does not fit. */
function short(lead: string, extra: string[], link: string, transform: (s: string) => string): string {
  const parts = [lead, ...extra].map(transform);
  const label = transform('Tra cứu');
  for (let keep = parts.length; keep >= 1; keep--) {
    const text = `${parts.slice(0, keep).join(' ')} ${label}: ${link}`;
    if (text.length <= SHORT_LIMIT) return text;
  }
  // Even the lead and the link do not fit (a very long link): keep the lead, which carries the code.
  return parts[0].length <= SHORT_LIMIT ? parts[0] : `${parts[0].slice(0, SHORT_LIMIT - 3)}...`;
}

/** Renders the three channels' texts for one change. */
export function renderNotification(c: NotificationContext): RenderedNotification {
  const hs = `Hồ sơ ${c.code}`;
  const due = c.dueAt ? messageDateTime(c.dueAt) : null;
  const reasons = (c.reasons ?? []).filter((r) => r.trim());
  const reasonLines = reasons.map((r) => `  - ${r}`).join('\n');
  const reasonInline = reasons.join('; ');
  let subject: string;
  let paragraphs: string[];
  let lead: string;
  let extra: string[] = [];
  switch (c.kind) {
    case 'received':
      subject = `${hs} đã được tiếp nhận`;
      paragraphs = [`Hồ sơ của Ông/Bà đã được tiếp nhận.`, ...(due ? [`Thời gian hẹn trả kết quả: ${due}.`] : [])];
      lead = `${hs} đã được tiếp nhận.`;
      if (due) extra = [`Hẹn trả kết quả: ${due}.`];
      break;
    case 'supplement_requested':
      subject = `${hs}: đề nghị bổ sung, hoàn thiện hồ sơ`;
      paragraphs = [
        `Hồ sơ của Ông/Bà cần được bổ sung, hoàn thiện. Nội dung cần bổ sung:\n${reasonLines || '  - (xem chi tiết trên trang tra cứu)'}`,
        'Thời gian giải quyết tạm dừng cho đến khi Ông/Bà nộp đủ hồ sơ bổ sung.',
      ];
      lead = `${hs} cần bổ sung.`;
      if (reasonInline) extra = [`Nội dung: ${reasonInline}.`];
      break;
    case 'payment_requested': {
      const amount = vnd(c.amount ?? 0);
      subject = `${hs}: đề nghị nộp phí, lệ phí ${amount}`;
      paragraphs = [
        `Đề nghị Ông/Bà thực hiện nghĩa vụ tài chính (phí, lệ phí) cho hồ sơ, số tiền: ${amount}.`,
        'Thời gian giải quyết tạm dừng cho đến khi Ông/Bà hoàn thành nghĩa vụ tài chính.',
      ];
      lead = `${hs}: đề nghị nộp phí, lệ phí ${amount}.`;
      break;
    }
    case 'rescheduled':
      subject = `${hs}: thư xin lỗi và hẹn lại ngày trả kết quả`;
      paragraphs = [
        `Cơ quan giải quyết chân thành xin lỗi Ông/Bà vì hồ sơ chưa thể trả kết quả đúng hẹn.`,
        ...(reasonInline ? [`Lý do: ${reasonInline}.`] : []),
        ...(due ? [`Thời gian hẹn trả kết quả mới: ${due}.`] : []),
      ];
      lead = `Xin lỗi Ông/Bà: ${hs} được hẹn lại${due ? ` ${due}` : ''}.`;
      if (reasonInline) extra = [`Lý do: ${reasonInline}.`];
      break;
    case 'result_ready':
      subject = `${hs} đã có kết quả`;
      paragraphs = ['Hồ sơ của Ông/Bà đã được giải quyết xong. Mời Ông/Bà nhận kết quả theo hình thức đã đăng ký.'];
      lead = `${hs} đã có kết quả. Mời Ông/Bà nhận kết quả.`;
      break;
    case 'returned': {
      const how = c.method ? RETURN_METHODS[c.method] : undefined;
      subject = `${hs} đã được trả kết quả`;
      paragraphs = [`Kết quả giải quyết hồ sơ đã được trả cho Ông/Bà${how ? ` ${how}` : ''}.`, 'Cảm ơn Ông/Bà đã sử dụng dịch vụ.'];
      lead = `${hs} đã được trả kết quả${how ? ` ${how}` : ''}.`;
      break;
    }
    case 'refused':
      subject = `${hs} không được tiếp nhận`;
      paragraphs = [`Hồ sơ của Ông/Bà không được tiếp nhận. Lý do:\n${reasonLines || '  - (xem chi tiết trên trang tra cứu)'}`];
      lead = `${hs} không được tiếp nhận.`;
      if (reasonInline) extra = [`Lý do: ${reasonInline}.`];
      break;
    case 'stopped':
      subject = `${hs} đã dừng xử lý`;
      paragraphs = ['Việc giải quyết hồ sơ của Ông/Bà đã dừng.', ...(reasonInline ? [`Lý do: ${reasonInline}.`] : [])];
      lead = `${hs} đã dừng xử lý.`;
      if (reasonInline) extra = [`Lý do: ${reasonInline}.`];
      break;
  }
  const text = [
    `Kính gửi Ông/Bà ${c.applicantName},`,
    '',
    ...paragraphs.flatMap((p) => [p, '']),
    `Mã hồ sơ: ${c.code}`,
    `Thủ tục: ${c.procedureName}`,
    `Tra cứu tình trạng hồ sơ: ${c.lookupUrl}`,
    '',
    'Đây là thư tự động, xin vui lòng không trả lời thư này.',
    SIGNATURE,
    '',
  ].join('\n');
  const zalo = short(lead, extra, c.lookupUrl, (s) => s);
  const sms = short(lead, extra, c.lookupUrl, unaccent);
  const n = (s: string) => s.normalize('NFC');
  return { email: { subject: n(subject), text: n(text) }, zalo: n(zalo), sms: n(sms) };
}
