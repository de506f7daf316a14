// Graded, proportionate enforcement: low-confidence flags only alert; throttling and re-vetting come next;
// automatic suspension needs a high score (and the operator's consent) and a reviewer can always reverse it.
import { z } from 'zod';

export const abuseConfigSchema = z
  .object({
    flag_threshold: z.number().gt(0).max(1).default(0.5),
    throttle_threshold: z.number().gt(0).max(1).default(0.7),
    suspend_threshold: z.number().gt(0).max(1).default(0.9),
    /** Suspend automatically at suspend_threshold (reversible by a reviewer); otherwise require re-vetting. */
    auto_suspend: z.boolean().default(false),
    /** Requests per minute for a throttled organisation. */
    throttle_requests_per_minute: z.number().int().positive().default(10),
    /** alert_only: record and alert, never act (for trying thresholds on live traffic). */
    mode: z.enum(['enforce', 'alert_only']).default('enforce'),
  })
  .strict()
  .refine((c) => c.flag_threshold <= c.throttle_threshold && c.throttle_threshold <= c.suspend_threshold, {
    message: 'thresholds must rise: flag <= throttle <= suspend',
  });

export type AbuseConfig = z.infer<typeof abuseConfigSchema>;
export type EnforcementAction = 'none' | 'flag' | 'throttle' | 'require_revetting' | 'suspend';

export function actionFor(score: number, config: AbuseConfig): EnforcementAction {
  if (config.mode === 'alert_only') return score >= config.flag_threshold ? 'flag' : 'none';
  if (score >= config.suspend_threshold) return config.auto_suspend ? 'suspend' : 'require_revetting';
  if (score >= config.throttle_threshold) return 'throttle';
  if (score >= config.flag_threshold) return 'flag';
  return 'none';
}

/** The part of an audit entry that says who changed an organisation's status, and how. */
export interface StatusEntry {
  actor: string;
  action: string;
  data: Record<string, unknown> | null;
}

/** The actor of the online monitor's automatic actions (it acts only on approved organisations). */
export const ABUSE_DETECTOR = 'abuse-detector';

const HOLDS = new Set(['suspended', 'needs_review']);

/**
 * Whether an organisation's current status is a hold abuse enforcement placed (and the status it took the
 * organisation from), read from the organisation's audit trail, newest first. Undefined when vetting or compliance
 * put it there: lifting abuse enforcement must never lift theirs.
 */
export function abuseHold(status: string, trail: readonly StatusEntry[]): { from: string; index: number } | undefined {
  if (!HOLDS.has(status)) return undefined;
  const index = trail.findIndex(changesStatus);
  if (index < 0) return undefined;
  const entry = trail[index]!;
  const to = typeof entry.data?.to === 'string' ? entry.data.to : entry.action.slice('vetting.'.length);
  if (to !== status) return undefined;
  const from = typeof entry.data?.from === 'string' ? entry.data.from : undefined;
  // A reviewer's abuse decision records what a clear restores; the monitor acts only on approved organisations.
  if (entry.action.startsWith('abuse.review.'))
    return typeof entry.data?.restores === 'string' ? { from: entry.data.restores, index } : undefined;
  if (entry.actor === ABUSE_DETECTOR && entry.action.startsWith('vetting.')) return { from: from ?? 'approved', index };
  return undefined;
}

/** Entries that changed an organisation's status: vetting decisions, and abuse decisions that record it. */
function changesStatus(entry: StatusEntry): boolean {
  if (entry.action.startsWith('abuse.review.')) return typeof entry.data?.to === 'string';
  return /^vetting\.(applied|screening|approved|needs_review|rejected|suspended)$/.test(entry.action);
}

/**
 * The status a reviewer's `clear` gives back (undefined: the status stays): the one abuse enforcement took the
 * organisation from, except that a sanctions hit found while it was held sends it to vetting's review instead.
 */
export function statusAfterClear(status: string, trail: readonly StatusEntry[]): string | undefined {
  const hold = abuseHold(status, trail);
  if (!hold) return undefined;
  const hitSince = trail
    .slice(0, hold.index)
    .some((e) => e.action === 'vetting.screened' && Array.isArray(e.data?.hits) && e.data.hits.length > 0);
  const to = hitSince && hold.from === 'approved' ? 'needs_review' : hold.from;
  return to === status ? undefined : to;
}
