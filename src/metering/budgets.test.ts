import { describe, expect, it } from 'vitest';
import { InProcessBudgets } from './budgets.ts';

describe('InProcessBudgets', () => {
  const scope = { id: 'org:o1', limitMicros: 1_000n, hard: true };

  it('starts each month from what the ledger holds for that month', async () => {
    let now = new Date('2026-11-30T23:59:59.999Z');
    const asked: string[] = [];
    const budgets = new InProcessBudgets(
      async (_scope, monthStart) => {
        asked.push(monthStart);
        return monthStart.startsWith('2026-11') ? 900n : 0n;
      },
      () => now,
    );

    expect(await budgets.reserve(scope, 200n)).toMatchObject({ ok: false, spent: 900n });
    expect(await budgets.reserve(scope, 100n)).toMatchObject({ ok: true, amount: 100n });
    now = new Date('2026-12-01T00:00:00.000Z');
    expect(await budgets.reserve(scope, 200n)).toMatchObject({ ok: true, amount: 200n });
    expect(asked).toEqual(['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
  });

  it('settles the true price against the reservation', async () => {
    const budgets = new InProcessBudgets(
      async () => 0n,
      () => new Date('2026-12-02T10:00:00Z'),
    );
    const held = await budgets.reserve(scope, 600n);
    if (held.ok) await held.settle(250n);
    expect(await budgets.spent(scope)).toBe(250n);
    expect(await budgets.reserve(scope, 750n)).toMatchObject({ ok: true, amount: 750n });
    expect(await budgets.reserve(scope, 1n)).toMatchObject({ ok: false });
  });
});
