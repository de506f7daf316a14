// What the price book leaves unpriced among what the configuration serves: a deployment with no vendor cost
// for a model it serves, a model with no list price for a tier. Such a pair is not served (it would be costed
// or charged 0 without a word) unless the configuration declares it free (no_vendor_cost, free_of_charge).
import type { ConduitConfig } from '../config/schema.ts';
import type { Tier } from '../store/ports.ts';
import type { PriceIndex } from './pricebook.ts';

export const TIERS: readonly Tier[] = ['trial', 'verified', 'strategic'];

/** What the configuration serves, by canonical model name, with the path where each could be declared free. */
export interface PriceCoverage {
  models: Array<{ name: string; path: string; free: boolean }>;
  served: Array<{ deployment: string; model: string; path: string; free: boolean }>;
}

export const NOTHING_SERVED: PriceCoverage = { models: [], served: [] };

export function coverageOf(config: ConduitConfig): PriceCoverage {
  const canonical = new Map<string, string>();
  for (const m of config.models) for (const name of [m.name, ...m.aliases]) canonical.set(name, m.name);
  return {
    models: config.models.map((m, i) => ({ name: m.name, path: `models[${i}]`, free: m.free_of_charge === true })),
    served: config.providers.flatMap((p, i) =>
      p.models.map((s, j) => ({
        deployment: p.id,
        model: canonical.get(s.model) ?? s.model,
        path: `providers[${i}].models[${j}]`,
        free: s.no_vendor_cost === true,
      })),
    ),
  };
}

export type PriceGap =
  | { missing: 'vendor_cost'; deployment: string; model: string; path: string }
  | { missing: 'list_price'; model: string; tiers: Tier[]; path: string };

/** Everything served that has no price at `at` and is not declared free, in configuration order. */
export function priceGaps(coverage: PriceCoverage, index: PriceIndex, at: string): PriceGap[] {
  const gaps: PriceGap[] = [];
  for (const s of coverage.served) {
    if (!s.free && !index.vendorRates(at, s.deployment, s.model))
      gaps.push({ missing: 'vendor_cost', deployment: s.deployment, model: s.model, path: s.path });
  }
  for (const m of coverage.models) {
    const tiers = m.free ? [] : TIERS.filter((tier) => !index.listRates(at, m.name, tier));
    if (tiers.length > 0) gaps.push({ missing: 'list_price', model: m.name, tiers, path: m.path });
  }
  return gaps;
}

/** One line an operator can act on. */
export function describeGap(gap: PriceGap, currency: string): string {
  if (gap.missing === 'vendor_cost') {
    return `deployment "${gap.deployment}" has no vendor cost for "${gap.model}" in the ${currency} price book, so it does not serve "${gap.model}" until priced (or set ${gap.path}.no_vendor_cost: true if it costs nothing)`;
  }
  const tiers = gap.tiers.length === TIERS.length ? '' : ` for tier ${gap.tiers.join(', ')}`;
  return `model "${gap.model}" has no list price${tiers} in the ${currency} price book, so it is not served${tiers ? ' to those tiers' : ''} until priced (or set ${gap.path}.free_of_charge: true if it is free)`;
}
