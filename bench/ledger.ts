// `npm run bench:ledger`: ledger ingest rate in the embedded store, and budget overshoot under concurrency.
import { rmSync } from 'node:fs';
import { InProcessBudgets } from '../src/metering/budgets.ts';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import type { UsageEvent } from '../src/store/ports.ts';
import { tempDir } from '../test/helpers/gateway.ts';
import { loadEvent } from '../test/helpers/usage-event.ts';

const dir = tempDir('conduit-bench-ledger-');
const store = await openSqliteStore(dir);
const N = Number(process.env.BENCH_EVENTS ?? 200_000);
const event = (i: number): UsageEvent =>
  loadEvent(`req_${i.toString(36)}_${'x'.repeat(24)}`, i, {
    ts: new Date(Date.UTC(2026, 2, 1 + (i % 28), 0, 0, i % 3600)).toISOString(),
    model: i % 3 ? 'gpt-4o' : 'deepseek-chat',
    vendor: i % 3 ? 'openai' : 'deepseek',
    customer_country: ['DE', 'US', 'SG', 'BR'][i % 4]!,
  });

// Requests arrive many per event-loop turn; each record() resolves once its event is durable.
const t0 = performance.now();
for (let i = 0; i < N; i += 1000)
  await Promise.all(Array.from({ length: Math.min(1000, N - i) }, (_, j) => store.usage.record(event(i + j))));
const durable = performance.now() - t0;
await store.ledger.aggregate({ group_by: [] }); // loads everything still in the outbox into SQLite
const loaded = performance.now() - t0;
const [total] = await store.ledger.aggregate({ group_by: [] });
console.log(
  `ledger ingest: ${N} events durable in ${(durable / 1000).toFixed(2)} s, in SQLite after ${(loaded / 1000).toFixed(2)} s: ${Math.round(N / (loaded / 1000))} events/s end to end (target >= 20,000); rows: ${total!.requests}`,
);
const t1 = performance.now();
await Promise.all(Array.from({ length: 1000 }, (_, j) => store.usage.record(event(j))));
await store.ledger.aggregate({ group_by: [] });
const [again] = await store.ledger.aggregate({ group_by: [] });
console.log(
  `replaying 1,000 events: ${again!.requests === total!.requests ? 'no double billing' : 'DOUBLE BILLED'} (${(performance.now() - t1).toFixed(0)} ms)`,
);
await store.close();
rmSync(dir, { recursive: true, force: true });

// Budget overshoot: 200 concurrent requests against a budget with room for ~20, random settle delays.
const limit = 1_000_000n;
let worst = 0n;
for (let round = 0; round < 20; round++) {
  const budgets = new InProcessBudgets(async () => limit - 20n * 45_000n);
  const scope = { id: 'org:x', limitMicros: limit, hard: true };
  const reservation = 50_000n;
  await Promise.all(
    Array.from({ length: 200 }, async () => {
      const r = await budgets.reserve(scope, reservation);
      if (!r.ok) return;
      await new Promise((res) => setTimeout(res, Math.random() * 20));
      await r.settle(30_000n + BigInt(Math.floor(Math.random() * 20_000)));
    }),
  );
  const over = (await budgets.spent(scope)) - limit;
  if (over > worst) worst = over;
}
console.log(
  `budget overshoot with 200 concurrent requests (20 rounds): worst ${worst} micro-units over the limit; one reservation is 50,000`,
);
