// The price book: vendor cost per deployment and list price per model and tier, in versions with effective
// dates; per-customer overrides (discount, negotiated rates, committed spend). Validated whole or not at all.
//
// Rates are per million tokens. A book states the unit of its amounts once, in `amount_unit`: "currency"
// (the default, and the configuration file's form: decimal currency units, "2.50" is USD 2.50) or "micros"
// (whole micro-units as the ledger counts them, "2500000"). GET /admin/v1/pricing writes the "micros" form,
// so what it returns PUT reads back as the same prices.
import { z } from 'zod';
import { ISO_4217, parseAmount } from './money.ts';

export const AMOUNT_UNITS = ['currency', 'micros'] as const;
export type AmountUnit = (typeof AMOUNT_UNITS)[number];

const amount = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const parsed = parseAmount(v);
  if (parsed === null) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a non-negative decimal amount with at most 6 decimals, got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  }
  return parsed;
});

const microAmount = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const text = typeof v === 'number' ? (Number.isSafeInteger(v) ? String(v) : 'invalid') : v.trim();
  if (!/^\d+$/.test(text)) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a whole number of micro-units (amount_unit is "micros"), got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  }
  return BigInt(text);
});

const day = z.string().date('must be a date (YYYY-MM-DD)');

/** Rates per million tokens, amounts in the given unit. */
function ratesSchemaOf(money: typeof amount | typeof microAmount) {
  return z
    .object({
      input: money,
      output: money,
      cached_input: money.optional(),
      cache_write: money.optional(),
      cache_write_1h: money.optional(),
      reasoning: money.optional(),
    })
    .strict();
}

const ratesSchema = ratesSchemaOf(amount);

function priceVersionSchemaOf(money: typeof amount | typeof microAmount) {
  const rates = ratesSchemaOf(money);
  return z
    .object({
      effective_from: day,
      /** Exclusive; open-ended when absent. */
      effective_to: day.optional(),
      vendor_costs: z
        .array(rates.extend({ deployment: z.string().min(1), model: z.string().min(1).optional() }).strict())
        .default([]),
      list_prices: z
        .array(
          rates
            .extend({ model: z.string().min(1), tier: z.enum(['trial', 'verified', 'strategic']).optional() })
            .strict(),
        )
        .default([]),
    })
    .strict()
    .refine((v) => !v.effective_to || v.effective_to > v.effective_from, {
      path: ['effective_to'],
      message: 'must be after effective_from',
    });
}

export const priceVersionSchema = priceVersionSchemaOf(amount);

function bookSchemaOf<U extends AmountUnit>(unit: U, money: typeof amount | typeof microAmount) {
  return z
    .object({
      amount_unit: z.literal(unit),
      currency: z.string().refine((c) => ISO_4217.has(c), 'must be a known ISO 4217 currency code such as "USD"'),
      versions: z.array(priceVersionSchemaOf(money)).default([]),
    })
    .strict();
}

export const overrideSchema = z
  .object({
    discount_pct: z.number().min(0).max(100).default(0),
    rates: z.array(ratesSchema.extend({ model: z.string().min(1) }).strict()).default([]),
    committed_monthly: amount.optional(),
  })
  .strict();

/** A book without `amount_unit` is in currency units, as documented before the unit was stated. */
const withDefaultUnit = (v: unknown) =>
  v && typeof v === 'object' && !Array.isArray(v) && !('amount_unit' in v) ? { amount_unit: 'currency', ...v } : v;

/** Versions may not overlap: each one's problem named at its effective_from. */
function noOverlaps(
  book: { versions: Array<{ effective_from: string; effective_to?: string }> },
  ctx: z.RefinementCtx,
): void {
  const sorted = book.versions
    .map((v, i) => ({ v, i }))
    .sort((a, b) => a.v.effective_from.localeCompare(b.v.effective_from));
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1]!;
    const cur = sorted[k]!;
    if (!prev.v.effective_to || prev.v.effective_to > cur.v.effective_from) {
      ctx.addIssue({
        code: 'custom',
        path: ['versions', cur.i, 'effective_from'],
        message: `overlaps versions[${prev.i}] (${prev.v.effective_from} to ${prev.v.effective_to ?? 'open-ended'})`,
      });
    }
  }
}

const unitError = {
  error: (issue: { code?: string }) =>
    issue.code === 'invalid_union'
      ? 'must be "currency" (decimal currency units, the default) or "micros" (whole micro-units)'
      : undefined,
};

export const priceBookSchema = z.preprocess(
  withDefaultUnit,
  z
    .discriminatedUnion(
      'amount_unit',
      [bookSchemaOf('currency', amount), bookSchemaOf('micros', microAmount)],
      unitError,
    )
    .superRefine(noOverlaps)
    // Parsed, every amount is micro-units (bigint) whatever unit the document was written in.
    .transform(({ currency, versions }) => ({ currency, versions })),
);

