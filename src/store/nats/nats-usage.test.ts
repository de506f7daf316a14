// Usage events through the real NATS JetStream into the real PostgreSQL: each cluster name and database is this
// file's own, and removed after.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  NATS_URL,
  TcpProxy,
  uniqueName,
  type TestDatabase,
} from '../../../test/helpers/cluster.ts';
import { tempDir } from '../../../test/helpers/gateway.ts';
import { usageEvent } from '../../../test/helpers/usage-event.ts';
import { pgUsageLedger } from '../../../test/helpers/usage-ledger-pg.ts';
import type { UsageEvent } from '../ports.ts';
import { openNatsUsage, type NatsUsage } from './index.ts';
import { usageStreamNames } from './names.ts';

let database: TestDatabase;
let ledger: Awaited<ReturnType<typeof pgUsageLedger>>;
let nc: NatsConnection;
const clusters: string[] = [];
const opened: NatsUsage[] = [];
const log = { error: () => {}, warn: () => {}, info: () => {} };

beforeAll(async () => {
  database = await createTestDatabase('conduit_nats');
  ledger = await pgUsageLedger(database.url);
  nc = await connect({ servers: NATS_URL });
});

afterAll(async () => {
  await Promise.allSettled(opened.map((u) => u.close()));
  const jsm = await jetstreamManager(nc);
  for (const cluster of clusters) {
    const names = usageStreamNames(cluster);
    await jsm.streams.delete(names.stream).catch(() => {});
    await jsm.streams.delete(names.deadStream).catch(() => {});
  }
  await nc.close();
  await ledger.close();
  await database.drop();
});

let seq = 0;
const event = (overrides: Partial<UsageEvent> = {}): UsageEvent =>
  usageEvent(`req_${(++seq).toString(36)}_${Math.random().toString(36).slice(2, 8)}`, {
    ts: new Date().toISOString(),
    ...overrides,
  });

async function open(cluster: string, overrides: { url?: string; written?: (e: UsageEvent[]) => void } = {}) {
  const usage = await openNatsUsage({
    url: overrides.url ?? NATS_URL,
    clusterName: cluster,
    outboxFile: `${tempDir('conduit-nats-')}/usage-outbox.jsonl`,
    sink: ledger,
    log,
    stream: { ackWaitMs: 3_000 },
    publisher: { publishTimeoutMs: 500, backOffMs: 1_000 },
    onWritten: overrides.written,
  });
  opened.push(usage);
  return usage;
}

function newCluster(): string {
  const name = uniqueName('n');
  clusters.push(name);
  return name;
}

/** The events the cluster's usage stream holds now, counted line by line in each message. */
async function eventsInStream(cluster: string): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const { stream } = usageStreamNames(cluster);
  const { first_seq, last_seq, messages } = (await jsm.streams.info(stream)).state;
  let events = 0;
  for (let seq = first_seq; messages > 0 && seq <= last_seq; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (m) events += m.string().split('\n').length;
  }
  return events;
}

