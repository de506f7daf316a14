// Revenue, cost and margin by territory, vendor, model or customer for a month, with growth on the month before;
// or by where customers are controlled from (country or market), which is what a reseller reports to its vendors.
import type { LedgerDimension, LedgerRow, LedgerStore } from '../store/ports.ts';
import { formatMicros } from './money.ts';
import { monthRange } from './invoice.ts';

export const reportDimensions: Record<string, LedgerDimension> = {
  territory: 'customer_country',
  vendor: 'vendor',
  model: 'model',
  customer: 'org_id',
  region: 'region',
};

/** By each customer's controlling jurisdiction (its ownership looked through, as the policy sees it), not its address. */
export const controlDimensions = ['controlling_territory', 'market'] as const;
export const reportGroupings = Object.keys(reportDimensions).concat(controlDimensions) as [string, ...string[]];

/** An organisation's controlling country and market; `incorporatedIn` (its usage's country) serves for one no longer known. */
export type ControlOf = (orgId: string, incorporatedIn: string) => { country: string; market: string };

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

export async function marginReport(ledger: LedgerStore, month: string, by: string, controlOf?: ControlOf) {
  const byControl = (controlDimensions as readonly string[]).includes(by);
  const dims: LedgerDimension[] = byControl ? ['org_id', 'customer_country'] : [reportDimensions[by]!];
  const keyOf = (g: Record<string, string>) => {
    if (!byControl) return g[dims[0]!]!;
    const control = controlOf!(g.org_id!, g.customer_country!);
    return by === 'market' ? control.market : control.country;
  };
  const { from, to, previous } = monthRange(month);
  const prevRange = monthRange(previous);
  const [now, before] = await Promise.all([
    ledger.aggregate({ group_by: dims, from, to }).then((rows) => sumBy(rows, keyOf)),
    ledger.aggregate({ group_by: dims, from: prevRange.from, to: prevRange.to }).then((rows) => sumBy(rows, keyOf)),
  ]);
  const prior = new Map([...before].map(([key, r]) => [key, r.price_micros]));
  const pct = (num: bigint, den: bigint) => (den === 0n ? null : Number((num * 10_000n) / den) / 100);
  const rows: MarginRow[] = [...now].map(([key, r]) => {
    const prev = prior.get(key) ?? 0n;
    return {
      key,
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
  const prevTotal = [...before.values()].reduce((s, r) => s + r.price_micros, 0n);
  return {
    month,
    by,
    rows,
    total: {
      revenue_micros: revenue.toString(),
      cost_micros: cost.toString(),
      margin_micros: (revenue - cost).toString(),
      margin_pct: pct(revenue - cost, revenue),
      previous_revenue_micros: prevTotal.toString(),
      revenue_growth_pct: pct(revenue - prevTotal, prevTotal),
    },
  };
}

/** Ledger rows summed per report key (one ledger row per key unless several map to the same, as by control). */
function sumBy(
  rows: LedgerRow[],
  keyOf: (group: Record<string, string>) => string,
): Map<string, Pick<LedgerRow, 'requests' | 'price_micros' | 'cost_micros'>> {
  const sums = new Map<string, Pick<LedgerRow, 'requests' | 'price_micros' | 'cost_micros'>>();
  for (const r of rows) {
    const key = keyOf(r.group);
    const sum = sums.get(key);
    if (!sum) sums.set(key, { requests: r.requests, price_micros: r.price_micros, cost_micros: r.cost_micros });
    else {
      sum.requests += r.requests;
      sum.price_micros += r.price_micros;
      sum.cost_micros += r.cost_micros;
    }
  }
  return sums;
}

export function marginTable(report: Awaited<ReturnType<typeof marginReport>>, currency: string): string {
  const m = (v: string) => formatMicros(BigInt(v)).replace(/\.(\d{2})\d{4}$/, '.$1');
  const p = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(1)}%`);
  const header = [
    report.by.toUpperCase(),
    'REQUESTS',
    `REVENUE ${currency}`,
    `COST ${currency}`,
    `MARGIN ${currency}`,
    'MARGIN %',
    'GROWTH',
  ];
  const rows = report.rows.map((r) => [
    r.key || '(none)',
    String(r.requests),
    m(r.revenue_micros),
    m(r.cost_micros),
    m(r.margin_micros),
    p(r.margin_pct),
    p(r.revenue_growth_pct),
  ]);
  rows.push([
    'TOTAL',
    String(report.rows.reduce((s, r) => s + r.requests, 0)),
    m(report.total.revenue_micros),
    m(report.total.cost_micros),
    m(report.total.margin_micros),
    p(report.total.margin_pct),
    p(report.total.revenue_growth_pct),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `Margin by ${report.by}, ${report.month} (growth against the month before)`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}
