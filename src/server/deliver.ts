// Writes a stream to the client as server-sent events, chunk by chunk as they arrive, respecting backpressure.
import type { ServerResponse } from 'node:http';
import type { GatewayError } from '../errors.ts';
import type { EventStream } from '../providers/types.ts';

export function writeSseHead(res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
}

/**
 * Resolves when everything was written, or rejects with the stream's own error. Events that arrived together
 * (one network read upstream) leave in one write, at once; nothing waits for more.
 */
export async function pipeEvents(res: ServerResponse, events: EventStream): Promise<void> {
  for await (const batch of events) {
    if (res.destroyed) return;
    let frames = '';
    for (const event of batch) frames += event.event ? `event: ${event.event}\ndata: ${event.data}\n\n` : `data: ${event.data}\n\n`;
    if (!res.write(frames)) await drained(res);
  }
}

/** Chat streams carry the error object as data; Responses API streams an `error` event. */
export function writeSseError(res: ServerResponse, err: GatewayError, responsesApi = false): void {
  if (res.destroyed) return;
  if (responsesApi) res.write(`event: error\ndata: ${JSON.stringify({ type: 'error', code: err.code, message: err.message, param: err.param })}\n\n`);
  else res.write(`data: ${JSON.stringify(err.toBody())}\n\n`);
}

/** Chat streams end with the [DONE] sentinel; Responses API streams simply end. */
export function endSse(res: ServerResponse, responsesApi = false): void {
  if (!res.destroyed) res.end(responsesApi ? undefined : 'data: [DONE]\n\n');
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
