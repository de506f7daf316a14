// Usage events in PostgreSQL, idempotent by request id: a retry, a replay or a second consumer never bills twice.
// `recordBatch` is what the ledger writer (the JetStream consumer) calls: one statement per batch, through unnest.
import { sql, type Kysely } from 'kysely';
import type { UsageEvent, UsageStore, UsageTotals } from '../ports.ts';
import {
  fromUsageRow,
  highestRanked,
  outranksStored,
  usageColumnNames,
  usageColumns,
  type UsageRow,
} from '../sql/usage-columns.ts';

const columns = usageColumnNames.join(', ');
const updated = usageColumnNames
  .filter((c) => c !== 'request_id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');
/** Rows per statement: PostgreSQL takes arrays of any length, but one huge statement holds its locks long. */
const BATCH = 5_000;

export class PgUsageStore implements UsageStore {
  constructor(private readonly db: Kysely<any>) {}

  /** Resolves once the event is committed. */
  record(event: UsageEvent): Promise<void> {
    return this.recordBatch([event]);
  }

  /**
   * Writes the events, each once: an event whose request id the table holds changes nothing, unless it outranks
   * the row (an interim record replaced by a later one or the final event). Resolves once committed.
   */
  async recordBatch(events: UsageEvent[]): Promise<void> {
    // In request id order: writers whose batches overlap lock the rows in the same order, so never deadlock.
    const unique = [...highestRanked(events)].sort((x, y) =>
      x.request_id < y.request_id ? -1 : x.request_id > y.request_id ? 1 : 0,
    );
    for (let i = 0; i < unique.length; i += BATCH) {
      const chunk = unique.slice(i, i + BATCH);
      const arrays = usageColumnNames.map((name) => {
        const { bind, pg } = usageColumns[name] as { bind: (e: UsageEvent) => string | number | null; pg: string };
        return sql`${chunk.map((e) => bind(e))}::${sql.raw(pg)}[]`;
      });
      await sql`insert into usage_events (${sql.raw(columns)}) select * from unnest(${sql.join(arrays)})
        on conflict (request_id) do update set ${sql.raw(updated)} where ${sql.raw(outranksStored)}`.execute(this.db);
    }
  }

  async totals(orgId: string, range: { from?: string; to?: string }): Promise<UsageTotals> {
    const row = await this.inRange(orgId, range)
      .select([
        sql<string>`count(*)`.as('requests'),
        sql<string>`coalesce(sum(prompt_tokens), 0)`.as('prompt_tokens'),
        sql<string>`coalesce(sum(completion_tokens), 0)`.as('completion_tokens'),
      ])
      .executeTakeFirstOrThrow();
    const prompt = Number(row.prompt_tokens);
    const completion = Number(row.completion_tokens);
    return {
      requests: Number(row.requests),
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    };
  }

  async list(orgId: string, range: { from?: string; to?: string; limit?: number }): Promise<UsageEvent[]> {
    const rows = await this.inRange(orgId, range)
      .selectAll()
      .orderBy('ts', 'desc')
      .limit(range.limit ?? 100)
      .execute();
    return (rows as UsageRow[]).map(fromUsageRow);
  }

  private inRange(orgId: string, range: { from?: string; to?: string }) {
    let q = this.db.selectFrom('usage_events').where('org_id', '=', orgId);
    if (range.from) q = q.where('ts', '>=', range.from);
    if (range.to) q = q.where('ts', '<', range.to);
    return q;
  }
}
