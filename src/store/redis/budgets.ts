// Monthly budgets shared by every node of a cluster: reserve and settle are Redis scripts, so the room one node
// reserves is gone for all, and concurrent requests over any number of nodes overshoot a hard budget by at most
// one reservation. A scope's month starts from what the ledger holds, loaded once by whichever node comes first.
import { monthOf, type BudgetCounter, type BudgetScope, type Reservation } from '../../metering/budgets.ts';
import { randomUUID } from 'node:crypto';
import type { BudgetKeys, CounterScripts } from './scripts.ts';

/** A month's counters outlive it a little (late settlements), then leave Redis. */
const MONTH_TTL_SECONDS = 40 * 86_400;
/** How long a reservation holds its room without being settled: longer than any request (as concurrency slots). */
const HOLD_MS = 10 * 60_000;

export class RedisBudgets implements BudgetCounter {
  private readonly loading = new Map<string, Promise<void>>();

  constructor(
    private readonly scripts: CounterScripts,
    /** Prefixes every key: "<cluster name>:budget:". */
    private readonly prefix: string,
    /** What the ledger holds for a scope since the start of a month. */
    private readonly loadSpent: (scopeId: string, monthStart: string) => Promise<bigint>,
    private readonly now: () => Date = () => new Date(),
    private readonly holdMs = HOLD_MS,
  ) {}

  async reserve(scope: BudgetScope, amount: bigint): Promise<Reservation> {
    const month = monthOf(this.now());
    const key = `${this.prefix}${scope.id}:${month}`;
    const keys: BudgetKeys = [key, `${key}:holds`];
    const hold = { id: randomUUID(), ms: this.holdMs };
    const args = [amount.toString(), scope.limitMicros.toString(), scope.hard ? '1' : '0', hold] as const;
    let reply = await this.scripts.conduitReserve(keys, ...args);
    if (Number(reply[0]) === -1) {
      await this.load(key, scope.id, month);
      reply = await this.scripts.conduitReserve(keys, ...args);
    }
    // -1 again: the month was dropped between load and reserve (an eviction under memory pressure, say).
    if (Number(reply[0]) === -1) throw new Error(`budget ${key} was dropped from Redis as it was loaded`);
    if (Number(reply[0]) !== 1) return { ok: false, spent: BigInt(reply[1]!), reserved: BigInt(reply[2]!) };
    let settled = false;
    return {
      ok: true,
      amount,
      settle: async (actual) => {
        if (settled) return;
        settled = true;
        await this.scripts.conduitSettle(keys, hold.id, actual.toString());
      },
    };
  }

  async spent(scope: BudgetScope): Promise<bigint> {
    const month = monthOf(this.now());
    const key = `${this.prefix}${scope.id}:${month}`;
    await this.load(key, scope.id, month);
    return BigInt(await this.scripts.conduitLoadBudget(key, '0', MONTH_TTL_SECONDS));
  }

  /** Loads a month from the ledger unless a node already did (HSETNX): one load per key at a time on this node. */
  private load(key: string, scopeId: string, month: string): Promise<void> {
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.loadSpent(scopeId, `${month}-01T00:00:00.000Z`)
        .then((spent) => this.scripts.conduitLoadBudget(key, spent.toString(), MONTH_TTL_SECONDS))
        .then(() => undefined)
        .finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }
}
