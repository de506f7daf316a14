// Customer onboarding: applied → screening → approved | needs_review | rejected, and approved ↔ suspended.
// Every decision lands in the audit log with its reason.
import type { AuditLog } from '../audit/audit-log.ts';
import { GatewayError } from '../errors.ts';
import type { ApplicationRecord, Org, OrgStatus, Tier, VettingStore } from '../store/ports.ts';
import type { Tenancy } from '../tenancy/tenancy.ts';
import {
  assess,
  type Assessment,
  describeAssessment,
  describeHits,
  describeSanctions,
  reviewReasons,
  sanctionsFinding,
  type SanctionsFinding,
} from './assessment.ts';
import { tierGaps } from './eligibility.ts';
import {
  followUpOf,
  reviewDate,
  riskOf,
  type AdverseMediaNote,
  type LicenceDecision,
  type RiskLevel,
} from './follow-up.ts';
import { licenceRequired, licencesFor, type LicenceInput } from './licence.ts';
import { newId } from '../tenancy/api-keys.ts';
import type { SanctionsBook, SubjectHit } from './sanctions/book.ts';
import type { ScreeningHit } from './sanctions/screener.ts';
import {
  isOperatorSubmission,
  type Application,
  type OperatorSubmission,
  type Submission,
  type VettingConfig,
} from './schema.ts';
import type { Owner } from '../policy/ownership.ts';
import type { KybDeclarations } from './kyb.ts';
import { subjectsOf, type ScreeningSubject } from './subjects.ts';

const TRANSITIONS: Record<string, OrgStatus[]> = {
  screen: ['applied', 'screening', 'needs_review', 'approved', 'suspended'],
  approve: ['applied', 'screening', 'needs_review'],
  reject: ['applied', 'screening', 'needs_review'],
  suspend: ['approved'],
  reinstate: ['suspended'],
  review: ['approved'],
  note: ['applied', 'screening', 'approved', 'needs_review', 'rejected', 'suspended'],
};

interface Screening {
  hits: SubjectHit[];
  finding: SanctionsFinding;
}

export interface ReviewerDecision {
  actor: string;
  /** The admin principal deciding (its id): four-eyes rules compare principals, not the names they go by. */
  actor_id?: string;
  reason: string;
}

/** Whether an earlier approval was given by the principal now deciding (by id; by name only for approvals recorded without one). */
const sameApprover = (approval: { actor: string; actor_id?: string }, decision: ReviewerDecision) =>
  approval.actor_id !== undefined && decision.actor_id !== undefined
    ? approval.actor_id === decision.actor_id
    : approval.actor === decision.actor;

export class VettingService {
  constructor(
    private readonly tenancy: Tenancy,
    private readonly store: VettingStore,
    private readonly audit: AuditLog,
    private readonly sanctions: SanctionsBook,
    private readonly config: VettingConfig,
  ) {}

  /** Self-service: an application creates the organisation (status applied) and screens it at once. */
  async submit(app: Application): Promise<{ org: Org; application: ApplicationRecord }> {
    const org = await this.tenancy.createOrg(
      { name: app.legal_name, country: app.country, tier: 'trial', ownership: app.ownership },
      'applied',
    );
    const record: ApplicationRecord = {
      org_id: org.id,
      submitted_at: new Date().toISOString(),
      data: app,
      screening: null,
      approvals: [],
    };
    await this.store.saveApplication(record);
    await this.audit.append({
      actor: 'applicant',
      action: 'application.submitted',
      subject_type: 'org',
      subject_id: org.id,
      data: { legal_name: app.legal_name, country: app.country, requested_tier: app.requested_tier },
    });
    return this.screen(org.id, 'system');
  }

