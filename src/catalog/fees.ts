// Fees as charged (phí, lệ phí): what a dossier owes from its procedure's fee items and the applicant's form. Pure, so
// that payments (the obligation), the API and the web app's submission form compute the same amount.
import type { FeeItem } from './types.ts';

/** One line of what is owed; a fee per unit keeps its unit price and how many were asked for (02 bản × 8.000 đồng). */
export interface FeeLine {
  kind: string;
  name: string;
  amount: number;
  quantity?: number;
  unit?: string;
  unitAmount?: number;
}

/**
 * The fees a dossier owes as charged: a fee per unit times the number the applicant asked for in the form. Null when
 * some amount is "theo quy định" (or the number is missing) and an officer must set it.
 */
export function fixedFees(fees: FeeItem[], formData: Record<string, unknown>): { items: FeeLine[]; total: number } | null {
  const items: FeeLine[] = [];
  for (const f of fees) {
    if (f.amount === null) return null;
    if (!f.per) {
      if (f.amount > 0) items.push({ kind: f.kind, name: f.name, amount: f.amount });
      continue;
    }
    const quantity = formData[f.per.field];
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 0) return null;
    if (f.amount * quantity > 0) items.push({ kind: f.kind, name: f.name, amount: f.amount * quantity, quantity, unit: f.per.unit, unitAmount: f.amount });
  }
  return { items, total: items.reduce((s, f) => s + f.amount, 0) };
}
