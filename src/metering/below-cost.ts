// Prices below cost: a list price, or a customer's price (negotiated rates, or its tier's list price, less its
// discount), under the vendor cost of a deployment that serves the model, token kind by token kind. Every price
// book version in force on `today` or later is checked (an old one no longer bills anything). A 95% discount on
// gpt-4o (3.00 / 12.00 per million tokens) makes 0.15 / 0.60 against a cost of 2.50 / 10.00.
import type { Tier } from '../store/ports.ts';
import { formatMicros } from './money.ts';
import type { PriceCoverage } from './price-coverage.ts';
import {
  RATE_FALLBACK,
  rateField,
  rateOf,
  TOKEN_KINDS,
  type PriceBook,
  type PriceOverride,
  type Rates,
  type TokenKind,
} from './pricebook.ts';

export interface BelowCost {
  model: string;
  /** The list price's tier (absent: every tier without one of its own). */
  tier?: Tier;
  deployment: string;
  token: TokenKind;
  /** The version of the price book (its effective_from). */
  effective_from: string;
  /** Per million tokens, in whole micro-units (the price after any discount, rounded to the micro-unit). */
  price_micros: string;
  cost_micros: string;
  /** The field of the input that sets this price. */
  param: string;
  message: string;
}

type Version = PriceBook['versions'][number];

/** Kinds worth comparing: input and output always, the others where either side prices them apart. */
const kindsOf = (price: Rates, cost: Rates) =>
  TOKEN_KINDS.filter((k) => !RATE_FALLBACK[k] || price[k] !== undefined || cost[k] !== undefined);

const vendorRatesIn = (v: Version, deployment: string, model: string) =>
  v.vendor_costs.find((c) => c.deployment === deployment && c.model === model) ??
  v.vendor_costs.find((c) => c.deployment === deployment && !c.model);
const listRatesIn = (v: Version, model: string, tier: Tier) =>
  v.list_prices.find((p) => p.model === model && p.tier === tier) ??
  v.list_prices.find((p) => p.model === model && !p.tier);
const inForce = (book: PriceBook, today: string) =>
  book.versions.map((v, i) => ({ v, i })).filter(({ v }) => !v.effective_to || v.effective_to > today);

/** "2.50" from 2_500_000: currency units, as few decimals as the amount needs (at least two). */
export function formatRate(micros: bigint, currency: string): string {
  return formatMicros(micros, currency).replace(/(\.\d\d\d*?)0+$/, '$1');
}

interface Compared {
  model: string;
  tier?: Tier;
  price: Rates;
  /** Basis points off the rates (a discount). */
  off: bigint;
  what: string;
  /** The field to blame: `undiscounted` says whether the rate is below cost before any discount. */
  param: (kind: TokenKind, undiscounted: boolean) => string;
}

function compare(
  book: PriceBook,
  coverage: PriceCoverage,
  today: string,
  pricesIn: (v: Version, i: number) => Compared[],
): BelowCost[] {
  const free = new Set(coverage.models.filter((m) => m.free).map((m) => m.name));
  const found: BelowCost[] = [];
  for (const { v, i } of inForce(book, today)) {
    for (const c of pricesIn(v, i)) {
      if (free.has(c.model)) continue;
      for (const served of coverage.served) {
        if (served.model !== c.model || served.free) continue;
        const cost = vendorRatesIn(v, served.deployment, served.model);
        if (!cost) continue;
        for (const kind of kindsOf(c.price, cost)) {
          const rate = rateOf(c.price, kind);
          const costRate = rateOf(cost, kind);
          // rate × (1 − off) < cost, exactly.
          if (rate * (10_000n - c.off) >= costRate * 10_000n) continue;
          const price = (rate * (10_000n - c.off) + 5_000n) / 10_000n;
          found.push({
            model: c.model,
            ...(c.tier ? { tier: c.tier } : {}),
            deployment: served.deployment,
            token: kind,
            effective_from: v.effective_from,
            price_micros: price.toString(),
            cost_micros: costRate.toString(),
            param: c.param(kind, rate < costRate),
            message: `${c.model}${c.tier ? ` (tier ${c.tier})` : ''} ${kind.replace('_', ' ')} tokens at ${formatRate(price, book.currency)} per million (${c.what}) are below the vendor cost of ${formatRate(costRate, book.currency)} on ${served.deployment} (prices from ${v.effective_from})`,
          });
        }
      }
    }
  }
  return found;
}

/** List prices below a serving deployment's vendor cost. */
export function listPricesBelowCost(book: PriceBook, coverage: PriceCoverage, today: string): BelowCost[] {
  return compare(book, coverage, today, (v, i) =>
    v.list_prices.map((p, j) => ({
      model: p.model,
      tier: p.tier,
      price: p,
      off: 0n,
      what: 'list price',
      param: (kind: TokenKind) => `versions[${i}].list_prices[${j}].${rateField(p, kind)}`,
    })),
  );
}

/** A customer's prices below cost: its negotiated rates, or its tier's list price when it has a discount, less that discount. */
export function customerPricesBelowCost(
  book: PriceBook,
  coverage: PriceCoverage,
  today: string,
  override: PriceOverride,
  tier: Tier,
): BelowCost[] {
  const off = BigInt(Math.round(override.discount_pct * 100));
  const discount = off > 0n ? ` less its ${override.discount_pct}% discount` : '';
  return compare(book, coverage, today, (v) => {
    const models = new Set([...v.list_prices.map((p) => p.model), ...override.rates.map((r) => r.model)]);
    return [...models].flatMap((model): Compared[] => {
      const k = override.rates.findIndex((r) => r.model === model);
      if (k >= 0)
        return [
          {
            model,
            price: override.rates[k]!,
            off,
            what: `negotiated rate${discount}`,
            param: (kind, undiscounted) =>
              undiscounted ? `rates[${k}].${rateField(override.rates[k]!, kind)}` : 'discount_pct',
          },
        ];
      const list = listRatesIn(v, model, tier);
      // Without a discount the customer pays the list price: a list price below cost is the book's to answer for.
      return list && off > 0n
        ? [{ model, price: list, off, what: `tier ${tier} list price${discount}`, param: () => 'discount_pct' }]
        : [];
    });
  });
}