  /**
   * An organisation an operator creates (onboarded outside Conduit) is screened with its owners like any applicant:
   * nothing found, it is approved at the operator's tier as before; a hit sends it to review.
   */
  async createByOperator(
    input: { name: string; country: string; tier?: Tier; ownership?: Owner[] } & KybDeclarations,
    actor: string,
  ): Promise<Org> {
    const submission: OperatorSubmission = {
      origin: 'operator',
      name: input.name,
      country: input.country,
      tier: input.tier ?? 'trial',
      ownership: input.ownership ?? [],
      beneficial_owners: input.beneficial_owners ?? [],
      directors: input.directors ?? [],
      documents: input.documents ?? [],
    };
    const screening = this.screenNow(subjectsOf({ ...submission, names: [submission.name] }));
    const held = screening.hits.length > 0;
    const org = await this.tenancy.createOrg(
      {
        name: submission.name,
        country: submission.country,
        tier: submission.tier,
        ...(input.ownership ? { ownership: submission.ownership } : {}),
      },
      held ? 'needs_review' : 'approved',
    );
    const record: ApplicationRecord = {
      org_id: org.id,
      submitted_at: org.created_at,
      data: submission as unknown as Record<string, unknown>,
      screening: null,
      approvals: held ? [] : [{ actor, at: org.created_at, tier: submission.tier }],
    };
    const checks = assess(submission, submission.tier, screening.finding, this.config);
    const review = held ? {} : this.scheduleReview(record, checks);
    const outcome = held ? 'held for review' : `approved at tier ${submission.tier}`;
    await this.audit.append({
      actor,
      action: 'org.created',
      subject_type: 'org',
      subject_id: org.id,
      reason: `created by an operator (onboarded outside Conduit), ${outcome}: ${describeAssessment(checks)}`,
      data: { name: org.name, country: org.country, tier: org.tier, status: org.status, checks, ...review },
    });
    await this.recordScreening(record, screening, actor);
    if (held)
      await this.audit.append({
        actor,
        action: 'vetting.needs_review',
        subject_type: 'org',
        subject_id: org.id,
        reason: reviewReasons(checks).join('; '),
        data: { from: null, to: 'needs_review', checks },
      });
    return org;
  }

  /** Screens an organisation's names against the current lists and decides what follows. */
  async screen(orgId: string, actor: string): Promise<{ org: Org; application: ApplicationRecord }> {
    const { org, record } = await this.load(orgId, 'screen');
    const app = record.data as unknown as Submission;
    if (org.status === 'applied') await this.setStatus(org, 'screening', { actor, reason: 'screening started' });
    const finding = await this.screenRecord(record, subjectsOfSubmission(app, org), actor);
    const current = (await this.tenancy.getOrg(orgId))!;
    if (current.status !== 'screening' || isOperatorSubmission(app)) {
      // A customer already decided on: a new hit sends an approved one back to review, nothing else changes.
      if (finding.hits.length > 0 && current.status === 'approved')
        await this.setStatus(current, 'needs_review', {
          actor,
          reason: `sanctions hit on re-screening: ${describeHits(finding.hits)}`,
        });
      return { org: (await this.tenancy.getOrg(orgId))!, application: record };
    }
    const checks = assess(app, app.requested_tier, finding, this.config);
    // No hits against no list is no screening: such an applicant waits for a reviewer, who sees the screening a list load re-runs.
    const review = reviewReasons(checks);
    if (review.length > 0 || !this.config.auto_approve) {
      await this.setStatus(
        current,
        'needs_review',
        {
          actor,
          reason: review.join('; ') || 'automatic approval is off (vetting.auto_approve: false): a reviewer decides',
        },
        { checks },
      );
    } else {
      await this.tenancy.updateOrg(orgId, { tier: app.requested_tier });
      record.approvals.push({ actor: 'system', at: new Date().toISOString(), tier: app.requested_tier });
      const review = this.scheduleReview(record, checks);
      await this.store.saveApplication(record);
      await this.setStatus(
        current,
        'approved',
        {
          actor: 'system',
          reason: `automatically approved at tier ${app.requested_tier}: ${describeAssessment(checks)}`,
        },
        { tier: app.requested_tier, checks, ...review },
      );
    }
    return { org: (await this.tenancy.getOrg(orgId))!, application: record };
  }

