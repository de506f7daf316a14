// Ownership look-through: how much of a company is held from a country, directly or through its parents.

export interface Owner {
  name: string;
  country: string;
  share_pct: number;
  /** This owner's own owners, when it is itself a company. */
  owners?: Owner[];
}

const MAX_DEPTH = 16;

/**
 * Share (0–100) of the company held from `country`: an owner incorporated there counts with its whole stake;
 * any other owner passes on the part of its stake that is itself held from there.
 */
export function shareFrom(owners: readonly Owner[] | undefined, country: string, depth = 0): number {
  if (!owners || depth > MAX_DEPTH) return 0;
  let total = 0;
  for (const o of owners)
    total += o.country === country ? o.share_pct : (o.share_pct * shareFrom(o.owners, country, depth + 1)) / 100;
  return Math.min(100, total);
}

/** `shareFrom` for a group of jurisdictions (a market): an owner in any of them counts whole, once. */
export function shareFromAny(owners: readonly Owner[] | undefined, countries: ReadonlySet<string>, depth = 0): number {
  if (!owners || depth > MAX_DEPTH) return 0;
  let total = 0;
  for (const o of owners)
    total += countries.has(o.country)
      ? o.share_pct
      : (o.share_pct * shareFromAny(o.owners, countries, depth + 1)) / 100;
  return Math.min(100, total);
}

/**
 * Share of the company ultimately held from each country: a company owner whose owners are recorded passes its
 * stake on to them (what they do not account for stays with its own country); any other owner counts where it is.
 * A Singapore company 60% held by a Hong Kong holding that is wholly Chinese-owned is 60% ultimately Chinese.
 */
export function ultimateShares(owners: readonly Owner[] | undefined, depth = 0): Map<string, number> {
  const shares = new Map<string, number>();
  if (!owners) return shares;
  const add = (country: string, pct: number) => pct > 0 && shares.set(country, (shares.get(country) ?? 0) + pct);
  for (const o of owners) {
    if (!o.owners?.length || depth >= MAX_DEPTH) {
      add(o.country, o.share_pct);
      continue;
    }
    const recorded = Math.min(
      100,
      o.owners.reduce((s, p) => s + p.share_pct, 0),
    );
    for (const [country, pct] of ultimateShares(o.owners, depth + 1)) add(country, (o.share_pct * pct) / 100);
    add(o.country, (o.share_pct * (100 - recorded)) / 100);
  }
  return shares;
}

/** Every country appearing anywhere in the ownership tree. */
export function ownerCountries(owners: readonly Owner[] | undefined, into = new Set<string>(), depth = 0): Set<string> {
  if (!owners || depth > MAX_DEPTH) return into;
  for (const o of owners) {
    into.add(o.country);
    ownerCountries(o.owners, into, depth + 1);
  }
  return into;
}
