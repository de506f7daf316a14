// The policy engine: rules compiled once into predicates; every request's (customer, model, deployment,
// features) is evaluated against them. Deny overrides allow; with no match, the policy's default applies.
// Every decision names the rule (or the default) that produced it. Markets are expanded into their countries
// when rules are compiled, so naming a market costs a request nothing.
import { ownerCountries, shareFrom, shareFromAny, ultimateShares, type Owner } from './ownership.ts';
import type { PreferenceDenial } from './preferences.ts';
import type { Tier } from '../store/ports.ts';
import { tiers, type Feature, type PolicyConfig, type Rule } from './schema.ts';

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
  /** On a denial by a rule about request features: the request's features it names. */
  features?: Feature[];
  /** On a denial by the organisation's own preferences (rule "org-preferences"): which one. */
  preference?: PreferenceDenial;
}

/** Where a customer is, as the rules and the reports see it. */
export interface Jurisdiction {
  incorporated: string;
  incorporated_market: string;
  /** Every country holding more than `threshold_pct` of the customer, directly or through parents (what `owned_from` and `customer_jurisdiction` test). */
  controlled_from: Array<{ country: string; share_pct: number }>;
  /** Where control ultimately lies: the country ultimately holding more than the threshold, else the largest of `controlled_from`, else `incorporated`. */
  controlling_country: string;
  /** The same at the level of markets (a country in no market is its own). */
  controlling_market: string;
  threshold_pct: number;
}

type Predicate = (s: Subject) => boolean;
type Markets = ReadonlyMap<string, ReadonlySet<string>>;

interface CompiledRule {
  rule: Rule;
  test: Predicate;
}

/** All of the predicates, in order: a plain loop, cheaper than `every` with a callback on this hot path. */
function allOf(tests: readonly Predicate[]): Predicate {
  return (s) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(s)) return false;
    return true;
  };
}

function compileRule(rule: Rule, markets: Markets, controlThreshold: number): CompiledRule {
  const w = rule.when;
  const tests: Predicate[] = [];
  const set = (xs?: string[]) => (xs ? new Set(xs) : undefined);
  // Countries, with each market replaced by its own; and per entry, the group a share is summed over.
  const countries = (xs?: string[]) => (xs ? new Set(xs.flatMap((j) => [...(markets.get(j) ?? [j])])) : undefined);
  const groups = (xs?: string[]) => xs?.map((j) => markets.get(j) ?? new Set([j]));
  const vendor = set(w.vendor);
  const model = set(w.model);
  const country = countries(w.customer_country);
  const notCountry = countries(w.customer_country_not_in);
  const region = set(w.region);
  const regionCountry = countries(w.region_country);
  const notRegionCountry = countries(w.region_country_not_in);
  const tierIn = set(w.tier_in);
  const threshold = w.ownership_threshold_pct ?? controlThreshold;
  const heldFrom = (from: ReadonlySet<string>[]) => (s: Subject) =>
    s.org.ownership != null && from.some((g) => shareFromAny(s.org.ownership!, g) > threshold);
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
  // Ownership last: the dearest tests run only for requests every other condition already matched.
  if (w.owned_from) tests.push(heldFrom(groups(w.owned_from)!));
  if (w.customer_jurisdiction) {
    const home = countries(w.customer_jurisdiction)!;
    const controlled = heldFrom(groups(w.customer_jurisdiction)!);
    tests.push((s) => home.has(s.org.country) || controlled(s));
  }
  if (w.customer_jurisdiction_not_in) {
    const home = countries(w.customer_jurisdiction_not_in)!;
    const controlled = heldFrom(groups(w.customer_jurisdiction_not_in)!);
    tests.push((s) => !home.has(s.org.country) && !controlled(s));
  }
  return { rule, test: allOf(tests) };
}

export class PolicyEngine {
  private readonly rules: CompiledRule[];
  private readonly rulesByVendor = new Map<string, CompiledRule[]>();
  private readonly rulesForAnyVendor: CompiledRule[];
  private readonly markets: Map<string, ReadonlySet<string>>;
  private readonly marketOfCountry = new Map<string, string>();

