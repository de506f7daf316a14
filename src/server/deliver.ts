// Writes a stream to the client as server-sent events, chunk by chunk as they arrive, respecting backpressure.
import type { EventStream } from '../wire/stream.ts';
import type { ReplyChannel } from './reply-channel.ts';

export function writeSseHead(res: ReplyChannel, headers: Record<string, string>): void {
  // Added to the stage's own header object: spreading it into a new one takes V8's slow path per request.
  headers['content-type'] = 'text/event-stream; charset=utf-8';
  headers['cache-control'] = 'no-cache';
  headers.connection = 'keep-alive';
  headers['x-accel-buffering'] = 'no';
  res.writeHead(200, headers);
}

/**
 * Resolves when everything was written, or rejects with the stream's own error. Events that arrived together
 * (one network read upstream) leave in one write, at once; nothing waits for more. The batch that ends the
 * stream is the exception: its frames are returned unwritten, to leave with the stream's end in one write.
 */
export async function pipeEvents(res: ReplyChannel, events: EventStream, stallMs: number): Promise<string> {
  let held = '';
  try {
    for await (const batch of events) {
      if (res.destroyed) return '';
      if (held !== '') {
        // A batch after the one marked as the end: keep the order.
        if (!res.write(held)) await drained(res, stallMs);
        held = '';
      }
      let frames = '';
      for (const event of batch)
        frames += event.event ? `event: ${event.event}\ndata: ${event.data}\n\n` : `data: ${event.data}\n\n`;
      if (batch.ends) held = frames;
      else if (!res.write(frames)) await drained(res, stallMs);
    }
  } catch (err) {
    // What arrived before the failure is delivered, as it would have been without the hold.
    if (held !== '' && !res.destroyed) res.write(held);
    throw err;
  }
  return held;
}

/**
 * Resolves once the client has taken what was buffered, or has gone. A client that takes nothing for `stallMs` is
 * dropped: waiting on it would hold its upstream stream (and its buffers) open for as long as it liked.
 */
function drained(res: ReplyChannel, stallMs: number): Promise<void> {
  return new Promise((resolve) => {
    const stalled = setTimeout(() => res.destroy(), stallMs);
    const done = () => {
      clearTimeout(stalled);
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
