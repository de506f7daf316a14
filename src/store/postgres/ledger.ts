// Ledger sums over usage events in PostgreSQL, exact: money sums are numeric, read as bigint.
import { sql, type Kysely } from 'kysely';
import { LEDGER_DIMENSIONS, type LedgerQuery, type LedgerRow, type LedgerStore } from '../ports.ts';

/** Each dimension's expression; text ordered by its bytes (COLLATE "C"), as SQLite orders it. */
const COLUMN = Object.fromEntries(
  LEDGER_DIMENSIONS.map((d) => [d, d === 'day' ? sql`substr(ts, 1, 10) collate "C"` : sql`${sql.ref(d)} collate "C"`]),
);

export class PgLedgerStore implements LedgerStore {
  constructor(private readonly db: Kysely<any>) {}

  async aggregate(q: LedgerQuery): Promise<LedgerRow[]> {
    const where = [];
    if (q.from) where.push(sql`ts >= ${q.from}`);
    if (q.to) where.push(sql`ts < ${q.to}`);
    if (q.org_id) where.push(sql`org_id = ${q.org_id}`);
    if (q.vendor) where.push(sql`vendor = ${q.vendor}`);
    const dims = q.group_by.map((d) => sql`${COLUMN[d]} as ${sql.ref(d)}`);
    const sums = [
      sql`count(*) as requests`,
      sql`coalesce(sum(prompt_tokens), 0)::text as prompt_tokens`,
      sql`coalesce(sum(completion_tokens), 0)::text as completion_tokens`,
      sql`coalesce(sum(cost_micros), 0)::text as cost_micros`,
      sql`coalesce(sum(list_price_micros), 0)::text as list_price_micros`,
      sql`coalesce(sum(price_micros), 0)::text as price_micros`,
    ];
    const groups = q.group_by.map((d) => COLUMN[d]!);
    const { rows } = await sql<Record<string, string | number | null>>`select ${sql.join([...dims, ...sums])}
      from usage_events ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}
      ${groups.length ? sql`group by ${sql.join(groups)} order by ${sql.join(groups)}` : sql``}`.execute(this.db);
    return rows
      .map((r) => ({
        group: Object.fromEntries(q.group_by.map((d) => [d, String(r[d] ?? '')])),
        requests: Number(r.requests),
        prompt_tokens: Number(r.prompt_tokens),
        completion_tokens: Number(r.completion_tokens),
        cost_micros: BigInt(r.cost_micros ?? 0),
        list_price_micros: BigInt(r.list_price_micros ?? 0),
        price_micros: BigInt(r.price_micros ?? 0),
      }))
      .filter((r) => r.requests !== 0);
  }

  async spent(orgId: string, from: string, keyId?: string): Promise<bigint> {
    const { rows } = await sql<{ spent: string }>`select coalesce(sum(price_micros), 0)::text as spent from usage_events
      where org_id = ${orgId} and ts >= ${from} ${keyId ? sql`and key_id = ${keyId}` : sql``}`.execute(this.db);
    return BigInt(rows[0]!.spent);
  }
}
