// The policy engine: rules compiled once into predicates; every request's (customer, model, deployment,
// features) is evaluated against them. Deny overrides allow; with no match, the policy's default applies.
// Every decision names the rule (or the default) that produced it.
import { shareFrom, type Owner } from './ownership.ts';
import { tiers, type Feature, type PolicyConfig, type Rule, type Tier } from './schema.ts';

export interface Subject {
  org: { id: string; country: string; tier: Tier; ownership?: readonly Owner[] | null };
  vendor: string;
  model: string;
  region: { id: string; country: string };
  features: ReadonlySet<Feature>;
}

export interface Decision {
  allowed: boolean;
  /** The deciding rule's id, or "default". */
  rule: string;
  reason: string;
  /** Every rule that matched, in order. */
  matched: string[];
}

type Predicate = (s: Subject) => boolean;

interface CompiledRule {
  rule: Rule;
  test: Predicate;
}

function compileRule(rule: Rule): CompiledRule {
  const w = rule.when;
  const tests: Predicate[] = [];
  const set = (xs?: string[]) => (xs ? new Set(xs) : undefined);
  const vendor = set(w.vendor);
  const model = set(w.model);
  const country = set(w.customer_country);
  const notCountry = set(w.customer_country_not_in);
  const region = set(w.region);
  const regionCountry = set(w.region_country);
  const notRegionCountry = set(w.region_country_not_in);
  const tierIn = set(w.tier_in);
  if (vendor) tests.push((s) => vendor.has(s.vendor));
  if (model) tests.push((s) => model.has(s.model));
  if (country) tests.push((s) => country.has(s.org.country));
  if (notCountry) tests.push((s) => !notCountry.has(s.org.country));
  if (region) tests.push((s) => region.has(s.region.id));
  if (regionCountry) tests.push((s) => regionCountry.has(s.region.country));
  if (notRegionCountry) tests.push((s) => !notRegionCountry.has(s.region.country));
  if (tierIn) tests.push((s) => tierIn.has(s.org.tier));
  if (w.tier_below) {
    const rank = tiers.indexOf(w.tier_below);
    tests.push((s) => tiers.indexOf(s.org.tier) < rank);
  }
  if (w.feature) {
    const wanted = w.feature;
    tests.push((s) => wanted.some((f) => s.features.has(f)));
  }
  if (w.owned_from) {
    const from = w.owned_from;
    const threshold = w.ownership_threshold_pct ?? 50;
    tests.push((s) => from.some((c) => shareFrom(s.org.ownership ?? undefined, c) > threshold));
  }
  return { rule, test: (s) => tests.every((t) => t(s)) };
}

export class PolicyEngine {
  private readonly rules: CompiledRule[];

  constructor(
    readonly config: PolicyConfig,
    readonly version: number,
  ) {
    this.rules = config.rules.map(compileRule);
  }

  evaluate(subject: Subject): Decision {
    let firstAllow: Rule | undefined;
    let firstDeny: Rule | undefined;
    const matched: string[] = [];
    for (const { rule, test } of this.rules) {
      if (!test(subject)) continue;
      matched.push(rule.id);
      if (rule.effect === 'deny') firstDeny ??= rule;
      else firstAllow ??= rule;
    }
    if (firstDeny) return { allowed: false, rule: firstDeny.id, reason: firstDeny.reason, matched };
    if (firstAllow) return { allowed: true, rule: firstAllow.id, reason: firstAllow.reason, matched };
    return { allowed: this.config.default === 'allow', rule: 'default', reason: `no rule matched; the policy's default is ${this.config.default}`, matched };
  }
}
