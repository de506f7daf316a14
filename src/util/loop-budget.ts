// How much of the event loop's time work done inline may take, per window, before it goes to a thread: below it, a
// job costs less inline than a thread's round trip, and no thread (an isolate, about 8.5 MB of RSS) need run.
export class LoopBudget {
  private spentMs = 0;
  private windowStart = performance.now();

  constructor(
    private readonly ms: number,
    private readonly windowMs: number,
  ) {}

  /** Whether inline work may still run in the current window. */
  get available(): boolean {
    const now = performance.now();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.spentMs = 0;
    }
    return this.spentMs < this.ms;
  }

  /** Runs `work` now, charging the time it took to the window. */
  spend<T>(work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      this.spentMs += performance.now() - start;
    }
  }
}
