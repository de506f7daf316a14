// Where an organisation (and a key within it) may be served from, as set by the operator.
import { z } from 'zod';
import { strategies } from '../config/schema.ts';
import { EU_EEA } from '../util/jurisdictions.ts';

const code = z.string().regex(/^([A-Z]{2}|EU)$/, 'must be an ISO country code or "EU"');

export const routingPreferencesSchema = z
  .object({
    /** Region ids requests may be served from; unset = any. */
    allowed_regions: z.array(z.string().min(1)).optional(),
    /** Region ids tried first when they qualify. */
    preferred_regions: z.array(z.string().min(1)).optional(),
    /** Data residency: the serving region's country must be one of these ("EU" = EU/EEA). */
    residency: z.array(code).min(1).optional(),
    /** Never serve from a region inside the customer's own country of incorporation. */
    exclude_home_country: z.boolean().optional(),
    strategy: z.enum(strategies).optional(),
  })
  .strict();

export type RoutingPreferences = z.infer<typeof routingPreferencesSchema>;

export function residencyAllows(residency: readonly string[] | undefined, country: string): boolean {
  if (!residency) return true;
  return residency.some((c) => c === country || (c === 'EU' && EU_EEA.has(country)));
}

/** Explains why a region is excluded, or null when it is allowed. */
export function regionBlockedBy(
  region: { id: string; country: string },
  homeCountry: string,
  ...layers: Array<RoutingPreferences | undefined>
): string | null {
  for (const prefs of layers) {
    if (!prefs) continue;
    if (prefs.allowed_regions && !prefs.allowed_regions.includes(region.id))
      return `region ${region.id} is not in the allowed regions (${prefs.allowed_regions.join(', ')})`;
    if (!residencyAllows(prefs.residency, region.country))
      return `region ${region.id} (${region.country}) is outside the data-residency constraint (${prefs.residency!.join(', ')})`;
    if (prefs.exclude_home_country && region.country === homeCountry)
      return `region ${region.id} is inside the customer's own country (${homeCountry})`;
  }
  return null;
}
