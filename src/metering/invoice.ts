// Monthly invoices from the ledger: a line per model, discounts, any shortfall against committed spend.
// The total before commitments is the ledger's sum for the month, to the micro-unit, by construction.
// An invoice is numbered per organisation and month (the same number however often it is rendered) and issued
// the day after its month ends; one for a month not yet over is provisional, dated the day it is rendered.
import type { LedgerStore, Org } from '../store/ports.ts';
import { formatMicros } from './money.ts';
import type { PriceOverride } from './pricebook.ts';

export interface InvoiceLine {
  model: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  list_amount_micros: string;
  amount_micros: string;
}

export interface Invoice {
  /** INV-<YYYYMM>-<org id>: one per organisation and month. */
  invoice_number: string;
  /** YYYY-MM-DD: the first day after the month; today while the month is not over. */
  issue_date: string;
  /** provisional while the month is not over (its amounts may still grow), final after. */
  status: 'final' | 'provisional';
  org_id: string;
  org_name: string;
  country: string;
  month: string;
  currency: string;
  lines: InvoiceLine[];
  gross_micros: string;
  discount_micros: string;
  usage_total_micros: string;
  commitment_shortfall_micros: string;
  total_micros: string;
}

export function monthRange(month: string): { from: string; to: string; previous: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const from = new Date(Date.UTC(y, m - 1, 1));
  const to = new Date(Date.UTC(y, m, 1));
  const prev = new Date(Date.UTC(y, m - 2, 1));
  return { from: from.toISOString(), to: to.toISOString(), previous: prev.toISOString().slice(0, 7) };
}

export async function buildInvoice(ledger: LedgerStore, org: Org, month: string, currency: string, override: PriceOverride | undefined, now = new Date()): Promise<Invoice> {
  const { from, to } = monthRange(month);
  const final = now.toISOString() >= to;
  const rows = await ledger.aggregate({ group_by: ['model'], from, to, org_id: org.id });
  const billable = rows.filter((r) => r.price_micros > 0n || r.list_price_micros > 0n);
  const gross = billable.reduce((s, r) => s + r.list_price_micros, 0n);
  const net = billable.reduce((s, r) => s + r.price_micros, 0n);
  const committed = override?.committed_monthly ?? 0n;
  const shortfall = committed > net ? committed - net : 0n;
  return {
    invoice_number: `INV-${month.replace('-', '')}-${org.id}`,
    issue_date: (final ? to : now.toISOString()).slice(0, 10),
    status: final ? 'final' : 'provisional',
    org_id: org.id,
    org_name: org.name,
    country: org.country,
    month,
    currency,
    lines: billable.map((r) => ({
      model: r.group.model!,
      requests: r.requests,
      prompt_tokens: r.prompt_tokens,
      completion_tokens: r.completion_tokens,
      list_amount_micros: r.list_price_micros.toString(),
      amount_micros: r.price_micros.toString(),
    })),
    gross_micros: gross.toString(),
    discount_micros: (gross - net).toString(),
    usage_total_micros: net.toString(),
    commitment_shortfall_micros: shortfall.toString(),
    total_micros: (net + shortfall).toString(),
  };
}

export function invoiceCsv(inv: Invoice): string {
  // Amounts in currency units (the currency column); the invoice's number and date on every row, after the rest.
  const rows = [['line', 'model', 'requests', 'prompt_tokens', 'completion_tokens', 'list_amount', 'amount', 'currency', 'invoice_number', 'issue_date']];
  const tail = [inv.currency, inv.invoice_number, inv.issue_date];
  for (const l of inv.lines) rows.push(['usage', l.model, String(l.requests), String(l.prompt_tokens), String(l.completion_tokens), formatMicros(BigInt(l.list_amount_micros)).replace(/,/g, ''), formatMicros(BigInt(l.amount_micros)).replace(/,/g, ''), ...tail]);
  rows.push(['discount', '', '', '', '', '', formatMicros(-BigInt(inv.discount_micros)).replace(/,/g, ''), ...tail]);
  if (inv.commitment_shortfall_micros !== '0') rows.push(['commitment_shortfall', '', '', '', '', '', formatMicros(BigInt(inv.commitment_shortfall_micros)).replace(/,/g, ''), ...tail]);
  rows.push(['total', '', '', '', '', '', formatMicros(BigInt(inv.total_micros)).replace(/,/g, ''), ...tail]);
  return `${rows.map((r) => r.join(',')).join('\n')}\n`;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A printable page (print it to PDF from any browser). */
export function invoiceHtml(inv: Invoice): string {
  const money = (m: string) => esc(formatMicros(BigInt(m), inv.currency));
  const lines = inv.lines
    .map((l) => `<tr><td>${esc(l.model)}</td><td class="n">${l.requests}</td><td class="n">${l.prompt_tokens}</td><td class="n">${l.completion_tokens}</td><td class="n">${money(l.list_amount_micros)}</td><td class="n">${money(l.amount_micros)}</td></tr>`)
    .join('');
  const { from, to } = monthRange(inv.month);
  const lastDay = new Date(Date.parse(to) - 86_400_000).toISOString().slice(0, 10);
  return `<!doctype html><html><head><meta charset="utf-8"><title>Invoice ${esc(inv.invoice_number)} ${esc(inv.org_name)} ${inv.month}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#111}table{border-collapse:collapse;width:100%}td,th{padding:6px 8px;border-bottom:1px solid #ddd;text-align:left}.n{text-align:right;font-variant-numeric:tabular-nums}tfoot td{font-weight:600}@media print{body{margin:0}}</style></head>
<body><h1>Invoice — ${esc(inv.month)}</h1>${inv.status === 'provisional' ? '<p><strong>Provisional:</strong> the month is not over; its amounts may still grow.</p>' : ''}
<p>Invoice number <strong class="invoice-number">${esc(inv.invoice_number)}</strong><br>Issue date <strong class="issue-date">${esc(inv.issue_date)}</strong><br>Period ${from.slice(0, 10)} to ${lastDay}</p>
<p>${esc(inv.org_name)} (${esc(inv.org_id)}), ${esc(inv.country)}</p>
<table><thead><tr><th>Model</th><th class="n">Requests</th><th class="n">Input tokens</th><th class="n">Output tokens</th><th class="n">List amount</th><th class="n">Amount</th></tr></thead><tbody>${lines}</tbody>
<tfoot><tr><td colspan="5">Discounts</td><td class="n">-${money(inv.discount_micros)}</td></tr>
${inv.commitment_shortfall_micros !== '0' ? `<tr><td colspan="5">Committed spend shortfall</td><td class="n">${money(inv.commitment_shortfall_micros)}</td></tr>` : ''}
<tr><td colspan="5">Total</td><td class="n">${money(inv.total_micros)}</td></tr></tfoot></table></body></html>`;
}
