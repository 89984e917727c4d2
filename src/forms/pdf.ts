// Printed one-stop forms (TT 03/2025/TT-VPCP Phụ lục I: Mẫu 01, 02, 03, 04, 05, 06) rendered as A4 PDFs.
import { FormWriter, type Rich, type Run } from './layout.ts';
import { count2, placeAndDate, vnDateTime, vnDateTimeShort } from './format.ts';
import type { ControlEntry, FormData, FormKind, FormSigner } from './types.ts';

/** Tên loại văn bản of each form. */
export const FORM_TITLES: Record<FormKind, string> = {
  receipt: 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ', // Mẫu 01
  supplement: 'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ', // Mẫu 02
  refusal: 'PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ', // Mẫu 03
  apology: 'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ', // Mẫu 04
  stop: 'THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ', // Mẫu 05
  control: 'PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ', // Mẫu 06
};

export const FORM_NUMBERS: Record<FormKind, string> = {
  receipt: '01',
  supplement: '02',
  refusal: '03',
  apology: '04',
  stop: '05',
  control: '06',
};

/** Kết quả giải quyết at each hand-over: trước hạn / đúng hạn / quá hạn. */
export const RESULT_LABELS: Record<NonNullable<ControlEntry['result']>, string> = {
  early: 'Trước hạn',
  on_time: 'Đúng hạn',
  late: 'Quá hạn',
};

const ONE_STOP = 'Bộ phận Tiếp nhận và Trả kết quả';
const SIGNER = { title: 'NGƯỜI TIẾP NHẬN', note: '(Ký và ghi rõ họ tên)' };

/** Mẫu 04 and 05 are signed by the head of the agency that handles the dossier. */
export const AGENCY_HEAD = { title: 'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ GIẢI QUYẾT HỒ SƠ', note: '(Ký, ghi rõ họ tên và đóng dấu)' };

const label = (name: string, value: string): Run[] => [{ text: `${name}: ` }, { text: value, style: 'bold' }];

/** What the top of an administrative document shows (Decree 30/2020 Phụ lục I). */
export interface HeaderInfo {
  /** Tên cơ quan chủ quản ('' when the issuing agency has none to name). */
  authority: string;
  /** Tên cơ quan, tổ chức ban hành. */
  unit: string;
  place: string;
  issuedAt: Date;
  /** Số, ký hiệu ("Số: 01/QĐ-UBND"), under the agency's name and level with the date line. */
  number?: string;
}

