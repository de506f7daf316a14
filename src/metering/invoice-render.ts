// Invoices and credit notes as CSV and printable HTML. The HTML is what is sent: amounts in the currency's minor unit.
// The invoice CSV is the annex: every amount exact to the micro-unit, from the ledger's lines to the amount due.
import type { CreditNote } from './credit-note.ts';
import { monthRange, type Invoice, type Party, type TaxLine } from './invoice.ts';
import { formatMicros, formatMinor, microsPerMinor } from './money.ts';

const decimal = (micros: bigint) => formatMicros(micros).replace(/,/g, '');

/** The annex: amounts in currency units to six decimals (micro-units); the invoice's number and date on every row, after the rest. */
export function invoiceCsv(inv: Invoice): string {
  const rows = [
    [
      'line',
      'model',
      'requests',
      'prompt_tokens',
      'completion_tokens',
      'list_amount',
      'amount',
      'currency',
      'invoice_number',
      'issue_date',
    ],
  ];
  const tail = [inv.currency, inv.invoice_number, inv.issue_date];
  const perMinor = microsPerMinor(inv.currency);
  const row = (
    line: string,
    label: string,
    amount: bigint,
    u?: { requests: number; prompt_tokens: number; completion_tokens: number; list?: bigint },
  ) =>
    rows.push([
      line,
      label,
      u ? String(u.requests) : '',
      u ? String(u.prompt_tokens) : '',
      u ? String(u.completion_tokens) : '',
      u?.list !== undefined ? decimal(u.list) : '',
      decimal(amount),
      ...tail,
    ]);
  for (const l of inv.lines)
    row('usage', l.model, BigInt(l.amount_micros), { ...l, list: BigInt(l.list_amount_micros) });
  row('discount', '', -BigInt(inv.discount_micros));
  if (inv.commitment_shortfall_micros !== '0') row('commitment_shortfall', '', BigInt(inv.commitment_shortfall_micros));
  for (const a of inv.adjustments)
    row(
      a.kind,
      `${a.model ? `${a.model} ` : ''}(usage of ${a.period} after ${a.invoice_number})`,
      BigInt(a.amount_micros),
      a.model ? a : undefined,
    );
  row('total', '', BigInt(inv.total_micros));
  // From the exact total to what is due: the rounding to the minor unit, the tax, the amount due.
  row('rounding', '', BigInt(inv.rounding_micros));
  for (const t of inv.tax) row('tax', `${t.name} ${t.rate_pct}% ${t.treatment}`, BigInt(t.tax_minor) * perMinor);
  row('total_due', '', BigInt(inv.total_due_minor) * perMinor);
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

const STYLE = `body{font:14px system-ui,sans-serif;margin:2em;color:#111}table{border-collapse:collapse;width:100%}td,th{padding:6px 8px;border-bottom:1px solid #ddd;text-align:left}.n{text-align:right;font-variant-numeric:tabular-nums}tfoot td{font-weight:600}.parties{display:flex;gap:4em}.draft{border:2px solid #b00;color:#b00;padding:.5em 1em}@media print{body{margin:0}}`;

function party(title: string, p: Party | null, cls: string): string {
  if (!p) return `<div class="${cls}"><h2>${title}</h2><p><em>not configured</em></p></div>`;
  const lines = [`<strong>${esc(p.name)}</strong>`, ...p.address.map(esc), esc(p.country)];
  if (p.tax_id) lines.push(`Tax id <span class="tax-id">${esc(p.tax_id)}</span>`);
  if (p.company_number) lines.push(`Company number ${esc(p.company_number)}`);
  if (p.email) lines.push(esc(p.email));
  return `<div class="${cls}"><h2>${title}</h2><p>${lines.join('<br>')}</p></div>`;
}

const taxRows = (tax: TaxLine[], money: (m: string) => string) =>
  tax
    .map(
      (t) =>
        `<tr class="tax"><td colspan="6">${esc(t.name)} ${esc(t.rate_pct)}%${t.treatment === 'standard' ? '' : ` (${esc(t.treatment.replace('_', ' '))})`} on ${money(t.taxable_minor)}</td><td class="n">${money(t.tax_minor)}</td></tr>`,
    )
    .join('');

/** A printable page (print it to PDF from any browser): the invoice as it is sent, amounts in minor units. */
export function invoiceHtml(inv: Invoice): string {
  const money = (m: string) => esc(formatMinor(m, inv.currency));
  const { from, to } = monthRange(inv.month);
  const lastDay = new Date(Date.parse(to) - 86_400_000).toISOString().slice(0, 10);
  const lines = inv.lines
    .map(
      (l) =>
        `<tr><td>${esc(l.model)}</td><td class="n">${l.requests}</td><td class="n">${l.prompt_tokens}</td><td class="n">${l.completion_tokens}</td><td class="n">${money(l.list_amount_minor)}</td><td class="n">${money((BigInt(l.amount_minor) - BigInt(l.list_amount_minor)).toString())}</td><td class="n">${money(l.amount_minor)}</td></tr>`,
    )
    .join('');
  const adjustments = inv.adjustments
    .map(
      (a) =>
        `<tr class="adjustment"><td colspan="6">${esc(a.description)}</td><td class="n">${money(a.amount_minor)}</td></tr>`,
    )
    .join('');
  const banner =
    inv.status === 'provisional'
      ? '<p class="draft"><strong>Provisional:</strong> the month is not over; its amounts may still grow. This is a draft, not an invoice.</p>'
      : inv.draft
        ? '<p class="draft"><strong>Draft:</strong> not issued yet; its amounts follow the ledger until it is. This is not an invoice.</p>'
        : '';
  const warnings = inv.warnings.map((w) => `<p class="warning">${esc(w)}</p>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Invoice ${esc(inv.invoice_number)} ${esc(inv.org_name)} ${inv.month}</title><style>${STYLE}</style></head>
<body><h1>Invoice — ${esc(inv.month)}</h1>${banner}${warnings}
<p>Invoice number <strong class="invoice-number">${esc(inv.invoice_number)}</strong><br>Issue date <strong class="issue-date">${esc(inv.issue_date)}</strong><br>Due date <strong class="due-date">${esc(inv.due_date)}</strong> (${inv.payment_terms_days} days)<br>Period ${from.slice(0, 10)} to ${lastDay}${inv.purchase_order ? `<br>Purchase order ${esc(inv.purchase_order)}` : ''}</p>
<div class="parties">${party('From', inv.seller, 'seller')}${party('To', inv.buyer, 'buyer')}</div>
<p class="account">Customer account ${esc(inv.org_id)} (${esc(inv.org_name)}, ${esc(inv.country)})</p>
<table><thead><tr><th>Model</th><th class="n">Requests</th><th class="n">Input tokens</th><th class="n">Output tokens</th><th class="n">List amount</th><th class="n">Discount</th><th class="n">Amount</th></tr></thead><tbody>${lines}${adjustments}</tbody>
<tfoot>${inv.commitment_shortfall_minor !== '0' ? `<tr><td colspan="6">Committed spend shortfall</td><td class="n">${money(inv.commitment_shortfall_minor)}</td></tr>` : ''}
<tr class="rounding"><td colspan="6">Rounding to ${inv.minor_unit_digits === 0 ? 'whole units' : `${inv.minor_unit_digits} decimals`}</td><td class="n">${money(inv.rounding_minor)}</td></tr>
<tr><td colspan="6">Subtotal</td><td class="n">${money(inv.subtotal_minor)}</td></tr>${taxRows(inv.tax, money)}
<tr class="total-due"><td colspan="6">Total due</td><td class="n">${money(inv.total_due_minor)}</td></tr></tfoot></table>
${inv.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('')}${inv.payment_instructions ? `<p class="payment">${esc(inv.payment_instructions)}</p>` : ''}
<p class="annex">Exact amounts, to the micro-unit of the ledger: the annex (this invoice as CSV or JSON).</p></body></html>`;
}

export function creditNoteCsv(cn: CreditNote): string {
  const perMinor = microsPerMinor(cn.currency);
  const rows = [['line', 'description', 'amount', 'currency', 'credit_note_number', 'invoice_number', 'issue_date']];
  const tail = [cn.currency, cn.credit_note_number, cn.invoice_number, cn.issue_date];
  for (const l of cn.lines) rows.push(['credit', l.description, decimal(BigInt(l.amount_minor) * perMinor), ...tail]);
  for (const t of cn.tax)
    rows.push(['tax', `${t.name} ${t.rate_pct}% ${t.treatment}`, decimal(BigInt(t.tax_minor) * perMinor), ...tail]);
  rows.push(['total', '', decimal(BigInt(cn.total_minor) * perMinor), ...tail]);
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}

export function creditNoteHtml(cn: CreditNote): string {
  const money = (m: string) => esc(formatMinor(m, cn.currency));
  return `<!doctype html><html><head><meta charset="utf-8"><title>Credit note ${esc(cn.credit_note_number)} ${esc(cn.org_name)}</title><style>${STYLE}</style></head>
<body><h1>Credit note</h1>
<p>Credit note number <strong class="credit-note-number">${esc(cn.credit_note_number)}</strong><br>Issue date <strong class="issue-date">${esc(cn.issue_date)}</strong><br>Credits invoice <strong class="invoice-number">${esc(cn.invoice_number)}</strong> (${esc(cn.month)})</p>
<div class="parties">${party('From', cn.seller, 'seller')}${party('To', cn.buyer, 'buyer')}</div>
<table><thead><tr><th colspan="6">Description</th><th class="n">Amount</th></tr></thead><tbody>${cn.lines.map((l) => `<tr><td colspan="6">${esc(l.description)}</td><td class="n">${money(l.amount_minor)}</td></tr>`).join('')}</tbody>
<tfoot><tr><td colspan="6">Subtotal</td><td class="n">${money(cn.subtotal_minor)}</td></tr>${taxRows(cn.tax, money)}
<tr class="total"><td colspan="6">Total credited</td><td class="n">${money(cn.total_minor)}</td></tr></tfoot></table>
${cn.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('')}</body></html>`;
}
