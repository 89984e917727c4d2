// Phí, lệ phí as the citizen will be charged them, from the moment they fill the form: a fee per copy times the
// copies asked for (the same computation the server charges with), payable once the desk receives the dossier.
import type { FeeItem } from '../api.ts';
import { fixedFees, type FeeLine } from '../../../src/catalog/fees.ts';
import { formatMoney } from '../format.ts';

export type FeesDue = ReturnType<typeof fixedFees>;
export { fixedFees };

/** Mức thu: "8.000 đồng/bản" for a fee per unit. */
export const feeRate = (f: FeeItem) => `${formatMoney(f.amount)}${f.per && f.amount ? `/${f.per.unit}` : ''}`;

const lineText = (l: FeeLine) =>
  l.quantity !== undefined ? `${l.name}: ${String(l.quantity).padStart(2, '0')} ${l.unit} × ${formatMoney(l.unitAmount!)}` : l.name;

/** "Phải nộp 16.000 đồng khi hồ sơ được tiếp nhận" with what it is made of; a fee set case by case says so. */
export function FeesDueNotice({ due }: { due: FeesDue }) {
  if (!due) return <p className="fees-due">Phí, lệ phí theo quy định: cơ quan giải quyết sẽ thông báo số tiền phải nộp khi tiếp nhận hồ sơ.</p>;
  if (due.total === 0) return <p className="fees-due">Hồ sơ không phải nộp phí, lệ phí.</p>;
  return (
    <div className="fees-due">
      <p>
        Phải nộp <strong>{formatMoney(due.total)}</strong> khi hồ sơ được tiếp nhận.
      </p>
      <ul className="small">
        {due.items.map((l, i) => (
          <li key={i}>
            {lineText(l)}: {formatMoney(l.amount)}
          </li>
        ))}
      </ul>
    </div>
  );
}
