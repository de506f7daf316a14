// The node's connection to NATS JetStream, and the streams and consumer usage events need, created when missing.
// Every node asks for the same definitions; JetStream takes an identical definition twice as one.
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import type { UsageStreamNames } from './names.ts';

/** How the stream and consumer are set up (the defaults are for production; tests shorten the waits). */
export interface UsageStreamSettings {
  /** How long JetStream remembers a message id to drop a republished event (the ledger is idempotent beyond). */
  duplicateWindowMs: number;
  /** How long a delivered event may stay unacknowledged before JetStream gives it to another node. */
  ackWaitMs: number;
  /** Unacknowledged events in flight across all nodes: what a slow ledger lets pile up in memory. */
  maxAckPending: number;
  /** Events older than this are dropped by JetStream even if no node took them in: far beyond any outage. */
  maxAgeMs: number;
}

export const DEFAULT_STREAM_SETTINGS: UsageStreamSettings = {
  duplicateWindowMs: 120_000,
  ackWaitMs: 10_000,
  maxAckPending: 20_000,
  maxAgeMs: 14 * 86_400_000,
};

/** How long closing waits for NATS to take what the connection still holds before it lets go. */
const CLOSE_DRAIN_MS = 5_000;

export interface JetStreamLink {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  names: UsageStreamNames;
  settings: UsageStreamSettings;
  /** Connected now (false from a disconnect until the reconnect). */
  connected(): boolean;
  /** Resolves when NATS is connected and answers for the usage stream; otherwise rejects saying what is wrong. */
  readiness(): Promise<void>;
  close(): Promise<void>;
}

/** Connects (waiting for NATS to answer) and makes sure the streams and the ledger consumer exist. */
export async function openJetStream(
  url: string,
  names: UsageStreamNames,
  settings: UsageStreamSettings = DEFAULT_STREAM_SETTINGS,
  onStatus: (message: string) => void = () => {},
): Promise<JetStreamLink> {
  const nc = await connect({
    servers: url,
    name: `conduit ${names.stream}`,
    timeout: 5_000,
    // Reconnect for ever: usage events wait in the local outbox meanwhile.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    // A connection that stops answering (a network partition, not a closed socket) is noticed in ~10 s.
    pingInterval: 5_000,
    maxPingOut: 2,
  }).catch((err: unknown) => {
    throw new Error(`NATS at ${url} did not answer: ${(err as Error).message}`, { cause: err });
  });
  let connected = true;
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'staleConnection') {
        if (connected) onStatus(`NATS connection lost (${s.type})`);
        connected = false;
      } else if (s.type === 'reconnect') {
        connected = true;
        onStatus('NATS connection restored');
      }
    }
  })();
  const jsm = await jetstreamManager(nc, { timeout: 5_000 });
  await ensureStreams(jsm, names, settings);
  await jsm.consumers.add(names.stream, {
    durable_name: names.consumer,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(settings.ackWaitMs),
    // Redelivered until written: a message that can never be written is parked, not retried (ledger-writer.ts).
    max_deliver: -1,
    max_ack_pending: settings.maxAckPending,
    filter_subject: names.subject,
  });
  return {
    nc,
    js: jetstream(nc),
    jsm,
    names,
    settings,
    connected: () => connected && !nc.isClosed(),
    async readiness() {
      if (nc.isClosed() || !connected) throw new Error('not connected');
      try {
        await jsm.streams.info(names.stream);
      } catch (err) {
        throw new Error(`stream ${names.stream}: ${(err as Error).message}`, { cause: err });
      }
    },
    async close() {
      if (nc.isClosed()) return;
      // Draining waits for NATS to answer; a partitioned server never does, and a node must still stop.
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_DRAIN_MS)));
      await Promise.race([nc.drain().catch(() => {}), gaveUp]);
      clearTimeout(timer);
      if (!nc.isClosed()) await nc.close();
    },
  };
}

async function ensureStreams(jsm: JetStreamManager, names: UsageStreamNames, settings: UsageStreamSettings) {
  await ensureStream(jsm, names.stream, {
    subjects: [names.subject],
    // Work queue: an event leaves the stream once the ledger has it and acknowledged it.
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: nanos(settings.duplicateWindowMs),
    max_age: nanos(settings.maxAgeMs),
    // Full, it refuses new events (they wait in the nodes' outboxes) rather than drop old ones.
    discard: DiscardPolicy.New,
  });
  await ensureStream(jsm, names.deadStream, {
    subjects: [names.deadSubject],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(90 * 86_400_000),
  });
}

async function ensureStream(jsm: JetStreamManager, name: string, config: Partial<StreamConfig>): Promise<void> {
  try {
    await jsm.streams.info(name);
    return;
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
  }
  await jsm.streams.add({ ...config, name });
}
