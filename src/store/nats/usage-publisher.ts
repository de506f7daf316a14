// Records usage events on JetStream: a response completes once JetStream acknowledged its event, or, when NATS
// does not acknowledge within the publish timeout (or is known to be down), once the event is appended to the
// node's local outbox, the embedded store's own (sqlite/usage-outbox.ts), which forwards it to JetStream when
// NATS answers again and replays at start-up whatever a killed process left. Never dropped, never waited on for
// longer than the timeout. Republishing is harmless: JetStream drops a message id it has seen in its duplicate
// window, and the ledger inserts by request id.
import type { UsageEvent } from '../ports.ts';
import { UsageOutbox } from '../sqlite/usage-outbox.ts';
import { parseUsageLines } from '../sqlite/usage-writes.ts';
import type { JetStreamLink } from './jetstream.ts';
import { messageIdOf } from './names.ts';
import { encodeUsageEvent } from './usage-event-codec.ts';

export interface PublisherOptions {
  /** How long a response waits for JetStream's acknowledgement before its event goes to the outbox. */
  publishTimeoutMs: number;
  /** After a publish that failed, events go straight to the outbox for this long (or until it forwards again). */
  backOffMs: number;
}

export const DEFAULT_PUBLISHER_OPTIONS: PublisherOptions = { publishTimeoutMs: 2_000, backOffMs: 5_000 };

/** Events forwarded from the outbox at a time: each waits for its acknowledgement, and a failure stops the rest. */
const FORWARD_CHUNK = 1_000;

export class JetStreamUsagePublisher {
  private readonly outbox: UsageOutbox;
  /** Until then, NATS is presumed unreachable: events skip the publish and go to the outbox at once. */
  private avoidUntil = 0;

  constructor(
    private readonly link: JetStreamLink,
    outboxFile: string,
    private readonly options: PublisherOptions = DEFAULT_PUBLISHER_OPTIONS,
    onError: (err: unknown) => void = () => {},
  ) {
    this.outbox = new UsageOutbox(
      outboxFile,
      (lines) => this.forward(lines),
      { loadEveryMs: 250, loadAtCount: 2_000 },
      onError,
    );
  }

  /** Resolves once the event is acknowledged by JetStream or durable in the outbox; rejects if neither. */
  async record(event: UsageEvent): Promise<void> {
    if (this.reachable()) {
      try {
        await this.publish(event);
        return;
      } catch {
        this.avoidUntil = Date.now() + this.options.backOffMs;
      }
    }
    await this.outbox.record(event);
  }

  /** Forwards what the outbox holds now; resolves once it is on JetStream or the attempt failed (retried later). */
  flushOutbox(): Promise<void> {
    return this.outbox.loadNow();
  }

  /** Events in the outbox not yet acknowledged by JetStream (for the queue depths of /metrics). */
  outboxDepth(): number {
    const lines = this.outbox.pendingLines();
    let count = 0;
    for (let i = lines.indexOf('\n'); i !== -1; i = lines.indexOf('\n', i + 1)) count++;
    return count;
  }

  /** Stops after one more attempt to forward the outbox (what remains is forwarded at the next start). */
  close(): Promise<void> {
    return this.outbox.close();
  }

  private reachable(): boolean {
    return this.link.connected() && Date.now() >= this.avoidUntil;
  }

  private async publish(event: UsageEvent): Promise<void> {
    await this.link.js.publish(this.link.names.subject, encodeUsageEvent(event), {
      msgID: messageIdOf(event),
      timeout: this.options.publishTimeoutMs,
    });
  }

  /** The outbox's load: its events onto JetStream, every one acknowledged, or it throws and they are tried again. */
  private async forward(jsonLines: string): Promise<void> {
    if (!this.link.connected()) throw new Error('NATS is not connected: usage events stay in the local outbox');
    const events = parseUsageLines(jsonLines);
    try {
      for (let i = 0; i < events.length; i += FORWARD_CHUNK)
        await Promise.all(events.slice(i, i + FORWARD_CHUNK).map((e) => this.publish(e)));
    } catch (err) {
      // Still unreachable: responses keep going to the outbox rather than each wait for a timeout.
      this.avoidUntil = Date.now() + this.options.backOffMs;
      throw err;
    }
    this.avoidUntil = 0;
  }
}
