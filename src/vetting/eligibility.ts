// Configurable rules: is an applicant "established", and which tiers may it hold?
import type { Application, VettingConfig } from './schema.ts';

export function yearsSince(date: string, now = new Date()): number {
  return (now.getTime() - Date.parse(date)) / (365.25 * 24 * 3600 * 1000);
}

/** Unmet conditions of being established ([] when established). */
export function establishedGaps(app: Application, config: VettingConfig): string[] {
  const gaps: string[] = [];
  const years = yearsSince(app.incorporated_on);
  if (years < config.established.min_years)
    gaps.push(`incorporated ${years.toFixed(1)} years ago, less than ${config.established.min_years}`);
  if (config.established.require_registration_number && !app.registration_number) gaps.push('no registration number');
  if (config.established.require_website && !app.website) gaps.push('no website');
  return gaps;
}

/** Unmet requirements for holding `tier` ([] when eligible). */
export function tierGaps(app: Application, tier: 'trial' | 'verified' | 'strategic', config: VettingConfig): string[] {
  const req = config.tiers[tier];
  const gaps: string[] = [];
  if (req.established) gaps.push(...establishedGaps(app, config).map((g) => `not established: ${g}`));
  if (req.min_years !== undefined && yearsSince(app.incorporated_on) < req.min_years)
    gaps.push(`tier ${tier} needs ${req.min_years} years since incorporation`);
  if (req.min_monthly_volume_usd !== undefined && app.expected_monthly_volume_usd < req.min_monthly_volume_usd)
    gaps.push(`tier ${tier} needs an expected monthly volume of at least ${req.min_monthly_volume_usd} USD`);
  return gaps;
}
