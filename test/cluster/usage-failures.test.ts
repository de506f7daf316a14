// Issue 26's usage-event failures, against the real PostgreSQL, Redis and NATS JetStream: under bounded load through the official SDK (streams and not), a node killed with SIGKILL, PostgreSQL
// or NATS unreachable for 20 s (a paused TCP proxy in the way, the servers themselves untouched), and a node killed
// while it writes a batch of the ledger. Each test compares every response the client received complete with the
// ledger, one by one: no loss, no double. Each test has its own cluster (database, NATS streams).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestCluster,
  NATS_URL,
  TcpProxy,
  type NodeOptions,
  type NodeProcess,
  type TestCluster,
} from '../helpers/cluster.ts';
import { compareWithLedger, ledgerRows, sendLoad, type LoadOutcome } from '../helpers/usage-load.ts';
import { usageStreamNames } from '../../src/store/nats/names.ts';
import { NATS_OUTBOX_FILE } from '../../src/startup.ts';
import { tempDir } from '../helpers/gateway.ts';

/** Streams of 30 chunks 15 ms apart (~0.5 s): a kill or an outage finds some of them under way. */
const nodeConfig = {
  regions: [{ id: 'us-east', country: 'US' }],
  vendors: [{ id: 'openai' }],
  providers: [
    {
      id: 'sim-us',
      vendor: 'openai',
      type: 'simulator',
      region: 'us-east',
      simulator: { token_delay_ms: 15, reply_tokens: 30 },
      models: [{ model: 'gpt-4o', no_vendor_cost: true }],
    },
  ],
  models: [{ name: 'gpt-4o', vendor: 'openai', free_of_charge: true }],
  // This load is one organisation repeating one prompt shape fast: the distillation monitor may judge it, but not
  // act on it (a throttle would refuse requests): what these tests watch is the usage events.
  abuse: { mode: 'alert_only' },
};

const OUTAGE_MS = 20_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let nc: NatsConnection;
let jsm: JetStreamManager;
const clusters: TestCluster[] = [];
const proxies: TcpProxy[] = [];

beforeAll(async () => {
  nc = await connect({ servers: NATS_URL });
  jsm = await jetstreamManager(nc);
});

afterAll(async () => {
  await Promise.allSettled(proxies.map((p) => p.close()));
  await Promise.allSettled(clusters.map((c) => c.close()));
  await nc?.close();
});

async function newCluster(): Promise<TestCluster> {
  // With Redis, as in production: without it each node's caches empty every 30 s and reload from PostgreSQL,
  // which the PostgreSQL outage would then hold up (that is the cluster's recipe, not what is tested here).
  const cluster = await createTestCluster({ nats: true, redis: true });
  clusters.push(cluster);
  return cluster;
}

/** Node starts under way at once, across the tests of this file. */
let starting = 0;
const waitingToStart: Array<() => void> = [];

async function startNodes(cluster: TestCluster, options: NodeOptions[]): Promise<NodeProcess[]> {
  return Promise.all(
    options.map(async (opts) => {
      if (starting >= 2) await new Promise<void>((resolve) => waitingToStart.push(resolve));
      starting++;
      try {
        return await cluster.startNodeProcess(opts);
      } finally {
        starting--;
        waitingToStart.shift()?.();
      }
    }),
  );
}

async function proxyTo(url: string): Promise<TcpProxy> {
  const proxy = await TcpProxy.start(url);
  proxies.push(proxy);
  return proxy;
}

/** An organisation and key, made through one node's admin API. */
/** What the tests need of a node, whether its own process or in this one. */
interface Node {
  url: string;
  adminToken: string;
  dataDir: string;
  /** Its log so far, for a failing assertion to show (a node in this process logs nothing). */
  output(): string;
}

/**
 * Nodes in this process, for the outage tests: starting one costs no compile, and what would end a node's process
 * (an 'error' event nobody listens to) fails this test run instead.
 */
async function startInProcess(cluster: TestCluster, options: NodeOptions[]): Promise<Node[]> {
  return Promise.all(
    options.map(async (opts) => {
      const dataDir = tempDir();
      const node = await cluster.startNode({ ...opts, dataDir });
      return { url: node.url, adminToken: node.adminToken, dataDir, output: () => '(in-process node)' };
    }),
  );
}

