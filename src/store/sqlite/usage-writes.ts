// Usage events into SQLite, idempotent by request id (a replayed outbox inserts nothing twice). The writer
// thread (writer.ts) runs it; an in-memory database, which no other thread can open, runs it inline.
import type Database from 'better-sqlite3';
import type { UsageEvent } from '../ports.ts';
import { highestRanked, outranksStored, usageColumnNames, usageColumns } from '../sql/usage-columns.ts';

export { rankOf, usageColumnNames } from '../sql/usage-columns.ts';

/**
 * Returns a function that inserts the events in an outbox's JSON lines in one transaction and answers how many
 * there were; torn lines are skipped.
 */
export function usageWrites(db: Database.Database): (jsonLines: string) => number {
  const bind = usageColumnNames.map((c) => usageColumns[c].bind);
  const updated = usageColumnNames.filter((c) => c !== 'request_id');
  // A row is replaced only by a record that outranks it: an interim one by a later one or the final event; a final
  // event never (a replay, in any order, changes nothing).
  const insert = db.prepare(
    `insert into usage_events (${usageColumnNames.join(', ')}) values (${usageColumnNames.map(() => '?').join(', ')})
     on conflict (request_id) do update set ${updated.map((c) => `${c} = excluded.${c}`).join(', ')}
     where ${outranksStored}`,
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
    // A line an earlier version wrote, before cache writes were counted apart (it counted them as input).
    if ((e as Partial<UsageEvent>).cache_write_tokens === undefined) e.cache_write_tokens = 0;
    if ((e as Partial<UsageEvent>).cache_write_1h_tokens === undefined) e.cache_write_1h_tokens = 0;
    events.push(e);
    if (e.interim !== undefined) interim = true;
  }
  // Most batches hold final events only, each id once: nothing to pick between.
  return interim ? highestRanked(events) : events;
}
