// `npm run bench:failover`: what failure costs a client. Two simulator servers behind one gateway; the first
// misbehaves in various ways. Prints success rates and median latencies against the healthy case.
import OpenAI from 'openai';
import { rmSync } from 'node:fs';
import { startSimulatorServer } from '../src/providers/simulator/server.ts';
import type { SimulatorFaultsInput } from '../src/providers/simulator/faults.ts';
import { simulatorServerConfig, startTestGateway, tempDir } from '../test/helpers/gateway.ts';

const N = Number(process.env.BENCH_REQUESTS ?? 2000);
const a = await startSimulatorServer();
const b = await startSimulatorServer();

async function gateway(circuit: Record<string, number>) {
  const config = simulatorServerConfig([
    { id: 'sim-a', url: a.url, region: 'us-east' },
    { id: 'sim-b', url: b.url, region: 'eu-west' },
  ]);
  config.providers.forEach((p, i) =>
    Object.assign(p, { priority: i, timeouts: { connect_ms: 500, first_byte_ms: 200, idle_ms: 200, total_ms: 3000 } }),
  );
  const dataDir = tempDir();
  const gw = await startTestGateway({
    dataDir,
    config: { ...config, routing: { retry: { base_delay_ms: 5, max_delay_ms: 50 }, circuit } },
  });
  const client = gw.client((await gw.newOrgKey()).key);
  return { gw, client, dataDir };
}

async function run(client: OpenAI, faults: SimulatorFaultsInput, stream = false) {
  a.setFaults(faults);
  const times: number[] = [];
  let ok = 0;
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    try {
      if (stream) {
        const s = await client.chat.completions.create({
          model: 'gpt-4o',
          messages: [{ role: 'user', content: `q${i % 50}` }],
          stream: true,
        });
        for await (const _ of s) void _;
      } else {
        await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: `q${i % 50}` }] });
      }
      ok++;
      times.push(performance.now() - t0);
    } catch {
      // a failure
    }
  }
  a.setFaults({});
  times.sort((x, y) => x - y);
  return { success: ok / N, p50: times[times.length >> 1] ?? NaN };
}

const fmt = (r: { success: number; p50: number }, base: number) =>
  `success ${(r.success * 100).toFixed(2)}%  p50 ${r.p50.toFixed(3)} ms  (${((r.p50 / base - 1) * 100).toFixed(1)}% vs healthy)`;

console.log(
  `${N} sequential requests per case, each case on a fresh gateway; the first deployment misbehaves, the second is healthy\n`,
);
async function measure(faults: SimulatorFaultsInput, stream = false, circuit: Record<string, number> = {}) {
  const g = await gateway(circuit);
  await run(g.client, {}, stream); // warm-up: connections and JIT
  const result = await run(g.client, faults, stream);
  await g.gw.close();
  rmSync(g.dataDir, { recursive: true, force: true });
  return result;
}
await measure({}); // warm the process before the first measured case
const healthy = await measure({});
const healthyStream = await measure({}, true);
console.log(
  `healthy                       success ${(healthy.success * 100).toFixed(2)}%  p50 ${healthy.p50.toFixed(3)} ms (streams: ${healthyStream.p50.toFixed(3)} ms)`,
);
const mixes: Array<[string, SimulatorFaultsInput, boolean?]> = [
  ['50% errors', { error_rate: 0.5 }],
  ['429 storm (all 429)', { rate_limit_rate: 1, retry_after_s: 1 }],
  ['10% hangs', { hang_rate: 0.1 }],
  ['20% malformed JSON', { malformed_rate: 0.2 }],
  ['slow first byte (50 ms)', { first_byte_ms: 50 }],
  ['10% streams cut mid-way', { truncate_rate: 0.1 }, true],
];
for (const [name, faults, stream] of mixes)
  console.log(
    `${name.padEnd(30)}${fmt(await measure({ ...faults, seed: 7 }, stream), stream ? healthyStream.p50 : healthy.p50)}`,
  );

// Failover overhead: breaker effectively off, so every request first meets the failing deployment.
const noBreaker = { consecutive_failures: 1_000_000, min_requests: 1_000_000 };
const base = await measure({}, false, noBreaker);
const failFast = await measure({ error_rate: 1 }, false, noBreaker);
console.log(
  `\nfailover overhead (first deployment fails fast every time, no breaker): +${(failFast.p50 - base.p50).toFixed(3)} ms p50 (${base.p50.toFixed(3)} → ${failFast.p50.toFixed(3)} ms), success ${(failFast.success * 100).toFixed(2)}%`,
);
await a.close();
await b.close();
