// Usage events: made durable by the outbox (usage-outbox.ts) and loaded into SQLite in large batches on the
// writer thread (usage-writes.mjs); reads go through Kysely like every other query.
import { sql, type Kysely } from 'kysely';
import type { UsageEvent, UsageStore, UsageTotals } from '../ports.ts';
import { UsageOutbox } from './usage-outbox.ts';
import type { BulkWrites } from './writer-thread.ts';

export class SqlUsageStore implements UsageStore {
  private readonly outbox: UsageOutbox;

  constructor(
    private readonly db: Kysely<any>,
    outboxFile: string,
    writes: BulkWrites,
    onError: (err: unknown) => void,
  ) {
    this.outbox = new UsageOutbox(outboxFile, (jsonLines) => writes.insertUsage(jsonLines), undefined, onError);
  }

  record(event: UsageEvent): Promise<void> {
    return this.outbox.record(event);
  }

  /** Moves events still in the outbox into the table (before reading it). */
  loadPending(): Promise<void> {
    return this.outbox.loadNow();
  }

  close(): Promise<void> {
    return this.outbox.close();
  }

  async totals(orgId: string, range: { from?: string; to?: string }): Promise<UsageTotals> {
    await this.outbox.loadNow();
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
    await this.outbox.loadNow();
    let query = this.db.selectFrom('usage_events').selectAll().where('org_id', '=', orgId);
    if (range.from) query = query.where('ts', '>=', range.from);
    if (range.to) query = query.where('ts', '<', range.to);
    const rows = await query.orderBy('ts', 'desc').limit(range.limit ?? 100).execute();
    return rows.map(({ interim, ...row }) => ({ ...row, estimated: Boolean(row.estimated), ...(interim === null ? {} : { interim }) }) as UsageEvent);
  }
}
