import { describe, expect, it } from 'vitest';
import type { ApiKeyRecord, LimitsSettings, Org, Tier } from '../store/ports.ts';
import { RateLimits } from './limiter.ts';
import { DEFAULT_TIER_LIMITS, limitSpecs, limitsConfigSchema } from './tiers.ts';

const tiers = limitsConfigSchema.parse({
  tiers: { verified: { requests_per_minute: 100, tokens_per_minute: 10_000, concurrent: 4 } },
}).tiers;
const org = (tier: Tier, limits: LimitsSettings | null = null, throttle?: number) =>
  ({
    id: 'o',
    tier,
    limits,
    enforcement: throttle === undefined ? null : { requests_per_minute: throttle, by: 'r', at: '', reason: 'x' },
  }) as Org;
const key = (limits: LimitsSettings | null = null) => ({ id: 'k', limits }) as ApiKeyRecord;

describe('tier limits in the configuration', () => {
  it('default every tier, and keep the defaults of the fields a tier leaves out', () => {
    expect(limitsConfigSchema.parse({}).tiers).toEqual(DEFAULT_TIER_LIMITS);
    const partial = limitsConfigSchema.parse({ tiers: { trial: { requests_per_minute: 30 } } }).tiers;
    expect(partial.trial).toEqual({ ...DEFAULT_TIER_LIMITS.trial, requests_per_minute: 30 });
    expect(partial.strategic).toEqual(DEFAULT_TIER_LIMITS.strategic);
  });

  it('refuse unknown tiers and limits that are not positive whole numbers, naming the field', () => {
    const unknown = limitsConfigSchema.safeParse({ tiers: { gold: {} } });
    expect(unknown.success).toBe(false);
    const zero = limitsConfigSchema.safeParse({ tiers: { trial: { concurrent: 0 } } });
    expect(zero.error?.issues[0]?.path).toEqual(['tiers', 'trial', 'concurrent']);
  });
});

describe('the limits of one request', () => {
  it('are the tier default when neither organisation nor key sets any', () => {
    expect(limitSpecs(org('verified'), key(), 'm', tiers)).toEqual([
      { scope: 'org:o', requestsPerMinute: 100, tokensPerMinute: 10_000, concurrent: 4 },
    ]);
  });

  it("take the organisation's own limit over the tier's, per field, narrower or wider", () => {
    expect(limitSpecs(org('verified', { requests_per_minute: 500 }), key(), 'm', tiers)).toEqual([
      { scope: 'org:o', requestsPerMinute: 500, tokensPerMinute: 10_000, concurrent: 4 },
    ]);
    expect(limitSpecs(org('verified', { concurrent: 1 }), key(), 'm', tiers)[0]!.concurrent).toBe(1);
  });

  it("take the key's own limit over the organisation's: a narrower one counts toward both, a wider one alone", () => {
    const narrow = limitSpecs(org('verified'), key({ requests_per_minute: 10 }), 'm', tiers);
    expect(narrow).toEqual([
      { scope: 'key:k', requestsPerMinute: 10 },
      { scope: 'org:o', requestsPerMinute: 100, tokensPerMinute: 10_000, concurrent: 4 },
    ]);
    const wide = limitSpecs(org('verified'), key({ requests_per_minute: 1_000 }), 'm', tiers);
    expect(wide).toEqual([
      { scope: 'key:k', requestsPerMinute: 1_000 },
      { scope: 'org:o', tokensPerMinute: 10_000, concurrent: 4 },
    ]);
  });

  it('are capped by an abuse throttle, whatever the tier, organisation or key allow', () => {
    const specs = limitSpecs(
      org('verified', { requests_per_minute: 500 }, 2),
      key({ requests_per_minute: 1_000 }),
      'm',
      tiers,
    );
    const limits = new RateLimits(() => 1_000_000);
    expect(limits.admit(specs, 0).ok).toBe(true);
    const second = limits.admit(specs, 0);
    expect(second.ok && second.headers['x-ratelimit-limit-requests']).toBe('2');
    expect(limits.admit(specs, 0).ok).toBe(false);
  });

  it("add the organisation's per-model limits", () => {
    const specs = limitSpecs(org('trial', { models: { m: { tokens_per_minute: 50 } } }), key(), 'm', tiers);
    expect(specs.at(-1)).toEqual({
      scope: 'org:o|model:m',
      requestsPerMinute: undefined,
      tokensPerMinute: 50,
      concurrent: undefined,
    });
    expect(specs[0]).toMatchObject({ requestsPerMinute: DEFAULT_TIER_LIMITS.trial.requests_per_minute });
  });
});
