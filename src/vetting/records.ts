// The vetting records and their mechanics, shared by onboarding (service.ts) and ongoing due diligence
// (due-diligence.ts): which status may change to which, screening and its audit trail, review scheduling.
import type { AuditLog } from '../audit/audit-log.ts';
import { GatewayError } from '../errors.ts';
import type { ApplicationRecord, Org, OrgStatus, VettingStore } from '../store/ports.ts';
import type { Tenancy } from '../tenancy/tenancy.ts';
import { type Assessment, describeSanctions, sanctionsFinding, type SanctionsFinding } from './assessment.ts';
import { followUpOf, reviewDate, riskOf, type RiskLevel } from './follow-up.ts';
import type { SanctionsBook, SubjectHit } from './sanctions/book.ts';
import { isOperatorSubmission, type Submission, type VettingConfig } from './schema.ts';
import { subjectsOf, type ScreeningSubject } from './subjects.ts';

export const TRANSITIONS: Record<string, OrgStatus[]> = {
  screen: ['applied', 'screening', 'needs_review', 'approved', 'suspended'],
  approve: ['applied', 'screening', 'needs_review'],
  reject: ['applied', 'screening', 'needs_review'],
  suspend: ['approved'],
  reinstate: ['suspended'],
  review: ['approved'],
  note: ['applied', 'screening', 'approved', 'needs_review', 'rejected', 'suspended'],
};

export interface Screening {
  hits: SubjectHit[];
  finding: SanctionsFinding;
}

export interface ReviewerDecision {
  actor: string;
  /** The admin principal deciding (its id): four-eyes rules compare principals, not the names they go by. */
  actor_id?: string;
  reason: string;
}

export class VettingRecords {
  constructor(
    private readonly tenancy: Tenancy,
    private readonly store: VettingStore,
    private readonly audit: AuditLog,
    private readonly sanctions: SanctionsBook,
    private readonly config: VettingConfig,
  ) {}

  /** Sets the record's risk level and next review date (from today) for an approval; the caller saves the record. */
  scheduleReview(
    record: ApplicationRecord,
    checks: Assessment,
  ): { risk_level: RiskLevel; risk_factors: string[]; next_review_on: string } {
    const followUp = followUpOf(record);
    const risk = riskOf(checks, followUp.adverse_media);
    const now = new Date();
    const next = reviewDate(now, risk.level, this.config);
    record.kyb = { ...followUp, risk: { ...risk, assessed_at: now.toISOString() }, next_review_on: next };
    return { risk_level: risk.level, risk_factors: risk.factors, next_review_on: next };
  }

  /** Screens the subjects, stores the screening on the record and audits what it found. */
  async screenRecord(
    record: ApplicationRecord,
    subjects: ScreeningSubject[],
    actor: string,
  ): Promise<SanctionsFinding> {
    return this.recordScreening(record, this.screenNow(subjects), actor);
  }

  screenNow(subjects: ScreeningSubject[]): Screening {
    const threshold = this.config.sanctions_threshold;
    const hits = this.sanctions.screenSubjects(subjects, threshold);
    return { hits, finding: sanctionsFinding(hits, this.sanctions.versions(), subjects.length, threshold) };
  }

  async recordScreening(
    record: ApplicationRecord,
    { hits, finding }: Screening,
    actor: string,
  ): Promise<SanctionsFinding> {
    const { list_versions, threshold, names_screened } = finding;
    record.screening = {
      screened_at: new Date().toISOString(),
      list_versions,
      threshold,
      names_screened,
      hits: hits as unknown as Array<Record<string, unknown>>,
    };
    await this.store.saveApplication(record);
    await this.audit.append({
      actor,
      action: 'vetting.screened',
      subject_type: 'org',
      subject_id: record.org_id,
      reason: describeSanctions(finding),
      data: {
        hits: hits.map((h) => ({ entry_id: h.entry_id, score: h.score, subject: h.subject })),
        list_versions,
        lists_loaded: finding.ran,
        names_screened,
        threshold,
      },
    });
    return finding;
  }

  async load(orgId: string, verb: keyof typeof TRANSITIONS) {
    const org = await this.orgIn(orgId, verb);
    const record = await this.store.getApplication(orgId);
    if (!record)
      throw new GatewayError(
        'no_application',
        `Organisation ${orgId} was created by an operator and has no application to ${verb}.`,
      );
    return { org, record };
  }

  async orgIn(orgId: string, verb: keyof typeof TRANSITIONS): Promise<Org> {
    const org = await this.tenancy.getOrg(orgId);
    if (!org) throw new GatewayError('org_not_found', `No organisation with id '${orgId}'.`, { param: 'id' });
    if (!TRANSITIONS[verb]!.includes(org.status))
      throw new GatewayError('invalid_transition', `Cannot ${verb} organisation ${orgId}: it is ${org.status}.`);
    return org;
  }

  async setStatus(
    org: Org,
    status: OrgStatus,
    decision: ReviewerDecision,
    data: Record<string, unknown> = {},
  ): Promise<Org> {
    const updated = (await this.tenancy.updateOrg(org.id, { status }))!;
    await this.audit.append({
      actor: decision.actor,
      action: `vetting.${status}`,
      subject_type: 'org',
      subject_id: org.id,
      reason: decision.reason,
      data: { from: org.status, to: status, ...data },
    });
    return updated;
  }
}

export function subjectsOfSubmission(s: Submission, org: Org): ScreeningSubject[] {
  return subjectsOf({ ...s, names: [isOperatorSubmission(s) ? s.name : s.legal_name, org.name] });
}

/** The latest screening stored on a record, as a finding (records screened before names were counted say 0). */
export function findingOf(record: ApplicationRecord): SanctionsFinding {
  const s = record.screening;
  if (!s) return { ran: false, list_versions: {}, threshold: 0, names_screened: 0, hits: [] };
  return sanctionsFinding(s.hits as unknown as SubjectHit[], s.list_versions, s.names_screened ?? 0, s.threshold ?? 0);
}
