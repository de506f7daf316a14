// `npm run bench:ledger-ingest`: usage events through NATS JetStream into the PostgreSQL ledger, on this machine's
// servers (a fresh database and cluster name, removed after).
//  - ingest: BENCH_EVENTS events (default 100,000) wait in the stream, then 1 and then 2 ledger-writing nodes
//    (processes) take them in: events/s from the first node's start to the last row committed. The events are
//    published through the node's own publisher, which puts the events of responses completing together in one
//    message: in bursts of 1,000 (a loaded node), and once at BENCH_NODE_RATE events/s (default 5,000: a node's
//    steady share of a cluster's traffic), where messages hold fewer events; each line says how many they held;
//  - delay: BENCH_RATE events/s (default 2,000) for BENCH_SECONDS (default 5) published as responses would be,
//    with one node writing: from each publish's acknowledgement (when its response completes) to the commit of its
//    ledger row, p50 and p99.
// The nodes write through the PostgreSQL store's own recordBatch (one unnest INSERT per batch, idempotent by request
// id). Knobs: BENCH_BATCH and BENCH_WRITES (the writer's batch size and writes under way, default 1000 and 2),
// BENCH_NULL_SINK=1 (the consumer alone: events acknowledged without a database), BENCH_QUICK=1 (one node only),
// BENCH_PACED_ONLY=1 (the ingest of events published at BENCH_NODE_RATE alone),
// BENCH_CPU_PROF=DIR (a CPU profile of each node).
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { createTestDatabase, NATS_URL, uniqueName } from '../test/helpers/cluster.ts';
import { tempDir } from '../test/helpers/gateway.ts';
import { openPostgresStore } from '../src/store/postgres/index.ts';
import { openJetStream } from '../src/store/nats/jetstream.ts';
import { usageStreamNames } from '../src/store/nats/names.ts';
import { JetStreamUsagePublisher } from '../src/store/nats/usage-publisher.ts';
import type { UsageEvent } from '../src/store/ports.ts';
import { loadEvent } from '../test/helpers/usage-event.ts';

const N = Number(process.env.BENCH_EVENTS ?? 100_000);
const rate = Number(process.env.BENCH_RATE ?? 2_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const now = () => performance.timeOrigin + performance.now();

const event = (run: string, i: number): UsageEvent =>
  loadEvent(`req_${run}_${i.toString(36)}`, i, {
    ts: new Date().toISOString(),
  });

interface Cluster {
  name: string;
  databaseUrl: string;
  publisher: JetStreamUsagePublisher;
  /** Messages published on the usage stream so far. */
  messages(): Promise<number>;
  close(): Promise<void>;
}

async function cluster(): Promise<Cluster> {
  const database = await createTestDatabase('conduit_bench');
  // The schema, as the gateway migrates it (the nodes find it done).
  await (await openPostgresStore(database.url, (err) => console.error(err))).close();
  const name = uniqueName('bench');
  const names = usageStreamNames(name);
  const link = await openJetStream(NATS_URL, names);
  const publisher = new JetStreamUsagePublisher(link, join(tempDir('conduit-bench-'), 'usage-outbox.jsonl'));
  return {
    name,
    databaseUrl: database.url,
    publisher,
    messages: async () => (await (await jetstreamManager(link.nc)).streams.info(names.stream)).state.last_seq,
    async close() {
      await publisher.close();
      const jsm = await jetstreamManager(link.nc);
      await jsm.streams.delete(names.stream);
      await jsm.streams.delete(names.deadStream);
      await link.close();
      await database.drop();
    },
  };
}

/** Starts a ledger-writing node; `onBatch` hears each committed batch. */
async function node(c: Cluster, onBatch: (ids: string[], at: number) => void): Promise<ChildProcess> {
  const child = fork(join(import.meta.dirname, 'ledger-ingest-node.ts'), {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []),
    ],
    env: { ...process.env, BENCH_DATABASE_URL: c.databaseUrl, BENCH_CLUSTER: c.name, BENCH_NATS_URL: NATS_URL },
  });
  child.on('message', (m: { ready?: true; ids?: string[]; at?: number }) => {
    if (m.ids) onBatch(m.ids, m.at!);
  });
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: { ready?: true }) => m.ready && resolve());
    child.once('exit', (code) => reject(new Error(`ledger node exited with ${code}`)));
  });
  return child;
}

async function stop(children: ChildProcess[]) {
  await Promise.all(
    children.map(async (c) => {
      const exited = once(c, 'exit');
      c.send('stop');
      await exited;
    }),
  );
}

