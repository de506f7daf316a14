// An incremental HTTP/1.1 response parser for the upstream transport: status line and headers, then a body by
// Content-Length, chunked transfer coding, or read until the connection closes. Body bytes are handed on as
// views of the socket's own chunks, never copied. Strict where leniency would let a reply be misread: a bad
// length, a folded header or a malformed chunk size fails the response instead of guessing.

export type ResponseHeaders = Record<string, string>;

export interface ResponseSink {
  /** `reusable`: whether the connection may carry another request once this response is complete. */
  onHead(status: number, headers: ResponseHeaders, reusable: boolean, keepAliveMs: number | undefined): void;
  onBody(chunk: Buffer): void;
  /** `trailing`: bytes arrived after the response's end, which a connection without pipelining never expects. */
  onComplete(trailing: boolean): void;
}

export class ResponseParseError extends Error {}

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailers,
  UntilClose,
  Done,
}

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 8 * 1024;
const LF = 10;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: |$)/;
const DIGITS = /^\d{1,15}$/;
const HEX = /^[0-9a-fA-F]{1,12}$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export class ResponseParser {
  private state = State.Head;
  private partialHead: Buffer | undefined;
  private partialLine = '';
  private remaining = 0;
  private trailerBytes = 0;

  constructor(private readonly sink: ResponseSink) {}

  /** Starts on the next response (the connection carries a new request). */
  reset(): void {
    this.state = State.Head;
    this.partialHead = undefined;
    this.partialLine = '';
  }

  /** True once any byte of the current response has arrived. */
  get started(): boolean {
    return this.state !== State.Head || this.partialHead !== undefined;
  }

  execute(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      switch (this.state) {
        case State.Head:
          pos = this.head(chunk, pos);
          break;
        case State.Length: {
          const n = Math.min(this.remaining, chunk.length - pos);
          this.sink.onBody(pos === 0 && n === chunk.length ? chunk : chunk.subarray(pos, pos + n));
          pos += n;
          this.remaining -= n;
          if (this.remaining === 0) this.complete(pos < chunk.length);
          break;
        }
        case State.ChunkSize: {
          const line = this.line(chunk, pos);
          if (line === undefined) return;
          pos = this.lineEnd;
          const size = line.split(';', 1)[0]!.trim();
          if (!HEX.test(size)) throw new ResponseParseError(`bad chunk size ${JSON.stringify(size.slice(0, 20))}`);
          this.remaining = parseInt(size, 16);
          this.state = this.remaining === 0 ? State.Trailers : State.ChunkData;
          break;
        }
        case State.ChunkData: {
          const n = Math.min(this.remaining, chunk.length - pos);
          this.sink.onBody(chunk.subarray(pos, pos + n));
          pos += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = State.ChunkEnd;
          break;
        }
        case State.ChunkEnd: {
          const line = this.line(chunk, pos);
          if (line === undefined) return;
          if (line !== '') throw new ResponseParseError('chunk data longer than its size');
          pos = this.lineEnd;
          this.state = State.ChunkSize;
          break;
        }
        case State.Trailers: {
          const line = this.line(chunk, pos);
          if (line === undefined) return;
          pos = this.lineEnd;
          this.trailerBytes += line.length;
          if (this.trailerBytes > MAX_HEAD_BYTES) throw new ResponseParseError('trailers too large');
          if (line === '') this.complete(pos < chunk.length);
          break;
        }
        case State.UntilClose:
          this.sink.onBody(pos === 0 ? chunk : chunk.subarray(pos));
          return;
        case State.Done:
          // The sink learnt of these bytes through onComplete(trailing); nothing more to read.
          return;
      }
    }
  }

  /** The connection closed: completes a body read until close, else says what was cut short. */
  finish(): void {
    if (this.state === State.UntilClose) return this.complete(false);
    if (this.state === State.Done) return;
    throw new ResponseParseError(this.started ? 'connection closed mid-response' : 'connection closed before a response');
  }

  private complete(trailing: boolean): void {
    this.state = State.Done;
    this.sink.onComplete(trailing);
  }

  private lineEnd = 0;

  /** The line starting at `pos` without its CRLF (its end in `lineEnd`), or undefined when it continues in the next chunk. */
  private line(chunk: Buffer, pos: number): string | undefined {
    const lf = chunk.indexOf(LF, pos);
    if (lf === -1) {
      this.partialLine += chunk.toString('latin1', pos);
      if (this.partialLine.length > MAX_LINE_BYTES) throw new ResponseParseError('line too long');
      return undefined;
    }
    let line = chunk.toString('latin1', pos, lf);
    if (this.partialLine) {
      line = this.partialLine + line;
      this.partialLine = '';
    }
    if (!line.endsWith('\r')) throw new ResponseParseError('line not ended by CRLF');
    this.lineEnd = lf + 1;
    return line.slice(0, -1);
  }

  private head(chunk: Buffer, pos: number): number {
    let buf = pos === 0 ? chunk : chunk.subarray(pos);
    if (this.partialHead) {
      buf = Buffer.concat([this.partialHead, buf]);
      this.partialHead = undefined;
    }
    const end = buf.indexOf('\r\n\r\n');
    if (end === -1) {
      if (buf.length > MAX_HEAD_BYTES) throw new ResponseParseError('response head too large');
      this.partialHead = buf;
      return chunk.length;
    }
    if (end > MAX_HEAD_BYTES) throw new ResponseParseError('response head too large');
    const bodyless = this.parseHead(buf.toString('latin1', 0, end));
    // Where the body starts in `chunk`: the head may have begun in an earlier chunk.
    const next = chunk.length - (buf.length - (end + 4));
    if (bodyless) this.complete(next < chunk.length);
    return next;
  }

  /** Reads the head and says whether the response is already complete (it has no body). */
  private parseHead(text: string): boolean {
    const lines = text.split('\r\n');
    const statusLine = STATUS_LINE.exec(lines[0]!);
    if (!statusLine) throw new ResponseParseError(`bad status line ${JSON.stringify(lines[0]!.slice(0, 40))}`);
    const http10 = statusLine[1] === '0';
    const status = Number(statusLine[2]);
    const headers: ResponseHeaders = Object.create(null) as ResponseHeaders;
    let length: string | undefined;
    let chunked = false;
    let encoded = false;
    let connection = '';
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon).toLowerCase() : '';
      if (!TOKEN.test(name)) throw new ResponseParseError(`bad header line ${JSON.stringify(line.slice(0, 40))}`);
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') {
        if (!DIGITS.test(value) || (length !== undefined && length !== value)) throw new ResponseParseError(`bad content-length ${JSON.stringify(value.slice(0, 20))}`);
        length = value;
      } else if (name === 'transfer-encoding') {
        encoded = true;
        chunked = value.toLowerCase().endsWith('chunked');
      } else if (name === 'connection') {
        connection = value.toLowerCase();
      }
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    // 1xx (100 Continue, 103 Early Hints) come before the real response: read on.
    if (status < 200) return false;
    let reusable = http10 ? /\bkeep-alive\b/.test(connection) : !/\bclose\b/.test(connection);
    if (status === 204 || status === 304) {
      this.sink.onHead(status, headers, reusable, keepAliveHint(headers));
      return true;
    }
    if (encoded) {
      // Transfer-Encoding overrides Content-Length (RFC 9112 6.3), and such a connection is not reused.
      if (length !== undefined) reusable = false;
      this.state = chunked ? State.ChunkSize : State.UntilClose;
      if (!chunked) reusable = false;
    } else if (length !== undefined) {
      this.remaining = Number(length);
      this.state = State.Length;
    } else {
      this.state = State.UntilClose;
      reusable = false;
    }
    this.sink.onHead(status, headers, reusable, keepAliveHint(headers));
    return this.state === State.Length && this.remaining === 0;
  }
}

/** The server's `Keep-Alive: timeout=N`, in milliseconds. */
function keepAliveHint(headers: ResponseHeaders): number | undefined {
  const value = headers['keep-alive'];
  const m = value ? /timeout=(\d+)/i.exec(value) : null;
  return m ? Number(m[1]) * 1000 : undefined;
}
