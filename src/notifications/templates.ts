// Vietnamese message templates, per case type: the dossier changes that matter to the applicant, the public steps of a
// feedback case its reporter is told about. Every text is NFC.
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
function short(lead: string, extra: string[], link: string, linkLabel: string, transform: (s: string) => string): string {
  const parts = [lead, ...extra].map(transform);
  const label = transform(linkLabel);
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
  return compose(
    { subject, paragraphs, lead, extra },
    {
      name: c.applicantName,
      facts: [`Mã hồ sơ: ${c.code}`, `Thủ tục: ${c.procedureName}`, `Tra cứu tình trạng hồ sơ: ${c.lookupUrl}`],
      link: c.lookupUrl,
      linkLabel: 'Tra cứu',
      signature: SIGNATURE,
    },
  );
}

/** What one message says: the email's subject and paragraphs, the short texts' lead and optional parts. */
interface Draft {
  subject: string;
  paragraphs: string[];
  lead: string;
  extra: string[];
}

/** The three channels' texts of a draft, with the case type's greeting, facts, link and signature. */
function compose(d: Draft, frame: { name: string | null; facts: string[]; link: string; linkLabel: string; signature: string }): RenderedNotification {
  const text = [
    frame.name ? `Kính gửi Ông/Bà ${frame.name},` : 'Kính gửi Ông/Bà,',
    '',
    ...d.paragraphs.flatMap((p) => [p, '']),
    ...frame.facts,
    '',
    'Đây là thư tự động, xin vui lòng không trả lời thư này.',
    frame.signature,
    '',
  ].join('\n');
  const zalo = short(d.lead, d.extra, frame.link, frame.linkLabel, (s) => s);
  const sms = short(d.lead, d.extra, frame.link, frame.linkLabel, unaccent);
  const n = (s: string) => s.normalize('NFC');
  return { email: { subject: n(d.subject), text: n(text) }, zalo: n(zalo), sms: n(sms) };
}

// ---- feedback (phản ánh, kiến nghị) ---------------------------------------------------------------

/** The public steps of a feedback case that its reporter is told about. */
export type FeedbackNotificationKind =
  | 'feedback_received' // tiếp nhận phản ánh
  | 'feedback_accepted' // cơ quan nhận xử lý
  | 'feedback_info_requested' // đề nghị bổ sung thông tin
  | 'feedback_answered' // công bố trả lời
  | 'feedback_rejected' // không xử lý (spam, ngoài phạm vi)
  | 'feedback_merged' // gộp vào phản ánh trùng
  | 'feedback_reopened'; // xử lý lại sau đánh giá không hài lòng

export interface FeedbackNotificationContext {
  kind: FeedbackNotificationKind;
  code: string;
  title: string;
  /** Null for a reporter who gave no name. */
  reporterName: string | null;
  /** Where the reporter follows the case (merged: the case it was merged into). */
  url: string;
  agencyName?: string | null;
  /** The answer deadline (accepted, reopened). */
  dueAt?: Date | null;
  /** The question asked (info_requested), the published answer (answered), the reason (rejected). */
  text?: string | null;
  /** The case it was merged into (merged). */
  intoCode?: string;
}

const FEEDBACK_SIGNATURE = 'Hệ thống tiếp nhận, xử lý phản ánh, kiến nghị';

