// Default rate limits per customer tier, and the limits that apply to one request: the tier's default, replaced
// by the organisation's own limit, replaced by the key's own limit; an abuse throttle caps the organisation's
// request rate over all of them. Every request is limited, so every reply can say its limits.
import { z } from 'zod';
import type { ApiKeyRecord, LimitsSettings, Org, Tier } from '../store/ports.ts';
import type { LimitSpec } from './limiter.ts';

export interface RateSettings {
  requests_per_minute: number;
  tokens_per_minute: number;
  concurrent: number;
}

/**
 * What a tier gets unless the operator says otherwise. Token limits count a request's prompt estimate plus its
 * max_tokens (4,096 when unset) until it completes, then what it used: a tier's concurrency times ~4,100 tokens
 * fits well within its per-minute tokens.
 */
export const DEFAULT_TIER_LIMITS: Readonly<Record<Tier, Readonly<RateSettings>>> = {
  trial: { requests_per_minute: 60, tokens_per_minute: 200_000, concurrent: 8 },
  verified: { requests_per_minute: 3_000, tokens_per_minute: 2_000_000, concurrent: 256 },
  strategic: { requests_per_minute: 10_000, tokens_per_minute: 10_000_000, concurrent: 1_024 },
};

const positive = z.number().int().positive();

/** One tier's limits; a field left out keeps the default, so `trial: {requests_per_minute: 30}` changes only that. */
const tierSchema = (d: Readonly<RateSettings>) =>
  z
    .object({
      requests_per_minute: positive.default(d.requests_per_minute),
      tokens_per_minute: positive.default(d.tokens_per_minute),
      concurrent: positive.default(d.concurrent),
    })
    .strict()
    .default(() => ({ ...d }));

const tiersSchema = z
  .object({
    trial: tierSchema(DEFAULT_TIER_LIMITS.trial),
    verified: tierSchema(DEFAULT_TIER_LIMITS.verified),
    strategic: tierSchema(DEFAULT_TIER_LIMITS.strategic),
  })
  .strict();

/** `limits:` in the configuration. */
export const limitsConfigSchema = z.object({ tiers: tiersSchema.default(() => tiersSchema.parse({})) }).strict();

export type LimitsConfig = z.infer<typeof limitsConfigSchema>;
export type TierLimits = LimitsConfig['tiers'];

const DIMENSIONS = ['requests_per_minute', 'tokens_per_minute', 'concurrent'] as const;

/**
 * The limits for a request of this key to this model, most specific first. Per dimension (requests, tokens,
 * concurrency): the organisation's limit is its own if set, else its tier's, and counts all its keys together; a
 * key's own limit counts that key alone. A key limit at or below the organisation's narrows it (the key's
 * requests count toward both); above it, it widens it (the key is held to its own limit only). An abuse throttle
 * caps the organisation's requests per minute, whatever the key's. Per-model limits of the organisation apply on top.
 */
export function limitSpecs(org: Org, key: ApiKeyRecord, model: string, tiers: TierLimits): LimitSpec[] {
  const tier = tiers[org.tier];
  const own: LimitsSettings = org.limits ?? {};
  const keyOwn: LimitsSettings = key.limits ?? {};
  const orgWide: Partial<RateSettings> = {};
  for (const d of DIMENSIONS) {
    const orgValue = own[d] ?? tier[d];
    const keyValue = keyOwn[d];
    if (keyValue === undefined || keyValue <= orgValue) orgWide[d] = orgValue;
  }
  const throttle = org.enforcement?.requests_per_minute;
  if (throttle !== undefined) orgWide.requests_per_minute = Math.min(orgWide.requests_per_minute ?? throttle, throttle);

  const specs: LimitSpec[] = [];
  const add = (scope: string, l: Partial<RateSettings> | undefined) => {
    if (l && (l.requests_per_minute !== undefined || l.tokens_per_minute !== undefined || l.concurrent !== undefined)) {
      specs.push({
        scope,
        requestsPerMinute: l.requests_per_minute,
        tokensPerMinute: l.tokens_per_minute,
        concurrent: l.concurrent,
      });
    }
  };
  add(`key:${key.id}`, keyOwn);
  add(`org:${org.id}`, orgWide);
  add(`org:${org.id}|model:${model}`, own.models?.[model]);
  return specs;
}
