// The usage_events table's columns and how a usage event fills them, for the SQLite and PostgreSQL writers alike.
import type { UsageEvent } from '../ports.ts';

/**
 * Each column with the value a UsageEvent binds to it and its PostgreSQL type: one per UsageEvent field, so a field
 * added without its column (or a column without its field) does not compile. The migrations add the column
 * (usage-writes.test.ts compares the migrated table with this list).
 */
export const usageColumns = {
  request_id: { bind: (e) => e.request_id, pg: 'text' },
  ts: { bind: (e) => e.ts, pg: 'text' },
  org_id: { bind: (e) => e.org_id, pg: 'text' },
  key_id: { bind: (e) => e.key_id, pg: 'text' },
  endpoint: { bind: (e) => e.endpoint, pg: 'text' },
  model: { bind: (e) => e.model, pg: 'text' },
  vendor: { bind: (e) => e.vendor, pg: 'text' },
  deployment: { bind: (e) => e.deployment, pg: 'text' },
  region: { bind: (e) => e.region, pg: 'text' },
  prompt_tokens: { bind: (e) => e.prompt_tokens, pg: 'int8' },
  completion_tokens: { bind: (e) => e.completion_tokens, pg: 'int8' },
  cached_tokens: { bind: (e) => e.cached_tokens, pg: 'int8' },
  cache_write_tokens: { bind: (e) => e.cache_write_tokens, pg: 'int8' },
  cache_write_1h_tokens: { bind: (e) => e.cache_write_1h_tokens, pg: 'int8' },
  reasoning_tokens: { bind: (e) => e.reasoning_tokens, pg: 'int8' },
  estimated: { bind: (e) => (e.estimated ? 1 : 0), pg: 'int4' },
  status: { bind: (e) => e.status, pg: 'int4' },
  latency_ms: { bind: (e) => e.latency_ms, pg: 'int4' },
  cost_micros: { bind: (e) => e.cost_micros, pg: 'int8' },
  list_price_micros: { bind: (e) => e.list_price_micros, pg: 'int8' },
  price_micros: { bind: (e) => e.price_micros, pg: 'int8' },
  customer_country: { bind: (e) => e.customer_country, pg: 'text' },
  interim: { bind: (e) => e.interim ?? null, pg: 'int4' },
} satisfies Record<keyof UsageEvent, { bind: (e: UsageEvent) => string | number | null; pg: 'text' | 'int4' | 'int8' }>;

/** The usage_events columns a usage event fills, in insert order. */
export const usageColumnNames = Object.keys(usageColumns) as Array<keyof UsageEvent>;

/** Interim records (see UsageEvent.interim) rank by their number; the final event above them all. */
export const rankOf = (e: Pick<UsageEvent, 'interim'>): number =>
  e.interim === undefined || e.interim === null ? Infinity : e.interim;

/** The SQL that lets a record replace a row only if it outranks it (a replay, in any order, changes nothing). */
export const outranksStored =
  'usage_events.interim is not null and (excluded.interim is null or excluded.interim > usage_events.interim)';

/** One event per request id: the highest-ranked (a stream's opening record and final event may share a batch). */
export function highestRanked(events: UsageEvent[]): UsageEvent[] {
  const byId = new Map<string, UsageEvent>();
  for (const e of events) {
    const seen = byId.get(e.request_id);
    if (!seen || rankOf(e) > rankOf(seen)) byId.set(e.request_id, e);
  }
  return byId.size === events.length ? events : [...byId.values()];
}

export type UsageRow = Omit<UsageEvent, 'estimated' | 'interim'> & { estimated: number; interim: number | null };

/** A table row as a UsageEvent (estimated a boolean, interim absent on final events). */
export function fromUsageRow({ interim, ...row }: UsageRow): UsageEvent {
  return { ...row, estimated: Boolean(row.estimated), ...(interim === null ? {} : { interim }) };
}
