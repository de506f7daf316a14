import { describe, expect, it } from 'vitest';
import { RateLimits } from './limiter.ts';
import { rateLimiterContract } from './limiter.contract.ts';

describe('RateLimits: the rate limiter contract', () => {
  const limits = new RateLimits();
  rateLimiterContract(() => limits);
});

describe('RateLimits', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('admits up to the request limit in a window, then refuses until the window closes', () => {
    const c = clock();
    const limits = new RateLimits(c.now);
    const spec = [{ scope: 'key:k', requestsPerMinute: 2 }];
    expect(limits.admit(spec, 0).ok).toBe(true);
    c.advance(10_000);
    const second = limits.admit(spec, 0);
    expect(second.ok && second.headers['x-ratelimit-remaining-requests']).toBe('0');
    const refused = limits.admit(spec, 0);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    // The window opened at the first request: 50 s of it are left.
    expect(refused.retryAfterSeconds).toBe(50);
    expect(refused.headers['x-ratelimit-reset-requests']).toBe('50s');
    c.advance(50_000);
    expect(limits.admit(spec, 0).ok).toBe(true);
  });

  it('settles a token estimate against the tokens actually used', () => {
    const c = clock();
    const limits = new RateLimits(c.now);
    const spec = [{ scope: 'org:o', tokensPerMinute: 1000 }];
    const first = limits.admit(spec, 900);
    expect(first.ok).toBe(true);
    // The estimate leaves no room for another 900...
    expect(limits.admit(spec, 900).ok).toBe(false);
    // ...but the request used only 100 tokens, which frees the rest.
    if (first.ok) first.release(100);
    const next = limits.admit(spec, 900);
    expect(next.ok && next.headers['x-ratelimit-remaining-tokens']).toBe('0');
  });

  it('a refused request takes back what it counted against the other limits', () => {
    const limits = new RateLimits(clock().now);
    const specs = [
      { scope: 'key:k', requestsPerMinute: 10 },
      { scope: 'org:o', requestsPerMinute: 1 },
    ];
    expect(limits.admit(specs, 0).ok).toBe(true);
    expect(limits.admit(specs, 0).ok).toBe(false);
    const alone = limits.admit([{ scope: 'key:k', requestsPerMinute: 10 }], 0);
    // Two admitted-or-tried requests before, but only one counted against the key.
    expect(alone.ok && alone.headers['x-ratelimit-remaining-requests']).toBe('8');
  });

  it('caps concurrency and frees the slot on release', () => {
    const limits = new RateLimits(clock().now);
    const spec = [{ scope: 'key:k', concurrent: 1 }];
    const first = limits.admit(spec, 0);
    expect(limits.admit(spec, 0).ok).toBe(false);
    if (first.ok) first.release(0);
    expect(limits.admit(spec, 0).ok).toBe(true);
  });

  it('a refusal for concurrency still reports the request and token limits', () => {
    const limits = new RateLimits(clock().now);
    const spec = [{ scope: 'org:o', requestsPerMinute: 10, tokensPerMinute: 1000, concurrent: 1 }];
    expect(limits.admit(spec, 100).ok).toBe(true);
    const refused = limits.admit(spec, 100);
    expect(refused.ok).toBe(false);
    // What the first request counted is left; nothing of the refused one.
    expect(refused.headers).toMatchObject({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '9',
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-remaining-tokens': '900',
    });
    expect(refused.headers['x-ratelimit-reset-requests']).toBe('1m0s');
  });

  it('a request larger than the token limit gives back only what it counted', () => {
    const limits = new RateLimits(clock().now);
    const spec = [{ scope: 'org:o', tokensPerMinute: 1000 }];
    const big = limits.admit(spec, 5000);
    expect(big.ok).toBe(true);
    // It counted as the whole limit (1000), and used 100: 100 stay counted, not 0.
    if (big.ok) big.release(100);
    const next = limits.admit(spec, 850);
    expect(next.ok && next.headers['x-ratelimit-remaining-tokens']).toBe('50');
  });
});
