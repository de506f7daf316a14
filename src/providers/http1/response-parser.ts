// An incremental HTTP/1.1 response parser for the upstream transport: status line and headers, then a body by
// Content-Length, chunked transfer coding, or read until the connection closes. Body bytes are handed on as
// views of the socket's own chunks, never copied. Strict where leniency would let a reply be misread: a bad
// length, a folded header or a malformed chunk size fails the response instead of guessing.
import { isToken } from './token.ts';

/**
 * A reply's header fields, read from its head text when asked for: a proxy reads one or two of them, and
 * building an object of every field (a property store and a string internalised per field) cost more than
 * parsing the rest of the reply.
 */
export class ResponseHeaders {
  constructor(
    /** The head without its status line: `name: value` lines separated by CRLF. */
    private readonly fields: string,
  ) {}

  /** The field's value (several fields of one name joined with ", "), or undefined. */
  get(name: string): string | undefined {
    const wanted = name.toLowerCase();
    let found: string | undefined;
    for (let pos = 0; pos < this.fields.length; ) {
      let eol = this.fields.indexOf('\r\n', pos);
      if (eol === -1) eol = this.fields.length;
      const colon = this.fields.indexOf(':', pos);
      if (colon - pos === wanted.length && this.fields.slice(pos, colon).toLowerCase() === wanted) {
        const value = this.fields.slice(colon + 1, eol).trim();
        found = found === undefined ? value : `${found}, ${value}`;
      }
      pos = eol + 2;
    }
    return found;
  }
}

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
const DIGITS = /^\d{1,15}$/;
const HEX = /^[0-9a-fA-F]{1,12}$/;

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
    this.trailerBytes = 0;
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
    let eol = text.indexOf('\r\n');
    if (eol === -1) eol = text.length;
    const minor = statusLineVersion(text, eol);
    const status = minor === -1 ? -1 : Number(text.slice(9, 12));
    if (status === -1) throw new ResponseParseError(`bad status line ${JSON.stringify(text.slice(0, Math.min(eol, 40)))}`);
    const fieldsStart = Math.min(eol + 2, text.length);
    let length: string | undefined;
    let chunked = false;
    let encoded = false;
    let connection = '';
    let keepAlive: string | undefined;
    for (let pos = fieldsStart; pos < text.length; pos = eol + 2) {
      eol = text.indexOf('\r\n', pos);
      if (eol === -1) eol = text.length;
      const colon = text.indexOf(':', pos);
      const lf = text.indexOf('\n', pos);
      if (colon <= pos || colon > eol || (lf !== -1 && lf < eol) || !isToken(text, pos, colon)) {
        throw new ResponseParseError(`bad header line ${JSON.stringify(text.slice(pos, Math.min(eol, pos + 40)))}`);
      }
      // Only the fields that frame the reply are read here; by their length first, to compare few names.
      const size = colon - pos;
      if (size !== 10 && size !== 14 && size !== 17) continue;
      const name = text.slice(pos, colon).toLowerCase();
      const value = text.slice(colon + 1, eol).trim();
      if (name === 'content-length') {
        if (!DIGITS.test(value) || (length !== undefined && length !== value)) throw new ResponseParseError(`bad content-length ${JSON.stringify(value.slice(0, 20))}`);
        length = value;
      } else if (name === 'transfer-encoding') {
        encoded = true;
        chunked = value.toLowerCase().endsWith('chunked');
      } else if (name === 'connection') {
        connection = value.toLowerCase();
      } else if (name === 'keep-alive') {
        keepAlive = value;
      }
    }
    const headers = new ResponseHeaders(text.slice(fieldsStart));
    // 1xx (100 Continue, 103 Early Hints) come before the real response: read on.
    if (status < 200) return false;
    let reusable = minor === 0 ? /\bkeep-alive\b/.test(connection) : !/\bclose\b/.test(connection);
    // 204 and 304 have no body, whatever their fields say.
    const bodyless = status === 204 || status === 304;
    if (!bodyless && !this.frameBody(encoded, chunked, length)) reusable = false;
    this.sink.onHead(status, headers, reusable, keepAliveHint(keepAlive));
    return bodyless || (this.state === State.Length && this.remaining === 0);
  }

  /** Sets how the body is read; says whether the connection can carry another request after such a body. */
  private frameBody(encoded: boolean, chunked: boolean, length: string | undefined): boolean {
    if (encoded) {
      // Transfer-Encoding overrides Content-Length (RFC 9112 6.3); a reply that had both, or a coding other
      // than chunked (read until close), leaves a connection not to be reused.
      this.state = chunked ? State.ChunkSize : State.UntilClose;
      return length === undefined && chunked;
    }
    if (length !== undefined) {
      this.remaining = Number(length);
      this.state = State.Length;
      return true;
    }
    this.state = State.UntilClose;
    return false;
  }
}

/** `HTTP/1.x NNN` at the start of the status line (ending at `eol`): x, or -1 when it is not one. */
function statusLineVersion(text: string, eol: number): number {
  if (eol < 12 || !text.startsWith('HTTP/1.')) return -1;
  const minor = text.charCodeAt(7) - 48;
  if ((minor !== 0 && minor !== 1) || text.charCodeAt(8) !== 32) return -1;
  for (let i = 9; i < 12; i++) if (text.charCodeAt(i) < 48 || text.charCodeAt(i) > 57) return -1;
  return eol === 12 || text.charCodeAt(12) === 32 ? minor : -1;
}

/** The server's `Keep-Alive: timeout=N`, in milliseconds. */
function keepAliveHint(value: string | undefined): number | undefined {
  const m = value ? /timeout=(\d+)/i.exec(value) : null;
  return m ? Number(m[1]) * 1000 : undefined;
}
