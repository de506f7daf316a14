// Optional active health checks: providers with `health_check` are probed on a timer; a failed probe counts
// against the deployment like a failed request, a good one closes an open circuit early.
import type { ProviderAdapter } from '../providers/types.ts';
import type { HealthBook } from './health.ts';

export class HealthChecker {
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    adapters: readonly ProviderAdapter[],
    private readonly health: HealthBook,
  ) {
    for (const adapter of adapters) {
      const check = adapter.config.health_check;
      if (!check || !adapter.probe) continue;
      const timer = setInterval(() => void this.probe(adapter, check.path, check.interval_ms), check.interval_ms);
      timer.unref();
      this.timers.push(timer);
    }
  }

  async probe(adapter: ProviderAdapter, path: string, timeoutMs: number): Promise<boolean> {
    try {
      await adapter.probe!(path, AbortSignal.timeout(Math.min(timeoutMs, adapter.config.timeouts.first_byte_ms)));
      this.health.probeSucceeded(adapter.config.id);
      return true;
    } catch {
      this.health.failure(adapter.config.id);
      return false;
    }
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
  }
}
