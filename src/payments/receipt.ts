// The electronic receipt (biên lai thu phí, lệ phí) of a settled payment, as an A4 PDF drawn with the printed forms'
// writer (embedded Liberation Serif, the lookup QR code at the foot of the page), with its mẫu số, ký hiệu and số,
// signed with the collecting agency's seal.
import type { Queryable } from '../db/index.ts';
import { getAgencyRow } from '../agencies/service.ts';
import { getDossier, type Who } from '../dossiers/service.ts';
import { FormWriter } from '../forms/layout.ts';
import { placeAndDate, vnDateTime } from '../forms/format.ts';
import { conflict } from '../shared/errors.ts';
import { sealDocument, type SigningProvider } from '../signing/service.ts';
import { getPayment, listRefunds } from './service.ts';
import type { FeeLine } from '../catalog/fees.ts';
import { amountInFigures, amountInWords } from './words.ts';

const TITLE = 'BIÊN LAI THU PHÍ, LỆ PHÍ';
const KIND_NAMES: Record<string, string> = { fee: 'Phí', charge: 'Lệ phí', obligation: 'Nghĩa vụ tài chính' };

/** "Phí: Phí cấp bản sao Trích lục hộ tịch (02 bản × 8.000 đồng)". */
export function feeLineText(item: FeeLine): string {
  const per = item.quantity !== undefined ? ` (${String(item.quantity).padStart(2, '0')} ${item.unit} × ${item.unitAmount!.toLocaleString('vi-VN')} đồng)` : '';
  return `${KIND_NAMES[item.kind] ?? ''}: ${item.name}${per}`;
}

export async function renderReceipt(db: Queryable, provider: SigningProvider, by: Who, paymentId: string, publicUrl: string): Promise<Buffer> {
  const payment = await getPayment(db, by, paymentId);
  if (payment.status !== 'paid' || !payment.paidAt || !payment.receiptNo)
    throw conflict('NOT_PAID', 'Khoản phí, lệ phí này chưa được thanh toán nên chưa có biên lai.');
  const dossier = await getDossier(db, by, payment.dossierId);
  const refunds = await listRefunds(db, by, paymentId);
  const collector = (await getAgencyRow(db, dossier.receivingAgencyId))!;
  const authority: string = collector.name;
  const paidAt = new Date(payment.paidAt);

  const w = await FormWriter.create({ title: `${TITLE} số ${payment.receiptNo}`, subject: dossier.code, createdAt: paidAt });
  const half = w.contentWidth * 0.45;
  w.columns([
    {
      x: w.contentLeft,
      width: half,
      draw: (x, width) => {
        w.paragraph(authority.toUpperCase(), { x, width, size: 12, style: 'bold', align: 'center' });
        w.paragraph('Bộ phận Tiếp nhận và Trả kết quả', { x, width, size: 12, align: 'center' });
      },
    },
    {
      x: w.contentLeft + half,
      width: w.contentWidth - half,
      draw: (x, width) => {
        w.paragraph('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { x, width, size: 12, style: 'bold', align: 'center' });
        w.paragraph('Độc lập - Tự do - Hạnh phúc', { x, width, size: 13, style: 'bold', align: 'center' });
      },
    },
  ]);
  w.gap(12);
  if (payment.receiptForm) {
    const right = { x: w.contentLeft + w.contentWidth * 0.6, width: w.contentWidth * 0.4, size: 12 } as const;
    w.paragraph(`Mẫu số: ${payment.receiptForm}`, right);
    w.paragraph(`Ký hiệu: ${payment.receiptSeries}`, right);
  }
  w.paragraph(TITLE, { size: 15, style: 'bold', align: 'center' });
  w.paragraph('(Biên lai điện tử)', { style: 'italic', align: 'center' });
  w.paragraph([{ text: 'Số: ' }, { text: payment.receiptNo, style: 'bold' }], { align: 'center', spaceAfter: 10 });

  w.paragraph([{ text: 'Tên người nộp: ' }, { text: dossier.applicant.name, style: 'bold' }]);
  w.paragraph(dossier.applicant.taxCode ? `Mã số thuế: ${dossier.applicant.taxCode}` : `Số định danh cá nhân: ${dossier.applicant.idNumber}`);
  w.paragraph([{ text: 'Mã hồ sơ: ' }, { text: dossier.code, style: 'bold' }]);
  w.paragraph(`Thủ tục: ${dossier.procedure.name}`, { spaceAfter: 6 });
  w.table(
    [
      { header: 'STT', weight: 8, align: 'center' },
      { header: 'Nội dung thu', weight: 62 },
      { header: 'Số tiền (đồng)', weight: 30, align: 'center' },
    ],
    [
      ...payment.items.map((item, i) => [String(i + 1), feeLineText(item), item.amount.toLocaleString('vi-VN')]),
      ['', [{ text: 'Tổng cộng', style: 'bold' as const }], [{ text: payment.amount.toLocaleString('vi-VN'), style: 'bold' as const }]],
    ],
  );
  w.gap(6);
  w.paragraph([{ text: 'Tổng số tiền: ' }, { text: amountInFigures(payment.amount), style: 'bold' }]);
  w.paragraph([{ text: 'Số tiền viết bằng chữ: ' }, { text: `${amountInWords(payment.amount)}.`, style: 'italic' }]);
  w.paragraph(`Hình thức thanh toán: ${payment.methodName ?? ''}${payment.providerRef ? ` — mã giao dịch ${payment.providerRef}` : ''}.`);
  w.paragraph(`Thời gian thanh toán: ${vnDateTime(paidAt)}.`);
  for (const r of refunds) {
    w.paragraph(`Đã hoàn trả ${amountInFigures(r.amount)} (${amountInWords(r.amount).toLowerCase()}) lúc ${vnDateTime(new Date(r.at))}. Lý do: ${r.reason}`);
  }
  w.gap(10);
  const right = w.contentLeft + w.contentWidth / 2;
  w.paragraph(placeAndDate('Cần Thơ', paidAt), { x: right, width: w.contentWidth / 2, style: 'italic', align: 'center' });
  w.paragraph('ĐƠN VỊ THU', { x: right, width: w.contentWidth / 2, style: 'bold', align: 'center' });
  w.paragraph(`(Đã ký số: ${authority})`, { x: right, width: w.contentWidth / 2, size: 11, style: 'italic', align: 'center' });
  const pdf = await w.finish(`${publicUrl}/tra-cuu/${encodeURIComponent(dossier.code)}`, 'Tra cứu hồ sơ');
  return sealDocument(db, provider, { agencyId: collector.id, agencyCode: collector.code, agencyName: authority }, pdf, {
    reason: `Bien lai thu phi, le phi so ${payment.receiptNo}`,
    location: 'Cần Thơ',
  });
}
