// Reads server-sent events from a byte stream with eventsource-parser (the WHATWG event-stream rules: LF, CRLF
// or CR line ends, comments, multi-line data, fields split across reads): each event's `data` payload.
import { createParser, type EventSourceParser, type ParseError } from 'eventsource-parser';
import { StringDecoder } from 'node:string_decoder';

/** An event block larger than this is refused: an upstream that never ends a line cannot grow memory forever. */
const MAX_EVENT_BYTES = 16 * 1024 * 1024;
const NONE: readonly string[] = Object.freeze([]);

/** The data of the events completed by each read fed to it, in order. */
export class SseDataReader {
  private readonly decoder = new StringDecoder('utf8');
  private completed: string[] = [];
  private failure: ParseError | undefined;
  private readonly parser: EventSourceParser = createParser({
    onEvent: (event) => this.completed.push(event.data),
    onError: (err) => {
      if (err.type === 'max-buffer-size-exceeded') this.failure ??= err;
    },
    maxBufferSize: MAX_EVENT_BYTES,
  });

  /** The events this read completed (often none: a shared empty array, not to be changed). */
  read(part: Buffer | Uint8Array | string): readonly string[] {
    this.parser.feed(typeof part === 'string' ? part : this.decoder.write(part as Buffer));
    if (this.failure) throw this.failure;
    return this.take();
  }

  /** The body ended: a last event without its blank line still counts (servers that close right after it). */
  end(): readonly string[] {
    this.parser.feed(`${this.decoder.end()}\n\n`);
    return this.take();
  }

  private take(): readonly string[] {
    if (this.completed.length === 0) return NONE;
    const out = this.completed;
    this.completed = [];
    return out;
  }
}

/** What a stream's reader makes of its events: a batch for the events of one read, and a check at the end. */
export interface SseBatcher<Batch> {
  /** The batch for these events' data, or undefined to yield nothing for them. */
  batch(datas: readonly string[]): Batch | undefined;
  /** The body ended; throws if the stream was not complete. */
  end?(): void;
}

/**
 * The batches `batcher` makes of the events each read of `body` completes. One async generator from the body to
 * the caller: every open stream holds each layer of generators suspended, with its state, for its whole life.
 */
export async function* sseBatches<Batch>(
  body: AsyncIterable<Buffer | Uint8Array | string>,
  batcher: SseBatcher<Batch>,
): AsyncGenerator<Batch> {
  const reader = new SseDataReader();
  for await (const part of body) {
    const datas = reader.read(part);
    const batch = datas.length > 0 ? batcher.batch(datas) : undefined;
    if (batch !== undefined) yield batch;
  }
  const datas = reader.end();
  const batch = datas.length > 0 ? batcher.batch(datas) : undefined;
  if (batch !== undefined) yield batch;
  batcher.end?.();
}
