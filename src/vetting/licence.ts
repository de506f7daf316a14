// Export-control hits: a party on a list that makes exports to it need a licence (the BIS Entity List and Military
// End-User List, both in the Consolidated Screening List) cannot be approved on a reviewer's word alone; a licence
// decision (granted, denied, not required) must be on record for each such entry first.
import { z } from 'zod';
import { GatewayError } from '../errors.ts';

export interface LicenceDecision {
  decision: 'granted' | 'denied' | 'not_required';
  reference?: string;
  reason: string;
  /** The export-control list entries it covers: those hit when it was recorded. */
  entry_ids: string[];
  actor: string;
  at: string;
}

/** Whether a hit is on an entry that calls for a licence decision. */
export const licenceRequired = (hit: { source: string; license_requirement?: string }): boolean =>
  Boolean(hit.license_requirement) || /\bentity list\b|military end.user/i.test(hit.source);

export const licenceDecisionSchema = z
  .object({
    decision: z.enum(['granted', 'denied', 'not_required']),
    /** The licence (or denial) number; required for a licence granted. */
    reference: z.string().trim().min(1).max(200).optional(),
    reason: z.string().trim().min(3, 'must say why (at least 3 characters)').max(2000),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.decision === 'granted' && !d.reference)
      ctx.addIssue({
        code: 'custom',
        path: ['reference'],
        message: 'is required for a licence granted (the licence number)',
      });
  });

export type LicenceInput = z.infer<typeof licenceDecisionSchema>;

/**
 * The decision that stands for each export-control entry hit (the latest covering it). Throws unless every such
 * entry has one and none is a denial; returns the decisions relied on.
 */
export function licencesFor(
  orgId: string,
  entryIds: readonly string[],
  decisions: readonly LicenceDecision[],
): LicenceDecision[] {
  const standing = new Map<string, LicenceDecision | undefined>(
    entryIds.map((id) => [id, [...decisions].reverse().find((d) => d.entry_ids.includes(id))]),
  );
  const missing = [...standing].filter(([, d]) => !d).map(([id]) => id);
  if (missing.length > 0) {
    throw new GatewayError(
      'licence_decision_required',
      `Organisation ${orgId} matches export-control list entries that call for a licence (${missing.join(', ')}): record a licence decision first (POST /admin/v1/applications/${orgId}/licence).`,
    );
  }
  const denied = [...standing.values()].find((d) => d!.decision === 'denied');
  if (denied)
    throw new GatewayError(
      'licence_denied',
      `Organisation ${orgId} cannot be approved: the licence was denied (${denied.reference ?? 'no reference'}, ${denied.reason}).`,
    );
  return [...new Set(standing.values())] as LicenceDecision[];
}
