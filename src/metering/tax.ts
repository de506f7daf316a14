// Invoicing settings in the configuration (`invoicing:`): who sells (name, address, tax id), payment terms, and the tax
// rules, VAT or GST by the customer's country. Rules are data, tried in order; the first that matches the customer
// (its country of incorporation, and whether it gave a tax id) decides the tax line of its invoices. The typical set:
// the seller's own country at its rate; business customers elsewhere in the EU with a VAT id under the reverse charge
// (they account for the VAT); customers in the EU without one at their country's rate; everyone else zero-rated.
import { z } from 'zod';
import { EU_MEMBER_STATES } from '../util/jurisdictions.ts';

export const TAX_TREATMENTS = ['standard', 'reverse_charge', 'zero_rated', 'exempt', 'out_of_scope'] as const;
export type TaxTreatment = (typeof TAX_TREATMENTS)[number];

const country = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as "DE"');

/** A percentage with at most 2 decimals ("25.5", 19) in basis points (2550, 1900); NaN when it is not one. */
export function basisPointsOf(value: string | number): number {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(String(value).trim());
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : NaN;
}

/**
 * A percentage, kept as its text ("25.5", "19"): the parsed configuration reads back as the same configuration
 * (basis points in a field named _pct would be read back a hundred times larger).
 */
const percent = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const bp = basisPointsOf(v);
  if (!(bp <= 10_000)) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a percentage from 0 to 100 with at most 2 decimals, got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  }
  return percentText(bp);
});

export const taxRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'must be letters, digits, ".", "_" or "-"'),
    /** Customers' countries: ISO codes, "EU" (the 27 member states) or "*" (any). */
    countries: z
      .array(z.string().regex(/^([A-Z]{2}|EU|\*)$/, 'must be an ISO 3166-1 alpha-2 country code, "EU" or "*"'))
      .min(1),
    /** required: only customers that gave a tax id (business customers); absent: only those that did not. */
    buyer_tax_id: z.enum(['required', 'absent', 'any']).default('any'),
    /** The tax's name on the invoice: VAT, GST, ... */
    name: z.string().trim().min(1).max(40),
    treatment: z.enum(TAX_TREATMENTS).default('standard'),
    /** The rate (standard treatment), for every country the rule covers that rates_by_country does not name. */
    rate_pct: percent.optional(),
    rates_by_country: z.record(country, percent).optional(),
    /** Printed on the invoice: the legal wording of a reverse charge or an exemption. */
    note: z.string().trim().min(1).max(500).optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.treatment !== 'standard') {
      if (basisPointsOf(rule.rate_pct ?? 0) !== 0 || rule.rates_by_country)
        ctx.addIssue({
          code: 'custom',
          path: ['rate_pct'],
          message: `a ${rule.treatment} rule charges no tax: leave out rate_pct and rates_by_country`,
        });
      if (rule.treatment === 'reverse_charge' && rule.buyer_tax_id !== 'required')
        ctx.addIssue({
          code: 'custom',
          path: ['buyer_tax_id'],
          message: 'must be "required": the reverse charge applies to customers that gave their tax id',
        });
      return;
    }
    if (rule.rate_pct !== undefined) return;
    const covered = rule.countries.flatMap((c) => (c === 'EU' ? [...EU_MEMBER_STATES] : [c]));
    const missing = covered.filter((c) => rule.rates_by_country?.[c] === undefined);
    if (missing.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['rate_pct'],
        message: `gives no rate for ${missing.join(', ')}: set rate_pct, or name each in rates_by_country`,
      });
  });
export type TaxRule = z.infer<typeof taxRuleSchema>;

const line = z.string().trim().min(1).max(200);

/** The seller on every invoice and credit note. */
export const sellerSchema = z
  .object({
    name: line,
    address: z.array(line).min(1).max(8),
    country,
    /** VAT or GST registration number, printed on every invoice. */
    tax_id: z.string().trim().min(2).max(40),
    email: z.string().trim().email().optional(),
    /** Company registration number, where the law asks for it on invoices. */
    company_number: z.string().trim().min(1).max(40).optional(),
  })
  .strict();

export const invoicingConfigSchema = z
  .object({
    /** Required to issue invoices (drafts render without it). */
    seller: sellerSchema.optional(),
    /** The due date is the issue date plus this many days (an organisation's billing details may set its own). */
    payment_terms_days: z.number().int().min(0).max(365).default(30),
    /** How to pay: bank details, printed on every invoice. */
    payment_instructions: z.string().trim().min(1).max(1000).optional(),
    /** Tried in order; the first that matches the customer applies. An invoice for a customer none matches is not issued. */
    taxes: z.array(taxRuleSchema).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Map<string, number>();
    c.taxes.forEach((rule, i) => {
      const first = seen.get(rule.id);
      if (first !== undefined)
        ctx.addIssue({ code: 'custom', path: ['taxes', i, 'id'], message: `repeats taxes[${first}].id "${rule.id}"` });
      else seen.set(rule.id, i);
    });
  });
export type InvoicingConfig = z.infer<typeof invoicingConfigSchema>;

const covers = (rule: TaxRule, c: string) =>
  rule.countries.some((x) => x === c || x === '*' || (x === 'EU' && EU_MEMBER_STATES.has(c)));

/** The rule for a customer of this country, with or without a tax id: the first that matches. */
export function taxRuleFor(
  rules: readonly TaxRule[],
  buyerCountry: string,
  buyerTaxId: string | null,
): TaxRule | undefined {
  return rules.find(
    (r) =>
      covers(r, buyerCountry) &&
      (r.buyer_tax_id === 'any' || (r.buyer_tax_id === 'required') === (buyerTaxId !== null)),
  );
}

/** The rate in basis points the rule charges a customer of this country (0 unless standard). */
export function taxRateOf(rule: TaxRule, buyerCountry: string): number {
  return rule.treatment === 'standard' ? basisPointsOf(rule.rates_by_country?.[buyerCountry] ?? rule.rate_pct ?? 0) : 0;
}

/** Tax on an amount in minor units at a rate in basis points, rounded half away from zero to the minor unit. */
export function taxOn(minor: bigint, basisPoints: number): bigint {
  const exact = minor * BigInt(basisPoints);
  return exact < 0n ? -((-exact + 5_000n) / 10_000n) : (exact + 5_000n) / 10_000n;
}

/** 2550 → "25.5", 1900 → "19". */
export function percentText(basisPoints: number): string {
  return (basisPoints / 100).toString();
}

/** The VAT number prefix of an EU member state (Greece's is EL), for checking a customer's VAT id. */
export function vatPrefixOf(countryCode: string): string | undefined {
  return EU_MEMBER_STATES.has(countryCode) ? (countryCode === 'GR' ? 'EL' : countryCode) : undefined;
}