  constructor(
    readonly config: PolicyConfig,
    readonly version: number,
  ) {
    this.markets = new Map((config.markets ?? []).map((m) => [m.id, new Set(m.countries)]));
    for (const m of config.markets ?? []) for (const c of m.countries) this.marketOfCountry.set(c, m.id);
    this.rules = config.rules.map((r) => compileRule(r, this.markets, this.controlThreshold));
    // A request is about one vendor: only rules that can match it are run, in their order.
    for (const vendor of new Set(config.rules.flatMap((r) => r.when.vendor ?? []))) {
      this.rulesByVendor.set(
        vendor,
        this.rules.filter(({ rule }) => !rule.when.vendor || rule.when.vendor.includes(vendor)),
      );
    }
    this.rulesForAnyVendor = this.rules.filter(({ rule }) => !rule.when.vendor);
  }

  private get controlThreshold(): number {
    return this.config.control_threshold_pct ?? 50;
  }

  /** The market a country belongs to, or the country itself when it is in none. */
  marketOf(country: string): string {
    return this.marketOfCountry.get(country) ?? country;
  }

  /** Where a customer is incorporated and where it is controlled from, by country and by market. */
  jurisdictionOf(org: { country: string; ownership?: readonly Owner[] | null }): Jurisdiction {
    const threshold = this.controlThreshold;
    const owners = org.ownership ?? undefined;
    const round = (pct: number) => Math.round(pct * 100) / 100;
    const largestAbove = (shares: Iterable<[string, number]>) => {
      let best: [string, number] | undefined;
      for (const entry of shares) if (entry[1] > threshold && (!best || entry[1] > best[1])) best = entry;
      return best?.[0];
    };
    const held = [...ownerCountries(owners)]
      .map((c) => [c, shareFrom(owners, c)] as [string, number])
      .filter(([, pct]) => pct > threshold);
    held.sort((a, b) => b[1] - a[1]);
    const ultimate = ultimateShares(owners);
    const controllingCountry = largestAbove(ultimate) ?? held[0]?.[0] ?? org.country;
    const ultimateByMarket = new Map<string, number>();
    for (const [c, pct] of ultimate)
      ultimateByMarket.set(this.marketOf(c), (ultimateByMarket.get(this.marketOf(c)) ?? 0) + pct);
    const heldByMarket = [...new Set([...ownerCountries(owners)].map((c) => this.marketOf(c)))].map(
      (m) => [m, shareFromAny(owners, this.markets.get(m) ?? new Set([m]))] as [string, number],
    );
    return {
      incorporated: org.country,
      incorporated_market: this.marketOf(org.country),
      controlled_from: held.map(([country, pct]) => ({ country, share_pct: round(pct) })),
      controlling_country: controllingCountry,
      controlling_market:
        largestAbove(ultimateByMarket) ?? largestAbove(heldByMarket) ?? this.marketOf(controllingCountry),
      threshold_pct: threshold,
    };
  }

  evaluate(subject: Subject): Decision {
    let firstAllow: Rule | undefined;
    let firstDeny: Rule | undefined;
    const matched: string[] = [];
    for (const { rule, test } of this.rulesByVendor.get(subject.vendor) ?? this.rulesForAnyVendor) {
      if (!test(subject)) continue;
      matched.push(rule.id);
      if (rule.effect === 'deny') firstDeny ??= rule;
      else firstAllow ??= rule;
    }
    if (firstDeny)
      return {
        allowed: false,
        rule: firstDeny.id,
        reason: firstDeny.reason,
        matched,
        features: firstDeny.when.feature?.filter((f) => subject.features.has(f)),
      };
    if (firstAllow) return { allowed: true, rule: firstAllow.id, reason: firstAllow.reason, matched };
    return {
      allowed: this.config.default === 'allow',
      rule: 'default',
      reason: `no rule matched; the policy's default is ${this.config.default}`,
      matched,
    };
  }
}
