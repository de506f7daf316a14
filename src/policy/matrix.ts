// The availability matrix: for each jurisdiction the policy or the customers name, each model, at one tier, which
// regions would serve a customer incorporated (and controlled) there, or the rule that denies it.
import type { Org, Tier } from '../store/ports.ts';
import type { CatalogueModel } from '../routing/catalogue.ts';
import type { PolicyService } from './service.ts';

export interface MatrixCell {
  model: string;
  vendor: string;
  /** Regions that would serve the model (empty: denied everywhere). */
  allowed_regions: string[];
  /** Each region that would not, with the rule that decides it. */
  denied: Array<{ region: string; rule: string; reason: string }>;
}

export interface MatrixRow {
  country: string;
  market: string;
  cells: MatrixCell[];
}

const COUNTRY = /^[A-Z]{2}$/;

/** Countries named by the policy (its markets and rules) and by the customers on record, sorted. */
export function matrixCountries(policy: PolicyService, orgs: readonly Org[]): string[] {
  const { policy: config } = policy.current;
  const named = new Set<string>(orgs.map((o) => o.country));
  for (const market of config.markets) for (const c of market.countries) named.add(c);
  for (const rule of config.rules) {
    const when = rule.when as Record<string, unknown>;
    for (const value of Object.values(when))
      if (Array.isArray(value)) for (const v of value) if (typeof v === 'string' && COUNTRY.test(v)) named.add(v);
  }
  return [...named].filter((c) => COUNTRY.test(c)).sort();
}

export function availabilityMatrix(
  policy: PolicyService,
  models: readonly CatalogueModel[],
  countries: readonly string[],
  tier: Tier,
): MatrixRow[] {
  return countries.map((country) => {
    // A customer incorporated in the country and owned from nowhere else: the jurisdiction alone decides.
    const org: Org = {
      id: `matrix-${country}`,
      name: `A ${tier} customer incorporated in ${country}`,
      country,
      tier,
      status: 'approved',
      created_at: new Date(0).toISOString(),
      routing: null,
      ownership: null,
      pricing: null,
      limits: null,
      enforcement: null,
      disclosure: null,
    };
    return {
      country,
      market: policy.marketOf(country),
      cells: models.map((model) => {
        const { decisions } = policy.explain(org, model);
        return {
          model: model.name,
          vendor: model.vendor,
          allowed_regions: [...new Set(decisions.filter((d) => d.allowed).map((d) => d.region))],
          denied: decisions
            .filter((d) => !d.allowed)
            .map((d) => ({ region: d.region, rule: d.rule, reason: d.reason })),
        };
      }),
    };
  });
}
