// The framing of an HTTP/1.1 message, shared by the upstream client's reply parser and the data-plane server's
// request parser: the head up to its blank line (read by the subclass), then a body by Content-Length, by
// chunked transfer coding, or (replies only) until the connection closes. Body bytes are handed on as views of
// the socket's own chunks, never copied. Strict where leniency would let a message be misread: a malformed
// chunk size or chunk end fails the message instead of guessing.

export class HttpParseError extends Error {}

export interface BodySink {
  onBody(chunk: Buffer): void;
  /** `trailing`: bytes arrived after the message's end in the same chunk. */
  onComplete(trailing: boolean): void;
}

export const enum Framing {
  None,
  Length,
  Chunked,
  UntilClose,
}

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

const MAX_LINE_BYTES = 8 * 1024;
const LF = 10;
const HEX = /^[0-9a-fA-F]{1,12}$/;

export abstract class MessageParser {
  private state = State.Head;
  private partialHead: Buffer | undefined;
  private partialLine = '';
  private remaining = 0;
  private trailerBytes = 0;
  private lineEnd = 0;
  private halted = false;

  constructor(
    private readonly bodySink: BodySink,
    /** 'response' or 'request', for the messages of errors. */
    private readonly what: string,
    private readonly maxHeadBytes: number,
    private readonly newError: (message: string) => HttpParseError,
  ) {}

  /** Starts on the next message. */
  reset(): void {
    this.state = State.Head;
    this.partialHead = undefined;
    this.partialLine = '';
    this.trailerBytes = 0;
  }

  /** True once any byte of the current message has arrived. */
  get started(): boolean {
    return this.state !== State.Head || this.partialHead !== undefined;
  }

  /**
   * Reads `chunk`; returns how many of its bytes belong to the current message (all of them unless it completed,
   * or its head stopped the parser, part-way through). Throws the parser's error for a malformed message.
   */
  execute(chunk: Buffer): number {
    let pos = 0;
    while (pos < chunk.length) {
      switch (this.state) {
        case State.Head:
          pos = this.head(chunk, pos);
          break;
        case State.Length: {
          const n = Math.min(this.remaining, chunk.length - pos);
          this.bodySink.onBody(pos === 0 && n === chunk.length ? chunk : chunk.subarray(pos, pos + n));
          pos += n;
          this.remaining -= n;
          if (this.remaining === 0) this.complete(pos < chunk.length);
          break;
        }
        case State.ChunkSize: {
          const line = this.line(chunk, pos);
          if (line === undefined) return chunk.length;
          pos = this.lineEnd;
          const size = line.split(';', 1)[0]!.trim();
          if (!HEX.test(size)) throw this.newError(`bad chunk size ${JSON.stringify(size.slice(0, 20))}`);
          this.remaining = parseInt(size, 16);
          this.state = this.remaining === 0 ? State.Trailers : State.ChunkData;
          break;
        }
        case State.ChunkData: {
          const n = Math.min(this.remaining, chunk.length - pos);
          this.bodySink.onBody(chunk.subarray(pos, pos + n));
          pos += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = State.ChunkEnd;
          break;
        }
        case State.ChunkEnd: {
          const line = this.line(chunk, pos);
          if (line === undefined) return chunk.length;
          if (line !== '') throw this.newError('chunk data longer than its size');
          pos = this.lineEnd;
          this.state = State.ChunkSize;
          break;
        }
        case State.Trailers: {
          const line = this.line(chunk, pos);
          if (line === undefined) return chunk.length;
          pos = this.lineEnd;
          this.trailerBytes += line.length;
          if (this.trailerBytes > this.maxHeadBytes) throw this.newError('trailers too large');
          if (line === '') this.complete(pos < chunk.length);
          break;
        }
        case State.UntilClose:
          this.bodySink.onBody(pos === 0 ? chunk : chunk.subarray(pos));
          return chunk.length;
        case State.Done:
          return pos;
      }
    }
    return pos;
  }

  /** The connection closed: completes a body read until close, else says what was cut short. */
  finish(): void {
    if (this.state === State.UntilClose) return this.complete(false);
    if (this.state === State.Done) return;
    throw this.newError(this.started ? `connection closed mid-${this.what}` : `connection closed before a ${this.what}`);
  }

  /** Reads the head's text (without its blank line) and frames the body with frame(), or stops with halt(). */
  protected abstract parseHead(text: string): void;

  /** How the body after the head is read; a Length of 0 is no body. */
  protected frame(framing: Framing, length = 0): void {
    if (framing === Framing.Length && length > 0) {
      this.remaining = length;
      this.state = State.Length;
    } else if (framing === Framing.Chunked) this.state = State.ChunkSize;
    else if (framing === Framing.UntilClose) this.state = State.UntilClose;
    else this.state = State.Done; // completed by head()
  }

  /** Reads no further: the head was the last of this message the parser is to read. */
  protected halt(): void {
    this.halted = true;
  }

  private complete(trailing: boolean): void {
    this.state = State.Done;
    this.bodySink.onComplete(trailing);
  }

  /** The line starting at `pos` without its CRLF (its end in `lineEnd`), or undefined when it continues in the next chunk. */
  private line(chunk: Buffer, pos: number): string | undefined {
    const lf = chunk.indexOf(LF, pos);
    if (lf === -1) {
      this.partialLine += chunk.toString('latin1', pos);
      if (this.partialLine.length > MAX_LINE_BYTES) throw this.newError('line too long');
      return undefined;
    }
    let line = chunk.toString('latin1', pos, lf);
    if (this.partialLine) {
      line = this.partialLine + line;
      this.partialLine = '';
    }
    if (!line.endsWith('\r')) throw this.newError('line not ended by CRLF');
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
      if (buf.length > this.maxHeadBytes) throw this.newError(`${this.what} head too large`);
      this.partialHead = buf;
      return chunk.length;
    }
    if (end > this.maxHeadBytes) throw this.newError(`${this.what} head too large`);
    this.state = State.Head;
    this.parseHead(buf.toString('latin1', 0, end));
    // Where the body starts in `chunk`: the head may have begun in an earlier chunk.
    const next = chunk.length - (buf.length - (end + 4));
    if (this.halted) {
      this.halted = false;
      this.state = State.Done;
    } else if ((this.state as State) === State.Done) this.complete(next < chunk.length);
    return next;
  }
}
