// Revenue, cost and margin by territory, vendor, model or customer for a month, with growth on the month before.
import type { LedgerDimension, LedgerStore } from '../store/ports.ts';
import { formatMicros } from './money.ts';
import { monthRange } from './invoice.ts';

export const reportDimensions: Record<string, LedgerDimension> = { territory: 'customer_country', vendor: 'vendor', model: 'model', customer: 'org_id', region: 'region' };

export interface MarginRow {
  key: string;
  requests: number;
  revenue_micros: string;
  cost_micros: string;
  margin_micros: string;
  margin_pct: number | null;
  previous_revenue_micros: string;
  revenue_growth_pct: number | null;
}

export async function marginReport(ledger: LedgerStore, month: string, by: keyof typeof reportDimensions) {
  const dim = reportDimensions[by]!;
  const { from, to, previous } = monthRange(month);
  const prevRange = monthRange(previous);
  const [now, before] = await Promise.all([
    ledger.aggregate({ group_by: [dim], from, to }),
    ledger.aggregate({ group_by: [dim], from: prevRange.from, to: prevRange.to }),
  ]);
  const prior = new Map(before.map((r) => [r.group[dim]!, r.price_micros]));
  const pct = (num: bigint, den: bigint) => (den === 0n ? null : Number((num * 10_000n) / den) / 100);
  const rows: MarginRow[] = now.map((r) => {
    const prev = prior.get(r.group[dim]!) ?? 0n;
    return {
      key: r.group[dim]!,
      requests: r.requests,
      revenue_micros: r.price_micros.toString(),
      cost_micros: r.cost_micros.toString(),
      margin_micros: (r.price_micros - r.cost_micros).toString(),
      margin_pct: pct(r.price_micros - r.cost_micros, r.price_micros),
      previous_revenue_micros: prev.toString(),
      revenue_growth_pct: pct(r.price_micros - prev, prev),
    };
  });
  rows.sort((a, b) => (BigInt(b.revenue_micros) > BigInt(a.revenue_micros) ? 1 : -1));
  const sum = (f: (r: MarginRow) => string) => rows.reduce((s, r) => s + BigInt(f(r)), 0n);
  const revenue = sum((r) => r.revenue_micros);
  const cost = sum((r) => r.cost_micros);
  const prevTotal = before.reduce((s, r) => s + r.price_micros, 0n);
  return {
    month,
    by,
    rows,
    total: { revenue_micros: revenue.toString(), cost_micros: cost.toString(), margin_micros: (revenue - cost).toString(), margin_pct: pct(revenue - cost, revenue), previous_revenue_micros: prevTotal.toString(), revenue_growth_pct: pct(revenue - prevTotal, prevTotal) },
  };
}

export function marginTable(report: Awaited<ReturnType<typeof marginReport>>, currency: string): string {
  const m = (v: string) => formatMicros(BigInt(v)).replace(/\.(\d{2})\d{4}$/, '.$1');
  const p = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(1)}%`);
  const header = [report.by.toUpperCase(), 'REQUESTS', `REVENUE ${currency}`, `COST ${currency}`, `MARGIN ${currency}`, 'MARGIN %', 'GROWTH'];
  const rows = report.rows.map((r) => [r.key || '(none)', String(r.requests), m(r.revenue_micros), m(r.cost_micros), m(r.margin_micros), p(r.margin_pct), p(r.revenue_growth_pct)]);
  rows.push(['TOTAL', String(report.rows.reduce((s, r) => s + r.requests, 0)), m(report.total.revenue_micros), m(report.total.cost_micros), m(report.total.margin_micros), p(report.total.margin_pct), p(report.total.revenue_growth_pct)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [`Margin by ${report.by}, ${report.month} (growth against the month before)`, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