async function newKey(node: Node): Promise<string> {
  const admin = async (path: string, body: unknown) => {
    const res = await fetch(`${node.url}/admin/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${node.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, node.output()).toBeLessThan(300);
    return (await res.json()) as { id: string; key: string };
  };
  const org = await admin('/orgs', { name: 'Load Co', country: 'DE', tier: 'verified' });
  return (await admin(`/orgs/${org.id}/keys`, { name: 'load' })).key;
}

const consumerOf = (cluster: TestCluster) => {
  const names = usageStreamNames(cluster.name);
  return jsm.consumers.info(names.stream, names.consumer);
};
const streamMessages = async (cluster: TestCluster) =>
  (await jsm.streams.info(usageStreamNames(cluster.name).stream)).state.messages;

function merged(...loads: LoadOutcome[]): LoadOutcome {
  return {
    complete: new Map(loads.flatMap((l) => [...l.complete])),
    failed: loads.reduce((n, l) => n + l.failed, 0),
    errors: new Map(loads.flatMap((l) => [...l.errors])),
    sent: loads.reduce((n, l) => n + l.sent, 0),
  };
}

/** Events the node's outbox file (and the segments set aside from it) holds now. */
function outboxLines(node: Node): number {
  return readdirSync(node.dataDir)
    .filter((f) => f.startsWith(NATS_OUTBOX_FILE))
    .map((f) => join(node.dataDir, f))
    .filter((f) => existsSync(f))
    .reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').filter(Boolean).length, 0);
}

/** The outbox's depth on the node's /metrics (conduit_queue_depth{queue="usage_outbox"}). */
async function outboxDepth(node: Node): Promise<number> {
  const res = await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${node.adminToken}` } });
  const depth = /^conduit_queue_depth\{queue="usage_outbox"\} (\d+)$/m.exec(await res.text());
  expect(depth, 'usage_outbox on /metrics').not.toBeNull();
  return Number(depth![1]);
}

async function readiness(node: Node): Promise<{ status: number; checks: Record<string, string> }> {
  const res = await fetch(`${node.url}/readyz`);
  return { status: res.status, checks: ((await res.json()) as { checks: Record<string, string> }).checks };
}

async function expectAlive(node: Node) {
  if ('child' in node) expect((node as NodeProcess).child.exitCode, node.output()).toBeNull();
  expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
}

async function expectLedgerMatches(cluster: TestCluster, load: LoadOutcome, nodes: Node[]) {
  // First the stream drains: every event written and acknowledged, those a killed node held included (JetStream
  // hands them on after the consumer's 10 s ack wait).
  const drained = async () => {
    const consumer = await consumerOf(cluster);
    return { pending: consumer.num_pending, unacknowledged: consumer.num_ack_pending };
  };
  const deadline = Date.now() + 30_000;
  let left = await drained();
  while ((left.pending > 0 || left.unacknowledged > 0) && Date.now() < deadline) {
    await sleep(250);
    left = await drained();
  }
  expect(left).toEqual({ pending: 0, unacknowledged: 0 });
  const { problems } = await compareWithLedger(cluster.database.url, load, 10_000);
  expect(problems, nodes.map((n) => n.output()).join('\n---\n')).toEqual([]);
}

