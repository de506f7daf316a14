// `npm run bench:allocations`: what the gateway allocates per request under load, garbage included, by allocating
// function: the young generation's workload, which sets how often it is collected and, with what survives, the GC
// threads' CPU (a heap snapshot shows only what stays). The gateway (bin/conduit.mjs) in front of a simulator,
// autocannon at c=64 for BENCH_WARMUP seconds (5), then V8's sampling heap profiler (a sample every 4 KB on
// average) over BENCH_SECONDS (4) more. BENCH_ONLY=json|stream (default stream); ALLOCATION_SITES (45) lines.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchBodies, startGateway } from './gateway.ts';
import { printAllocations } from './heap-report.ts';
import { Inspector, inspectorUrl } from './inspector.ts';
import { load } from './load.ts';
import { freePort, startProcess } from './processes.ts';

const mode = process.env.BENCH_ONLY === 'json' ? 'json' : 'stream';
const warmup = Number(process.env.BENCH_WARMUP ?? 5);
const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const sites = Number(process.env.ALLOCATION_SITES ?? 45);
const root = resolve(new URL('..', import.meta.url).pathname);
const dir = mkdtempSync(join(tmpdir(), 'conduit-allocations-'));

const simPort = await freePort();
const simulator = await startProcess(
  ['bin/conduit.mjs', 'simulator', '--port', String(simPort)],
  {},
  /listening/,
  join(dir, 'simulator.log'),
);
const gateway = await startGateway({
  root,
  port: await freePort(),
  dir,
  sim: `http://127.0.0.1:${simPort}`,
  // Started only when asked (SIGUSR1), after the warm-up: as `npm start` runs until then.
  nodeFlags: ['--inspect-port=127.0.0.1:0'],
  env: { CONDUIT_LOG_LEVEL: 'warn' },
  log: join(dir, 'gateway.log'),
});
try {
  const run = (s: number) =>
    load({
      url: `${gateway.url}/v1/chat/completions`,
      body: benchBodies[mode],
      headers: { authorization: `Bearer ${gateway.key}` },
      connections: 64,
      seconds: s,
    });
  await run(warmup);
  process.kill(gateway.process.pid!, 'SIGUSR1');
  const inspector = await Inspector.connect(await inspectorUrl(join(dir, 'gateway.log')));
  const [allocated, result] = await Promise.all([inspector.allocations(seconds * 1000), run(seconds)]);
  inspector.close();
  printAllocations(
    allocated,
    result.requests,
    'req',
    `${mode} c=64: ${result.requests} requests in ${seconds} s`,
    sites,
  );
} finally {
  gateway.process.kill('SIGKILL');
  simulator.kill('SIGKILL');
}
process.exit(0);
