// Ongoing due diligence of onboarded customers: periodic reviews (sooner for higher risk), adverse-media notes,
// licence decisions on export-control hits, and re-screening everyone when a sanctions list changes.
import type { AuditLog } from '../audit/audit-log.ts';
import { GatewayError } from '../errors.ts';
import type { ApplicationRecord, Org, VettingStore } from '../store/ports.ts';
import type { Tenancy } from '../tenancy/tenancy.ts';
import { assess, describeAssessment, describeHits } from './assessment.ts';
import { followUpOf, reviewDate, riskOf, type AdverseMediaNote, type LicenceDecision } from './follow-up.ts';
import { licenceRequired, type LicenceInput } from './licence.ts';
import { newId } from '../tenancy/api-keys.ts';
import type { SanctionsBook } from './sanctions/book.ts';
import type { ScreeningHit } from './sanctions/screener.ts';
import { isOperatorSubmission, type Submission, type VettingConfig } from './schema.ts';
import { subjectsOf } from './subjects.ts';

import { findingOf, TRANSITIONS, type ReviewerDecision, type VettingRecords } from './records.ts';

export class DueDiligence {
  constructor(
    /** Onboarding's screening, which a review and a re-screening run again. */
    private readonly onboarding: {
      screen(orgId: string, actor: string): Promise<{ org: Org; application: ApplicationRecord }>;
    },
    private readonly records: VettingRecords,
    private readonly tenancy: Tenancy,
    private readonly store: VettingStore,
    private readonly audit: AuditLog,
    private readonly sanctions: SanctionsBook,
    private readonly config: VettingConfig,
  ) {}

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
    const { org, record } = await this.records.load(orgId, 'note');
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
    const { record } = await this.records.load(orgId, 'note');
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
    await this.records.load(orgId, 'review');
    const { org, application: record } = await this.onboarding.screen(orgId, input.actor);
    if (org.status !== 'approved') return { org, application: record };
    const app = record.data as unknown as Submission;
    const checks = assess(app, org.tier, findingOf(record), this.config);
    const review = this.records.scheduleReview(record, checks);
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
      const { application } = await this.onboarding.screen(record.org_id, actor);
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
          await this.records.setStatus(org, 'needs_review', {
            actor,
            reason: `sanctions hit on re-screening: ${describeHits(hits)}`,
          });
      }
    }
    return report;
  }
}