  async approve(orgId: string, input: ReviewerDecision & { tier?: Tier }): Promise<Org> {
    const { org, record } = await this.load(orgId, 'approve');
    const app = record.data as unknown as Submission;
    const tier = input.tier ?? (isOperatorSubmission(app) ? app.tier : app.requested_tier);
    // An operator-created customer's tier is the operator's call (its application data was never collected).
    const gaps = isOperatorSubmission(app) ? [] : tierGaps(app, tier, this.config);
    if (gaps.length > 0)
      throw new GatewayError(
        'tier_not_eligible',
        `Organisation ${orgId} cannot hold tier ${tier}: ${gaps.join('; ')}.`,
        { param: 'tier' },
      );
    // What the approver approved over: the latest screening and the rules at this tier.
    const checks = assess(app, tier, findingOf(record), this.config);
    const exportControl = checks.sanctions.hits.filter((h) => h.licence_required).map((h) => h.entry_id);
    const licences =
      exportControl.length > 0 ? licencesFor(orgId, exportControl, followUpOf(record).licence_decisions) : [];
    if (checks.enhanced_due_diligence.required) {
      const prior = record.approvals.filter((a) => a.actor !== 'system');
      if (prior.some((a) => sameApprover(a, input))) {
        throw new GatewayError(
          'second_approver_required',
          `Enhanced due diligence: ${input.actor} already approved ${orgId}; a different approver must confirm.`,
        );
      }
      record.approvals.push({
        actor: input.actor,
        ...(input.actor_id ? { actor_id: input.actor_id } : {}),
        at: new Date().toISOString(),
        tier,
      });
      await this.store.saveApplication(record);
      if (prior.length === 0) {
        await this.audit.append({
          actor: input.actor,
          action: 'vetting.first_approval',
          subject_type: 'org',
          subject_id: orgId,
          reason: input.reason,
          data: { tier, checks },
        });
        return org;
      }
    }
    await this.tenancy.updateOrg(orgId, { tier });
    const review = this.scheduleReview(record, checks);
    await this.store.saveApplication(record);
    const licence = licences.length === 1 ? { licence: licences[0] } : licences.length > 1 ? { licences } : {};
    return this.setStatus(org, 'approved', input, { tier, checks, ...review, ...licence });
  }

  async reject(orgId: string, input: ReviewerDecision): Promise<Org> {
    const { org } = await this.load(orgId, 'reject');
    return this.setStatus(org, 'rejected', input);
  }

  async suspend(orgId: string, input: ReviewerDecision): Promise<Org> {
    return this.setStatus(await this.orgIn(orgId, 'suspend'), 'suspended', input);
  }

  async reinstate(orgId: string, input: ReviewerDecision): Promise<Org> {
    return this.setStatus(await this.orgIn(orgId, 'reinstate'), 'approved', input);
  }

  async queue() {
    const orgs = (await this.tenancy.listOrgs()).filter((o) => o.status === 'needs_review');
    return Promise.all(orgs.map(async (org) => ({ org, application: await this.store.getApplication(org.id) })));
  }

  getApplication(orgId: string): Promise<ApplicationRecord | undefined> {
    return this.store.getApplication(orgId);
  }

  /** Approved customers whose periodic review falls on or before `dueBy` (YYYY-MM-DD), soonest first. */
  async reviewsDue(dueBy: string) {
    const orgs = new Map((await this.tenancy.listOrgs()).map((o) => [o.id, o]));
    const due = [];
    for (const record of await this.store.listApplications()) {
      const org = orgs.get(record.org_id);
      const followUp = followUpOf(record);
      if (org?.status !== 'approved' || !followUp.next_review_on || followUp.next_review_on > dueBy) continue;
      due.push({
        org_id: org.id,
        name: org.name,
        country: org.country,
        tier: org.tier,
        risk: followUp.risk,
        next_review_on: followUp.next_review_on,
        last_reviewed_at: followUp.last_reviewed_at,
      });
    }
    return due.sort((a, b) => a.next_review_on.localeCompare(b.next_review_on));
  }

