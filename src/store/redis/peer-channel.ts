// A peer channel on Redis pub/sub ("<cluster>:peers:<topic>"). Each message is prefixed with the sending node's id, so
// that a node skips its own. While Redis is unreachable, messages are dropped rather than queued without bound.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { PeerChannel } from '../peer-channel.ts';

export class RedisPeerChannel implements PeerChannel {
  private readonly origin = randomUUID();
  private readonly listeners: Array<(message: string) => void> = [];
  /** Messages not sent because Redis was unreachable. */
  dropped = 0;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly channel: string,
    private readonly onError: (err: unknown) => void,
  ) {
    subscriber.on('message', (from: string, message: string) => {
      if (from === channel) this.received(message);
    });
  }

  start(): void {
    this.subscriber.subscribe(this.channel).catch(this.onError);
  }

  publish(message: string): void {
    if (this.publisher.status !== 'ready') {
      this.dropped++;
      return;
    }
    this.publisher.publish(this.channel, `${this.origin}\n${message}`).catch(this.onError);
  }

  subscribe(listener: (message: string) => void): void {
    this.listeners.push(listener);
  }

  private received(text: string): void {
    const cut = text.indexOf('\n');
    if (cut < 0 || text.slice(0, cut) === this.origin) return;
    const message = text.slice(cut + 1);
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
