// The invalidation bus of a cluster on Redis pub/sub: one channel per cluster ("<name>:invalidate"). What a node
// publishes reaches the others within milliseconds; a message missed while a node was cut off is made up for by
// an `all` when its subscription comes back, and by an `all` every SAFETY_NET_MS whatever happens.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Invalidation, InvalidationBus, InvalidationListener } from '../invalidation.ts';

const SAFETY_NET_MS = 30_000;

const invalidationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('key'), hash: z.string() }),
  z.object({ kind: z.literal('org'), id: z.string() }),
  z.object({ kind: z.enum(['policy', 'price-book', 'sanctions', 'signing-keys', 'all']) }),
]);
const messageSchema = z.object({ origin: z.string(), change: invalidationSchema });

export class RedisInvalidationBus implements InvalidationBus {
  private readonly listeners: InvalidationListener[] = [];
  /** Tells this node's own messages apart: it applied its changes as it made them. */
  private readonly origin = randomUUID();
  private readonly channel: string;
  private safetyNet: NodeJS.Timeout | undefined;
  private subscribedOnce = false;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    clusterName: string,
    private readonly onError: (err: unknown) => void,
    safetyNetMs = SAFETY_NET_MS,
  ) {
    this.channel = `${clusterName}:invalidate`;
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.received(message);
    });
    // ioredis subscribes again after a reconnect; what was published meanwhile never came: reload everything.
    subscriber.on('ready', () => {
      if (this.subscribedOnce) this.deliver({ kind: 'all' });
    });
    this.safetyNet = setInterval(() => this.deliver({ kind: 'all' }), safetyNetMs);
    this.safetyNet.unref();
  }

  /** Subscribes (queued until Redis answers, so a node starts while Redis is down). */
  start(): void {
    this.subscriber.subscribe(this.channel).then(
      () => (this.subscribedOnce = true),
      (err: unknown) => this.onError(err),
    );
  }

  publish(change: Invalidation): void {
    this.publisher.publish(this.channel, JSON.stringify({ origin: this.origin, change })).catch(this.onError);
  }

  subscribe(listener: InvalidationListener): void {
    this.listeners.push(listener);
  }

  stop(): void {
    clearInterval(this.safetyNet);
  }

  private received(text: string): void {
    let parsed: z.infer<typeof messageSchema>;
    try {
      parsed = messageSchema.parse(JSON.parse(text));
    } catch (err) {
      this.onError(new Error(`ignored a malformed message on ${this.channel}`, { cause: err }));
      return;
    }
    if (parsed.origin !== this.origin) this.deliver(parsed.change);
  }

  private deliver(change: Invalidation): void {
    for (const listener of this.listeners) {
      try {
        const pending = listener(change);
        if (pending) pending.catch(this.onError);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