  /**
   * A reviewer's adverse-media note. On an approved customer it is weighed at once: a risk it raises brings the next
   * review forward (never back); others' risk is assessed when they are approved, the note included.
   */
  async addAdverseMedia(orgId: string, input: Omit<AdverseMediaNote, 'id' | 'actor' | 'at'>, actor: string) {
    const { org, record } = await this.load(orgId, 'note');
    const note: AdverseMediaNote = { id: newId('media'), ...input, actor, at: new Date().toISOString() };
    const followUp = followUpOf(record);
    followUp.adverse_media.push(note);
    const previous = followUp.risk?.level ?? null;
    if (org.status === 'approved') {
      const risk = riskOf(
        assess(record.data as unknown as Submission, org.tier, findingOf(record), this.config),
        followUp.adverse_media,
      );
      const sooner = reviewDate(new Date(), risk.level, this.config);
      followUp.risk = { ...risk, assessed_at: note.at };
      if (!followUp.next_review_on || sooner < followUp.next_review_on) followUp.next_review_on = sooner;
    }
    record.kyb = { ...followUp };
    await this.store.saveApplication(record);
    const outcome = {
      risk_level: followUp.risk?.level ?? null,
      previous_risk_level: previous,
      next_review_on: followUp.next_review_on,
    };
    await this.audit.append({
      actor,
      action: 'vetting.adverse_media_noted',
      subject_type: 'org',
      subject_id: orgId,
      reason: `${input.severity} adverse media: ${input.summary}`,
      data: {
        note_id: note.id,
        severity: note.severity,
        ...(note.source_url ? { source_url: note.source_url } : {}),
        ...outcome,
      },
    });
    return { ...note, ...outcome };
  }

  /** Records a licence decision on the export-control entries the organisation's latest screening hit. */
  async recordLicence(orgId: string, input: LicenceInput, actor: string): Promise<LicenceDecision> {
    const { record } = await this.load(orgId, 'note');
    const entryIds = findingOf(record)
      .hits.filter((h) => licenceRequired(h))
      .map((h) => h.entry_id);
    if (entryIds.length === 0)
      throw new GatewayError(
        'no_export_control_hit',
        `Organisation ${orgId}'s latest screening has no hit on an export-control list that calls for a licence.`,
      );
    const decision: LicenceDecision = {
      decision: input.decision,
      ...(input.reference ? { reference: input.reference } : {}),
      reason: input.reason,
      entry_ids: entryIds,
      actor,
      at: new Date().toISOString(),
    };
    const followUp = followUpOf(record);
    followUp.licence_decisions.push(decision);
    record.kyb = { ...followUp };
    await this.store.saveApplication(record);
    await this.audit.append({
      actor,
      action: 'vetting.licence_decision',
      subject_type: 'org',
      subject_id: orgId,
      reason: input.reason,
      data: { decision: decision.decision, reference: decision.reference ?? null, entry_ids: entryIds },
    });
    return decision;
  }

  /**
   * A periodic review: screens the customer again (a hit sends it to review, as any re-screening does) and, if it
   * stays approved, assesses its risk afresh and sets the next review date from today.
   */
  async periodicReview(orgId: string, input: ReviewerDecision): Promise<{ org: Org; application: ApplicationRecord }> {
    await this.load(orgId, 'review');
    const { org, application: record } = await this.screen(orgId, input.actor);
    if (org.status !== 'approved') return { org, application: record };
    const app = record.data as unknown as Submission;
    const checks = assess(app, org.tier, findingOf(record), this.config);
    const review = this.scheduleReview(record, checks);
    const followUp = followUpOf(record);
    record.kyb = { ...followUp, last_reviewed_at: new Date().toISOString() };
    await this.store.saveApplication(record);
    await this.audit.append({
      actor: input.actor,
      action: 'vetting.periodic_review',
      subject_type: 'org',
      subject_id: orgId,
      reason: `${input.reason} (${describeAssessment(checks)})`,
      data: { tier: org.tier, checks, ...review },
    });
    return { org, application: record };
  }

