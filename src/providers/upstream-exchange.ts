// One request/response exchange with an upstream, on our HTTP/1.1 pool (./http1). It reads the body as raw
// chunks into an array: no Readable stream and no AbortController per call. Deadline and client abort cancel it.
import type { Call, ResponseHandler } from './http1/pool.ts';
import type { ResponseHeaders } from './http1/response-parser.ts';
import { UpstreamError, type CancelSignal, type JsonObject } from './types.ts';
import { retryAfterMs, toUpstreamError } from './upstream-errors.ts';

/** Chunks buffered before a stream's upstream is paused (the client reads slower than the vendor writes). */
const HIGH_WATER_CHUNKS = 64;

export class UpstreamExchange implements ResponseHandler {
  private call: Call | undefined;
  private status = 0;
  private retryAfter: string | undefined;
  private parts: Buffer[] = [];
  private ended = false;
  private failure: UpstreamError | undefined;
  private settled = false;
  private wake: (() => void) | undefined;
  private readonly timer: NodeJS.Timeout;
  private resolve!: (value: string | AsyncIterable<Buffer>) => void;
  private reject!: (err: UpstreamError) => void;
  /** Buffered mode: the whole 2xx body's text. Stream mode: the body's chunks, once a 2xx status arrived. */
  readonly result = new Promise<string | AsyncIterable<Buffer>>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });

  constructor(
    private readonly provider: string,
    private readonly clientSignal: CancelSignal,
    totalMs: number,
    private readonly streaming: boolean,
  ) {
    this.timer = setTimeout(this.onDeadline, totalMs);
    clientSignal.addEventListener('abort', this.onClientAbort);
  }

  /** The pool's handle on the request, given as dispatch returns: no deadline or abort can come before it. */
  attach(call: Call): void {
    this.call = call;
  }

  /** The reply's status, once its head arrived. */
  get statusCode(): number {
    return this.status;
  }

  onHead(statusCode: number, headers: ResponseHeaders): void {
    this.status = statusCode;
    if (statusCode >= 400) this.retryAfter = headers.get('retry-after');
    if (this.streaming && statusCode < 400) this.settle(this.chunks());
  }

  onData(chunk: Buffer): void {
    this.parts.push(chunk);
    if (!this.streaming || this.status >= 400) return;
    if (this.parts.length >= HIGH_WATER_CHUNKS) this.call?.pause();
    this.wakeReader();
  }

  onEnd(): void {
    this.done();
    this.ended = true;
    if (this.status >= 400) return this.fail(this.statusError());
    if (!this.streaming) return this.settle(this.text());
    this.wakeReader();
  }

  onError(err: Error): void {
    this.done();
    this.fail(toUpstreamError(err, this.provider, this.clientSignal, this.status ? 'body' : 'request'));
  }

  private readonly onDeadline = () => this.abort(new DOMException('total timeout', 'TimeoutError'));
  private readonly onClientAbort = () => this.abort(new DOMException('client went away', 'AbortError'));

  /** The pool ends the call, waiting or under way, with `reason`, which comes back through onError. */
  private abort(reason: Error): void {
    this.call?.abort(reason);
  }

  private done(): void {
    clearTimeout(this.timer);
    this.clientSignal.removeEventListener('abort', this.onClientAbort);
  }

  private settle(value: string | AsyncIterable<Buffer>): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(value);
  }

  private fail(err: UpstreamError): void {
    if (!this.settled) {
      this.settled = true;
      return this.reject(err);
    }
    this.failure ??= err;
    this.wakeReader();
  }

  private wakeReader(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private text(): string {
    const parts = this.parts;
    this.parts = [];
    return parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts).toString('utf8');
  }

  private statusError(): UpstreamError {
    let body: JsonObject | undefined;
    try {
      const value = JSON.parse(this.text()) as unknown;
      if (value && typeof value === 'object' && !Array.isArray(value)) body = value as JsonObject;
    } catch {
      body = undefined;
    }
    return new UpstreamError('status', `${this.provider} answered ${this.status}`, this.status, retryAfterMs(this.retryAfter), body);
  }

  private async *chunks(): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        if (this.parts.length > 0) {
          const parts = this.parts;
          this.parts = [];
          if (this.call?.paused) this.call.resume();
          // What arrived together (one network read may hold several HTTP chunks) is read together.
          yield parts.length === 1 ? parts[0]! : Buffer.concat(parts);
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      // The reader stopped early (its client went away): stop the upstream too.
      if (!this.ended && !this.failure) this.abort(new DOMException('reader stopped', 'AbortError'));
    }
  }
}
