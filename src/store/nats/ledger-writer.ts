// Every node's share of writing the ledger: it takes usage events from the cluster's one durable pull consumer
// (JetStream hands each event to one member at a time), writes them to the system of record in batches of
// hundreds per transaction, idempotently by request id, and acknowledges them only once that transaction has
// committed. A node killed mid-batch leaves its events unacknowledged: JetStream gives them to another node after
// the consumer's ack wait, and writing them twice changes nothing. A message that is not a usage event is parked
// (kept on the dead-letter subject, logged, and terminated) so that it never blocks the ones behind it.
import { headers } from '@nats-io/transport-node';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { StoreLog, UsageEvent } from '../ports.ts';
import { sleep } from '../../util/sleep.ts';
import type { JetStreamLink } from './jetstream.ts';
import { decodeUsageEvent } from './usage-event-codec.ts';

/** Where the ledger is written: one transaction per batch, a request id written twice is a no-op. */
export interface UsageLedgerSink {
  recordBatch(events: UsageEvent[]): Promise<void>;
}

export interface LedgerWriterOptions {
  /** Events per transaction at most. */
  batchSize: number;
  /** How long a batch that is not full waits for more before it is written. */
  lingerMs: number;
  /** Transactions under way at once: the next batch is read and checked while the database commits one. */
  concurrentWrites: number;
}

export const DEFAULT_WRITER_OPTIONS: LedgerWriterOptions = { batchSize: 1_000, lingerMs: 5, concurrentWrites: 2 };

const parkedNakMs = 5_000;

export class LedgerWriter {
  private readonly queue: JsMsg[] = [];
  private wake: (() => void) | undefined;
  private messages: ConsumerMessages | undefined;
  private receiving: Promise<void> = Promise.resolve();
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Batches that failed in a row: their events are handed back with a longer delay each time. */
  private failures = 0;

  constructor(
    private readonly link: JetStreamLink,
    private readonly sink: UsageLedgerSink,
    private readonly log: StoreLog,
    private readonly options: LedgerWriterOptions = DEFAULT_WRITER_OPTIONS,
    /** Hears about every batch once committed (tests and benchmarks time the ledger with it). */
    private readonly onWritten: (events: UsageEvent[]) => void = () => {},
  ) {}

  async start(): Promise<void> {
    const consumer = await this.link.js.consumers.get(this.link.names.stream, this.link.names.consumer);
    // Pulls stay a few batches ahead of the writes; the consumer's max_ack_pending bounds what waits unacknowledged.
    this.messages = await consumer.consume({
      max_messages: this.options.batchSize * (this.options.concurrentWrites + 1),
    });
    const messages = this.messages;
    this.receiving = (async () => {
      for await (const m of messages) {
        this.queue.push(m);
        this.wake?.();
      }
    })().catch((err: unknown) => this.log.error('usage stream consumer stopped', err));
    this.writing = this.writeLoop();
  }

  /** Stops taking events, finishes the batch under way, and hands back those not written (to any node, at once). */
  async close(): Promise<void> {
    this.stopped = true;
    this.messages?.stop();
    this.wake?.();
    await this.writing;
    await this.receiving;
    for (const m of this.queue.splice(0)) m.nak();
  }

  private async writeLoop(): Promise<void> {
    const writing = new Set<Promise<void>>();
    while (!this.stopped) {
      if (this.queue.length === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      if (this.queue.length < this.options.batchSize) await sleep(this.options.lingerMs);
      if (this.stopped) break;
      const write: Promise<void> = this.writeBatch(this.queue.splice(0, this.options.batchSize)).finally(() =>
        writing.delete(write),
      );
      writing.add(write);
      if (writing.size >= this.options.concurrentWrites) await Promise.race(writing);
    }
    await Promise.all(writing);
  }

  private async writeBatch(batch: JsMsg[]): Promise<void> {
    const events: UsageEvent[] = [];
    const taken: JsMsg[] = [];
    for (const m of batch) {
      const decoded = decodeUsageEvent(m.string());
      if ('event' in decoded) {
        events.push(decoded.event);
        taken.push(m);
      } else await this.park(m, decoded.problem);
    }
    if (events.length === 0) return;
    // A slow transaction must not let the ack wait run out: JetStream would hand the events to another node.
    const working = setInterval(() => taken.forEach((m) => m.working()), this.link.settings.ackWaitMs / 2);
    try {
      await this.sink.recordBatch(events);
    } catch (err) {
      this.failures++;
      if (this.failures === 1) this.log.error('ledger write failed: usage events wait in JetStream', err);
      const delay = Math.min(500 * 2 ** (this.failures - 1), 5_000);
      for (const m of taken) m.nak(delay);
      return;
    } finally {
      clearInterval(working);
    }
    if (this.failures > 0) this.log.info(`ledger writes resumed after ${this.failures} failed batches`);
    this.failures = 0;
    for (const m of taken) m.ack();
    this.onWritten(events);
  }

  /** Keeps a message that is not a usage event on the dead-letter subject and ends its deliveries. */
  private async park(m: JsMsg, problem: string): Promise<void> {
    const h = headers();
    h.set('Conduit-Problem', problem.slice(0, 1_000));
    h.set('Conduit-Stream-Sequence', String(m.seq));
    try {
      await this.link.js.publish(this.link.names.deadSubject, m.data, {
        headers: h,
        msgID: `dead-${m.seq}`,
        timeout: 5_000,
      });
    } catch (err) {
      this.log.error(`could not park message ${m.seq} of ${this.link.names.stream}; it is retried`, err);
      m.nak(parkedNakMs);
      return;
    }
    this.log.warn(
      `parked message ${m.seq} of ${this.link.names.stream} on ${this.link.names.deadSubject}: not a usage event (${problem})`,
    );
    // No reason on the term: servers before 2.10 take `+TERM reason` for an unknown acknowledgement.
    m.term();
  }
}
