// Usage events: group-committed (all events recorded in one event-loop turn share one transaction), so
// each request pays for durability without a transaction of its own. The hot insert uses a prepared
// better-sqlite3 statement directly; reads go through Kysely like every other query.
import type Database from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { UsageEvent, UsageStore, UsageTotals } from '../ports.ts';

interface Pending {
  event: UsageEvent;
  resolve: () => void;
  reject: (err: Error) => void;
}

const COLUMNS = [
  'request_id', 'ts', 'org_id', 'key_id', 'endpoint', 'model', 'vendor', 'deployment', 'region',
  'prompt_tokens', 'completion_tokens', 'cached_tokens', 'reasoning_tokens', 'estimated', 'status', 'latency_ms',
] as const;

export class SqlUsageStore implements UsageStore {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly insertBatch: (events: UsageEvent[]) => void;

  constructor(
    private readonly db: Kysely<any>,
    raw: Database.Database,
  ) {
    const insert = raw.prepare(
      `insert into usage_events (${COLUMNS.join(', ')}) values (${COLUMNS.map((c) => `@${c}`).join(', ')}) on conflict (request_id) do nothing`,
    );
    this.insertBatch = raw.transaction((events: UsageEvent[]) => {
      for (const event of events) insert.run({ ...event, estimated: event.estimated ? 1 : 0 });
    });
  }

  record(event: UsageEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes everything pending; resolves each waiter only after its row is committed. */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    try {
      this.insertBatch(batch.map((p) => p.event));
    } catch (err) {
      for (const p of batch) p.reject(err as Error);
      return;
    }
    for (const p of batch) p.resolve();
  }

  async totals(orgId: string, range: { from?: string; to?: string }): Promise<UsageTotals> {
    let query = this.db
      .selectFrom('usage_events')
      .select([
        sql<number>`count(*)`.as('requests'),
        sql<number>`coalesce(sum(prompt_tokens), 0)`.as('prompt_tokens'),
        sql<number>`coalesce(sum(completion_tokens), 0)`.as('completion_tokens'),
      ])
      .where('org_id', '=', orgId);
    if (range.from) query = query.where('ts', '>=', range.from);
    if (range.to) query = query.where('ts', '<', range.to);
    const row = await query.executeTakeFirstOrThrow();
    const prompt = Number(row.prompt_tokens);
    const completion = Number(row.completion_tokens);
    return { requests: Number(row.requests), prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  }

  async list(orgId: string, range: { from?: string; to?: string; limit?: number }): Promise<UsageEvent[]> {
    let query = this.db.selectFrom('usage_events').selectAll().where('org_id', '=', orgId);
    if (range.from) query = query.where('ts', '>=', range.from);
    if (range.to) query = query.where('ts', '<', range.to);
    const rows = await query.orderBy('ts', 'desc').limit(range.limit ?? 100).execute();
    return rows.map((row) => ({ ...row, estimated: Boolean(row.estimated) }) as UsageEvent);
  }
}
