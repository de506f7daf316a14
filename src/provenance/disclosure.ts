// How outputs are disclosed as AI-generated: a visible notice and an in-band mark, set per organisation, or else by
// the operator's defaults, which may differ by the organisation's country (EU AI Act Article 50 applies in the EU).
import { z } from 'zod';
import { EEA_ONLY, EU_MEMBER_STATES } from '../util/jurisdictions.ts';

export const disclosureFields = {
  /** A visible notice added to every output, in the customer's wording and language. */
  notice: z.string().trim().min(1).max(500).optional(),
  position: z.enum(['prepend', 'append']).default('append'),
  /** Append the manifest to the text as invisible variation selectors (C2PA text wrapper). */
  c2pa_text: z.boolean().default(false),
};

export const disclosureSchema = z.object(disclosureFields).strict();
export type Disclosure = z.infer<typeof disclosureSchema>;

const jurisdictionCode = z
  .string()
  .regex(/^([A-Z]{2}|EU|EEA)$/, 'must be an ISO 3166-1 alpha-2 country code, "EU" (the 27 member states) or "EEA"');

export const disclosureDefaultsSchema = z
  .object({
    ...disclosureFields,
    /**
     * Defaults by the organisation's country of incorporation: the first entry listing it applies, whole (its
     * fields are not merged with the ones above, which apply to every other country).
     */
    jurisdictions: z
      .array(z.object({ countries: z.array(jurisdictionCode).min(1), ...disclosureFields }).strict())
      .default([]),
  })
  .strict();
export type DisclosureDefaults = z.infer<typeof disclosureDefaultsSchema>;

/** Where an organisation's disclosure comes from: its own setting, a jurisdiction's default, or the general default. */
export type DisclosureSource = 'organisation' | `default:${string}` | 'default' | 'none';

function listed(countries: readonly string[], country: string): string | undefined {
  for (const c of countries) {
    if (
      c === country ||
      (c === 'EU' && EU_MEMBER_STATES.has(country)) ||
      (c === 'EEA' && (EU_MEMBER_STATES.has(country) || EEA_ONLY.has(country)))
    )
      return c;
  }
  return undefined;
}

/** The operator's default for an organisation incorporated in `country`. */
export function defaultDisclosure(
  defaults: DisclosureDefaults | undefined,
  country: string,
): { disclosure: Disclosure | undefined; source: DisclosureSource } {
  if (!defaults) return { disclosure: undefined, source: 'none' };
  for (const j of defaults.jurisdictions) {
    const by = listed(j.countries, country);
    if (by)
      return {
        disclosure: { notice: j.notice, position: j.position, c2pa_text: j.c2pa_text },
        source: `default:${by}`,
      };
  }
  if (!defaults.notice && !defaults.c2pa_text) return { disclosure: undefined, source: 'none' };
  return {
    disclosure: { notice: defaults.notice, position: defaults.position, c2pa_text: defaults.c2pa_text },
    source: 'default',
  };
}
