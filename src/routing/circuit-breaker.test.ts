import { describe, expect, it } from 'vitest';
import { circuitSchema } from '../config/schema.ts';
import { CircuitBreaker } from './circuit-breaker.ts';

describe('circuit breaker', () => {
  it('opens after consecutive failures, probes once after the cooldown, closes on a good probe', () => {
    let now = 0;
    const breaker = new CircuitBreaker(circuitSchema.parse({ consecutive_failures: 3, cooldown_ms: 1000 }), () => now);
    for (let i = 0; i < 3; i++) breaker.onFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.allows()).toBe(false);
    now = 1000;
    expect(breaker.allows()).toBe(true);
    breaker.onAttempt();
    expect(breaker.allows()).toBe(false); // one probe at a time
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.allows()).toBe(true);
  });

  it('opens on the error rate over recent outcomes, and a failed probe re-opens it', () => {
    let now = 0;
    const breaker = new CircuitBreaker(
      circuitSchema.parse({
        consecutive_failures: 100,
        error_rate: 0.5,
        window: 10,
        min_requests: 10,
        cooldown_ms: 50,
      }),
      () => now,
    );
    for (let i = 0; i < 10; i++) {
      if (i % 2) breaker.onFailure();
      else breaker.onSuccess();
    }
    expect(breaker.state).toBe('open');
    now = 60;
    expect(breaker.allows()).toBe(true);
    breaker.onAttempt();
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.allows()).toBe(false);
  });
});