/** What a price or discount below the vendor cost gets: a warning (in the answer, the log and the audit entry), or refused. */
export const BELOW_COST_MODES = ['warn', 'refuse'] as const;
export type BelowCostMode = (typeof BELOW_COST_MODES)[number];

/** The configuration's `pricing`: the initial price book, and `below_cost` (a setting of the gateway, never of a stored book). */
const belowCost = { below_cost: z.enum(BELOW_COST_MODES).default('warn') };
export const pricingConfigSchema = z.preprocess(
  withDefaultUnit,
  z
    .discriminatedUnion(
      'amount_unit',
      [bookSchemaOf('currency', amount).extend(belowCost), bookSchemaOf('micros', microAmount).extend(belowCost)],
      unitError,
    )
    .superRefine(noOverlaps)
    .transform(({ currency, versions, below_cost }) => ({ currency, versions, below_cost })),
);

export type PriceBook = z.infer<typeof priceBookSchema>;
export type PriceOverride = z.infer<typeof overrideSchema>;
export type Rates = z.infer<typeof ratesSchema>;

/** The book as GET /admin/v1/pricing returns it: amounts as whole micro-unit strings, the unit stated. */
export function priceBookDocument(book: PriceBook): Record<string, unknown> {
  const amounts = (_key: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
  return JSON.parse(
    JSON.stringify(
      { amount_unit: 'micros' satisfies AmountUnit, currency: book.currency, versions: book.versions },
      amounts,
    ),
  ) as Record<string, unknown>;
}

export const TOKEN_KINDS = ['input', 'cached_input', 'cache_write', 'cache_write_1h', 'output', 'reasoning'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** The rate a kind falls back on when a book leaves it unset (input and output are always set). */
export const RATE_FALLBACK: Readonly<Record<TokenKind, TokenKind | undefined>> = {
  input: undefined,
  cached_input: 'input',
  cache_write: 'input',
  cache_write_1h: 'cache_write',
  output: undefined,
  reasoning: 'output',
};

/** The field that sets a kind's rate: its own, or the one it falls back on. */
export const rateField = (r: Rates, kind: TokenKind): TokenKind =>
  r[kind] !== undefined ? kind : rateField(r, RATE_FALLBACK[kind]!);

/**
 * The rate a token of this kind is charged: cache reads and writes at the input rate, writes kept an hour at the
 * cache-write rate, reasoning at the output rate, unless the book states their own.
 */
export const rateOf = (r: Rates, kind: TokenKind): bigint => r[rateField(r, kind)]!;

export interface TokenCounts {
  prompt_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
}

/**
 * Cost or price of one request's tokens at these rates, in micro-units. Cache reads and writes are part of the
 * prompt tokens, reasoning tokens part of the completion tokens.
 */
export function chargeFor(t: TokenCounts, r: Rates): bigint {
  const perMillion = (tokens: number, rate: bigint) => BigInt(tokens) * rate;
  const cached = Math.min(t.cached_tokens, t.prompt_tokens);
  const written = Math.min(t.cache_write_tokens, t.prompt_tokens - cached);
  const writtenForAnHour = Math.min(t.cache_write_1h_tokens, written);
  const reasoning = r.reasoning !== undefined ? Math.min(t.reasoning_tokens, t.completion_tokens) : 0;
  const total =
    perMillion(t.prompt_tokens - cached - written, r.input) +
    perMillion(cached, rateOf(r, 'cached_input')) +
    perMillion(written - writtenForAnHour, rateOf(r, 'cache_write')) +
    perMillion(writtenForAnHour, rateOf(r, 'cache_write_1h')) +
    perMillion(t.completion_tokens - reasoning, r.output) +
    perMillion(reasoning, rateOf(r, 'reasoning'));
  return (total + 500_000n) / 1_000_000n;
}

export class PriceIndex {
  constructor(readonly book: PriceBook) {}

  private version(at: string) {
    const dayOf = at.slice(0, 10);
    return this.book.versions.find((v) => v.effective_from <= dayOf && (!v.effective_to || dayOf < v.effective_to));
  }

  vendorRates(at: string, deployment: string, model: string): Rates | undefined {
    const v = this.version(at);
    return (
      v?.vendor_costs.find((c) => c.deployment === deployment && c.model === model) ??
      v?.vendor_costs.find((c) => c.deployment === deployment && !c.model)
    );
  }

  listRates(at: string, model: string, tier: string): Rates | undefined {
    const v = this.version(at);
    return (
      v?.list_prices.find((p) => p.model === model && p.tier === tier) ??
      v?.list_prices.find((p) => p.model === model && !p.tier)
    );
  }
}
