// Ledger queries over usage events, with exact (bigint) money sums. Events reach the table through the
// outbox; `beforeRead` loads anything still in flight so a query never misses a completed request.
import type Database from 'better-sqlite3';
import { LEDGER_DIMENSIONS, type LedgerQuery, type LedgerRow, type LedgerStore } from '../ports.ts';

const COLUMN: Record<string, string> = Object.fromEntries(LEDGER_DIMENSIONS.map((d) => [d, d === 'day' ? 'substr(ts, 1, 10)' : d]));

export class SqlLedgerStore implements LedgerStore {
  constructor(
    private readonly raw: Database.Database,
    private readonly beforeRead: () => Promise<void>,
  ) {}

  async aggregate(q: LedgerQuery): Promise<LedgerRow[]> {
    await this.beforeRead();
    const dims = q.group_by.map((d) => `${COLUMN[d]} as ${d}`);
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.from) where.push('ts >= ?') && params.push(q.from);
    if (q.to) where.push('ts < ?') && params.push(q.to);
    if (q.org_id) where.push('org_id = ?') && params.push(q.org_id);
    if (q.vendor) where.push('vendor = ?') && params.push(q.vendor);
    const sql = `select ${[...dims, 'count(*) as requests', 'sum(prompt_tokens) as prompt_tokens', 'sum(completion_tokens) as completion_tokens', 'sum(cost_micros) as cost_micros', 'sum(list_price_micros) as list_price_micros', 'sum(price_micros) as price_micros'].join(', ')}
      from usage_events ${where.length ? `where ${where.join(' and ')}` : ''}
      ${q.group_by.length ? `group by ${q.group_by.map((d) => COLUMN[d]).join(', ')} order by ${q.group_by.map((d) => COLUMN[d]).join(', ')}` : ''}`;
    const rows = this.raw.prepare(sql).safeIntegers(true).all(...params) as Array<Record<string, bigint | string | null>>;
    return rows
      .filter((r) => r.requests !== 0n)
      .map((r) => ({
        group: Object.fromEntries(q.group_by.map((d) => [d, String(r[d] ?? '')])),
        requests: Number(r.requests),
        prompt_tokens: Number(r.prompt_tokens ?? 0n),
        completion_tokens: Number(r.completion_tokens ?? 0n),
        cost_micros: BigInt(r.cost_micros ?? 0n),
        list_price_micros: BigInt(r.list_price_micros ?? 0n),
        price_micros: BigInt(r.price_micros ?? 0n),
      }));
  }

  async spent(orgId: string, from: string, keyId?: string): Promise<bigint> {
    await this.beforeRead();
    const row = this.raw
      .prepare(`select coalesce(sum(price_micros), 0) as spent from usage_events where org_id = ? and ts >= ?${keyId ? ' and key_id = ?' : ''}`)
      .safeIntegers(true)
      .get(...(keyId ? [orgId, from, keyId] : [orgId, from])) as { spent: bigint };
    return BigInt(row.spent);
  }
}
