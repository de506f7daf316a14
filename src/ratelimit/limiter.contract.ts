// One suite for every rate limiter (in process, Redis): the same admissions, refusals, headers and releases, so
// that the cluster's counters cannot drift from the embedded default's. Each test uses scopes of its own.
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { LimitSpec, RateLimiter } from './limiter.ts';

export function rateLimiterContract(limiter: () => RateLimiter): void {
  const scope = (name: string) => `${name}:${randomUUID()}`;
  const admit = (specs: LimitSpec[], tokens: number) => Promise.resolve(limiter().admit(specs, tokens));

  it('admits up to the request limit in a window, then refuses with the time left in it', async () => {
    const spec = [{ scope: scope('key'), requestsPerMinute: 2 }];
    const first = await admit(spec, 0);
    expect(first.ok && first.headers['x-ratelimit-remaining-requests']).toBe('1');
    const second = await admit(spec, 0);
    expect(second.ok && second.headers['x-ratelimit-remaining-requests']).toBe('0');
    const refused = await admit(spec, 0);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(refused.message).toMatch(/2 requests per minute/);
    expect(refused.headers['x-ratelimit-limit-requests']).toBe('2');
    expect(refused.headers['x-ratelimit-remaining-requests']).toBe('0');
  });

  it('settles a token estimate against the tokens actually used', async () => {
    const spec = [{ scope: scope('org'), tokensPerMinute: 1000 }];
    const first = await admit(spec, 900);
    expect(first.ok).toBe(true);
    expect((await admit(spec, 900)).ok).toBe(false);
    if (first.ok) first.release(100);
    const next = await admit(spec, 900);
    expect(next.ok && next.headers['x-ratelimit-remaining-tokens']).toBe('0');
  });

  it('a refused request takes back what it counted against the other limits', async () => {
    const key = scope('key');
    const specs = [
      { scope: key, requestsPerMinute: 10 },
      { scope: scope('org'), requestsPerMinute: 1 },
    ];
    expect((await admit(specs, 0)).ok).toBe(true);
    expect((await admit(specs, 0)).ok).toBe(false);
    const alone = await admit([{ scope: key, requestsPerMinute: 10 }], 0);
    expect(alone.ok && alone.headers['x-ratelimit-remaining-requests']).toBe('8');
  });

  it('caps concurrency and frees the slot on release', async () => {
    const spec = [{ scope: scope('key'), concurrent: 1 }];
    const first = await admit(spec, 0);
    const second = await admit(spec, 0);
    expect(second.ok).toBe(false);
    expect(!second.ok && second.message).toMatch(/Too many concurrent requests/);
    if (first.ok) first.release(0);
    expect((await admit(spec, 0)).ok).toBe(true);
  });

  it('a refusal for concurrency still reports the request and token limits', async () => {
    const spec = [{ scope: scope('org'), requestsPerMinute: 10, tokensPerMinute: 1000, concurrent: 1 }];
    expect((await admit(spec, 100)).ok).toBe(true);
    const refused = await admit(spec, 100);
    expect(refused.ok).toBe(false);
    expect(refused.headers).toMatchObject({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '9',
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-remaining-tokens': '900',
    });
  });

  it('a request larger than the token limit gives back only what it counted', async () => {
    const spec = [{ scope: scope('org'), tokensPerMinute: 1000 }];
    const big = await admit(spec, 5000);
    expect(big.ok).toBe(true);
    if (big.ok) big.release(100);
    const next = await admit(spec, 850);
    expect(next.ok && next.headers['x-ratelimit-remaining-tokens']).toBe('50');
  });

  it('headers name the tightest of several limits', async () => {
    const specs = [
      { scope: scope('key'), requestsPerMinute: 100, tokensPerMinute: 10_000 },
      { scope: scope('org'), requestsPerMinute: 3, tokensPerMinute: 500 },
    ];
    const outcome = await admit(specs, 200);
    expect(outcome.ok).toBe(true);
    expect(outcome.headers).toMatchObject({
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '2',
      'x-ratelimit-limit-tokens': '500',
      'x-ratelimit-remaining-tokens': '300',
    });
  });
}
