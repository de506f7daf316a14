// Usage events into SQLite, idempotent by request id (a replayed outbox inserts nothing twice). The writer
// thread (writer.ts) runs it; an in-memory database, which no other thread can open, runs it inline.
import type Database from 'better-sqlite3';
import type { UsageEvent } from '../ports.ts';

/**
 * The usage_events table's columns, each with the value a UsageEvent binds to it: one per UsageEvent field,
 * so a field added without its column (or a column without its field) does not compile. The migrations add the
 * column (usage-writes.test.ts compares the migrated table with this list).
 */
const usageColumns = {
  request_id: (e) => e.request_id,
  ts: (e) => e.ts,
  org_id: (e) => e.org_id,
  key_id: (e) => e.key_id,
  endpoint: (e) => e.endpoint,
  model: (e) => e.model,
  vendor: (e) => e.vendor,
  deployment: (e) => e.deployment,
  region: (e) => e.region,
  prompt_tokens: (e) => e.prompt_tokens,
  completion_tokens: (e) => e.completion_tokens,
  cached_tokens: (e) => e.cached_tokens,
  reasoning_tokens: (e) => e.reasoning_tokens,
  estimated: (e) => (e.estimated ? 1 : 0),
  status: (e) => e.status,
  latency_ms: (e) => e.latency_ms,
  cost_micros: (e) => e.cost_micros,
  list_price_micros: (e) => e.list_price_micros,
  price_micros: (e) => e.price_micros,
  customer_country: (e) => e.customer_country,
  interim: (e) => e.interim ?? null,
} satisfies Record<keyof UsageEvent, (e: UsageEvent) => string | number | null>;

/** The usage_events columns a usage event fills, in insert order. */
export const usageColumnNames = Object.keys(usageColumns) as Array<keyof UsageEvent>;

/** Interim records (see UsageEvent.interim) rank by their number; the final event above them all. */
export const rankOf = (e: Pick<UsageEvent, 'interim'>): number =>
  e.interim === undefined || e.interim === null ? Infinity : e.interim;

/**
 * Returns a function that inserts the events in an outbox's JSON lines in one transaction and answers how many
 * there were; torn lines are skipped.
 */
export function usageWrites(db: Database.Database): (jsonLines: string) => number {
  const bind = Object.values(usageColumns);
  const updated = usageColumnNames.filter((c) => c !== 'request_id');
  // A row is replaced only by a record that outranks it: an interim one by a later one or the final event; a final
  // event never (a replay, in any order, changes nothing).
  const insert = db.prepare(
    `insert into usage_events (${usageColumnNames.join(', ')}) values (${usageColumnNames.map(() => '?').join(', ')})
     on conflict (request_id) do update set ${updated.map((c) => `${c} = excluded.${c}`).join(', ')}
     where usage_events.interim is not null and (excluded.interim is null or excluded.interim > usage_events.interim)`,
  );
  // Positional parameters, from one array refilled per row: binding a named object costs several times more.
  const row: Array<string | number | null> = new Array(bind.length);
  const insertAll = db.transaction((events: UsageEvent[]) => {
    for (const e of events) {
      for (let i = 0; i < bind.length; i++) row[i] = bind[i]!(e);
      insert.run(...row);
    }
  });
  return (jsonLines) => {
    const events = parseUsageLines(jsonLines);
    insertAll(events);
    return events.length;
  };
}

/**
 * The events in outbox lines, one per request id: the highest-ranked (a short stream's opening record and final
 * event often share a batch, and only the final one need be written). Torn lines are skipped.
 */
export function parseUsageLines(jsonLines: string): UsageEvent[] {
  const byId = new Map<string, UsageEvent>();
  let interim = false;
  const events: UsageEvent[] = [];
  for (const line of jsonLines.split('\n')) {
    if (!line) continue;
    let e: UsageEvent;
    try {
      e = JSON.parse(line) as UsageEvent;
    } catch {
      // A torn line: its write never completed, so neither did its response.
      continue;
    }
    events.push(e);
    if (e.interim !== undefined) interim = true;
  }
  // Most batches hold final events only, each id once: nothing to pick between.
  if (!interim) return events;
  for (const e of events) {
    const seen = byId.get(e.request_id);
    if (!seen || rankOf(e) > rankOf(seen)) byId.set(e.request_id, e);
  }
  return [...byId.values()];
}
