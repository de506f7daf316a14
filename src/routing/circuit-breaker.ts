// A circuit breaker per deployment: opens on consecutive failures or a high error rate over recent
// outcomes, lets one probe through after a cooldown (half-open), and closes again when the probe succeeds.
import type { ConduitConfig } from '../config/schema.ts';

export type CircuitState = 'closed' | 'open' | 'half_open';
type CircuitConfig = ConduitConfig['routing']['circuit'];

export class CircuitBreaker {
  state: CircuitState = 'closed';
  private consecutiveFailures = 0;
  private readonly outcomes: boolean[] = [];
  private openedAt = 0;
  private probeInFlight = false;

  constructor(
    private readonly config: CircuitConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** May a request go to this deployment now? In half-open state only one probe at a time may. */
  allows(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open' && this.now() - this.openedAt >= this.config.cooldown_ms) this.state = 'half_open';
    if (this.state === 'half_open' && !this.probeInFlight) return true;
    return false;
  }

  /** Call when a request is actually sent (claims the half-open probe). */
  onAttempt(): void {
    if (this.state === 'half_open') this.probeInFlight = true;
  }

  /** The attempt ended without saying anything about the deployment's health. */
  release(): void {
    this.probeInFlight = false;
  }

  onSuccess(): void {
    this.consecutiveFailures = 0;
    this.record(true);
    if (this.state !== 'closed') {
      this.state = 'closed';
      this.outcomes.length = 0;
    }
    this.probeInFlight = false;
  }

  onFailure(): void {
    this.consecutiveFailures++;
    this.record(false);
    this.probeInFlight = false;
    if (this.state === 'half_open') return this.open();
    const failures = this.outcomes.filter((ok) => !ok).length;
    const rateTripped =
      this.outcomes.length >= this.config.min_requests && failures / this.outcomes.length >= this.config.error_rate;
    if (this.consecutiveFailures >= this.config.consecutive_failures || rateTripped) this.open();
  }

  private open(): void {
    this.state = 'open';
    this.openedAt = this.now();
  }

  private record(ok: boolean): void {
    this.outcomes.push(ok);
    if (this.outcomes.length > this.config.window) this.outcomes.shift();
  }
}