/** Quốc hiệu và tiêu ngữ, tên cơ quan, số và ký hiệu, địa danh và thời gian. */
export function nationalHeader(w: FormWriter, d: HeaderInfo): void {
  const left = w.contentLeft;
  const leftW = w.contentWidth * 0.45;
  const motto = 'Độc lập - Tự do - Hạnh phúc';
  w.columns([
    {
      x: left,
      width: leftW,
      draw: (x, width) => {
        if (d.authority) w.paragraph(d.authority.toUpperCase(), { x, width, size: 12, align: 'center' });
        w.paragraph(d.unit.toUpperCase(), { x, width, size: 12, style: 'bold', align: 'center' });
        w.rule(x + width / 2, width / 3);
      },
    },
    {
      x: left + leftW,
      width: w.contentWidth - leftW,
      draw: (x, width) => {
        w.paragraph('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { x, width, size: 12, style: 'bold', align: 'center' });
        w.paragraph(motto, { x, width, size: 13, style: 'bold', align: 'center' });
        w.rule(x + width / 2, w.textWidth(motto, 13, 'bold'));
      },
    },
  ]);
  w.gap(8);
  const rightX = w.contentLeft + leftW;
  const dateLine = { x: rightX, width: w.contentWidth - leftW, size: 13, style: 'italic', align: 'center', spaceAfter: 14 } as const;
  if (!d.number) {
    w.paragraph(placeAndDate(d.place, d.issuedAt), dateLine);
    return;
  }
  w.columns([
    { x: left, width: leftW, draw: (x, width) => w.paragraph(d.number!, { x, width, size: 13, align: 'center', spaceAfter: 14 }) },
    { x: rightX, width: dateLine.width, draw: () => w.paragraph(placeAndDate(d.place, d.issuedAt), dateLine) },
  ]);
}

/** The form's header: the national header, then tên loại and mã hồ sơ. */
function header(w: FormWriter, d: FormData): void {
  nationalHeader(w, d);
  w.paragraph(FORM_TITLES[d.kind], { size: 14, style: 'bold', align: 'center' });
  w.paragraph(label('Mã hồ sơ', d.dossierCode), { size: 13, align: 'center', spaceAfter: 10 });
}

function applicant(w: FormWriter, d: FormData): void {
  const a = d.applicant;
  w.paragraph(label('Ông/Bà', a.name));
  if (a.idNumber) w.paragraph(`Số định danh cá nhân/tổ chức: ${a.idNumber}`);
  if (a.address) w.paragraph(`Địa chỉ: ${a.address}`);
  const contact = [a.phone && `Số điện thoại: ${a.phone}`, a.email && `Email: ${a.email}`].filter(Boolean);
  if (contact.length) w.paragraph(contact.join('      '));
  w.paragraph(label('Nội dung yêu cầu giải quyết', d.procedureName), { spaceAfter: 4 });
}

/** Thành phần hồ sơ: STT, tên giấy tờ, số bản chính, số bản sao; electronic files and digitised papers are marked. */
function components(w: FormWriter, d: FormData, heading: string): void {
  w.paragraph(heading, { spaceAfter: 4 });
  const rows: Rich[][] = d.components.map((c, i) => [
    String(i + 1),
    c.digitised || c.electronic ? [{ text: `${c.name} ` }, { text: c.digitised ? '(đã số hóa)' : '(bản điện tử)', style: 'italic' }] : c.name,
    count2(c.originals),
    count2(c.copies),
  ]);
  w.table(
    [
      { header: 'STT', weight: 7, align: 'center' },
      { header: 'Tên giấy tờ', weight: 63 },
      { header: 'Bản chính', weight: 15, align: 'center' },
      { header: 'Bản sao', weight: 15, align: 'center' },
    ],
    rows,
  );
  w.gap(6);
}

/** Kính gửi the applicant, with their ID number, and what was received when (Mẫu 04, 05). */
function addressee(w: FormWriter, d: FormData): void {
  w.paragraph(label('Kính gửi', `Ông/Bà ${d.applicant.name}`), { align: 'center', spaceAfter: 6 });
  if (d.applicant.idNumber) w.paragraph(`Số định danh cá nhân/tổ chức: ${d.applicant.idNumber}`);
  w.paragraph(`Vào lúc ${vnDateTime(d.receivedAt)}, ${ONE_STOP} tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính “${d.procedureName}” của Ông/Bà.`);
}

/** A numbered list ("1. …", "2. …"); `indent` moves the whole list right. */
function numbered(w: FormWriter, items: string[] | undefined, indent = 0): void {
  const x = w.contentLeft + indent;
  (items?.length ? items : ['…']).forEach((item, i) => {
    w.paragraph(`${i + 1}. ${item}`, { x, width: w.contentWidth - indent, indent: -16 });
  });
}

/** Chữ ký: one block per signer, side by side; a single signer sits on the right half. */
function signatures(w: FormWriter, signers: FormSigner[]): void {
  const blockH = 13 * 1.3 * 3 + 70;
  w.ensure(blockH + 10);
  w.gap(10);
  const half = w.contentWidth / 2;
  const slots = signers.length === 1 ? [w.contentLeft + half] : signers.map((_, i) => w.contentLeft + i * half);
  w.columns(
    signers.map((s, i) => ({
      x: slots[i],
      width: half,
      draw: (x, width) => {
        w.paragraph(s.title, { x, width, style: 'bold', align: 'center' });
        w.paragraph(s.note, { x, width, style: 'italic', align: 'center' });
        w.gap(70);
        w.paragraph(s.name, { x, width, style: 'bold', align: 'center' });
      },
    })),
  );
}

/** Nội dung of each form (TT 03/2025 Phụ lục I wording, shortened where the data has no field). */
const BODIES: Record<FormKind, (w: FormWriter, d: FormData) => void> = {
  receipt(w, d) {
    w.paragraph(`${ONE_STOP} tiếp nhận hồ sơ của:`);
    applicant(w, d);
    components(w, d, '1. Thành phần hồ sơ nộp gồm:');
    const items: (string | Run[])[] = ['Số lượng hồ sơ: 01 (bộ).'];
    if (d.processingTime) items.push(`Thời gian giải quyết hồ sơ theo quy định: ${d.processingTime}.`);
    items.push(`Thời gian nhận hồ sơ: ${vnDateTime(d.receivedAt)}.`);
    if (d.dueAt) items.push(label('Thời gian trả kết quả giải quyết hồ sơ', `${vnDateTime(d.dueAt)}.`));
    if (d.resultPlace) items.push(`Nơi trả kết quả: ${d.resultPlace}.`);
    if (d.bookNumber) items.push(label('Vào Sổ theo dõi hồ sơ, số', d.bookNumber));
    items.forEach((item, i) => {
      w.paragraph(typeof item === 'string' ? `${i + 2}. ${item}` : [{ text: `${i + 2}. ` }, ...item]);
    });
    if (d.chainHead) {
      // The citizen keeps this: a later rewrite of the dossier's history cannot reproduce it.
      w.paragraph([{ text: 'Mã kiểm chứng lịch sử hồ sơ (SHA-256): ', style: 'italic' }, { text: d.chainHead }], { size: 10 });
    }
  },
  supplement(w, d) {
    w.paragraph(`${ONE_STOP} tiếp nhận hồ sơ của:`);
    applicant(w, d);
    w.paragraph(`Thời gian nhận hồ sơ: ${vnDateTime(d.receivedAt)}.`, { spaceAfter: 4 });
    components(w, d, 'Thành phần hồ sơ đã nộp:');
    w.paragraph('Yêu cầu Ông/Bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:');
    numbered(w, d.reasons);
    if (d.extraDocuments?.length) {
      w.paragraph('Giấy tờ cần nộp bổ sung (ngoài thành phần hồ sơ của thủ tục):');
      numbered(w, d.extraDocuments);
    }
    const who = d.contact ? `${d.contact.name}${d.contact.phone ? `, số điện thoại ${d.contact.phone}` : ''}` : 'người tiếp nhận hồ sơ';
    w.paragraph(`Trong quá trình bổ sung, hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với ${who} để được hướng dẫn.`, { spaceAfter: 4 });
  },
  refusal(w, d) {
    w.paragraph(`${ONE_STOP} tiếp nhận hồ sơ của:`);
    applicant(w, d);
    w.paragraph(`Thời gian nhận hồ sơ: ${vnDateTime(d.receivedAt)}.`, { spaceAfter: 4 });
    components(w, d, 'Thành phần hồ sơ đã nộp:');
    w.paragraph('Qua xem xét, cơ quan, đơn vị từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:');
    numbered(w, d.reasons);
    w.paragraph('Xin trân trọng thông báo!', { spaceAfter: 4 });
  },
  apology(w, d) {
    addressee(w, d);
    if (d.dueAt) w.paragraph(`Thời gian hẹn trả kết quả giải quyết hồ sơ: ${vnDateTime(d.dueAt)}.`);
    w.paragraph('Tuy nhiên đến nay, cơ quan, đơn vị giải quyết hồ sơ chưa trả kết quả giải quyết hồ sơ cho Ông/Bà đúng thời hạn. Lý do:');
    numbered(w, d.reasons);
    w.paragraph(
      'Sự chậm trễ này đã gây phiền hà cho Ông/Bà. Cơ quan, đơn vị trân trọng xin lỗi Ông/Bà' +
        (d.newDueAt ? ' và hẹn lại thời gian trả kết quả giải quyết hồ sơ như sau:' : '.'),
    );
    if (d.newDueAt) w.paragraph(label('Thời gian hẹn trả kết quả mới', `${vnDateTime(d.newDueAt)}.`));
    w.paragraph('Xin trân trọng cảm ơn!', { spaceAfter: 4 });
  },
  stop(w, d) {
    addressee(w, d);
    w.paragraph(`Cơ quan, đơn vị giải quyết hồ sơ thông báo dừng giải quyết hồ sơ của Ông/Bà từ ${vnDateTime(d.issuedAt)}. Lý do:`);
    numbered(w, d.reasons);
    w.paragraph('Ông/Bà có thể liên hệ Bộ phận Tiếp nhận và Trả kết quả để nhận lại hồ sơ và được hướng dẫn.');
    w.paragraph('Xin trân trọng thông báo!', { spaceAfter: 4 });
  },
  control(w, d) {
    applicant(w, d);
    w.paragraph(`Thời gian nhận hồ sơ: ${vnDateTime(d.receivedAt)}.`);
    if (d.dueAt) w.paragraph(label('Thời gian trả kết quả giải quyết hồ sơ', `${vnDateTime(d.dueAt)}.`));
    w.gap(6);
    const rows: Rich[][] = (d.entries ?? []).map((e, i) => [
      String(i + 1),
      e.from,
      e.to,
      vnDateTimeShort(e.at),
      e.result ? RESULT_LABELS[e.result] : '',
      [e.action, e.note].filter(Boolean).join('. '),
    ]);
    w.table(
      [
        { header: 'STT', weight: 7, align: 'center' },
        { header: 'Tên cơ quan / Bên giao', weight: 23 },
        { header: 'Bên nhận', weight: 22 },
        { header: 'Thời gian giao, nhận hồ sơ', weight: 17 },
        { header: 'Kết quả (Trước hạn/ Đúng hạn/ Quá hạn)', weight: 14, align: 'center' },
        { header: 'Ghi chú', weight: 17 },
      ],
      rows,
      11,
    );
  },
};

/** Renders one printed one-stop form as an A4 PDF with embedded Vietnamese fonts and a lookup QR code. */
export async function renderForm(data: FormData): Promise<Uint8Array> {
  const w = await FormWriter.create({
    title: `Mẫu ${FORM_NUMBERS[data.kind]}: ${FORM_TITLES[data.kind]}`,
    subject: data.dossierCode,
    createdAt: data.issuedAt,
  });
  header(w, data);
  BODIES[data.kind](w, data);
  const signers = [data.signer ?? { ...SIGNER, name: data.officerName }];
  if (data.kind === 'receipt') signers.unshift({ title: 'NGƯỜI NỘP HỒ SƠ', note: SIGNER.note, name: data.applicant.name });
  signatures(w, signers);
  return w.finish(data.lookupUrl, 'Tra cứu hồ sơ');
}
