// Usage events into SQLite, idempotent by request id (a replayed outbox inserts nothing twice). Plain
// JavaScript so that the writer thread (writer.mjs) runs it without the TypeScript loader; an in-memory
// database, which no other thread can open, runs it inline.

const COLUMNS = [
  'request_id', 'ts', 'org_id', 'key_id', 'endpoint', 'model', 'vendor', 'deployment', 'region',
  'prompt_tokens', 'completion_tokens', 'cached_tokens', 'reasoning_tokens', 'estimated', 'status', 'latency_ms',
  'cost_micros', 'list_price_micros', 'price_micros', 'customer_country',
];

/** Inserts the events in an outbox's JSON lines in one transaction. */
export function usageWrites(db) {
  const insert = db.prepare(
    `insert into usage_events (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')}) on conflict (request_id) do nothing`,
  );
  // Positional parameters: binding a named object costs several times more per row.
  const insertAll = db.transaction((events) => {
    for (const e of events) {
      insert.run(e.request_id, e.ts, e.org_id, e.key_id, e.endpoint, e.model, e.vendor, e.deployment, e.region,
        e.prompt_tokens, e.completion_tokens, e.cached_tokens, e.reasoning_tokens, e.estimated ? 1 : 0, e.status, e.latency_ms,
        e.cost_micros, e.list_price_micros, e.price_micros, e.customer_country);
    }
  });
  return (jsonLines) => {
    const events = [];
    for (const line of jsonLines.split('\n')) {
      if (!line) continue;
      try {
        events.push(JSON.parse(line));
      } catch {
        // A torn line: its write never completed, so neither did its response.
      }
    }
    insertAll(events);
    return events.length;
  };
}
