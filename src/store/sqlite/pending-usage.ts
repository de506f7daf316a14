// Usage events durable in the outbox but not (yet) in the table: what a read must count besides the table's rows,
// so that a slow or failing database makes reads late to disk, never short. Run inside the read's transaction,
// so that the table's rows and the ones looked up here are the same snapshot (the writer thread may commit
// pending events meanwhile: those are then found here, and not counted twice).
import type Database from 'better-sqlite3';
import type { UsageEvent } from '../ports.ts';
import { fromUsageRow as fromRow, type UsageRow } from '../sql/usage-columns.ts';
import { parseUsageLines, rankOf } from './usage-writes.ts';

/** What the pending events change in a read: rows to count that the table lacks, and table rows they replace. */
export interface PendingChange {
  added: UsageEvent[];
  replaced: UsageEvent[];
}

export const NO_CHANGE: PendingChange = { added: [], replaced: [] };

/** The pending events (outbox JSON lines) a read's filter selects, one per request id: the highest-ranked. */
export function pendingEvents(lines: string, selects: (e: UsageEvent) => boolean): UsageEvent[] {
  if (lines === '') return [];
  const byId = new Map<string, UsageEvent>();
  for (const e of parseUsageLines(lines)) {
    if (!selects(e)) continue;
    const seen = byId.get(e.request_id);
    if (!seen || rankOf(e) > rankOf(seen)) byId.set(e.request_id, e);
  }
  return [...byId.values()];
}

/** Against the table (call inside the read's transaction): each pending event the table does not already hold as well or better. */
export function pendingChange(raw: Database.Database, pending: UsageEvent[]): PendingChange {
  if (pending.length === 0) return NO_CHANGE;
  const stored = new Map<string, UsageEvent>();
  // At most 500 ids a statement (SQLite's limit on parameters is 32,766, or 999 in old builds).
  for (let i = 0; i < pending.length; i += 500) {
    const ids = pending.slice(i, i + 500).map((e) => e.request_id);
    const rows = raw
      .prepare(`select * from usage_events where request_id in (${ids.map(() => '?').join(', ')})`)
      .all(...ids) as Array<UsageRow>;
    for (const row of rows) stored.set(row.request_id, fromRow(row));
  }
  const change: PendingChange = { added: [], replaced: [] };
  for (const e of pending) {
    const row = stored.get(e.request_id);
    if (row && rankOf(row) >= rankOf(e)) continue;
    change.added.push(e);
    if (row) change.replaced.push(row);
  }
  return change;
}

export { fromUsageRow as fromRow, type UsageRow } from '../sql/usage-columns.ts';

/** The filter of a read over time (`from` inclusive, `to` exclusive, ISO times), as the table's queries apply it. */
export const inRange = (ts: string, range: { from?: string; to?: string }) =>
  (!range.from || ts >= range.from) && (!range.to || ts < range.to);