  /** After a list changes: screens every customer again and reports the hits that are new. */
  async rescreenAll(actor: string): Promise<Array<{ org_id: string; name: string; new_hits: ScreeningHit[] }>> {
    const report = [];
    const statuses = new Map((await this.tenancy.listOrgs()).map((o) => [o.id, o.status]));
    for (const record of await this.store.listApplications()) {
      if (!TRANSITIONS.screen!.includes(statuses.get(record.org_id) ?? 'rejected')) continue; // rejected: nothing to decide
      const before = new Set((record.screening?.hits ?? []).map((h) => String(h.entry_id)));
      const { application } = await this.screen(record.org_id, actor);
      const fresh = ((application.screening?.hits ?? []) as unknown as ScreeningHit[]).filter(
        (h) => !before.has(h.entry_id),
      );
      const data = record.data as unknown as Submission;
      if (fresh.length > 0)
        report.push({
          org_id: record.org_id,
          name: isOperatorSubmission(data) ? data.name : data.legal_name,
          new_hits: fresh,
        });
    }
    for (const org of await this.tenancy.listOrgs()) {
      if (await this.store.getApplication(org.id)) continue;
      // Operator-created before they were screened at creation: no record, so their name and owners alone.
      const hits = this.sanctions.screen(
        subjectsOf({ names: [org.name], ownership: org.ownership }).map((s) => s.name),
        this.config.sanctions_threshold,
      );
      if (hits.length > 0) {
        report.push({ org_id: org.id, name: org.name, new_hits: hits });
        if (org.status === 'approved')
          await this.setStatus(org, 'needs_review', {
            actor,
            reason: `sanctions hit on re-screening: ${describeHits(hits)}`,
          });
      }
    }
    return report;
  }

  /** Sets the record's risk level and next review date (from today) for an approval; the caller saves the record. */
  private scheduleReview(
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
  private async screenRecord(
    record: ApplicationRecord,
    subjects: ScreeningSubject[],
    actor: string,
  ): Promise<SanctionsFinding> {
    return this.recordScreening(record, this.screenNow(subjects), actor);
  }

  private screenNow(subjects: ScreeningSubject[]): Screening {
    const threshold = this.config.sanctions_threshold;
    const hits = this.sanctions.screenSubjects(subjects, threshold);
    return { hits, finding: sanctionsFinding(hits, this.sanctions.versions(), subjects.length, threshold) };
  }

  private async recordScreening(
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

  private async load(orgId: string, verb: keyof typeof TRANSITIONS) {
    const org = await this.orgIn(orgId, verb);
    const record = await this.store.getApplication(orgId);
    if (!record)
      throw new GatewayError(
        'no_application',
        `Organisation ${orgId} was created by an operator and has no application to ${verb}.`,
      );
    return { org, record };
  }

  private async orgIn(orgId: string, verb: keyof typeof TRANSITIONS): Promise<Org> {
    const org = await this.tenancy.getOrg(orgId);
    if (!org) throw new GatewayError('org_not_found', `No organisation with id '${orgId}'.`, { param: 'id' });
    if (!TRANSITIONS[verb]!.includes(org.status))
      throw new GatewayError('invalid_transition', `Cannot ${verb} organisation ${orgId}: it is ${org.status}.`);
    return org;
  }

  private async setStatus(
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

function subjectsOfSubmission(s: Submission, org: Org): ScreeningSubject[] {
  return subjectsOf({ ...s, names: [isOperatorSubmission(s) ? s.name : s.legal_name, org.name] });
}

/** The latest screening stored on a record, as a finding (records screened before names were counted say 0). */
function findingOf(record: ApplicationRecord): SanctionsFinding {
  const s = record.screening;
  if (!s) return { ran: false, list_versions: {}, threshold: 0, names_screened: 0, hits: [] };
  return sanctionsFinding(s.hits as unknown as SubjectHit[], s.list_versions, s.names_screened ?? 0, s.threshold ?? 0);
}
