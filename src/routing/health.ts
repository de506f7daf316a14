// Passive (and optionally active) health per provider: circuit state, observed latency, and any
// Retry-After the vendor asked us to respect.
import type { ConduitConfig } from '../config/schema.ts';
import { CircuitBreaker } from './circuit-breaker.ts';

export interface ProviderHealth {
  breaker: CircuitBreaker;
  /** Exponentially weighted moving average of time to first byte, ms; undefined until observed. */
  latencyMs?: number;
  /** Until this time (epoch ms) the vendor asked not to be called. */
  retryAfterUntil: number;
  successes: number;
  failures: number;
}

const EWMA_ALPHA = 0.2;

export class HealthBook {
  private readonly byProvider = new Map<string, ProviderHealth>();

  constructor(
    private readonly circuit: ConduitConfig['routing']['circuit'],
    private readonly now: () => number = Date.now,
  ) {}

  of(providerId: string): ProviderHealth {
    let health = this.byProvider.get(providerId);
    if (!health) {
      health = { breaker: new CircuitBreaker(this.circuit, this.now), retryAfterUntil: 0, successes: 0, failures: 0 };
      this.byProvider.set(providerId, health);
    }
    return health;
  }

  available(providerId: string): boolean {
    const health = this.of(providerId);
    return health.retryAfterUntil <= this.now() && health.breaker.allows();
  }

  success(providerId: string, latencyMs: number): void {
    const health = this.of(providerId);
    health.successes++;
    health.latencyMs =
      health.latencyMs === undefined ? latencyMs : health.latencyMs + EWMA_ALPHA * (latencyMs - health.latencyMs);
    health.breaker.onSuccess();
  }

  /** An active check found the deployment answering: close its circuit without waiting for live traffic. */
  probeSucceeded(providerId: string): void {
    const health = this.of(providerId);
    if (health.breaker.state !== 'closed') health.breaker.onSuccess();
  }

  failure(providerId: string, retryAfterMs?: number): void {
    const health = this.of(providerId);
    health.failures++;
    if (retryAfterMs !== undefined)
      health.retryAfterUntil = Math.max(health.retryAfterUntil, this.now() + retryAfterMs);
    health.breaker.onFailure();
  }

  snapshot(): Record<
    string,
    { state: string; latency_ms: number | null; successes: number; failures: number; retry_after_until: string | null }
  > {
    const out: ReturnType<HealthBook['snapshot']> = {};
    for (const [id, h] of this.byProvider) {
      h.breaker.allows(); // advance open → half_open when the cooldown passed
      out[id] = {
        state: h.breaker.state,
        latency_ms: h.latencyMs === undefined ? null : Math.round(h.latencyMs * 100) / 100,
        successes: h.successes,
        failures: h.failures,
        retry_after_until: h.retryAfterUntil > this.now() ? new Date(h.retryAfterUntil).toISOString() : null,
      };
    }
    return out;
  }
}
