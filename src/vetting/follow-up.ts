// Know-your-business follow-up of a customer: its risk level and when it is next reviewed (higher risk, sooner),
// the adverse-media notes reviewers attach, and licence decisions on export-control hits.
import type { ApplicationRecord } from '../store/ports.ts';
import type { Assessment } from './assessment.ts';
import type { LicenceDecision } from './licence.ts';
import type { VettingConfig } from './schema.ts';

export type { LicenceDecision };

export type RiskLevel = 'low' | 'medium' | 'high';

export interface AdverseMediaNote {
  id: string;
  summary: string;
  severity: 'low' | 'medium' | 'high';
  source_url?: string;
  published_on?: string;
  actor: string;
  at: string;
}

export interface FollowUp {
  risk: { level: RiskLevel; factors: string[]; assessed_at: string } | null;
  /** The date (YYYY-MM-DD) by which an approved customer is reviewed again. */
  next_review_on: string | null;
  last_reviewed_at: string | null;
  adverse_media: AdverseMediaNote[];
  licence_decisions: LicenceDecision[];
}

export function followUpOf(record: ApplicationRecord): FollowUp {
  const stored = (record.kyb ?? {}) as Partial<FollowUp>;
  return {
    risk: stored.risk ?? null,
    next_review_on: stored.next_review_on ?? null,
    last_reviewed_at: stored.last_reviewed_at ?? null,
    adverse_media: stored.adverse_media ?? [],
    licence_decisions: stored.licence_decisions ?? [],
  };
}

const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

/** The risk level of a customer and the facts that set it, from its checks and the adverse media on file. */
export function riskOf(
  checks: Assessment,
  media: readonly AdverseMediaNote[],
): { level: RiskLevel; factors: string[] } {
  const factors: Array<[RiskLevel, string]> = [];
  if (checks.sanctions.hits.length > 0)
    factors.push([
      'high',
      `approved over ${checks.sanctions.hits.length} possible sanctions match${checks.sanctions.hits.length === 1 ? '' : 'es'}`,
    ]);
  for (const r of checks.enhanced_due_diligence.reasons) factors.push(['high', r]);
  if (!checks.sanctions.ran) factors.push(['medium', 'not screened against a sanctions list']);
  if (checks.established && !checks.established.met)
    factors.push(['medium', `not established (${checks.established.gaps.join(', ')})`]);
  for (const m of media)
    if (m.severity !== 'low') factors.push([m.severity, `adverse media (${m.severity}): ${m.summary}`]);
  const level = factors.reduce<RiskLevel>((top, [l]) => (RANK[l] > RANK[top] ? l : top), 'low');
  return { level, factors: factors.map(([, f]) => f) };
}

/** The review date `months` after `from` (YYYY-MM-DD, UTC; the 31st of a short month rolls to its last day). */
export function reviewDate(from: Date, level: RiskLevel, config: VettingConfig): string {
  const months = config.review_interval_months[level];
  const y = from.getUTCFullYear();
  const m = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(from.getUTCDate(), lastDay))).toISOString().slice(0, 10);
}
