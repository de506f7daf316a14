// Usage events: made durable by the outbox (usage-outbox.ts) and loaded into SQLite in large batches on the
// writer thread (usage-writes.ts). Reads count what the outbox holds and the table does not yet (pending-usage.ts):
// a database that is slow or failing to take events in makes reads late to disk, never short.
import type Database from 'better-sqlite3';
import type { UsageEvent, UsageStore, UsageTotals } from '../ports.ts';
import {
  fromRow,
  inRange,
  NO_CHANGE,
  pendingChange,
  pendingEvents,
  type PendingChange,
  type UsageRow,
} from './pending-usage.ts';
import { UsageOutbox } from './usage-outbox.ts';
import type { BulkWrites } from './writer-thread.ts';

export class SqlUsageStore implements UsageStore {
  private readonly outbox: UsageOutbox;

  constructor(
    private readonly raw: Database.Database,
    outboxFile: string,
    writes: BulkWrites,
    onError: (err: unknown) => void,
  ) {
    this.outbox = new UsageOutbox(outboxFile, (jsonLines) => writes.insertUsage(jsonLines), undefined, onError);
  }

  record(event: UsageEvent): Promise<void> {
    return this.outbox.record(event);
  }

  /** Events durable in the outbox and not yet committed to the table (a metric: how far the database is behind). */
  pendingCount(): number {
    let count = 0;
    const lines = this.outbox.pendingLines();
    for (let i = lines.indexOf('\n'); i !== -1; i = lines.indexOf('\n', i + 1)) count++;
    return count;
  }

  /** Moves events still in the outbox into the table (before reading it). */
  loadPending(): Promise<void> {
    return this.outbox.loadNow();
  }

  /**
   * Runs `read` in one read transaction, with what the pending events its filter selects change against that same
   * snapshot of the table (call after loadPending).
   */
  readWithPending<T>(selects: (e: UsageEvent) => boolean, read: (change: PendingChange) => T): T {
    const pending = pendingEvents(this.outbox.pendingLines(), selects);
    if (pending.length === 0) return read(NO_CHANGE);
    return this.raw.transaction(() => read(pendingChange(this.raw, pending)))();
  }

  close(): Promise<void> {
    return this.outbox.close();
  }

  async totals(orgId: string, range: { from?: string; to?: string }): Promise<UsageTotals> {
    await this.outbox.loadNow();
    const { where, params } = filter(orgId, range);
    return this.readWithPending(
      (e) => e.org_id === orgId && inRange(e.ts, range),
      (change) => {
        const row = this.raw
          .prepare(
            `select count(*) as requests, coalesce(sum(prompt_tokens), 0) as prompt_tokens, coalesce(sum(completion_tokens), 0) as completion_tokens from usage_events where ${where}`,
          )
          .get(...params) as { requests: number; prompt_tokens: number; completion_tokens: number };
        let { requests, prompt_tokens: prompt, completion_tokens: completion } = row;
        for (const [events, sign] of [
          [change.added, 1],
          [change.replaced, -1],
        ] as const) {
          for (const e of events) {
            requests += sign;
            prompt += sign * e.prompt_tokens;
            completion += sign * e.completion_tokens;
          }
        }
        return { requests, prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
      },
    );
  }

  async list(orgId: string, range: { from?: string; to?: string; limit?: number }): Promise<UsageEvent[]> {
    await this.outbox.loadNow();
    const { where, params } = filter(orgId, range);
    const limit = range.limit ?? 100;
    return this.readWithPending(
      (e) => e.org_id === orgId && inRange(e.ts, range),
      (change) => {
        // As many more rows as pending events may replace, so that the limit is still filled.
        const rows = this.raw
          .prepare(`select * from usage_events where ${where} order by ts desc limit ?`)
          .all(...params, limit + change.replaced.length) as UsageRow[];
        let events = rows.map(fromRow);
        if (change.added.length > 0) {
          const replaced = new Set(change.replaced.map((e) => e.request_id));
          events = events.filter((e) => !replaced.has(e.request_id)).concat(change.added);
          events.sort((a, b) => (a.ts < b.ts ? 1 : a.ts > b.ts ? -1 : 0));
        }
        return events.slice(0, limit);
      },
    );
  }
}

function filter(orgId: string, range: { from?: string; to?: string }): { where: string; params: string[] } {
  const where = ['org_id = ?'];
  const params = [orgId];
  if (range.from) {
    where.push('ts >= ?');
    params.push(range.from);
  }
  if (range.to) {
    where.push('ts < ?');
    params.push(range.to);
  }
  return { where: where.join(' and '), params };
}
