// Usage events on NATS JetStream for cluster mode (loaded by the composition root only when the configuration
// names a NATS server): the node publishes its responses' events (usage-publisher.ts) and writes its share of the
// ledger from the cluster's one durable consumer (ledger-writer.ts). No other process is needed.
import type { ReadinessCheck, Store, StoreLog, UsageEvent, UsageStore } from '../ports.ts';
import { DEFAULT_STREAM_SETTINGS, openJetStream, type UsageStreamSettings } from './jetstream.ts';
import {
  DEFAULT_WRITER_OPTIONS,
  LedgerWriter,
  type LedgerWriterOptions,
  type UsageLedgerSink,
} from './ledger-writer.ts';
import { usageStreamNames } from './names.ts';
import { DEFAULT_PUBLISHER_OPTIONS, JetStreamUsagePublisher, type PublisherOptions } from './usage-publisher.ts';

export type { UsageLedgerSink } from './ledger-writer.ts';

export interface NatsUsageOptions {
  url: string;
  clusterName: string;
  /** The node's local outbox file (in its data folder). */
  outboxFile: string;
  /** Where the ledger is written (the PostgreSQL store). */
  sink: UsageLedgerSink;
  log: StoreLog;
  stream?: Partial<UsageStreamSettings>;
  publisher?: Partial<PublisherOptions>;
  writer?: Partial<LedgerWriterOptions>;
  /** Hears about every batch written to the ledger (benchmarks and tests time the ledger with it). */
  onWritten?: (events: UsageEvent[]) => void;
}

export interface NatsUsage {
  /** Resolves once the event is on JetStream or in the node's outbox (UsageStore.record). */
  record(event: UsageEvent): Promise<void>;
  /** Forwards what the outbox holds now (resolves when done or failed: it is retried anyway). */
  flushOutbox(): Promise<void>;
  /** Events in the outbox, not yet acknowledged by JetStream. */
  outboxDepth(): number;
  /** For GET /readyz: NATS connected and the usage stream answering. */
  readiness: { name: 'nats'; check(): Promise<void> };
  /** Stops the ledger writer, forwards the outbox once more, and leaves NATS. Call before the sink closes. */
  close(): Promise<void>;
}

/** Log lines about the outbox failing to forward: the first of a run, then at most one every 30 s. */
const OUTBOX_LOG_EVERY_MS = 30_000;

export async function openNatsUsage(options: NatsUsageOptions): Promise<NatsUsage> {
  const names = usageStreamNames(options.clusterName);
  const link = await openJetStream(options.url, names, { ...DEFAULT_STREAM_SETTINGS, ...options.stream }, (m) =>
    options.log.warn(m),
  );
  let lastOutboxLog = 0;
  const publisher = new JetStreamUsagePublisher(
    link,
    options.outboxFile,
    { ...DEFAULT_PUBLISHER_OPTIONS, ...options.publisher },
    (err) => {
      if (Date.now() - lastOutboxLog < OUTBOX_LOG_EVERY_MS) return;
      lastOutboxLog = Date.now();
      options.log.error('usage outbox not forwarded to NATS yet (its events are kept and retried)', err);
    },
  );
  const writer = new LedgerWriter(
    link,
    options.sink,
    options.log,
    { ...DEFAULT_WRITER_OPTIONS, ...options.writer },
    options.onWritten,
  );
  await writer.start();
  return {
    record: (event) => publisher.record(event),
    flushOutbox: () => publisher.flushOutbox(),
    outboxDepth: () => publisher.outboxDepth(),
    readiness: { name: 'nats', check: () => link.readiness() },
    async close() {
      await writer.close();
      await publisher.close();
      await link.close();
    },
  };
}

/**
 * The cluster's store with its usage events on JetStream: `record` publishes (or keeps in the outbox), reads stay
 * on the system of record, which the ledger writer fills through the store's own `recordBatch`. Closing it stops
 * the writer and forwards the outbox before the store closes.
 */
export async function withJetStreamUsage<S extends Store & { usage: UsageStore & UsageLedgerSink }>(
  store: S,
  options: Omit<NatsUsageOptions, 'sink'>,
): Promise<{ store: Store; readiness: ReadinessCheck }> {
  const usage = await openNatsUsage({ ...options, sink: store.usage });
  const reads = store.usage;
  return {
    store: {
      ...store,
      usage: {
        record: (event) => usage.record(event),
        totals: (orgId, range) => reads.totals(orgId, range),
        list: (orgId, range) => reads.list(orgId, range),
      },
      // The embedded store's name for its outbox: one dashboard for both.
      queueDepths: () => ({ ...store.queueDepths?.(), usage_outbox: usage.outboxDepth() }),
      async close() {
        await usage.close();
        await store.close();
      },
    },
    readiness: usage.readiness,
  };
}
