// A customer's own choices: vendors, models and serving regions it will (or will not) use, whatever the policy
// allows; and the contract terms agreed with it. Both are recorded with the organisation.
import { z } from 'zod';
import { EU_EEA } from '../util/jurisdictions.ts';
import type { ContractTerms, OrgPreferences } from '../store/ports.ts';

const allowDeny = <T extends z.ZodType<string>>(entry: T) =>
  z
    .object({
      /** Only these; unset = any. */
      allow: z.array(entry).min(1).optional(),
      /** Never these. */
      deny: z.array(entry).min(1).optional(),
    })
    .strict();

const name = z.string().trim().min(1);

export const orgPreferencesSchema = z
  .object({
    vendors: allowDeny(name).optional(),
    /** Catalogue model names (aliases are stored as the model's name). */
    models: allowDeny(name).optional(),
    /** Serving region ids. */
    regions: allowDeny(name).optional(),
    /** Serving regions' countries (ISO 3166-1 alpha-2), or "EU" for the EU/EEA. */
    region_countries: allowDeny(
      z.string().regex(/^([A-Z]{2}|EU)$/, 'must be an ISO 3166-1 alpha-2 country code or "EU"'),
    ).optional(),
  })
  .strict();

export const contractTermsSchema = z
  .object({
    /** The contract's own reference (number, title), for finding it. */
    reference: z.string().trim().min(1).max(200).optional(),
    effective_from: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-04-01')
      .optional(),
    /** The acceptable-use terms agreed with this customer, in its contract's words. */
    acceptable_use: z.string().trim().min(1).max(20_000).optional(),
    /** What was committed about keeping the customer's data (prompts, outputs, logs), in the contract's words. */
    data_retention: z.string().trim().min(1).max(5_000).optional(),
  })
  .strict();

/** The preference that excludes a deployment, and why, in words the customer recognises as its own choice. */
export interface PreferenceDenial {
  /** Which list decided, e.g. "vendors.deny" or "region_countries.allow". */
  field: string;
  /** The vendor, model, region or country that list excludes. */
  value: string;
  reason: string;
}

/** The rule id a denial by the organisation's own preferences carries. */
export const PREFERENCE_RULE = 'org-preferences';

interface Target {
  vendor: string;
  model: string;
  region: { id: string; country: string };
}

type Check = (t: Target) => PreferenceDenial | undefined;

function compile(prefs: OrgPreferences): Check {
  const checks: Check[] = [];
  const lists = (
    field: keyof OrgPreferences,
    what: string,
    valueOf: (t: Target) => string,
    has: (list: ReadonlySet<string>, value: string) => boolean,
  ) => {
    const { allow, deny } = prefs[field] ?? {};
    // Regions are named with their country: "us-east (US)".
    const shown = (t: Target) =>
      field === 'regions' || field === 'region_countries' ? `${t.region.id} (${t.region.country})` : valueOf(t);
    if (deny) {
      const set = new Set(deny);
      checks.push((t) =>
        has(set, valueOf(t))
          ? {
              field: `${field}.deny`,
              value: valueOf(t),
              reason: `the organisation's own preferences exclude ${what} ${shown(t)} (${field}.deny)`,
            }
          : undefined,
      );
    }
    if (allow) {
      const set = new Set(allow);
      const only = `the organisation's own preferences allow only ${what} ${allow.join(', ')} (${field}.allow)`;
      checks.push((t) =>
        has(set, valueOf(t))
          ? undefined
          : { field: `${field}.allow`, value: valueOf(t), reason: `${only}, not ${shown(t)}` },
      );
    }
  };
  const exact = (set: ReadonlySet<string>, v: string) => set.has(v);
  lists('vendors', 'vendor', (t) => t.vendor, exact);
  lists('models', 'model', (t) => t.model, exact);
  lists('regions', 'serving region', (t) => t.region.id, exact);
  lists(
    'region_countries',
    'serving country',
    (t) => t.region.country,
    (set, c) => set.has(c) || (set.has('EU') && EU_EEA.has(c)),
  );
  return (t) => {
    for (const check of checks) {
      const denial = check(t);
      if (denial) return denial;
    }
    return undefined;
  };
}

// Compiled once per stored preferences object (a principal keeps its organisation's until the organisation changes).
const compiled = new WeakMap<OrgPreferences, Check>();

/** The preference that keeps this organisation off a deployment, if any. */
export function excludedBy(prefs: OrgPreferences, target: Target): PreferenceDenial | undefined {
  let check = compiled.get(prefs);
  if (!check) compiled.set(prefs, (check = compile(prefs)));
  return check(target);
}

/** No list at all: nothing to record. */
export const isEmpty = (p: OrgPreferences | ContractTerms) =>
  Object.values(p).every((v) => v === undefined || (typeof v === 'object' && Object.keys(v).length === 0));
