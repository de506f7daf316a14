// One request/response exchange with an upstream, on undici's dispatch API. It reads the body as raw chunks
// into an array: no Readable stream and no AbortController per call. The first-byte and total deadlines,
// and the client going away, abort it through undici's controller.
import type { Dispatcher } from 'undici';
import type { Timeouts } from './deployment.ts';
import { UpstreamError } from './types.ts';
import type { CancelSignal } from '../wire/cancel.ts';
import type { JsonObject } from '../wire/json.ts';
import { retryAfterMs, toUpstreamError } from './transport-errors.ts';

/** Chunks buffered before a stream's upstream is paused (the client reads slower than the vendor writes). */
const HIGH_WATER_CHUNKS = 64;

type Deadlines = Pick<Timeouts, 'first_byte_ms' | 'total_ms'>;

export class UpstreamExchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  /** The final (>= 200) status, once its head arrived; 1xx replies do not count. */
  private status = 0;
  private retryAfter: string | string[] | undefined;
  private parts: Buffer[] = [];
  private ended = false;
  private failure: UpstreamError | undefined;
  /** Set when the exchange was aborted while still queued for a connection. */
  private abortReason: Error | undefined;
  private settled = false;
  private wake: (() => void) | undefined;
  private readonly dispatchedAt = performance.now();
  private timer: NodeJS.Timeout;
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
    private readonly deadlines: Deadlines,
    private readonly streaming: boolean,
  ) {
    // One timer for both deadlines: first the nearer one, re-armed for the total once the head is in.
    this.timer = setTimeout(this.onDeadline, Math.min(deadlines.first_byte_ms, deadlines.total_ms));
    clientSignal.addEventListener('abort', this.onClientAbort);
  }

  /** The reply's final status, once its head arrived. */
  get statusCode(): number {
    return this.status;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortReason) controller.abort(this.abortReason);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return; // 1xx: the reply proper is still to come
    this.status = statusCode;
    if (statusCode >= 400) this.retryAfter = headers['retry-after'];
    if (this.streaming && statusCode < 400) this.settle(this.chunks());
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.parts.push(chunk);
    if (!this.streaming || this.status >= 400) return;
    if (this.parts.length >= HIGH_WATER_CHUNKS) controller.pause();
    this.wakeReader();
  }

  onResponseEnd(): void {
    this.done();
    this.ended = true;
    if (this.status >= 400) return this.fail(this.statusError());
    if (!this.streaming) return this.settle(this.text());
    this.wakeReader();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    this.done();
    this.fail(toUpstreamError(err, this.provider, this.clientSignal, this.status ? 'body' : 'request'));
  }

  /**
   * The first-byte deadline is absolute, from dispatch: undici's headersTimeout restarts on every 1xx reply and
   * starts only once the request is written.
   */
  private readonly onDeadline = () => {
    const elapsed = performance.now() - this.dispatchedAt;
    const left = this.deadlines.total_ms - elapsed;
    if (left <= 0) return this.abort(new DOMException('total deadline', 'TimeoutError'));
    if (this.status === 0)
      return this.abort(new DOMException('no reply head within the first-byte deadline', 'TimeoutError'));
    this.timer = setTimeout(this.onDeadline, left);
  };

  private readonly onClientAbort = () => this.abort(new DOMException('client went away', 'AbortError'));

  private abort(reason: Error): void {
    if (this.controller) return this.controller.abort(reason);
    // Still queued for a connection: fail now; the request is cancelled, unsent, when it would start.
    this.abortReason = reason;
    this.onResponseError(undefined, reason);
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
    return new UpstreamError(
      'status',
      `${this.provider} answered ${this.status}`,
      this.status,
      retryAfterMs(this.retryAfter),
      body,
    );
  }

  private async *chunks(): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        if (this.parts.length > 0) {
          const parts = this.parts;
          this.parts = [];
          if (this.controller?.paused) this.controller.resume();
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
