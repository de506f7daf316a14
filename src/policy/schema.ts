// Availability rules as data: who may use which vendor's models, from where, with which features.
import { z } from 'zod';

const country = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code');
export const tiers = ['trial', 'verified', 'strategic'] as const;
export const features = ['logprobs', 'tools', 'vision', 'streaming', 'multiple_choices'] as const;

export const conditionSchema = z
  .object({
    vendor: z.array(z.string().min(1)).min(1).optional(),
    model: z.array(z.string().min(1)).min(1).optional(),
    customer_country: z.array(country).min(1).optional(),
    customer_country_not_in: z.array(country).min(1).optional(),
    /** Owned more than `ownership_threshold_pct` (default 50), directly or through parents, from these countries. */
    owned_from: z.array(country).min(1).optional(),
    ownership_threshold_pct: z.number().min(0).max(100).optional(),
    tier_below: z.enum(tiers).optional(),
    tier_in: z.array(z.enum(tiers)).min(1).optional(),
    region: z.array(z.string().min(1)).min(1).optional(),
    region_country: z.array(country).min(1).optional(),
    region_country_not_in: z.array(country).min(1).optional(),
    feature: z.array(z.enum(features)).min(1).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const overlap = (a?: string[], b?: string[]) => a?.filter((x) => b?.includes(x)) ?? [];
    for (const [a, b] of [
      ['customer_country', 'customer_country_not_in'],
      ['region_country', 'region_country_not_in'],
    ] as const) {
      const both = overlap(c[a], c[b]);
      if (both.length > 0) ctx.addIssue({ code: 'custom', path: [b], message: `contradicts ${a}: ${both.join(', ')} cannot be both in and not in` });
    }
    if (c.tier_below && c.tier_in?.every((t) => tiers.indexOf(t) >= tiers.indexOf(c.tier_below!))) {
      ctx.addIssue({ code: 'custom', path: ['tier_in'], message: `contradicts tier_below ${c.tier_below}: no tier can match both` });
    }
    if (c.ownership_threshold_pct !== undefined && !c.owned_from) ctx.addIssue({ code: 'custom', path: ['ownership_threshold_pct'], message: 'needs owned_from' });
  });

export const ruleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'must be letters, digits, ".", "_" or "-"'),
    effect: z.enum(['deny', 'allow']),
    reason: z.string().min(1),
    when: conditionSchema,
  })
  .strict();

export const policySchema = z
  .object({
    /** What happens when no rule matches. */
    default: z.enum(['allow', 'deny']).default('allow'),
    rules: z.array(ruleSchema).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Map<string, number>();
    p.rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${r.id}" (also rules[${seen.get(r.id)}])` });
      seen.set(r.id, i);
    });
  });

export type PolicyConfig = z.infer<typeof policySchema>;
export type Rule = z.infer<typeof ruleSchema>;
export type Feature = (typeof features)[number];
export type Tier = (typeof tiers)[number];