/** Records `total` events at `perSecond`, as a node's responses complete (a few each millisecond); `acked` hears each. */
async function publishAtRate(
  c: Cluster,
  run: string,
  total: number,
  perSecond: number,
  acked: (e: UsageEvent) => void = () => {},
): Promise<string> {
  const tick = 1;
  const perTick = (perSecond * tick) / 1000;
  const pending: Array<Promise<void>> = [];
  const waits: number[] = [];
  const t0 = now();
  for (let i = 0; i < total;) {
    for (let j = 0; j < perTick && i < total; j++, i++) {
      const e = event(run, i);
      const recorded = now();
      pending.push(
        c.publisher.record(e).then(() => {
          waits.push(now() - recorded);
          acked(e);
        }),
      );
    }
    const next = t0 + (i / perTick) * tick;
    await new Promise((r) => setTimeout(r, Math.max(0, next - now())));
  }
  await Promise.all(pending);
  return percentiles(waits);
}

/** p50 and p99 of these milliseconds, as printed. */
function percentiles(ms: number[]): string {
  ms.sort((a, b) => a - b);
  const at = (p: number) => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))]!.toFixed(2);
  return `p50 ${at(50)} ms, p99 ${at(99)} ms`;
}

async function ingest(nodes: number, nodeRate?: number): Promise<void> {
  const c = await cluster();
  const run = `i${nodes}`;
  const t0 = now();
  let waited = '';
  if (nodeRate) waited = `, each response waiting ${await publishAtRate(c, run, N, nodeRate)} for JetStream,`;
  else
    for (let i = 0; i < N; i += 1_000)
      await Promise.all(
        Array.from({ length: Math.min(1_000, N - i) }, (_, j) => c.publisher.record(event(run, i + j))),
      );
  const published = now() - t0;
  const perMessage = N / (await c.messages());
  let written = 0;
  const byNode: number[] = [];
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const children: ChildProcess[] = [];
  let last = 0;
  for (let k = 0; k < nodes; k++) {
    byNode.push(0);
    children.push(
      await node(c, (ids, at) => {
        written += ids.length;
        byNode[k]! += ids.length;
        last = Math.max(last, at);
        if (written >= N) done();
      }),
    );
  }
  const started = now();
  for (const child of children) child.send('start');
  await all;
  const s = (last - started) / 1000;
  console.log(
    `ingest, ${nodes} node${nodes > 1 ? 's' : ''}: ${N} events published ${nodeRate ? `at ${nodeRate}/s` : 'in bursts of 1,000'}, ` +
      `${perMessage.toFixed(1)} a message${waited} in ${(published / 1000).toFixed(2)} s (${Math.round(N / (published / 1000))}/s); ` +
      `into PostgreSQL in ${s.toFixed(2)} s once the nodes started consuming: ${Math.round(N / s)} events/s (bar >= 20,000)` +
      `${nodes > 1 ? `; per node: ${byNode.join(', ')}` : ''}`,
  );
  await stop(children);
  await c.close();
}

async function delay(): Promise<void> {
  const c = await cluster();
  const acked = new Map<string, number>();
  const committed = new Map<string, number>();
  const child = await node(c, (ids, at) => {
    for (const id of ids) committed.set(id, at);
  });
  child.send('start');
  const total = rate * seconds;
  const waited = await publishAtRate(c, 'd', total, rate, (e) => acked.set(e.request_id, now()));
  for (const deadline = Date.now() + 30_000; committed.size < total && Date.now() < deadline;)
    await new Promise((r) => setTimeout(r, 50));
  // A row may be reported before this process ran its acknowledgement's callback: no delay, not a negative one.
  const delays = [...committed].map(([id, at]) => Math.max(0, at - acked.get(id)!));
  console.log(
    `delay from a response (JetStream ack) to its ledger row, ${rate} events/s for ${seconds} s, 1 node: ` +
      `${percentiles(delays)}, max ${Math.max(...delays).toFixed(1)} ms (${committed.size}/${total} rows); ` +
      `a response waited ${waited} for JetStream's ack`,
  );
  await stop([child]);
  await c.close();
}

if (!process.env.BENCH_PACED_ONLY) await ingest(1);
if (process.env.BENCH_PACED_ONLY) await ingest(1, Number(process.env.BENCH_NODE_RATE ?? 5_000));
else if (!process.env.BENCH_QUICK) {
  await ingest(1, Number(process.env.BENCH_NODE_RATE ?? 5_000));
  await ingest(2);
  await delay();
}
