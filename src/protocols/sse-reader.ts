// Reads server-sent events from a byte stream: yields each event's `data` payload as it completes.
import { StringDecoder } from 'node:string_decoder';

export async function* sseData(body: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<string> {
  for await (const batch of sseDataBatches(body)) yield* batch;
}

/** Like sseData, but yields all events completed by one read together. */
export async function* sseDataBatches(body: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  for await (const part of body) {
    buffer += typeof part === 'string' ? part : decoder.write(part as Buffer);
    const batch: string[] = [];
    let start = 0;
    let end: number;
    while ((end = eventEnd(buffer, start)) !== -1) {
      const data = dataOf(buffer.slice(start, end));
      if (data !== null) batch.push(data);
      start = end;
      while (buffer.charCodeAt(start) === 10 || buffer.charCodeAt(start) === 13) start++;
    }
    if (start > 0) buffer = buffer.slice(start);
    if (batch.length > 0) yield batch;
  }
  buffer += decoder.end();
  const data = dataOf(buffer);
  if (data !== null && buffer.trim() !== '') yield [data];
}

/** Index where the first complete event block at or after `from` ends (the blank line), or -1. */
function eventEnd(buffer: string, from: number): number {
  const lf = buffer.indexOf('\n\n', from);
  const crlf = buffer.indexOf('\r\n\r\n', from);
  if (lf === -1) return crlf;
  if (crlf === -1) return lf;
  return Math.min(lf, crlf);
}

function dataOf(block: string): string | null {
  // The usual event is one `data:` line: no split.
  if (block.indexOf('\n') === -1) {
    if (!block.startsWith('data:')) return null;
    return block.charCodeAt(5) === 32 ? block.slice(6) : block.slice(5);
  }
  let data: string | null = null;
  for (const line of block.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
    data = data === null ? value : `${data}\n${value}`;
  }
  return data;
}
