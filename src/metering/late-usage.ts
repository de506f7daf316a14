// Late usage: what a month's ledger holds beyond what its issued invoice (and later invoices' late-usage lines)
// billed, model by model, to be billed on the next invoice issued; first absorbing any commitment shortfall that
// invoice billed, which was paid already.
import type { LedgerRow, LedgerStore } from '../store/ports.ts';
import { monthRange, type AdjustmentLine, type Invoice } from './invoice.ts';
import { toMinor } from './money.ts';

interface Billed {
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  amount: bigint;
}

/**
 * Usage of months before `month` whose invoices were issued, that no issued invoice has billed yet: the ledger of
 * each such month less its invoice's lines and the late-usage lines of invoices issued since, model by model.
 */
export async function lateUsage(
  issued: Invoice[],
  month: string,
  orgId: string,
  ledger: Pick<LedgerStore, 'aggregate'>,
  currency: string,
): Promise<AdjustmentLine[]> {
  const earlier = issued.filter((i) => i.month < month);
  if (earlier.length === 0) return [];
  const billed = new Map<string, Map<string, Billed>>();
  const absorbed = new Map<string, bigint>();
  const bill = (period: string, model: string, b: Billed) => {
    const byModel = billed.get(period) ?? billed.set(period, new Map()).get(period)!;
    const sum = byModel.get(model) ?? { requests: 0, prompt_tokens: 0, completion_tokens: 0, amount: 0n };
    byModel.set(model, {
      requests: sum.requests + b.requests,
      prompt_tokens: sum.prompt_tokens + b.prompt_tokens,
      completion_tokens: sum.completion_tokens + b.completion_tokens,
      amount: sum.amount + b.amount,
    });
  };
  for (const inv of issued) {
    for (const l of inv.lines) bill(inv.month, l.model, { ...l, amount: BigInt(l.amount_micros) });
    for (const a of inv.adjustments) {
      if (a.kind === 'late_usage') bill(a.period, a.model!, { ...a, amount: BigInt(a.amount_micros) });
      else absorbed.set(a.period, (absorbed.get(a.period) ?? 0n) - BigInt(a.amount_micros));
    }
  }
  const lines: AdjustmentLine[] = [];
  for (const inv of earlier) {
    const { from, to } = monthRange(inv.month);
    const rows = (await ledger.aggregate({ group_by: ['model'], from, to, org_id: orgId })).filter(
      (r) => r.price_micros > 0n || r.list_price_micros > 0n,
    );
    const was = billed.get(inv.month) ?? new Map<string, Billed>();
    const now = new Map<string, LedgerRow>(rows.map((r) => [r.group.model!, r]));
    let late = 0n;
    for (const model of [...new Set([...now.keys(), ...was.keys()])].sort()) {
      const r = now.get(model);
      const b = was.get(model) ?? { requests: 0, prompt_tokens: 0, completion_tokens: 0, amount: 0n };
      const amount = (r?.price_micros ?? 0n) - b.amount;
      const requests = (r?.requests ?? 0) - b.requests;
      if (amount === 0n && requests === 0) continue;
      late += amount;
      lines.push({
        kind: 'late_usage',
        period: inv.month,
        invoice_number: inv.invoice_number,
        model,
        requests,
        prompt_tokens: (r?.prompt_tokens ?? 0) - b.prompt_tokens,
        completion_tokens: (r?.completion_tokens ?? 0) - b.completion_tokens,
        amount_micros: amount.toString(),
        amount_minor: toMinor(amount, currency).toString(),
        description: `${model}: usage of ${inv.month} recorded after invoice ${inv.invoice_number} was issued (${requests} requests)`,
      });
    }
    // Late usage first fills the commitment that invoice billed as a shortfall: that much was paid already.
    const unabsorbed = BigInt(inv.commitment_shortfall_micros) - (absorbed.get(inv.month) ?? 0n);
    const offset = late > 0n ? (late < unabsorbed ? late : unabsorbed) : 0n;
    if (offset > 0n) {
      lines.push({
        kind: 'commitment_offset',
        period: inv.month,
        invoice_number: inv.invoice_number,
        model: null,
        requests: 0,
        prompt_tokens: 0,
        completion_tokens: 0,
        amount_micros: (-offset).toString(),
        amount_minor: toMinor(-offset, currency).toString(),
        description: `Less the committed spend of ${inv.month} already billed as a shortfall on invoice ${inv.invoice_number}`,
      });
    }
  }
  return lines;
}
