// Credit notes: the one way to correct an issued invoice (which never changes). A credit note names the invoice it
// corrects, credits an amount before tax (at most what is left of the invoice's subtotal after earlier credit notes)
// and the tax on it at the invoice's rate; crediting what is left credits exactly the tax that is left.
import type { Invoice, Party, TaxLine } from './invoice.ts';
import { minorDigits } from './money.ts';
import { taxOn } from './tax.ts';

export interface CreditNote {
  document_type: 'credit_note';
  /** CN-<year>-<sequence>: a sequence of its own. */
  credit_note_number: string;
  invoice_number: string;
  issue_date: string;
  issued_at: string;
  org_id: string;
  org_name: string;
  country: string;
  /** The month of the invoice credited. */
  month: string;
  currency: string;
  minor_unit_digits: number;
  seller: Party | null;
  buyer: Party;
  reason: string;
  lines: Array<{ description: string; amount_minor: string }>;
  /** Amounts credited, positive: before tax, tax, and in all. */
  subtotal_minor: string;
  tax: TaxLine[];
  tax_total_minor: string;
  total_minor: string;
  notes: string[];
}

/** What of the invoice's subtotal earlier credit notes have not credited yet (minor units). */
export function creditable(invoice: Invoice, previous: readonly CreditNote[]): bigint {
  return BigInt(invoice.subtotal_minor) - previous.reduce((s, c) => s + BigInt(c.subtotal_minor), 0n);
}

export function composeCreditNote(
  invoice: Invoice,
  previous: readonly CreditNote[],
  amount: bigint,
  reason: string,
  number: string,
  now: Date,
): CreditNote {
  const rest = amount === creditable(invoice, previous);
  const tax: TaxLine[] = invoice.tax.map((t) => {
    const credited = previous
      .flatMap((c) => c.tax)
      .filter((c) => c.rule === t.rule)
      .reduce((s, c) => s + BigInt(c.tax_minor), 0n);
    const due = rest ? BigInt(t.tax_minor) - credited : taxOn(amount, Math.round(Number(t.rate_pct) * 100));
    return { ...t, taxable_minor: amount.toString(), tax_minor: due.toString() };
  });
  const taxTotal = tax.reduce((s, t) => s + BigInt(t.tax_minor), 0n);
  return {
    document_type: 'credit_note',
    credit_note_number: number,
    invoice_number: invoice.invoice_number,
    issue_date: now.toISOString().slice(0, 10),
    issued_at: now.toISOString(),
    org_id: invoice.org_id,
    org_name: invoice.org_name,
    country: invoice.country,
    month: invoice.month,
    currency: invoice.currency,
    minor_unit_digits: minorDigits(invoice.currency),
    seller: invoice.seller,
    buyer: invoice.buyer,
    reason,
    lines: [
      {
        description: `Credit against invoice ${invoice.invoice_number} of ${invoice.issue_date} (${invoice.month}): ${reason}`,
        amount_minor: amount.toString(),
      },
    ],
    subtotal_minor: amount.toString(),
    tax,
    tax_total_minor: taxTotal.toString(),
    total_minor: (amount + taxTotal).toString(),
    notes: invoice.tax.flatMap((t) => (t.note ? [t.note] : [])),
  };
}