/** Waits (at most `ms`) until every id has its row; answers the rows of those ids. */
async function rowsOf(ids: string[], ms = 15_000) {
  const wanted = new Set(ids);
  const deadline = Date.now() + ms;
  for (;;) {
    const rows = (await ledger.rows()).filter((r) => wanted.has(r.request_id));
    if (rows.length >= wanted.size || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('usage events on JetStream', () => {
  it('lands every recorded event in the ledger once, however often it is recorded', async () => {
    const usage = await open(newCluster());
    const events = Array.from({ length: 500 }, () => event());
    await Promise.all(events.map((e) => usage.record(e)));
    // A retry, a replay: the same events again.
    await Promise.all(events.slice(0, 100).map((e) => usage.record(e)));
    const rows = await rowsOf(events.map((e) => e.request_id));
    expect(rows.map((r) => r.request_id).sort()).toEqual(events.map((e) => e.request_id).sort());
  });

  it('puts the events of responses that complete together in shared messages', async () => {
    const cluster = newCluster();
    const usage = await open(cluster);
    const events = Array.from({ length: 1_000 }, () => event());
    await Promise.all(events.map((e) => usage.record(e)));
    expect(await rowsOf(events.map((e) => e.request_id))).toHaveLength(1_000);
    const jsm = await jetstreamManager(nc);
    // One message under way at a time, up to 256 events in each: the rest waited and left together.
    const published = (await jsm.streams.info(usageStreamNames(cluster).stream)).state.last_seq;
    expect(published).toBeGreaterThanOrEqual(4);
    expect(published).toBeLessThanOrEqual(20);
  });

  it("keeps a stream's final event over its interim records, whatever order they arrive in", async () => {
    const usage = await open(newCluster());
    const id = event().request_id;
    await usage.record(event({ request_id: id, interim: 0, prompt_tokens: 1, estimated: true }));
    await usage.record(event({ request_id: id, prompt_tokens: 42 }));
    await usage.record(event({ request_id: id, interim: 1, prompt_tokens: 7, estimated: true }));
    const later = event();
    await usage.record(later);
    await rowsOf([id, later.request_id]);
    const [row] = (await ledger.rows()).filter((r) => r.request_id === id);
    expect(row).toMatchObject({ interim: null, prompt_tokens: '42' });
  });

  it('parks a message that is not a usage event, and the events behind it still land', async () => {
    const cluster = newCluster();
    const usage = await open(cluster);
    const names = usageStreamNames(cluster);
    const js = (await jetstreamManager(nc)).jetstream();
    await js.publish(names.subject, 'not json');
    await js.publish(names.subject, JSON.stringify({ ...event(), prompt_tokens: -1, ts: 'yesterday' }));
    const after = Array.from({ length: 20 }, () => event());
    await Promise.all(after.map((e) => usage.record(e)));
    expect(await rowsOf(after.map((e) => e.request_id))).toHaveLength(20);
    const jsm = await jetstreamManager(nc);
    const dead = await jsm.streams.info(names.deadStream);
    expect(dead.state.messages).toBe(2);
    const parked = await jsm.streams.getMessage(names.deadStream, { seq: 2 });
    expect(parked?.header.get('Conduit-Problem')).toMatch(/ts: .*; prompt_tokens: /);
    // Nothing is left for redelivery: every message was acknowledged or parked.
    const consumer = () => jsm.consumers.info(names.stream, names.consumer);
    const deadline = Date.now() + 5_000;
    while ((await consumer()).num_ack_pending > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(await consumer()).toMatchObject({ num_ack_pending: 0, num_pending: 0 });
  });

  it('parks the bad line of a message and writes the events on its other lines', async () => {
    const cluster = newCluster();
    await open(cluster);
    const names = usageStreamNames(cluster);
    const js = (await jetstreamManager(nc)).jetstream();
    const [first, second] = [event(), event()];
    const bad = JSON.stringify({ ...event(), status: 99 });
    await js.publish(names.subject, [JSON.stringify(first), bad, '', JSON.stringify(second)].join('\n'));
    expect(await rowsOf([first.request_id, second.request_id])).toHaveLength(2);
    const jsm = await jetstreamManager(nc);
    const parked = await jsm.streams.getMessage(names.deadStream, { seq: 1 });
    expect(parked?.string()).toBe(bad);
    expect(parked?.header.get('Conduit-Line')).toBe('2');
    expect(parked?.header.get('Conduit-Problem')).toMatch(/^status: /);
    expect((await jsm.streams.info(names.deadStream)).state.messages).toBe(1);
  });

  it('shares the ledger between nodes: each event written by one of them, once', async () => {
    const cluster = newCluster();
    const byNode = [0, 0];
    const a = await open(cluster, { written: (e) => (byNode[0] += e.length) });
    const b = await open(cluster, { written: (e) => (byNode[1] += e.length) });
    const events = Array.from({ length: 2_000 }, () => event());
    for (let i = 0; i < events.length; i += 200)
      await Promise.all(events.slice(i, i + 200).map((e, j) => (j % 2 ? a : b).record(e)));
    expect(await rowsOf(events.map((e) => e.request_id))).toHaveLength(2_000);
    expect(byNode[0]! + byNode[1]!).toBe(2_000);
  });

  it('while NATS does not answer, answers within the publish timeout from the outbox, and forwards it after', async () => {
    const proxy = await TcpProxy.start(NATS_URL);
    try {
      const usage = await open(newCluster(), { url: proxy.url(NATS_URL) });
      const before = event();
      await usage.record(before);
      proxy.pause();
      const during = Array.from({ length: 50 }, () => event());
      const started = Date.now();
      await Promise.all(during.map((e) => usage.record(e)));
      // The first waits for the publish timeout (500 ms); the rest go to the outbox at once.
      expect(Date.now() - started).toBeLessThan(1_500);
      const alsoDuring = event();
      const t = Date.now();
      await usage.record(alsoDuring);
      expect(Date.now() - t).toBeLessThan(100);
      proxy.resume();
      const ids = [before, ...during, alsoDuring].map((e) => e.request_id);
      expect(await rowsOf(ids, 20_000)).toHaveLength(ids.length);
    } finally {
      await proxy.close();
    }
  });

  it('while the database is unreachable, keeps the events in JetStream and writes them once it is back', async () => {
    const proxy = await TcpProxy.start(database.url);
    const viaProxy = await pgUsageLedger(proxy.url(database.url));
    try {
      const cluster = newCluster();
      let failedWrites = 0;
      const usage = await openNatsUsage({
        url: NATS_URL,
        clusterName: cluster,
        outboxFile: `${tempDir('conduit-nats-')}/usage-outbox.jsonl`,
        sink: {
          recordBatch: (events) =>
            viaProxy.recordBatch(events).catch((err: unknown) => {
              failedWrites++;
              throw err;
            }),
        },
        log,
        stream: { ackWaitMs: 3_000 },
      });
      opened.push(usage);
      proxy.cut();
      const events = Array.from({ length: 300 }, () => event());
      const started = Date.now();
      await Promise.all(events.map((e) => usage.record(e)));
      // Responses do not wait for the database: JetStream has their events.
      expect(Date.now() - started).toBeLessThan(2_000);
      await new Promise((r) => setTimeout(r, 2_000));
      expect(failedWrites).toBeGreaterThan(0);
      expect(
        await rowsOf(
          events.map((e) => e.request_id),
          0,
        ),
      ).toHaveLength(0);
      expect(await eventsInStream(cluster)).toBe(300);
      proxy.resume();
      expect(
        await rowsOf(
          events.map((e) => e.request_id),
          20_000,
        ),
      ).toHaveLength(300);
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
  });
});