/** Renders the three channels' texts for one public step of a feedback case. */
export function renderFeedbackNotification(c: FeedbackNotificationContext): RenderedNotification {
  const pa = `Phản ánh ${c.code}`;
  const due = c.dueAt ? messageDateTime(c.dueAt) : null;
  const agency = c.agencyName ?? 'Cơ quan xử lý';
  const text = c.text?.trim() ?? '';
  const dueExtra = due ? [`Hạn trả lời: ${due}.`] : [];
  const draft = ((): Draft => {
    switch (c.kind) {
      case 'feedback_received':
        return {
          subject: `${pa} đã được tiếp nhận`,
          paragraphs: [`Phản ánh, kiến nghị của Ông/Bà đã được tiếp nhận và sẽ được chuyển đến cơ quan có thẩm quyền xử lý.`],
          lead: `${pa} đã được tiếp nhận.`,
          extra: [],
        };
      case 'feedback_accepted':
        return {
          subject: `${pa} đang được xử lý`,
          paragraphs: [`${agency} đã nhận xử lý phản ánh của Ông/Bà.`, ...(due ? [`Thời hạn trả lời: ${due}.`] : [])],
          lead: `${pa} đang được ${agency} xử lý.`,
          extra: dueExtra,
        };
      case 'feedback_info_requested':
        return {
          subject: `${pa}: đề nghị bổ sung thông tin`,
          paragraphs: [`${agency} đề nghị Ông/Bà bổ sung thông tin:\n  ${text}`, 'Thời gian xử lý tạm dừng cho đến khi Ông/Bà bổ sung thông tin.'],
          lead: `${pa} cần Ông/Bà bổ sung thông tin.`,
          extra: [`Nội dung: ${text}`],
        };
      case 'feedback_answered':
        return {
          subject: `${pa} đã có trả lời`,
          paragraphs: [`${agency} đã trả lời phản ánh của Ông/Bà:`, text, 'Nội dung trả lời đã được công bố công khai.'],
          lead: `${pa} đã có trả lời.`,
          extra: [],
        };
      case 'feedback_rejected':
        return {
          subject: `${pa} không được xử lý`,
          paragraphs: [`Phản ánh của Ông/Bà không được xử lý. Lý do: ${text}`],
          lead: `${pa} không được xử lý.`,
          extra: [`Lý do: ${text}`],
        };
      case 'feedback_merged':
        return {
          subject: `${pa} được gộp vào phản ánh ${c.intoCode}`,
          paragraphs: [
            `Phản ánh của Ông/Bà trùng nội dung với phản ánh ${c.intoCode} và đã được gộp vào phản ánh đó để xử lý chung. Kết quả trả lời được công bố tại phản ánh ${c.intoCode}.`,
          ],
          lead: `${pa} được gộp vào phản ánh ${c.intoCode} để xử lý chung.`,
          extra: [],
        };
      case 'feedback_reopened':
        return {
          subject: `${pa} được xử lý lại`,
          paragraphs: [
            `Theo đánh giá chưa hài lòng của Ông/Bà, phản ánh đã được chuyển lại ${agency} để xử lý lại.`,
            ...(due ? [`Thời hạn trả lời mới: ${due}.`] : []),
          ],
          lead: `${pa} được chuyển lại ${agency} để xử lý lại.`,
          extra: dueExtra,
        };
    }
  })();
  return compose(draft, {
    name: c.reporterName,
    facts: [`Mã phản ánh: ${c.code}`, `Nội dung: ${c.title}`, `Theo dõi phản ánh: ${c.url}`],
    link: c.url,
    linkLabel: 'Xem',
    signature: FEEDBACK_SIGNATURE,
  });
}

// ---- staff alerts (văn bản đến khẩn) --------------------------------------------------------------

export interface UrgentDocumentContext {
  /** "Hỏa tốc", "Thượng khẩn", … */
  urgencyName: string;
  /** What is asked of the person now: "vào sổ", "cho ý kiến chỉ đạo", "xử lý". */
  step: string;
  /** A secret document's number, sender and subject never leave the platform: the message only says one waits. */
  secret: boolean;
  notation: string | null;
  from: string | null;
  subject: string;
  /** The hour of a hỏa tốc hẹn giờ document. */
  urgentAt: Date | null;
  /** The staff pages, where the document is opened after signing in. */
  url: string;
}

/** The message to a staff member that an urgent incoming document waits for them (sent at once). */
export function renderUrgentDocumentAlert(c: UrgentDocumentContext): RenderedNotification {
  const what = c.secret ? `Văn bản mật ${c.urgencyName.toLocaleLowerCase('vi-VN')}` : `Văn bản ${c.urgencyName.toLocaleLowerCase('vi-VN')}`;
  const named = c.secret ? what : `${what} ${[c.notation, c.from && `của ${c.from}`].filter(Boolean).join(' ')}`.trim();
  const hour = c.urgentAt ? [`Hẹn giờ: ${messageDateTime(c.urgentAt)}.`] : [];
  return compose(
    {
      subject: `[${c.urgencyName.toLocaleUpperCase('vi-VN')}] ${named} cần ${c.step}`,
      paragraphs: [`${named} đã đến và cần Ông/Bà ${c.step} ngay.`, ...(c.secret ? [] : [`Trích yếu: ${c.subject}`]), ...hour],
      lead: `${named} cần ${c.step} ngay.`,
      extra: hour,
    },
    { name: null, facts: [`Đăng nhập hệ thống để xem: ${c.url}`], link: c.url, linkLabel: 'Xem', signature: 'Hệ thống quản lý văn bản và điều hành' },
  );
}
