// Monthly invoices from the ledger: a line per model, discounts, any shortfall against committed spend, usage of
// earlier months recorded after their invoices were issued; then the face a finance team sends: amounts rounded to
// the currency's minor unit (the rounding a line of its own), tax by the customer's country, seller and buyer with
// their tax ids, a due date. The exact amounts stay beside them in micro-units (`*_micros`, and the CSV annex):
// total_micros is the ledger's sum for the month (plus shortfall and late usage), to the micro-unit, by construction.
//
// Until issued, an invoice is a draft rebuilt from the ledger on every request, numbered INV-<YYYYMM>-<org id> (a
// reference, not a number of the sequence): provisional while its month is under way, final once it is over. Issued
// (invoicing.ts), it gets the next number of the operator's sequence (INV-2026-000001) and is stored as it was issued.
import type { LedgerRow, Org } from '../store/ports.ts';
import { microsPerMinor, minorDigits, toMinor } from './money.ts';
import type { PriceOverride } from './pricebook.ts';
import { percentText, taxOn, taxRateOf, taxRuleFor, type InvoicingConfig, type TaxTreatment } from './tax.ts';

/** Seller or buyer as the invoice names them. */
export interface Party {
  name: string;
  address: string[];
  country: string;
  tax_id: string | null;
  email: string | null;
  company_number?: string | null;
}

export interface InvoiceLine {
  model: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  list_amount_micros: string;
  amount_micros: string;
  /** The amounts above rounded to the currency's minor unit (cents), as the invoice shows them. */
  list_amount_minor: string;
  amount_minor: string;
}

/** Usage of an earlier month recorded after that month's invoice was issued, billed here; or the commitment it absorbs. */
export interface AdjustmentLine {
  kind: 'late_usage' | 'commitment_offset';
  /** The month the usage belongs to, and the invoice that did not include it. */
  period: string;
  invoice_number: string;
  model: string | null;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  amount_micros: string;
  amount_minor: string;
  description: string;
}

export interface TaxLine {
  /** The rule of invoicing.taxes that applies (its id). */
  rule: string;
  name: string;
  treatment: TaxTreatment;
  rate_pct: string;
  taxable_minor: string;
  tax_minor: string;
  note: string | null;
}

export interface Invoice {
  document_type: 'invoice';
  /** Issued: INV-<year>-<sequence>, one sequence for the operator. A draft: INV-<YYYYMM>-<org id>, a reference only. */
  invoice_number: string;
  /** YYYY-MM-DD. Issued: the day it was issued. A draft: the day after its month, or today while the month is under way. */
  issue_date: string;
  /** provisional: a draft of a month under way; final: a draft of a month that is over; issued: numbered and stored. */
  status: 'provisional' | 'final' | 'issued';
  draft: boolean;
  issued_at: string | null;
  due_date: string;
  org_id: string;
  org_name: string;
  country: string;
  month: string;
  /** First and last day of the month billed. */
  period: { from: string; to: string };
  currency: string;
  /** Decimals of the currency's minor unit: `*_minor` amounts are whole minor units (cents for USD). */
  minor_unit_digits: number;
  seller: Party | null;
  buyer: Party;
  purchase_order: string | null;
  lines: InvoiceLine[];
  adjustments: AdjustmentLine[];
  gross_micros: string;
  discount_micros: string;
  usage_total_micros: string;
  commitment_shortfall_micros: string;
  late_usage_micros: string;
  /** Usage, shortfall and late usage, exact: what the invoice bills before rounding and tax. */
  total_micros: string;
  commitment_shortfall_minor: string;
  /** What makes the rounded lines add up to the subtotal. */
  rounding_minor: string;
  /** The subtotal less total_micros: what rounding to the minor unit added (or took off), exactly. */
  rounding_micros: string;
  /** total_micros rounded to the minor unit: what tax is charged on. */
  subtotal_minor: string;
  tax: TaxLine[];
  tax_total_minor: string;
  total_due_minor: string;
  payment_terms_days: number;
  payment_instructions: string | null;
  notes: string[];
  /** A draft's problems that stop it being issued (no seller configured, no tax rule for the customer). */
  warnings: string[];
}

/** A customer's billing details (PUT /admin/v1/orgs/{id}/billing). */
export interface BillingProfile {
  legal_name?: string;
  address?: string[];
  tax_id?: string | null;
  email?: string;
  purchase_order?: string;
  payment_terms_days?: number;
}

export function monthRange(month: string): { from: string; to: string; previous: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const from = new Date(Date.UTC(y, m - 1, 1));
  const to = new Date(Date.UTC(y, m, 1));
  const prev = new Date(Date.UTC(y, m - 2, 1));
  return { from: from.toISOString(), to: to.toISOString(), previous: prev.toISOString().slice(0, 7) };
}

export const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** What goes into an invoice: the month's ledger rows by model, and what was decided around them. */
export interface InvoiceInputs {
  org: Org;
  month: string;
  currency: string;
  override: PriceOverride | undefined;
  /** The month's ledger, grouped by model. */
  rows: LedgerRow[];
  adjustments: AdjustmentLine[];
  profile: BillingProfile | undefined;
  invoicing: InvoicingConfig;
  now: Date;
  /** Set when the invoice is being issued: its number. */
  number?: string;
}

