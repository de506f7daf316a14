// Fixed one-minute windows counted in process: a window opens at a scope's first use and closes a minute
// later. Plain arithmetic on a Map, synchronous, so a request pays no promise for its limits.

interface Window {
  closesAt: number;
  used: number;
}

export class FixedWindows {
  private readonly windows = new Map<string, Window>();
  private nextSweep = 0;

  constructor(
    private readonly lengthMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds `points` to the scope's current window; returns the total used and ms until the window closes. */
  add(scope: string, points: number): { used: number; msLeft: number } {
    const now = this.now();
    this.sweep(now);
    let w = this.windows.get(scope);
    if (!w || w.closesAt <= now) this.windows.set(scope, (w = { closesAt: now + this.lengthMs, used: 0 }));
    w.used += points;
    return { used: w.used, msLeft: w.closesAt - now };
  }

  /** The scope's current window without counting anything: points used and ms until it closes (0 when none is open). */
  peek(scope: string): { used: number; msLeft: number } {
    const now = this.now();
    const w = this.windows.get(scope);
    return w && w.closesAt > now ? { used: w.used, msLeft: w.closesAt - now } : { used: 0, msLeft: 0 };
  }

  /** Takes points back (a refund, or a correction of an estimate); never below zero. */
  remove(scope: string, points: number): void {
    const w = this.windows.get(scope);
    if (w && w.closesAt > this.now()) w.used = Math.max(0, w.used - points);
  }

  /** Drops closed windows, at most once per window length, so idle scopes do not accumulate. */
  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + this.lengthMs;
    for (const [scope, w] of this.windows) if (w.closesAt <= now) this.windows.delete(scope);
  }
}
