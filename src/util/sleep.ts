// Waiting that a cancellation cuts short. The abort listener is removed when the wait ends either way: a signal
// that outlives many waits (a stream's, a server's) would otherwise collect one listener per wait.
import type { CancelSignal } from '../wire/cancel.ts';

export const sleep = (ms: number, signal?: CancelSignal): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
