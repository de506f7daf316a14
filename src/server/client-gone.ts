// The data plane's cancellation signal: set when the client disconnects before its reply is complete.
// A plain flag and listener list, where an AbortController per request would build an EventTarget.
import type { CancelSignal } from '../wire/cancel.ts';

export class ClientGone implements CancelSignal {
  aborted = false;
  private listeners: Array<() => void> = [];

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.aborted) return;
    this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.listeners.indexOf(listener);
    if (i !== -1) this.listeners.splice(i, 1);
  }

  /** Marks the client gone and tells every listener once. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listeners = this.listeners;
    this.listeners = [];
    for (const l of listeners) l();
  }
}
