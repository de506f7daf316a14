// Customer onboarding: applied → screening → approved | needs_review | rejected, and approved ↔ suspended.
// Every decision lands in the audit log with its reason.
import type { AuditLog } from '../audit/audit-log.ts';
import { GatewayError, notFound } from '../errors.ts';
import type { ApplicationRecord, Org, OrgStatus, Tier, VettingStore } from '../store/ports.ts';
import type { Tenancy } from '../tenancy/tenancy.ts';
import { tierGaps } from './eligibility.ts';
import type { SanctionsBook } from './sanctions/book.ts';
import type { ScreeningHit } from './sanctions/screener.ts';
import type { Application, VettingConfig } from './schema.ts';

const TRANSITIONS: Record<string, OrgStatus[]> = {
  screen: ['applied', 'screening', 'needs_review', 'approved', 'suspended'],
  approve: ['applied', 'screening', 'needs_review'],
  reject: ['applied', 'screening', 'needs_review'],
  suspend: ['approved'],
  reinstate: ['suspended'],
};

export interface Decision {
  actor: string;
  reason: string;
}

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
    const org = await this.tenancy.createOrg({ name: app.legal_name, country: app.country, tier: 'trial', ownership: app.ownership }, 'applied');
    const record: ApplicationRecord = { org_id: org.id, submitted_at: new Date().toISOString(), data: app, screening: null, approvals: [] };
    await this.store.saveApplication(record);
    await this.audit.append({ actor: 'applicant', action: 'application.submitted', subject_type: 'org', subject_id: org.id, data: { legal_name: app.legal_name, country: app.country, requested_tier: app.requested_tier } });
    return this.screen(org.id, 'system');
  }

  /** Screens an organisation's names against the current lists and decides what follows. */
  async screen(orgId: string, actor: string): Promise<{ org: Org; application: ApplicationRecord }> {
    const { org, record } = await this.load(orgId, 'screen');
    const app = record.data as unknown as Application;
    if (org.status === 'applied') await this.setStatus(org, 'screening', { actor, reason: 'screening started' });
    const hits = this.sanctions.screen(namesOf(app, org), this.config.sanctions_threshold);
    record.screening = { screened_at: new Date().toISOString(), list_versions: this.sanctions.versions(), hits: hits as unknown as Array<Record<string, unknown>> };
    await this.store.saveApplication(record);
    await this.audit.append({ actor, action: 'vetting.screened', subject_type: 'org', subject_id: org.id, data: { hits: hits.map((h) => ({ entry_id: h.entry_id, score: h.score })), list_versions: record.screening.list_versions } });
    const current = (await this.tenancy.getOrg(orgId))!;
    if (current.status !== 'screening') {
      // A customer already decided on: a new hit sends an approved one back to review, nothing else changes.
      if (hits.length > 0 && current.status === 'approved') await this.setStatus(current, 'needs_review', { actor, reason: `sanctions hit on re-screening: ${describe(hits)}` });
      return { org: (await this.tenancy.getOrg(orgId))!, application: record };
    }
    const review = this.reviewReasons(app, hits);
    // No hits against no list is no screening: such an applicant waits for a reviewer, who sees the screening a list load re-runs.
    if (!this.sanctions.loaded) review.unshift('no sanctions list is loaded, so the applicant was not screened');
    if (review.length > 0 || !this.config.auto_approve) {
      await this.setStatus(current, 'needs_review', { actor, reason: review.join('; ') || 'manual approval required' });
    } else {
      await this.tenancy.updateOrg(orgId, { tier: app.requested_tier });
      record.approvals.push({ actor: 'system', at: new Date().toISOString(), tier: app.requested_tier });
      await this.store.saveApplication(record);
      await this.setStatus(current, 'approved', { actor: 'system', reason: `automatically approved at tier ${app.requested_tier}: established, no sanctions hits` });
    }
    return { org: (await this.tenancy.getOrg(orgId))!, application: record };
  }

  async approve(orgId: string, input: Decision & { tier?: Tier }): Promise<Org> {
    const { org, record } = await this.load(orgId, 'approve');
    const app = record.data as unknown as Application;
    const tier = input.tier ?? app.requested_tier;
    const gaps = tierGaps(app, tier, this.config);
    if (gaps.length > 0) throw new GatewayError(422, 'tier_not_eligible', `Organisation ${orgId} cannot hold tier ${tier}: ${gaps.join('; ')}.`, { param: 'tier' });
    if (this.needsSecondApprover(org)) {
      const prior = record.approvals.filter((a) => a.actor !== 'system');
      if (prior.some((a) => a.actor === input.actor)) {
        throw new GatewayError(409, 'second_approver_required', `Enhanced due diligence: ${input.actor} already approved ${orgId}; a different approver must confirm.`);
      }
      record.approvals.push({ actor: input.actor, at: new Date().toISOString(), tier });
      await this.store.saveApplication(record);
      if (prior.length === 0) {
        await this.audit.append({ actor: input.actor, action: 'vetting.first_approval', subject_type: 'org', subject_id: orgId, reason: input.reason, data: { tier } });
        return org;
      }
    }
    await this.tenancy.updateOrg(orgId, { tier });
    return this.setStatus(org, 'approved', input, { tier });
  }

  async reject(orgId: string, input: Decision): Promise<Org> {
    const { org } = await this.load(orgId, 'reject');
    return this.setStatus(org, 'rejected', input);
  }

  async suspend(orgId: string, input: Decision): Promise<Org> {
    return this.setStatus(await this.orgIn(orgId, 'suspend'), 'suspended', input);
  }

  async reinstate(orgId: string, input: Decision): Promise<Org> {
    return this.setStatus(await this.orgIn(orgId, 'reinstate'), 'approved', input);
  }

  async queue() {
    const orgs = (await this.tenancy.listOrgs()).filter((o) => o.status === 'needs_review');
    return Promise.all(orgs.map(async (org) => ({ org, application: await this.store.getApplication(org.id) })));
  }

  getApplication(orgId: string): Promise<ApplicationRecord | undefined> {
    return this.store.getApplication(orgId);
  }

  /** After a list changes: screens every customer again and reports the hits that are new. */
  async rescreenAll(actor: string): Promise<Array<{ org_id: string; name: string; new_hits: ScreeningHit[] }>> {
    const report = [];
    const statuses = new Map((await this.tenancy.listOrgs()).map((o) => [o.id, o.status]));
    for (const record of await this.store.listApplications()) {
      if (!TRANSITIONS.screen!.includes(statuses.get(record.org_id) ?? 'rejected')) continue; // rejected: nothing to decide
      const before = new Set((record.screening?.hits ?? []).map((h) => String(h.entry_id)));
      const { application } = await this.screen(record.org_id, actor);
      const fresh = ((application.screening?.hits ?? []) as unknown as ScreeningHit[]).filter((h) => !before.has(h.entry_id));
      if (fresh.length > 0) report.push({ org_id: record.org_id, name: String(record.data.legal_name), new_hits: fresh });
    }
    for (const org of await this.tenancy.listOrgs()) {
      if (await this.store.getApplication(org.id)) continue;
      // Operator-created customers have no application: screen their name alone.
      const hits = this.sanctions.screen([org.name], this.config.sanctions_threshold);
      if (hits.length > 0) {
        report.push({ org_id: org.id, name: org.name, new_hits: hits });
        if (org.status === 'approved') await this.setStatus(org, 'needs_review', { actor, reason: `sanctions hit on re-screening: ${describe(hits)}` });
      }
    }
    return report;
  }

  private reviewReasons(app: Application, hits: ScreeningHit[]): string[] {
    const reasons: string[] = [];
    if (hits.length > 0) reasons.push(`possible sanctions match: ${describe(hits)}`);
    if (this.config.edd_countries.includes(app.country)) reasons.push(`enhanced due diligence required for ${app.country}`);
    const gaps = tierGaps(app, app.requested_tier, this.config);
    if (gaps.length > 0) reasons.push(`requested tier ${app.requested_tier}: ${gaps.join(', ')}`);
    return reasons;
  }

  private needsSecondApprover(org: Org): boolean {
    return this.config.edd_countries.includes(org.country);
  }

  private async load(orgId: string, verb: keyof typeof TRANSITIONS) {
    const org = await this.orgIn(orgId, verb);
    const record = await this.store.getApplication(orgId);
    if (!record) throw new GatewayError(409, 'no_application', `Organisation ${orgId} was created by an operator and has no application to ${verb}.`);
    return { org, record };
  }

  private async orgIn(orgId: string, verb: keyof typeof TRANSITIONS): Promise<Org> {
    const org = await this.tenancy.getOrg(orgId);
    if (!org) throw notFound(`No organisation with id '${orgId}'.`, 'org_not_found', 'id');
    if (!TRANSITIONS[verb]!.includes(org.status)) throw new GatewayError(409, 'invalid_transition', `Cannot ${verb} organisation ${orgId}: it is ${org.status}.`);
    return org;
  }

  private async setStatus(org: Org, status: OrgStatus, decision: Decision, data: Record<string, unknown> = {}): Promise<Org> {
    const updated = (await this.tenancy.updateOrg(org.id, { status }))!;
    await this.audit.append({ actor: decision.actor, action: `vetting.${status}`, subject_type: 'org', subject_id: org.id, reason: decision.reason, data: { from: org.status, to: status, ...data } });
    return updated;
  }
}

function namesOf(app: Application, org: Org): string[] {
  const names = new Set([app.legal_name, org.name]);
  const walk = (owners: Application['ownership']) => {
    for (const o of owners) {
      names.add(o.name);
      if (o.owners) walk(o.owners);
    }
  };
  walk(app.ownership);
  return [...names];
}

const describe = (hits: ScreeningHit[]) => hits.slice(0, 3).map((h) => `${h.listed_name} (${h.source} ${h.entry_id}, score ${h.score})`).join('; ');
