// Messages to the other nodes of a cluster about what one node observed (not what an operator changed: that is the
// invalidation bus). Best effort, like the observations themselves: a node cut off misses what was sent meanwhile.
// One process alone has no peers and gets no channel.
import type { z } from 'zod';

export interface PeerChannel {
  /** To every other node of the cluster, never back to this one. */
  publish(message: string): void;
  subscribe(listener: (message: string) => void): void;
}

/**
 * Hears the other nodes' JSON messages that `schema` accepts; one it refuses is reported (as a malformed `what`) and
 * dropped, never handed on.
 */
export function subscribeChecked<T>(
  channel: PeerChannel,
  schema: z.ZodType<T>,
  what: string,
  onReceived: (message: T) => void,
  onError: (err: unknown) => void,
): void {
  channel.subscribe((message) => {
    let parsed: T;
    try {
      parsed = schema.parse(JSON.parse(message));
    } catch (err) {
      onError(new Error(`ignored a malformed ${what} from another node`, { cause: err }));
      return;
    }
    onReceived(parsed);
  });
}

/** Sends `message` as JSON to the other nodes; a failure is reported, not thrown (the channel is best effort). */
export function publishOrReport(channel: PeerChannel, message: unknown, onError: (err: unknown) => void): void {
  try {
    channel.publish(JSON.stringify(message));
  } catch (err) {
    onError(err);
  }
}