// Concurrent: most of each test is waiting (for an outage to pass, a redelivery), each on a cluster of its own.
// The kill tests' nodes are processes, started two at a time (startNodes: starting one is compiling the sources,
// and several at once starve a 2-core machine); the outage tests' nodes run in this process.
describe.concurrent('usage events on JetStream: no loss, no double', () => {
  it('a node killed with SIGKILL under load: what it answered is in the ledger, once', async () => {
    const cluster = await newCluster();
    const [a, b] = await startNodes(cluster, [{ config: nodeConfig }, { config: nodeConfig }]);
    const key = await newKey(a);
    let alive = [a.url, b.url];
    let killed: Promise<void> | undefined;
    const load = await sendLoad({
      nodes: () => alive,
      key,
      requests: 240,
      concurrency: 12,
      maxMs: 40_000,
      onDone: (done) => {
        if (done !== 80) return;
        alive = [b.url];
        killed = a.kill();
      },
    });
    await killed;
    expect(a.child.signalCode).toBe('SIGKILL');
    await expectAlive(b);
    const fromA = [...load.complete.values()].filter((r) => r.node === a.url);
    expect(fromA.length).toBeGreaterThan(20);
    expect(fromA.some((r) => r.stream)).toBe(true);
    expect(load.complete.size).toBeGreaterThan(200);
    await expectLedgerMatches(cluster, load, [a, b]);
  }, 150_000);

  it('a node killed while it writes a batch: JetStream hands the batch to the other node, written once', async () => {
    const cluster = await newCluster();
    // Node A reaches PostgreSQL through a proxy that will hold its batch mid-write; node B directly.
    const postgres = await proxyTo(cluster.database.url);
    const [a, b] = await startNodes(cluster, [
      { config: nodeConfig, cluster: { database_url: postgres.url(cluster.database.url) } },
      { config: nodeConfig },
    ]);
    const key = await newKey(b);
    const nodes = () => [b.url];
    let killed: Promise<void> | undefined;
    const load = await sendLoad({
      nodes,
      key,
      requests: 200,
      concurrency: 8,
      maxMs: 40_000,
      onDone: (done) => {
        if (done !== 60) return;
        // A's writes stop reaching the database: the batches it takes meanwhile stay unacknowledged; A dies.
        postgres.pause();
        killed = (async () => {
          await sleep(1_500);
          await a.kill();
          // What A had sent reaches the database after its death: its batch commits, unacknowledged.
          postgres.resume();
        })();
      },
    });
    await killed;
    await expectAlive(b);
    await expectLedgerMatches(cluster, load, [a, b]);
    // JetStream gave A's unacknowledged events to B (after the consumer's ack wait): more deliveries than events.
    const { delivered } = await consumerOf(cluster);
    expect(delivered.consumer_seq).toBeGreaterThan(delivered.stream_seq);
  }, 150_000);

  it('while PostgreSQL is unreachable for 20 s, events wait in JetStream and land after; no node crashes', async () => {
    const cluster = await newCluster();
    const postgres = await proxyTo(cluster.database.url);
    const viaProxy = { database_url: postgres.url(cluster.database.url) };
    const [a, b] = await startInProcess(cluster, [
      { config: nodeConfig, cluster: viaProxy },
      { config: nodeConfig, cluster: viaProxy },
    ]);
    const key = await newKey(a);
    const nodes = () => [a.url, b.url];
    const before = await sendLoad({ nodes, key, requests: 40, concurrency: 6, maxMs: 20_000 });
    postgres.pause();
    const outageStarted = Date.now();
    const rowsAtPause = (await ledgerRows(cluster.database.url)).length;
    const during = await sendLoad({ nodes, key, requests: 80, concurrency: 4, maxMs: OUTAGE_MS - 4_000, paceMs: 500 });
    await sleep(OUTAGE_MS - (Date.now() - outageStarted));
    // Responses went on being served: their events are in JetStream, and none reached the database.
    expect(during.complete.size, JSON.stringify([...during.errors])).toBeGreaterThanOrEqual(5);
    expect(await streamMessages(cluster)).toBeGreaterThanOrEqual(during.complete.size);
    expect((await ledgerRows(cluster.database.url)).length).toBe(rowsAtPause);
    postgres.resume();
    const after = await sendLoad({ nodes, key, requests: 30, concurrency: 6, maxMs: 20_000 });
    await expectAlive(a);
    await expectAlive(b);
    await expectLedgerMatches(cluster, merged(before, during, after), [a, b]);
  }, 150_000);

  it('while NATS is unreachable for 20 s, events go to the outbox and are forwarded after', async () => {
    const cluster = await newCluster();
    const nats = await proxyTo(NATS_URL);
    const viaProxy = { nats_url: nats.url(NATS_URL) };
    const [a, b] = await startInProcess(cluster, [
      { config: nodeConfig, cluster: viaProxy },
      { config: nodeConfig, cluster: viaProxy },
    ]);
    const key = await newKey(a);
    const nodes = () => [a.url, b.url];
    const before = await sendLoad({ nodes, key, requests: 40, concurrency: 6, maxMs: 20_000 });
    nats.pause();
    const outageStarted = Date.now();
    const during = await sendLoad({ nodes, key, requests: 80, concurrency: 4, maxMs: OUTAGE_MS - 4_000, paceMs: 500 });
    // Responses went on being served: each waited at most for the publish timeout, then its event went to the outbox.
    expect(during.complete.size, JSON.stringify([...during.errors])).toBeGreaterThanOrEqual(5);
    expect(outboxLines(a) + outboxLines(b)).toBeGreaterThanOrEqual(during.complete.size);
    expect(await outboxDepth(a)).toBeGreaterThan(0);
    expect(await readiness(a)).toMatchObject({ status: 503, checks: { postgres: 'ok', redis: 'ok' } });
    expect((await readiness(a)).checks.nats).not.toBe('ok');
    await sleep(OUTAGE_MS - (Date.now() - outageStarted));
    nats.resume();
    const after = await sendLoad({ nodes, key, requests: 30, concurrency: 6, maxMs: 30_000 });
    await expectAlive(a);
    await expectAlive(b);
    await expectLedgerMatches(cluster, merged(before, during, after), [a, b]);
    // Forwarded: the outboxes are empty again.
    expect(outboxLines(a) + outboxLines(b)).toBe(0);
    expect(await outboxDepth(a)).toBe(0);
    expect(await readiness(a)).toMatchObject({ status: 200, checks: { postgres: 'ok', redis: 'ok', nats: 'ok' } });
  }, 150_000);
});
