// What vetting checked and found, as data for the audit log and in words for its reason. Each statement is derived
// from a check that ran: nothing is called "established" or "clean" that was not checked and found so.
import type { Tier } from '../store/ports.ts';
import { establishedGaps, tierGaps, yearsSince } from './eligibility.ts';
import type { SubjectHit } from './sanctions/book.ts';
import { politicallyExposed } from './kyb.ts';
import { licenceRequired } from './licence.ts';
import { isOperatorSubmission, type Submission, type VettingConfig } from './schema.ts';
import type { SubjectRole } from './subjects.ts';

/** A sanctions screening: against which list versions, of how many names, and what it found. */
export interface SanctionsFinding {
  /** False when no list was loaded: then nothing was screened and `hits` says nothing. */
  ran: boolean;
  list_versions: Record<string, number>;
  threshold: number;
  names_screened: number;
  hits: Array<{
    entry_id: string;
    source: string;
    listed_name: string;
    score: number;
    subject: { name: string; role: SubjectRole };
    date_of_birth_check?: 'consistent' | 'differs';
    licence_required?: true;
  }>;
}

export interface Assessment {
  /** An application, or an organisation an operator created (onboarded outside Conduit: the operator chose its tier). */
  origin: 'application' | 'operator';
  tier: Tier;
  sanctions: SanctionsFinding;
  /** The configured meaning of "established", whether this tier requires it, and whether the applicant meets it; null when not assessed. */
  established: { required: boolean; met: boolean; gaps: string[]; incorporated_years_ago: number } | null;
  /** All of the tier's requirements (established included when required); null when not assessed. */
  tier_requirements: { met: boolean; gaps: string[] } | null;
  enhanced_due_diligence: { required: boolean; reasons: string[] };
  /** What the applicant declared about the people behind it and the documents backing it (as declared, not verified). */
  declarations: { beneficial_owners: number; directors: number; documents: string[]; politically_exposed: string[] };
}

export function sanctionsFinding(
  hits: readonly SubjectHit[],
  listVersions: Record<string, number>,
  names: number,
  threshold: number,
): SanctionsFinding {
  return {
    ran: Object.keys(listVersions).length > 0,
    list_versions: listVersions,
    threshold,
    names_screened: names,
    hits: hits.map((h) => ({
      entry_id: h.entry_id,
      source: h.source,
      listed_name: h.listed_name,
      score: h.score,
      subject: h.subject,
      ...(h.date_of_birth_check ? { date_of_birth_check: h.date_of_birth_check } : {}),
      ...(licenceRequired(h) ? { licence_required: true as const } : {}),
    })),
  };
}

export function assess(
  submission: Submission,
  tier: Tier,
  sanctions: SanctionsFinding,
  config: VettingConfig,
): Assessment {
  const edd = config.edd_countries.includes(submission.country)
    ? [`incorporated in ${submission.country}, an enhanced-due-diligence jurisdiction`]
    : [];
  for (const p of politicallyExposed(submission))
    edd.push(
      `${p.name} (${p.role.replace('_', ' ')}) is a politically exposed person${p.details ? `: ${p.details}` : ''}`,
    );
  const enhanced_due_diligence = { required: edd.length > 0, reasons: edd };
  const declarations = {
    beneficial_owners: submission.beneficial_owners?.length ?? 0,
    directors: submission.directors?.length ?? 0,
    documents: (submission.documents ?? []).map((d) => d.kind),
    politically_exposed: politicallyExposed(submission).map((p) => p.name),
  };
  if (isOperatorSubmission(submission))
    return {
      origin: 'operator',
      tier,
      sanctions,
      established: null,
      tier_requirements: null,
      enhanced_due_diligence,
      declarations,
    };
  const gaps = establishedGaps(submission, config);
  const tierGapList = tierGaps(submission, tier, config);
  return {
    origin: 'application',
    tier,
    sanctions,
    established: {
      required: config.tiers[tier].established,
      met: gaps.length === 0,
      gaps,
      incorporated_years_ago: Math.round(yearsSince(submission.incorporated_on) * 10) / 10,
    },
    tier_requirements: { met: tierGapList.length === 0, gaps: tierGapList },
    enhanced_due_diligence,
    declarations,
  };
}

