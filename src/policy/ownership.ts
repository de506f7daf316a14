// Ownership look-through: how much of a company is held from a country, directly or through its parents.

export interface Owner {
  name: string;
  country: string;
  share_pct: number;
  /** This owner's own owners, when it is itself a company. */
  owners?: Owner[];
}

/**
 * Share (0–100) of the company held from `country`: an owner incorporated there counts with its whole stake;
 * any other owner passes on the part of its stake that is itself held from there.
 */
export function shareFrom(owners: readonly Owner[] | undefined, country: string, depth = 0): number {
  if (!owners || depth > 16) return 0;
  let total = 0;
  for (const o of owners) total += o.country === country ? o.share_pct : (o.share_pct * shareFrom(o.owners, country, depth + 1)) / 100;
  return Math.min(100, total);
}
