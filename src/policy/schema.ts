// Availability rules as data: who may use which vendor's models, from where, with which features.
import type { Tier } from '../store/ports.ts';
import { z } from 'zod';

const country = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code');
/** A country, or a market's id (lower case, so never mistaken for a country code): the market stands for its countries. */
const jurisdiction = z
  .string()
  .regex(
    /^([A-Z]{2}|[a-z][a-z0-9-]*)$/,
    'must be an ISO 3166-1 alpha-2 country code or the id of a market in policy.markets',
  );
export const isCountry = (j: string) => /^[A-Z]{2}$/.test(j);
export const tiers = ['trial', 'verified', 'strategic'] as const satisfies readonly Tier[];
export const features = ['logprobs', 'tools', 'vision', 'streaming', 'multiple_choices'] as const;

export const conditionSchema = z
  .object({
    vendor: z.array(z.string().min(1)).min(1).optional(),
    model: z.array(z.string().min(1)).min(1).optional(),
    /** Incorporated in (countries or markets). */
    customer_country: z.array(jurisdiction).min(1).optional(),
    customer_country_not_in: z.array(jurisdiction).min(1).optional(),
    /** Owned more than `ownership_threshold_pct` (default: the policy's control_threshold_pct), directly or through parents, from these countries (or markets, each taken as a whole). */
    owned_from: z.array(jurisdiction).min(1).optional(),
    ownership_threshold_pct: z.number().min(0).max(100).optional(),
    /**
     * Incorporated in, or controlled from (owned as `owned_from` says), one of these: the vendor's line as it is
     * drawn, through ownership and not by address alone.
     */
    customer_jurisdiction: z.array(jurisdiction).min(1).optional(),
    /** Neither incorporated in nor controlled from any of these. */
    customer_jurisdiction_not_in: z.array(jurisdiction).min(1).optional(),
    tier_below: z.enum(tiers).optional(),
    tier_in: z.array(z.enum(tiers)).min(1).optional(),
    region: z.array(z.string().min(1)).min(1).optional(),
    region_country: z.array(jurisdiction).min(1).optional(),
    region_country_not_in: z.array(jurisdiction).min(1).optional(),
    feature: z.array(z.enum(features)).min(1).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const overlap = (a?: string[], b?: string[]) => a?.filter((x) => b?.includes(x)) ?? [];
    for (const [a, b] of [
      ['customer_country', 'customer_country_not_in'],
      ['customer_jurisdiction', 'customer_jurisdiction_not_in'],
      ['region_country', 'region_country_not_in'],
    ] as const) {
      const both = overlap(c[a], c[b]);
      if (both.length > 0)
        ctx.addIssue({
          code: 'custom',
          path: [b],
          message: `contradicts ${a}: ${both.join(', ')} cannot be both in and not in`,
        });
    }
    if (c.tier_below && c.tier_in?.every((t) => tiers.indexOf(t) >= tiers.indexOf(c.tier_below!))) {
      ctx.addIssue({
        code: 'custom',
        path: ['tier_in'],
        message: `contradicts tier_below ${c.tier_below}: no tier can match both`,
      });
    }
    if (
      c.ownership_threshold_pct !== undefined &&
      !c.owned_from &&
      !c.customer_jurisdiction &&
      !c.customer_jurisdiction_not_in
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['ownership_threshold_pct'],
        message: 'needs owned_from, customer_jurisdiction or customer_jurisdiction_not_in',
      });
    }
  });

/** Condition fields whose entries may name a market. */
export const jurisdictionFields = [
  'customer_country',
  'customer_country_not_in',
  'owned_from',
  'customer_jurisdiction',
  'customer_jurisdiction_not_in',
  'region_country',
  'region_country_not_in',
] as const;

/** A market: jurisdictions a vendor's terms (and the reseller's reports) treat as one, e.g. a country and its special administrative regions. */
export const marketSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and "-" (upper case is for country codes)'),
    name: z.string().min(1).optional(),
    countries: z.array(country).min(1),
  })
  .strict();

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
    /** Groups of jurisdictions that rules and reports name by id. A country is in at most one, so reports by market add up. */
    markets: z.array(marketSchema).default([]),
    /** "Controlled from": more than this share held from there, directly or through parents (rules may set their own). */
    control_threshold_pct: z.number().min(0).max(100).default(50),
    rules: z.array(ruleSchema).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Map<string, number>();
    p.rules.forEach((r, i) => {
      if (seen.has(r.id))
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'id'],
          message: `duplicate rule id "${r.id}" (also rules[${seen.get(r.id)}])`,
        });
      seen.set(r.id, i);
    });
    const markets = new Map<string, number>();
    const homeOf = new Map<string, string>();
    p.markets.forEach((m, i) => {
      if (markets.has(m.id))
        ctx.addIssue({
          code: 'custom',
          path: ['markets', i, 'id'],
          message: `duplicate market id "${m.id}" (also markets[${markets.get(m.id)}])`,
        });
      markets.set(m.id, i);
      m.countries.forEach((c, j) => {
        const other = homeOf.get(c);
        if (other && other !== m.id)
          ctx.addIssue({
            code: 'custom',
            path: ['markets', i, 'countries', j],
            message: `${c} is already in market "${other}": a country is in at most one market`,
          });
        homeOf.set(c, m.id);
      });
    });
    const known = p.markets.length > 0 ? p.markets.map((m) => m.id).join(', ') : 'none are defined';
    p.rules.forEach((r, i) => {
      for (const field of jurisdictionFields) {
        r.when[field]?.forEach((j, k) => {
          if (!isCountry(j) && !markets.has(j))
            ctx.addIssue({
              code: 'custom',
              path: ['rules', i, 'when', field, k],
              message: `unknown market "${j}" (policy.markets: ${known})`,
            });
        });
      }
    });
  });

export type PolicyConfig = z.infer<typeof policySchema>;
export type Rule = z.infer<typeof ruleSchema>;
export type Market = z.infer<typeof marketSchema>;
export type Feature = (typeof features)[number];
