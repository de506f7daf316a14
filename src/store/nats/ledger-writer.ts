// Every node's share of writing the ledger: it takes usage events from the cluster's one durable pull consumer
// (JetStream hands each event to one member at a time), writes them to the system of record in batches of
// hundreds per transaction, idempotently by request id, and acknowledges them only once that transaction has
// committed. A node killed mid-batch leaves its events unacknowledged: JetStream gives them to another node after
// the consumer's ack wait, and writing them twice changes nothing. A message holds one or more events; a line of it
// that is not a usage event is parked (kept on the dead-letter subject and logged) so that it never blocks the
// events beside and behind it.
import { headers } from '@nats-io/transport-node';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { StoreLog, UsageEvent } from '../ports.ts';
import { sleep } from '../../util/sleep.ts';
import type { JetStreamLink } from './jetstream.ts';
import { decodeUsageMessage, type BadLine } from './usage-event-codec.ts';

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
/** Messages a pull asks for at most. */
const PULL_MESSAGES = 1_024;

/** A message taken off the stream, decoded. */
interface Delivery {
  msg: JsMsg;
  events: UsageEvent[];
  bad: BadLine[];
}

export class LedgerWriter {
  private readonly queue: Delivery[] = [];
  /** Events in the queue: pulls pause while a few batches wait. */
  private queuedEvents = 0;
  private wake: (() => void) | undefined;
  private drained: (() => void) | undefined;
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
    // Pulls ask for messages, not bytes (a byte-counted pull of small messages ends only when it expires); a
    // message holds at most 128 K characters of events (usage-publisher.ts), so what a pull brings stays bounded.
    this.messages = await consumer.consume({ max_messages: PULL_MESSAGES });
    const messages = this.messages;
    // The consumer asks for more as this loop goes on, so a slow database makes it wait rather than pile up events.
    const highWater = this.options.batchSize * (this.options.concurrentWrites + 2);
    this.receiving = (async () => {
      for await (const msg of messages) {
        const delivery = { msg, ...decodeUsageMessage(msg.string()) };
        this.queue.push(delivery);
        this.queuedEvents += delivery.events.length;
        this.wake?.();
        while (this.queuedEvents >= highWater && !this.stopped) {
          await new Promise<void>((resolve) => (this.drained = resolve));
          this.drained = undefined;
        }
      }
    })().catch((err: unknown) => this.log.error('usage stream consumer stopped', err));
    this.writing = this.writeLoop();
  }

  /** Stops taking events, finishes the batch under way, and hands back those not written (to any node, at once). */
  async close(): Promise<void> {
    this.stopped = true;
    this.messages?.stop();
    this.wake?.();
    this.drained?.();
    await this.writing;
    await this.receiving;
    for (const d of this.queue.splice(0)) d.msg.nak();
  }

  private async writeLoop(): Promise<void> {
    const writing = new Set<Promise<void>>();
    while (!this.stopped) {
      if (this.queue.length === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      if (this.queuedEvents < this.options.batchSize) await sleep(this.options.lingerMs);
      if (this.stopped) break;
      const write: Promise<void> = this.writeBatch(this.takeBatch()).finally(() => writing.delete(write));
      writing.add(write);
      if (writing.size >= this.options.concurrentWrites) await Promise.race(writing);
    }
    await Promise.all(writing);
  }

  /** Deliveries off the front of the queue, up to a batch of events (at least one delivery). */
  private takeBatch(): Delivery[] {
    let n = 0;
    let events = 0;
    while (n < this.queue.length && (n === 0 || events + this.queue[n]!.events.length <= this.options.batchSize))
      events += this.queue[n++]!.events.length;
    this.queuedEvents -= events;
    this.drained?.();
    return this.queue.splice(0, n);
  }

  private async writeBatch(batch: Delivery[]): Promise<void> {
    const events: UsageEvent[] = [];
    const taken: JsMsg[] = [];
    for (const d of batch) {
      if (d.bad.length > 0 && !(await this.park(d.msg, d.bad))) continue;
      if (d.events.length === 0) {
        // No reason on the term: servers before 2.10 take `+TERM reason` for an unknown acknowledgement.
        d.msg.term();
        continue;
      }
      events.push(...d.events);
      taken.push(d.msg);
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

  /**
   * Keeps the lines of a message that are not usage events on the dead-letter subject, each with its problem.
   * False when that failed: the whole message is then handed back for later, its events with it.
   */
  private async park(m: JsMsg, bad: BadLine[]): Promise<boolean> {
    try {
      for (const { line, index, problem } of bad) {
        const h = headers();
        h.set('Conduit-Problem', problem.slice(0, 1_000));
        h.set('Conduit-Stream-Sequence', String(m.seq));
        h.set('Conduit-Line', String(index + 1));
        await this.link.js.publish(this.link.names.deadSubject, line, {
          headers: h,
          msgID: `dead-${m.seq}-${index}`,
          timeout: 5_000,
        });
        this.log.warn(
          `parked line ${index + 1} of message ${m.seq} of ${this.link.names.stream} on ${this.link.names.deadSubject}: not a usage event (${problem})`,
        );
      }
      return true;
    } catch (err) {
      this.log.error(`could not park message ${m.seq} of ${this.link.names.stream}; it is retried`, err);
      m.nak(parkedNakMs);
      return false;
    }
  }
}