/** Why an assessment cannot be approved without a reviewer ([] when it can). */
export function reviewReasons(a: Assessment): string[] {
  const reasons: string[] = [];
  if (!a.sanctions.ran) reasons.push('no sanctions list is loaded, so the applicant was not screened');
  if (a.sanctions.hits.length > 0) reasons.push(`possible sanctions match: ${describeHits(a.sanctions.hits)}`);
  const exportControl = a.sanctions.hits.filter((h) => h.licence_required).map((h) => h.entry_id);
  if (exportControl.length > 0)
    reasons.push(`export-control list match (${exportControl.join(', ')}): a licence decision needed before approval`);
  for (const r of a.enhanced_due_diligence.reasons) reasons.push(`enhanced due diligence required: ${r}`);
  if (a.tier_requirements && a.tier_requirements.gaps.length > 0)
    reasons.push(`requested tier ${a.tier}: ${a.tier_requirements.gaps.join(', ')}`);
  return reasons;
}

/** The assessment in words, each clause a check and its result. */
export function describeAssessment(a: Assessment): string {
  if (a.origin === 'operator')
    return [
      describeSanctions(a.sanctions),
      `established and tier ${a.tier} requirements: not assessed (created by an operator, onboarded outside Conduit)`,
      describeEdd(a),
      describeDeclarations(a),
    ].join('; ');
  return [
    describeSanctions(a.sanctions),
    describeEstablished(a),
    describeTier(a),
    describeEdd(a),
    describeDeclarations(a),
  ].join('; ');
}

export function describeSanctions(s: SanctionsFinding): string {
  if (!s.ran) return 'sanctions: not screened, no list loaded';
  const lists = Object.entries(s.list_versions)
    .map(([source, version]) => `${source} v${version}`)
    .join(', ');
  const found =
    s.hits.length === 0
      ? 'no hits'
      : `${s.hits.length} possible match${s.hits.length === 1 ? '' : 'es'} (${describeHits(s.hits)})`;
  return `sanctions: ${s.names_screened} name${s.names_screened === 1 ? '' : 's'} screened against ${lists} at threshold ${s.threshold}, ${found}`;
}

function describeEstablished(a: Assessment): string {
  const e = a.established;
  if (!e) return 'established: not assessed';
  const result = e.met ? 'met' : `not met (${e.gaps.join(', ')})`;
  return e.required
    ? `established (required for tier ${a.tier}): ${result}`
    : `established (not required for tier ${a.tier}): ${result}`;
}

function describeTier(a: Assessment): string {
  if (!a.tier_requirements) return `tier ${a.tier} requirements: not assessed`;
  return a.tier_requirements.met
    ? `tier ${a.tier} requirements: met`
    : `tier ${a.tier} requirements: not met (${a.tier_requirements.gaps.join(', ')})`;
}

function describeEdd(a: Assessment): string {
  return a.enhanced_due_diligence.required
    ? `enhanced due diligence: required (${a.enhanced_due_diligence.reasons.join(', ')})`
    : 'enhanced due diligence: not required';
}

function describeDeclarations(a: Assessment): string {
  const d = a.declarations;
  const n = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;
  return `declared: ${n(d.beneficial_owners, 'beneficial owner')}, ${n(d.directors, 'director')}, ${n(d.documents.length, 'document reference')}`;
}

export const describeHits = (
  hits: ReadonlyArray<{
    listed_name: string;
    source: string;
    entry_id: string;
    score: number;
    subject?: { name: string };
  }>,
) =>
  hits
    .slice(0, 3)
    .map(
      (h) => `${h.subject ? `${h.subject.name} ~ ` : ''}${h.listed_name} (${h.source} ${h.entry_id}, score ${h.score})`,
    )
    .join('; ');
