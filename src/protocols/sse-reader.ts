// Reads server-sent events from a byte stream with eventsource-parser (the WHATWG event-stream rules: LF, CRLF
// or CR line ends, comments, multi-line data, fields split across reads): yields each event's `data` payload.
import { createParser, type ParseError } from 'eventsource-parser';
import { StringDecoder } from 'node:string_decoder';

/** An event block larger than this is refused: an upstream that never ends a line cannot grow memory forever. */
const MAX_EVENT_BYTES = 16 * 1024 * 1024;

export async function* sseData(body: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<string> {
  for await (const batch of sseDataBatches(body)) yield* batch;
}

/** Like sseData, but yields all events completed by one read together. */
export async function* sseDataBatches(body: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let batch: string[] = [];
  let failure: ParseError | undefined;
  const parser = createParser({
    onEvent: (event) => batch.push(event.data),
    onError: (err) => {
      if (err.type === 'max-buffer-size-exceeded') failure ??= err;
    },
    maxBufferSize: MAX_EVENT_BYTES,
  });
  for await (const part of body) {
    parser.feed(typeof part === 'string' ? part : decoder.write(part as Buffer));
    if (failure) throw failure;
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  // A last event without its blank line still counts (servers that close right after writing it).
  parser.feed(`${decoder.end()}\n\n`);
  if (batch.length > 0) yield batch;
}
