// Customer onboarding: applied → screening → approved | needs_review | rejected, and approved ↔ suspended.
// Every decision lands in the audit log with its reason. Ongoing due diligence is in due-diligence.ts.
import type { AuditLog } from '../audit/audit-log.ts';
import { GatewayError } from '../errors.ts';
import type { ApplicationRecord, Org, Tier, VettingStore } from '../store/ports.ts';
import type { Tenancy } from '../tenancy/tenancy.ts';
import { assess, describeAssessment, describeHits, reviewReasons } from './assessment.ts';
import { tierGaps } from './eligibility.ts';
import { followUpOf } from './follow-up.ts';
import { licencesFor } from './licence.ts';
import type { SanctionsBook } from './sanctions/book.ts';
import {
  isOperatorSubmission,
  type Application,
  type OperatorSubmission,
  type Submission,
  type VettingConfig,
} from './schema.ts';
import type { Owner } from '../policy/ownership.ts';
import type { KybDeclarations } from './kyb.ts';
import { subjectsOf } from './subjects.ts';

import { DueDiligence } from './due-diligence.ts';
import { findingOf, subjectsOfSubmission, VettingRecords, type ReviewerDecision } from './records.ts';

export type { ReviewerDecision };

/** Whether an earlier approval was given by the principal now deciding (by id; by name only for approvals recorded without one). */
const sameApprover = (approval: { actor: string; actor_id?: string }, decision: ReviewerDecision) =>
  approval.actor_id !== undefined && decision.actor_id !== undefined
    ? approval.actor_id === decision.actor_id
    : approval.actor === decision.actor;

export class VettingService {
  private readonly records: VettingRecords;
  /** Reviews, adverse media, licences and re-screening of customers once onboarded. */
  readonly dueDiligence: DueDiligence;

  constructor(
    private readonly tenancy: Tenancy,
    private readonly store: VettingStore,
    private readonly audit: AuditLog,
    sanctions: SanctionsBook,
    private readonly config: VettingConfig,
  ) {
    this.records = new VettingRecords(tenancy, store, audit, sanctions, config);
    this.dueDiligence = new DueDiligence(this, this.records, tenancy, store, audit, sanctions, config);
  }

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
    const screening = this.records.screenNow(subjectsOf({ ...submission, names: [submission.name] }));
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
    const review = held ? {} : this.records.scheduleReview(record, checks);
    const outcome = held ? 'held for review' : `approved at tier ${submission.tier}`;
    await this.audit.append({
      actor,
      action: 'org.created',
      subject_type: 'org',
      subject_id: org.id,
      reason: `created by an operator (onboarded outside Conduit), ${outcome}: ${describeAssessment(checks)}`,
      data: { name: org.name, country: org.country, tier: org.tier, status: org.status, checks, ...review },
    });
    await this.records.recordScreening(record, screening, actor);
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
    const { org, record } = await this.records.load(orgId, 'screen');
    const app = record.data as unknown as Submission;
    if (org.status === 'applied')
      await this.records.setStatus(org, 'screening', { actor, reason: 'screening started' });
    const finding = await this.records.screenRecord(record, subjectsOfSubmission(app, org), actor);
    const current = (await this.tenancy.getOrg(orgId))!;
    if (current.status !== 'screening' || isOperatorSubmission(app)) {
      // A customer already decided on: a new hit sends an approved one back to review, nothing else changes.
      if (finding.hits.length > 0 && current.status === 'approved')
        await this.records.setStatus(current, 'needs_review', {
          actor,
          reason: `sanctions hit on re-screening: ${describeHits(finding.hits)}`,
        });
      return { org: (await this.tenancy.getOrg(orgId))!, application: record };
    }
    const checks = assess(app, app.requested_tier, finding, this.config);
    // No hits against no list is no screening: such an applicant waits for a reviewer, who sees the screening a list load re-runs.
    const review = reviewReasons(checks);
    if (review.length > 0 || !this.config.auto_approve) {
      await this.records.setStatus(
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
      const review = this.records.scheduleReview(record, checks);
      await this.store.saveApplication(record);
      await this.records.setStatus(
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
    const { org, record } = await this.records.load(orgId, 'approve');
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
    const review = this.records.scheduleReview(record, checks);
    await this.store.saveApplication(record);
    const licence = licences.length === 1 ? { licence: licences[0] } : licences.length > 1 ? { licences } : {};
    return this.records.setStatus(org, 'approved', input, { tier, checks, ...review, ...licence });
  }

  async reject(orgId: string, input: ReviewerDecision): Promise<Org> {
    const { org } = await this.records.load(orgId, 'reject');
    return this.records.setStatus(org, 'rejected', input);
  }

  async suspend(orgId: string, input: ReviewerDecision): Promise<Org> {
    return this.records.setStatus(await this.records.orgIn(orgId, 'suspend'), 'suspended', input);
  }

  async reinstate(orgId: string, input: ReviewerDecision): Promise<Org> {
    return this.records.setStatus(await this.records.orgIn(orgId, 'reinstate'), 'approved', input);
  }

  async queue() {
    const orgs = (await this.tenancy.listOrgs()).filter((o) => o.status === 'needs_review');
    return Promise.all(orgs.map(async (org) => ({ org, application: await this.store.getApplication(org.id) })));
  }

  getApplication(orgId: string): Promise<ApplicationRecord | undefined> {
    return this.store.getApplication(orgId);
  }
}
