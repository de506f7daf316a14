// Usage events: group-committed (all events recorded in one event-loop turn share one transaction),
// so each request pays for durability without paying for a transaction of its own.
import { sql, type Kysely } from 'kysely';
import type { UsageEvent, UsageStore, UsageTotals } from '../ports.ts';

interface Pending {
  event: UsageEvent;
  resolve: () => void;
  reject: (err: Error) => void;
}

const ROWS_PER_INSERT = 500;

export class SqlUsageStore implements UsageStore {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(private readonly db: Kysely<any>) {}

  record(event: UsageEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Writes everything pending; resolves each waiter only after its row is committed. */
  async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        for (let i = 0; i < batch.length; i += ROWS_PER_INSERT) {
          const rows = batch.slice(i, i + ROWS_PER_INSERT).map((p) => ({ ...p.event, estimated: p.event.estimated ? 1 : 0 }));
          await trx.insertInto('usage_events').values(rows).onConflict((oc) => oc.column('request_id').doNothing()).execute();
        }
      });
      for (const p of batch) p.resolve();
    } catch (err) {
      for (const p of batch) p.reject(err as Error);
    }
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
