// Records usage events on JetStream: a response completes once JetStream acknowledged its event, or, when NATS
// does not acknowledge within the publish timeout (or is known to be down), once the event is appended to the
// node's local outbox, the embedded store's own (sqlite/usage-outbox.ts), which forwards it to JetStream when
// NATS answers again and replays at start-up whatever a killed process left. Never dropped, never waited on for
// longer than the timeout. Republishing is harmless: JetStream drops a message id it has seen in its duplicate
// window, and the ledger inserts by request id.
// One message is under way at a time; events recorded meanwhile wait and leave together in the next. A lone event
// leaves at once, and under load a message carries what completed in one round trip: the ledger's consumers then
// take in several events per message, where one message each capped them, and JetStream answers sooner.
import type { UsageEvent } from '../ports.ts';
import { UsageOutbox } from '../sqlite/usage-outbox.ts';
import { parseUsageLines } from '../sqlite/usage-writes.ts';
import { sleep } from '../../util/sleep.ts';
import type { JetStreamLink } from './jetstream.ts';
import { messageIdOfEvents } from './names.ts';
import { encodeUsageEvent, usageMessageOf } from './usage-event-codec.ts';

export interface PublisherOptions {
  /** How long a response waits for JetStream's acknowledgement before its event goes to the outbox. */
  publishTimeoutMs: number;
  /** After a publish that failed, events go straight to the outbox for this long (or until it forwards again). */
  backOffMs: number;
  /** Messages awaiting JetStream's acknowledgement at once; events recorded meanwhile share the next one. */
  messagesInFlight: number;
}

export const DEFAULT_PUBLISHER_OPTIONS: PublisherOptions = {
  publishTimeoutMs: 2_000,
  backOffMs: 5_000,
  messagesInFlight: 1,
};

/** A message's size at most, in events and in characters of JSON (3 bytes each at worst): far below NATS's 1 MB. */
const MESSAGE_EVENTS = 256;
const MESSAGE_CHARS = 128 * 1024;
/** Messages forwarded from the outbox at once: each waits for its acknowledgement, and a failure stops the rest. */
const FORWARD_MESSAGES = 8;

interface Waiting {
  event: UsageEvent;
  json: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class JetStreamUsagePublisher {
  private readonly outbox: UsageOutbox;
  /** Until then, NATS is presumed unreachable: events skip the publish and go to the outbox at once. */
  private avoidUntil = 0;
  /** Events waiting for a message to leave in. */
  private waiting: Waiting[] = [];
  private inFlight = 0;

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
  record(event: UsageEvent): Promise<void> {
    if (!this.reachable()) return this.outbox.record(event);
    return new Promise((resolve, reject) => {
      this.waiting.push({ event, json: encodeUsageEvent(event), resolve, reject });
      this.send();
    });
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
  async close(): Promise<void> {
    // Messages under way end acknowledged or in the outbox (each within the publish timeout) before it closes.
    while (this.inFlight > 0 || this.waiting.length > 0) await sleep(5);
    return this.outbox.close();
  }

  private reachable(): boolean {
    return this.link.connected() && Date.now() >= this.avoidUntil;
  }

  /** Sends what waits, in as many messages as the window allows; the rest leaves as acknowledgements come back. */
  private send(): void {
    while (this.waiting.length > 0 && this.inFlight < this.options.messagesInFlight) {
      if (!this.reachable()) return this.toOutbox(this.waiting.splice(0));
      const message = this.waiting.splice(0, messageLength(this.waiting.slice(0, MESSAGE_EVENTS).map((w) => w.json)));
      this.inFlight++;
      this.publish(
        message.map((w) => w.event),
        usageMessageOf(message.map((w) => w.json)),
      )
        .then(
          () => message.forEach((w) => w.resolve()),
          () => {
            this.avoidUntil = Date.now() + this.options.backOffMs;
            this.toOutbox(message);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.send();
        });
    }
  }

  /** These events settle when the outbox has them (NATS did not take them, or is presumed down). */
  private toOutbox(waiting: Waiting[]): void {
    for (const w of waiting) this.outbox.record(w.event).then(w.resolve, w.reject);
  }

  private async publish(events: readonly UsageEvent[], payload: string): Promise<void> {
    await this.link.js.publish(this.link.names.subject, payload, {
      msgID: messageIdOfEvents(events),
      timeout: this.options.publishTimeoutMs,
    });
  }

  /** The outbox's load: its events onto JetStream, every one acknowledged, or it throws and they are tried again. */
  private async forward(jsonLines: string): Promise<void> {
    if (!this.link.connected()) throw new Error('NATS is not connected: usage events stay in the local outbox');
    const events = parseUsageLines(jsonLines);
    const json = events.map(encodeUsageEvent);
    // The same lines make the same messages, with the same ids: forwarding again is dropped as a duplicate.
    const messages: Array<[number, number]> = [];
    for (let i = 0; i < events.length;) {
      const end = i + messageLength(json.slice(i, i + MESSAGE_EVENTS));
      messages.push([i, end]);
      i = end;
    }
    try {
      for (let m = 0; m < messages.length; m += FORWARD_MESSAGES)
        await Promise.all(
          messages
            .slice(m, m + FORWARD_MESSAGES)
            .map(([from, to]) => this.publish(events.slice(from, to), usageMessageOf(json.slice(from, to)))),
        );
    } catch (err) {
      // Still unreachable: responses keep going to the outbox rather than each wait for a timeout.
      this.avoidUntil = Date.now() + this.options.backOffMs;
      throw err;
    }
    this.avoidUntil = 0;
  }
}

/** How many of these events (as JSON) the next message takes: as many as fit, and at least one. */
function messageLength(json: readonly string[]): number {
  let chars = 0;
  let n = 0;
  while (n < json.length && n < MESSAGE_EVENTS) {
    chars += json[n]!.length + 1;
    if (n > 0 && chars > MESSAGE_CHARS) break;
    n++;
  }
  return n;
}
