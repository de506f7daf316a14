// Reads server-sent events from a byte stream: yields each event's `data` payload as it completes.
import { StringDecoder } from 'node:string_decoder';

export async function* sseData(body: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  for await (const part of body) {
    buffer += typeof part === 'string' ? part : decoder.write(part as Buffer);
    let end: number;
    while ((end = eventEnd(buffer)) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^(\r?\n)+/, '');
      const data = dataOf(block);
      if (data !== null) yield data;
    }
  }
  buffer += decoder.end();
  const data = dataOf(buffer);
  if (data !== null && buffer.trim() !== '') yield data;
}

/** Index where the first complete event block ends (the blank line), or -1. */
function eventEnd(buffer: string): number {
  const lf = buffer.indexOf('\n\n');
  const crlf = buffer.indexOf('\r\n\r\n');
  if (lf === -1) return crlf;
  if (crlf === -1) return lf;
  return Math.min(lf, crlf);
}

function dataOf(block: string): string | null {
  let data: string | null = null;
  for (const line of block.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
    data = data === null ? value : `${data}\n${value}`;
  }
  return data;
}
