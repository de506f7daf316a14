// `npm run bench:cluster`: what a second gateway node adds, on this machine's PostgreSQL, Redis and NATS. One node,
// then two (load split evenly), in front of one simulator process, each round BENCH_SECONDS (default 5) of JSON
// chat completions at BENCH_CONNECTIONS (default 64) in all; the embedded default (SQLite, in-process counters) runs
// the same load for reference. Prints req/s, p50/p99 and the gateways' CPU per request; then checks that the ledger
// holds one row per reply received. On a 2-core machine every process shares the same two cores, so two nodes
// cannot double anything: the figure says what a second node costs and whether the shared parts hold.
// BENCH_CPU_PROF=DIR writes each gateway's CPU profile under DIR/<node>.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, NATS_URL, REDIS_URL, uniqueName } from '../test/helpers/cluster.ts';
import { benchBodies, startGateway, type BenchGateway } from './gateway.ts';
import { load, type LoadResult } from './load.ts';
import { cpuMs, freePort, startProcess } from './processes.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
const warmup = Number(process.env.BENCH_WARMUP ?? 3);
const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

const dir = mkdtempSync(join(tmpdir(), 'conduit-bench-cluster-'));
const database = await createTestDatabase('conduit_bench');
const cluster = {
  name: uniqueName('bench'),
  database_url: database.url,
  redis_url: REDIS_URL,
  nats_url: NATS_URL,
};
const kek = randomBytes(32).toString('base64');
console.log(`Logs in ${dir}; cluster ${cluster.name} on database ${database.name}`);

const simPort = await freePort();
const sim = `http://127.0.0.1:${simPort}`;
children.push(
  await startProcess(['bin/conduit.mjs', 'simulator', '--port', String(simPort)], {}, /listening/, `${dir}/sim.log`),
);

async function node(name: string, clustered: boolean): Promise<BenchGateway> {
  const gw = await startGateway({
    root: process.cwd(),
    port: await freePort(),
    dir: mkdtempSync(join(dir, `${name}-`)),
    sim,
    env: { CONDUIT_KEY_ENCRYPTION_KEY: kek, CONDUIT_LOG_LEVEL: 'warn' },
    config: clustered ? { cluster } : {},
    log: join(dir, `${name}.log`),
    nodeFlags: process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', '--cpu-prof-dir', join(process.env.BENCH_CPU_PROF, name)]
      : undefined,
  });
  children.push(gw.process);
  return gw;
}

interface Round {
  label: string;
  result: LoadResult;
  cpuPerRequest: number;
}

/** The load split evenly over `nodes`, all at once; CPU is the gateways' own, summed. */
async function round(label: string, nodes: BenchGateway[], key: string, secs = seconds): Promise<Round> {
  const before = nodes.map((n) => cpuMs(n.process.pid!));
  const results = await Promise.all(
    nodes.map((n) =>
      load({
        url: `${n.url}/v1/chat/completions`,
        body: benchBodies.json,
        headers: { authorization: `Bearer ${key}` },
        connections: Math.max(1, Math.round(connections / nodes.length)),
        seconds: secs,
      }),
    ),
  );
  const cpu = nodes.reduce((sum, n, i) => sum + cpuMs(n.process.pid!) - before[i]!, 0);
  const requests = results.reduce((s, r) => s + r.requests, 0);
  const result: LoadResult = {
    rps: results.reduce((s, r) => s + r.rps, 0),
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    errors: results.reduce((s, r) => s + r.errors, 0),
    non2xx: results.reduce((s, r) => s + r.non2xx, 0),
    requests,
  };
  if (nodes.some((n) => n !== embedded)) clusterReplies += requests - result.non2xx - result.errors;
  return { label, result, cpuPerRequest: cpu / Math.max(1, requests) };
}

const print = (r: Round) =>
  console.log(
    `${r.label.padEnd(28)} ${r.result.rps.toFixed(0).padStart(7)} req/s  p50 ${r.result.p50.toFixed(2)} ms  p99 ${r.result.p99.toFixed(2)} ms  CPU ${r.cpuPerRequest.toFixed(3)} ms/req  errors ${r.result.errors + r.result.non2xx}`,
  );

const rounds: Round[] = [];
/** Replies the load generators received complete from the cluster's nodes, warm-ups included. */
let clusterReplies = 0;
const embedded = await node('embedded', false);
await round('warm-up', [embedded], embedded.key, warmup);
rounds.push(await round('embedded default, 1 node', [embedded], embedded.key));
print(rounds.at(-1)!);
const embeddedExited = once(embedded.process, 'exit');
embedded.process.kill('SIGTERM');

const first = await node('node-1', true);
await round('warm-up', [first], first.key, warmup);
rounds.push(await round('cluster, 1 node', [first], first.key));
print(rounds.at(-1)!);
const second = await node('node-2', true);
await round('warm-up', [second], first.key, warmup);
rounds.push(await round('cluster, 2 nodes', [first, second], first.key));
print(rounds.at(-1)!);
const [one, two] = [rounds[1]!, rounds[2]!];
console.log(
  `two nodes / one node: ${(two.result.rps / one.result.rps).toFixed(2)}x req/s, CPU per request ${(two.cpuPerRequest / one.cpuPerRequest).toFixed(2)}x (2 cores shared by every process: a second node cannot add cores here)`,
);

// Every reply the load generators received complete has its ledger row (events reach PostgreSQL through JetStream).
// A request still under way when a round's time ran out is served and billed, but not counted as received.
const client = new pg.Client({ connectionString: database.url });
await client.connect();
const count = async () => Number((await client.query('select count(*) as n from usage_events')).rows[0].n);
const deadline = Date.now() + 60_000;
let rows = await count();
while (Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 1_000));
  const again = await count();
  if (again === rows && rows >= clusterReplies) break;
  rows = again;
}
await client.end();
console.log(
  `ledger: ${rows} rows in PostgreSQL for ${clusterReplies} replies received complete (${rows - clusterReplies} more: requests under way when a round ended)${rows < clusterReplies ? '  MISSING ROWS' : ''}`,
);
// Gateways stop on SIGTERM (and write their profiles, if asked); the simulator is killed with them.
const stopped = [embeddedExited, ...[first, second].map((n) => once(n.process, 'exit'))];
for (const c of children) c.kill('SIGTERM');
await Promise.race([Promise.all(stopped), new Promise((r) => setTimeout(r, 15_000))]);
await database.drop();
process.exit(0);
