// Usage events: made durable by the outbox (usage-outbox.ts) and loaded into SQLite in large batches with a
// prepared better-sqlite3 statement; reads go through Kysely like every other query.
import type Database from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { UsageEvent, UsageStore, UsageTotals } from '../ports.ts';
import { UsageOutbox } from './usage-outbox.ts';

const COLUMNS = [
  'request_id', 'ts', 'org_id', 'key_id', 'endpoint', 'model', 'vendor', 'deployment', 'region',
  'prompt_tokens', 'completion_tokens', 'cached_tokens', 'reasoning_tokens', 'estimated', 'status', 'latency_ms',
  'cost_micros', 'list_price_micros', 'price_micros', 'customer_country',
] as const;

export class SqlUsageStore implements UsageStore {
  private readonly outbox: UsageOutbox;

  constructor(
    private readonly db: Kysely<any>,
    raw: Database.Database,
    outboxFile: string,
  ) {
    const insert = raw.prepare(
      `insert into usage_events (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')}) on conflict (request_id) do nothing`,
    );
    // Positional parameters: binding a named object costs several times more per row.
    const insertBatch = raw.transaction((events: UsageEvent[]) => {
      for (const e of events) {
        insert.run(e.request_id, e.ts, e.org_id, e.key_id, e.endpoint, e.model, e.vendor, e.deployment, e.region,
          e.prompt_tokens, e.completion_tokens, e.cached_tokens, e.reasoning_tokens, e.estimated ? 1 : 0, e.status, e.latency_ms,
          e.cost_micros, e.list_price_micros, e.price_micros, e.customer_country);
      }
    });
    this.outbox = new UsageOutbox(outboxFile, (events) => insertBatch(events));
  }

  record(event: UsageEvent): Promise<void> {
    return this.outbox.record(event);
  }

  /** Moves events still in the outbox into the table (before reading it). */
  loadPending(): void {
    this.outbox.loadNow();
  }

  close(): void {
    this.outbox.close();
  }

  async totals(orgId: string, range: { from?: string; to?: string }): Promise<UsageTotals> {
    this.outbox.loadNow();
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
    this.outbox.loadNow();
    let query = this.db.selectFrom('usage_events').selectAll().where('org_id', '=', orgId);
    if (range.from) query = query.where('ts', '>=', range.from);
    if (range.to) query = query.where('ts', '<', range.to);
    const rows = await query.orderBy('ts', 'desc').limit(range.limit ?? 100).execute();
    return rows.map((row) => ({ ...row, estimated: Boolean(row.estimated) }) as UsageEvent);
  }
}
