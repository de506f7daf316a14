// Usage events into SQLite, idempotent by request id (a replayed outbox inserts nothing twice). Plain
// JavaScript so that the writer thread (writer.mjs) runs it without the TypeScript loader; an in-memory
// database, which no other thread can open, runs it inline.

const COLUMNS = [
  'request_id', 'ts', 'org_id', 'key_id', 'endpoint', 'model', 'vendor', 'deployment', 'region',
  'prompt_tokens', 'completion_tokens', 'cached_tokens', 'reasoning_tokens', 'estimated', 'status', 'latency_ms',
  'cost_micros', 'list_price_micros', 'price_micros', 'customer_country', 'interim',
];

/** Interim records (see UsageEvent.interim) rank by their number; the final event above them all. */
export const rankOf = (e) => (e.interim === undefined || e.interim === null ? Infinity : e.interim);

/** Inserts the events in an outbox's JSON lines in one transaction. */
export function usageWrites(db) {
  // A row is replaced only by a record that outranks it: an interim one by a later one or the final event; a final
  // event never (a replay, in any order, changes nothing).
  const insert = db.prepare(
    `insert into usage_events (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})
     on conflict (request_id) do update set ${COLUMNS.slice(1).map((c) => `${c} = excluded.${c}`).join(', ')}
     where usage_events.interim is not null and (excluded.interim is null or excluded.interim > usage_events.interim)`,
  );
  // Positional parameters: binding a named object costs several times more per row.
  const insertAll = db.transaction((events) => {
    for (const e of events) {
      insert.run(e.request_id, e.ts, e.org_id, e.key_id, e.endpoint, e.model, e.vendor, e.deployment, e.region,
        e.prompt_tokens, e.completion_tokens, e.cached_tokens, e.reasoning_tokens, e.estimated ? 1 : 0, e.status, e.latency_ms,
        e.cost_micros, e.list_price_micros, e.price_micros, e.customer_country, e.interim ?? null);
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
 * event often share a batch, and only the final one need be written).
 */
export function parseUsageLines(jsonLines) {
  const byId = new Map();
  let interim = false;
  const events = [];
  for (const line of jsonLines.split('\n')) {
    if (!line) continue;
    let e;
    try {
      e = JSON.parse(line);
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
