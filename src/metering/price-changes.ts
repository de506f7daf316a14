// What a price change changed, value by value, for its audit entry: the old and the new amount of every entry of
// the price book (or of a customer's negotiated terms) that differs. Amounts are whole micro-units as strings.
import type { PriceBook, PriceOverride, Rates } from './pricebook.ts';

/** One entry of the price book that changed; `old` is null for an entry added, `new` null for one removed. */
export interface PriceChange {
  /** The version's effective_from; absent for the currency. */
  effective_from?: string;
  kind: 'currency' | 'version' | 'vendor_cost' | 'list_price';
  deployment?: string;
  model?: string;
  tier?: string;
  old: unknown;
  new: unknown;
}

const ratesDoc = (r: Rates) => {
  const doc: Record<string, string> = { input: r.input.toString(), output: r.output.toString() };
  if (r.cached_input !== undefined) doc.cached_input = r.cached_input.toString();
  if (r.cache_write !== undefined) doc.cache_write = r.cache_write.toString();
  if (r.cache_write_1h !== undefined) doc.cache_write_1h = r.cache_write_1h.toString();
  if (r.reasoning !== undefined) doc.reasoning = r.reasoning.toString();
  return doc;
};
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The entries of `after` that differ from `before`, matched by what they price (not by their place in a list). */
export function priceBookChanges(before: PriceBook, after: PriceBook): PriceChange[] {
  const changes: PriceChange[] = [];
  if (before.currency !== after.currency) changes.push({ kind: 'currency', old: before.currency, new: after.currency });
  const versions = (book: PriceBook) => new Map(book.versions.map((v) => [v.effective_from, v]));
  const was = versions(before);
  const is = versions(after);
  for (const from of [...new Set([...was.keys(), ...is.keys()])].sort()) {
    const a = was.get(from);
    const b = is.get(from);
    const period = (v: typeof a) => (v ? { effective_to: v.effective_to ?? null } : null);
    if (!a || !b || a.effective_to !== b.effective_to)
      changes.push({ effective_from: from, kind: 'version', old: period(a), new: period(b) });
    const entries = <E extends Rates>(list: E[] | undefined, key: (e: E) => string) =>
      new Map((list ?? []).map((e) => [key(e), e]));
    const diff = <E extends Rates>(
      kind: 'vendor_cost' | 'list_price',
      key: (e: E) => string,
      name: (e: E) => Partial<PriceChange>,
      x: E[] | undefined,
      y: E[] | undefined,
    ) => {
      const old = entries(x, key);
      const now = entries(y, key);
      for (const k of new Set([...old.keys(), ...now.keys()])) {
        const o = old.get(k);
        const n = now.get(k);
        const oldDoc = o ? ratesDoc(o) : null;
        const newDoc = n ? ratesDoc(n) : null;
        if (!same(oldDoc, newDoc))
          changes.push({ effective_from: from, kind, ...name((o ?? n)!), old: oldDoc, new: newDoc });
      }
    };
    type Cost = PriceBook['versions'][number]['vendor_costs'][number];
    type List = PriceBook['versions'][number]['list_prices'][number];
    diff<Cost>(
      'vendor_cost',
      (c) => `${c.deployment}\u0000${c.model ?? ''}`,
      (c) => ({ deployment: c.deployment, ...(c.model ? { model: c.model } : {}) }),
      a?.vendor_costs,
      b?.vendor_costs,
    );
    diff<List>(
      'list_price',
      (p) => `${p.model}\u0000${p.tier ?? ''}`,
      (p) => ({ model: p.model, ...(p.tier ? { tier: p.tier } : {}) }),
      a?.list_prices,
      b?.list_prices,
    );
  }
  return changes;
}

/** A customer's negotiated terms as the audit log records them: amounts in whole micro-units, the unit stated. */
export function overrideDocument(o: PriceOverride | undefined): Record<string, unknown> | null {
  if (!o) return null;
  return {
    amount_unit: 'micros',
    discount_pct: o.discount_pct,
    rates: o.rates.map((r) => ({ model: r.model, ...ratesDoc(r) })),
    committed_monthly: o.committed_monthly?.toString() ?? null,
  };
}
