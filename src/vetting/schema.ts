// Vetting configuration and the application a business customer submits.
import { z } from 'zod';
import type { Owner } from '../policy/ownership.ts';
import { kybFields, type KybDeclarations } from './kyb.ts';

const country = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as "DE"');
const tier = z.enum(['trial', 'verified', 'strategic']);

// Every tier needs an established customer unless the configuration says otherwise (`established: false`).
const tierRequirementSchema = z
  .object({
    established: z.boolean().default(true),
    min_years: z.number().min(0).optional(),
    min_monthly_volume_usd: z.number().min(0).optional(),
  })
  .strict();
const TIER_DEFAULTS = {
  trial: { established: true },
  verified: { established: true },
  strategic: { established: true, min_years: 5 },
};

export const vettingSchema = z
  .object({
    /** What "established" means. */
    established: z
      .object({
        min_years: z.number().min(0).default(2),
        require_registration_number: z.boolean().default(true),
        require_website: z.boolean().default(false),
      })
      .strict()
      .default(() => ({ min_years: 2, require_registration_number: true, require_website: false })),
    /** What each tier requires of an approved customer. */
    tiers: z
      .object({
        trial: tierRequirementSchema.default(() => ({ ...TIER_DEFAULTS.trial })),
        verified: tierRequirementSchema.default(() => ({ ...TIER_DEFAULTS.verified })),
        strategic: tierRequirementSchema.default(() => ({ ...TIER_DEFAULTS.strategic })),
      })
      .strict()
      .default(() => structuredClone(TIER_DEFAULTS)),
    /** Jurisdictions whose customers need enhanced due diligence: a second, different approver. */
    edd_countries: z.array(country).default([]),
    /** Sanctions hits at or above this score send an application to review. */
    sanctions_threshold: z.number().gt(0).max(1).default(0.85),
    /** Approve clean, established applicants at the tier they asked for without a reviewer. */
    auto_approve: z.boolean().default(true),
    /** Months from an approval to the customer's next periodic review, by risk level: the higher the risk, the sooner. */
    review_interval_months: z
      .object({
        low: z.number().int().min(1).max(120).default(36),
        medium: z.number().int().min(1).max(120).default(12),
        high: z.number().int().min(1).max(120).default(6),
      })
      .strict()
      .refine((m) => m.high <= m.medium && m.medium <= m.low, {
        message: 'a higher risk is reviewed sooner: high <= medium <= low',
      })
      .default(() => ({ low: 36, medium: 12, high: 6 })),
  })
  .strict();

export type VettingConfig = z.infer<typeof vettingSchema>;

const ownerSchema: z.ZodType<Owner> = z.lazy(() =>
  z
    .object({
      name: z.string().min(1),
      country,
      share_pct: z.number().gt(0).max(100),
      owners: z.array(ownerSchema).optional(),
    })
    .strict(),
);

/** Owners with their shares, parents nested: applications and operator-created organisations alike. */
export const ownershipSchema = z.array(ownerSchema).superRefine((owners, ctx) => {
  const total = owners.reduce((sum, o) => sum + o.share_pct, 0);
  if (total > 100.0001) ctx.addIssue({ code: 'custom', message: `shares add up to ${total}%, more than 100%` });
});

export const applicationSchema = z
  .object({
    legal_name: z.string().trim().min(2).max(300),
    country: country,
    registration_number: z.string().trim().min(1).max(100).optional(),
    address: z.string().trim().min(5).max(500),
    website: z.string().url().optional(),
    incorporated_on: z.string().date('must be a date (YYYY-MM-DD)'),
    ownership: ownershipSchema.default([]),
    intended_use: z.string().trim().min(10).max(2000),
    expected_monthly_volume_usd: z.number().min(0),
    requested_tier: tier.default('trial'),
    ...kybFields,
  })
  .strict()
  .superRefine((a, ctx) => {
    if (Date.parse(a.incorporated_on) > Date.now())
      ctx.addIssue({ code: 'custom', path: ['incorporated_on'], message: 'is in the future' });
  });

export type Application = z.infer<typeof applicationSchema>;

/** What an operator gave when it created an organisation itself (POST /admin/v1/orgs): its application record. */
export interface OperatorSubmission extends KybDeclarations {
  origin: 'operator';
  name: string;
  country: string;
  tier: z.infer<typeof tier>;
  ownership: Owner[];
}

export type Submission = Application | OperatorSubmission;

export const isOperatorSubmission = (s: Submission | Record<string, unknown>): s is OperatorSubmission =>
  (s as { origin?: unknown }).origin === 'operator';