export function composeInvoice(x: InvoiceInputs): Invoice {
  const { org, month, currency } = x;
  const { from, to } = monthRange(month);
  const over = x.now.toISOString() >= to;
  const minor = (micros: bigint) => toMinor(micros, currency);
  const billable = x.rows.filter((r) => r.price_micros > 0n || r.list_price_micros > 0n);
  const gross = billable.reduce((s, r) => s + r.list_price_micros, 0n);
  const net = billable.reduce((s, r) => s + r.price_micros, 0n);
  const committed = x.override?.committed_monthly ?? 0n;
  const shortfall = committed > net ? committed - net : 0n;
  const late = x.adjustments.reduce((s, a) => s + BigInt(a.amount_micros), 0n);
  const total = net + shortfall + late;
  const lines: InvoiceLine[] = billable.map((r) => ({
    model: r.group.model!,
    requests: r.requests,
    prompt_tokens: r.prompt_tokens,
    completion_tokens: r.completion_tokens,
    list_amount_micros: r.list_price_micros.toString(),
    amount_micros: r.price_micros.toString(),
    list_amount_minor: minor(r.list_price_micros).toString(),
    amount_minor: minor(r.price_micros).toString(),
  }));
  const subtotal = minor(total);
  const items =
    lines.reduce((s, l) => s + BigInt(l.amount_minor), 0n) +
    minor(shortfall) +
    x.adjustments.reduce((s, a) => s + BigInt(a.amount_minor), 0n);

  const buyer: Party = {
    name: x.profile?.legal_name ?? org.name,
    address: x.profile?.address ?? [],
    country: org.country,
    tax_id: x.profile?.tax_id ?? null,
    email: x.profile?.email ?? null,
  };
  const seller = x.invoicing.seller;
  const warnings: string[] = [];
  const notes: string[] = [];
  if (!seller)
    warnings.push(
      'invoicing.seller is not configured: set the seller (name, address, country, tax id) in the configuration to issue invoices.',
    );
  const rule = taxRuleFor(x.invoicing.taxes, org.country, buyer.tax_id);
  const tax: TaxLine[] = [];
  if (rule) {
    const rate = taxRateOf(rule, org.country);
    tax.push({
      rule: rule.id,
      name: rule.name,
      treatment: rule.treatment,
      rate_pct: percentText(rate),
      taxable_minor: subtotal.toString(),
      tax_minor: taxOn(subtotal, rate).toString(),
      note: rule.note ?? null,
    });
    if (rule.note) notes.push(rule.note);
  } else {
    warnings.push(
      `No rule of invoicing.taxes applies to a customer in ${org.country} ${buyer.tax_id ? 'with' : 'without'} a tax id: add one (countries: ["${org.country}"], or "*") to issue this invoice.`,
    );
  }
  if (x.adjustments.length > 0)
    notes.push(
      'Includes usage of earlier months recorded after their invoices were issued; those invoices stand as issued.',
    );
  const taxTotal = tax.reduce((s, t) => s + BigInt(t.tax_minor), 0n);
  const terms = x.profile?.payment_terms_days ?? x.invoicing.payment_terms_days;
  const issueDate = (over && !x.number ? to : x.now.toISOString()).slice(0, 10);

  return {
    document_type: 'invoice',
    invoice_number: x.number ?? `INV-${month.replace('-', '')}-${org.id}`,
    issue_date: issueDate,
    status: x.number ? 'issued' : over ? 'final' : 'provisional',
    draft: !x.number,
    issued_at: x.number ? x.now.toISOString() : null,
    due_date: addDays(issueDate, terms),
    org_id: org.id,
    org_name: org.name,
    country: org.country,
    month,
    period: { from: from.slice(0, 10), to: addDays(to.slice(0, 10), -1) },
    currency,
    minor_unit_digits: minorDigits(currency),
    seller: seller
      ? {
          name: seller.name,
          address: [...seller.address],
          country: seller.country,
          tax_id: seller.tax_id,
          email: seller.email ?? null,
          company_number: seller.company_number ?? null,
        }
      : null,
    buyer,
    purchase_order: x.profile?.purchase_order ?? null,
    lines,
    adjustments: x.adjustments,
    gross_micros: gross.toString(),
    discount_micros: (gross - net).toString(),
    usage_total_micros: net.toString(),
    commitment_shortfall_micros: shortfall.toString(),
    late_usage_micros: late.toString(),
    total_micros: total.toString(),
    commitment_shortfall_minor: minor(shortfall).toString(),
    rounding_minor: (subtotal - items).toString(),
    rounding_micros: (subtotal * microsPerMinor(currency) - total).toString(),
    subtotal_minor: subtotal.toString(),
    tax,
    tax_total_minor: taxTotal.toString(),
    total_due_minor: (subtotal + taxTotal).toString(),
    payment_terms_days: terms,
    payment_instructions: x.invoicing.payment_instructions ?? null,
    notes,
    warnings,
  };
}
