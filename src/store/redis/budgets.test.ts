// Budgets on the real Redis: a month starts from the ledger once, whichever node comes first, and concurrent
// requests spread over two nodes overshoot a hard budget by at most one reservation per node.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { dropClusterKeys, TEST_REDIS_URL, uniqueClusterName } from '../../../test/helpers/redis.ts';
import { RedisBudgets } from './budgets.ts';
import { counterScripts } from './scripts.ts';

const name = uniqueClusterName();
const connections: Redis[] = [];
const node = (loadSpent: (scope: string, monthStart: string) => Promise<bigint>, now?: () => Date, holdMs?: number) => {
  const redis = new Redis(TEST_REDIS_URL);
  connections.push(redis);
  return new RedisBudgets(counterScripts(redis), `${name}:budget:`, loadSpent, now, holdMs);
};

afterAll(async () => {
  await dropClusterKeys(name);
  connections.forEach((c) => c.disconnect());
});

describe('RedisBudgets', () => {
  it('starts each month from what the ledger holds, loaded once for all nodes', async () => {
    let now = new Date('2026-11-30T23:59:59.999Z');
    const asked: string[] = [];
    const ledger = async (_scope: string, monthStart: string) => {
      asked.push(monthStart);
      return monthStart.startsWith('2026-11') ? 900n : 0n;
    };
    const [a, b] = [node(ledger, () => now), node(ledger, () => now)];
    const scope = { id: 'org:months', limitMicros: 1_000n, hard: true };
    expect(await a.reserve(scope, 200n)).toMatchObject({ ok: false, spent: 900n, reserved: 0n });
    expect(await b.reserve(scope, 100n)).toMatchObject({ ok: true, amount: 100n });
    expect(await a.reserve(scope, 1n)).toMatchObject({ ok: false, spent: 900n, reserved: 100n });
    now = new Date('2026-12-01T00:00:00.000Z');
    expect(await b.reserve(scope, 200n)).toMatchObject({ ok: true, amount: 200n });
    // Node b found November already loaded by a.
    expect(asked).toEqual(['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
  });

  it('settles the true price against the reservation, seen by every node', async () => {
    const [a, b] = [node(async () => 0n), node(async () => 0n)];
    const scope = { id: 'org:settle', limitMicros: 1_000n, hard: true };
    const held = await a.reserve(scope, 600n);
    expect(held.ok).toBe(true);
    if (held.ok) await held.settle(250n);
    if (held.ok) await held.settle(250n); // a second settle changes nothing
    expect(await b.spent(scope)).toBe(250n);
    expect(await b.reserve(scope, 750n)).toMatchObject({ ok: true });
    expect(await a.reserve(scope, 1n)).toMatchObject({ ok: false, spent: 250n, reserved: 750n });
  });

  it('a node killed holding reservations does not keep the budget spent: its holds lapse and their room comes back', async () => {
    const holdMs = 300;
    const [killed, survivor] = [node(async () => 0n, undefined, holdMs), node(async () => 0n, undefined, holdMs)];
    const scope = { id: 'org:killed-node', limitMicros: 1_000n, hard: true };
    // The killed node reserved most of the budget and will never settle (nor release) it.
    expect(await killed.reserve(scope, 800n)).toMatchObject({ ok: true });
    const late = await survivor.reserve(scope, 100n);
    expect(late.ok).toBe(true);
    expect(await survivor.reserve(scope, 300n)).toMatchObject({ ok: false, reserved: 900n });
    await new Promise((r) => setTimeout(r, holdMs + 100));
    // Both holds lapsed: the dead node's 800 and the survivor's 100 are room again.
    const after = await survivor.reserve(scope, 300n);
    expect(after).toMatchObject({ ok: true });
    // A request that outlived its hold still pays its true price, and gives back no room twice.
    if (late.ok) await late.settle(60n);
    if (after.ok) await after.settle(300n);
    expect(await survivor.spent(scope)).toBe(360n);
    expect(await survivor.reserve(scope, 640n)).toMatchObject({ ok: true });
    expect(await survivor.reserve(scope, 1n)).toMatchObject({ ok: false, spent: 360n, reserved: 640n });
  });

  it('a soft budget reserves past its limit', async () => {
    const a = node(async () => 5_000n);
    expect(await a.reserve({ id: 'org:soft', limitMicros: 1_000n, hard: false }, 600n)).toMatchObject({ ok: true });
  });

  it('200 concurrent requests over two nodes overshoot a nearly spent budget by at most one reservation per node', async () => {
    const limit = 1_000_000n;
    const reservation = 50_000n;
    // Room for about 20 requests' reservations; each settles at 30,000-50,000 after a random delay.
    const ledger = async () => limit - 20n * 45_000n;
    const [a, b] = [node(ledger), node(ledger)];
    const scope = { id: 'org:overshoot', limitMicros: limit, hard: true };
    let admitted = 0;
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const r = await (i % 2 ? a : b).reserve(scope, reservation);
        if (!r.ok) return;
        admitted++;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
        await r.settle(30_000n + BigInt(Math.floor(Math.random() * 20_000)));
      }),
    );
    const spent = await a.spent(scope);
    const overshoot = spent > limit ? spent - limit : 0n;
    console.log(`budget overshoot over two nodes: ${overshoot} micro-units (${admitted} of 200 admitted)`);
    expect(admitted).toBeGreaterThan(15);
    expect(admitted).toBeLessThan(200);
    expect(overshoot).toBeLessThanOrEqual(2n * reservation);
  });
});
