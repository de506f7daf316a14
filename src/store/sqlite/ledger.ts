// Ledger queries over usage events, with exact (bigint) money sums. Events reach the table through the
// outbox; a query first loads what the outbox holds, and counts what the table has still not taken in (a slow
// or failing database), so it never misses a completed request nor counts one twice.
import type Database from 'better-sqlite3';
import {
  LEDGER_DIMENSIONS,
  type LedgerDimension,
  type LedgerQuery,
  type LedgerRow,
  type LedgerStore,
  type UsageEvent,
} from '../ports.ts';
import { inRange, type PendingChange } from './pending-usage.ts';

const COLUMN: Record<string, string> = Object.fromEntries(
  LEDGER_DIMENSIONS.map((d) => [d, d === 'day' ? 'substr(ts, 1, 10)' : d]),
);

/** What the ledger needs of the usage store: its outbox loaded, and reads that count its pending events. */
export interface PendingUsage {
  loadPending(): Promise<void>;
  readWithPending<T>(selects: (e: UsageEvent) => boolean, read: (change: PendingChange) => T): T;
}

export class SqlLedgerStore implements LedgerStore {
  constructor(
    private readonly raw: Database.Database,
    private readonly usage: PendingUsage,
  ) {}

  async aggregate(q: LedgerQuery): Promise<LedgerRow[]> {
    await this.usage.loadPending();
    const dims = q.group_by.map((d) => `${COLUMN[d]} as ${d}`);
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.from) {
      where.push('ts >= ?');
      params.push(q.from);
    }
    if (q.to) {
      where.push('ts < ?');
      params.push(q.to);
    }
    if (q.org_id) {
      where.push('org_id = ?');
      params.push(q.org_id);
    }
    if (q.vendor) {
      where.push('vendor = ?');
      params.push(q.vendor);
    }
    const sql = `select ${[...dims, 'count(*) as requests', 'sum(prompt_tokens) as prompt_tokens', 'sum(completion_tokens) as completion_tokens', 'sum(cost_micros) as cost_micros', 'sum(list_price_micros) as list_price_micros', 'sum(price_micros) as price_micros'].join(', ')}
      from usage_events ${where.length ? `where ${where.join(' and ')}` : ''}
      ${q.group_by.length ? `group by ${q.group_by.map((d) => COLUMN[d]).join(', ')} order by ${q.group_by.map((d) => COLUMN[d]).join(', ')}` : ''}`;
    const selects = (e: UsageEvent) =>
      inRange(e.ts, q) && (!q.org_id || e.org_id === q.org_id) && (!q.vendor || e.vendor === q.vendor);
    return this.usage.readWithPending(selects, (change) => {
      const rows = this.raw
        .prepare(sql)
        .safeIntegers(true)
        .all(...params) as Array<Record<string, bigint | string | null>>;
      const sums = rows.map((r) => ({
        group: Object.fromEntries(q.group_by.map((d) => [d, String(r[d] ?? '')])),
        requests: Number(r.requests),
        prompt_tokens: Number(r.prompt_tokens ?? 0n),
        completion_tokens: Number(r.completion_tokens ?? 0n),
        cost_micros: BigInt(r.cost_micros ?? 0n),
        list_price_micros: BigInt(r.list_price_micros ?? 0n),
        price_micros: BigInt(r.price_micros ?? 0n),
      }));
      if (change.added.length > 0) withPending(sums, q.group_by, change);
      return sums.filter((r) => r.requests !== 0);
    });
  }

  async spent(orgId: string, from: string, keyId?: string): Promise<bigint> {
    await this.usage.loadPending();
    const selects = (e: UsageEvent) => e.org_id === orgId && e.ts >= from && (!keyId || e.key_id === keyId);
    return this.usage.readWithPending(selects, (change) => {
      const row = this.raw
        .prepare(
          `select coalesce(sum(price_micros), 0) as spent from usage_events where org_id = ? and ts >= ?${keyId ? ' and key_id = ?' : ''}`,
        )
        .safeIntegers(true)
        .get(...(keyId ? [orgId, from, keyId] : [orgId, from])) as { spent: bigint };
      let spent = BigInt(row.spent);
      for (const e of change.added) spent += BigInt(e.price_micros);
      for (const e of change.replaced) spent -= BigInt(e.price_micros);
      return spent;
    });
  }
}

/** Adds the pending events to the sums of their groups (and takes off the rows they replace), in group order. */
function withPending(sums: LedgerRow[], groupBy: LedgerDimension[], change: PendingChange): void {
  const keyOf = (group: Record<string, string>) => groupBy.map((d) => group[d]).join('\u0000');
  const byKey = new Map(sums.map((r) => [keyOf(r.group), r]));
  const apply = (e: UsageEvent, sign: 1 | -1) => {
    const group = Object.fromEntries(groupBy.map((d) => [d, d === 'day' ? e.ts.slice(0, 10) : String(e[d])]));
    const key = keyOf(group);
    let row = byKey.get(key);
    if (!row) {
      row = {
        group,
        requests: 0,
        prompt_tokens: 0,
        completion_tokens: 0,
        cost_micros: 0n,
        list_price_micros: 0n,
        price_micros: 0n,
      };
      byKey.set(key, row);
      sums.push(row);
    }
    row.requests += sign;
    row.prompt_tokens += sign * e.prompt_tokens;
    row.completion_tokens += sign * e.completion_tokens;
    row.cost_micros += BigInt(sign * e.cost_micros);
    row.list_price_micros += BigInt(sign * e.list_price_micros);
    row.price_micros += BigInt(sign * e.price_micros);
  };
  for (const e of change.added) apply(e, 1);
  for (const e of change.replaced) apply(e, -1);
  // The table's order (by each dimension in turn; SQLite compares text by its bytes, as this does for ASCII).
  sums.sort((a, b) => {
    for (const d of groupBy) if (a.group[d] !== b.group[d]) return a.group[d]! < b.group[d]! ? -1 : 1;
    return 0;
  });
}
