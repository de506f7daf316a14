// A request's deadline across its retries: a cancellation signal that fires when the client leaves or when the
// request's time is up, handed to each retry's upstream call, so that no attempt (nor the stream it starts)
// outlives the request's budget. The adapters take it like any CancelSignal.
import type { CancelSignal } from '../wire/cancel.ts';

export class RequestDeadline implements CancelSignal {
  aborted = false;
  /** The time ran out (rather than the client leaving). */
  expired = false;
  private listeners: Array<() => void> = [];
  private readonly timer: NodeJS.Timeout;

  /** `at` is a performance.now() time. */
  constructor(
    private readonly client: CancelSignal,
    readonly at: number,
  ) {
    this.timer = setTimeout(
      () => {
        this.expired = true;
        this.abort();
      },
      Math.max(0, at - performance.now()),
    );
    if (client.aborted) this.aborted = true;
    else client.addEventListener('abort', this.abort);
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.aborted) return;
    this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.listeners.indexOf(listener);
    if (i !== -1) this.listeners.splice(i, 1);
  }

  /** Stops the clock and lets go of the client's signal (the request is over). */
  dispose(): void {
    clearTimeout(this.timer);
    this.client.removeEventListener('abort', this.abort);
  }

  private readonly abort = (): void => {
    if (this.aborted) return;
    this.aborted = true;
    const listeners = this.listeners;
    this.listeners = [];
    for (const l of listeners) l();
  };
}
