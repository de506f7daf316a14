// Cancellation as a call that waits on the network sees it.

/**
 * Cancellation as an upstream call sees it: has the caller gone, and tell me when it goes. AbortSignal fits it;
 * so does the data plane's cheaper ClientGone (an AbortSignal per request is an EventTarget and its
 * listener bookkeeping, paid on every call to hear about the rare client that leaves).
 */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
