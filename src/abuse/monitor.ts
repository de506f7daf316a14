// The detector online: the gateway hands over each finished request (after its reply was delivered), the
// detector scores it in the background, and crossing a threshold triggers the graded action, on the record.
import type { AuditLog } from '../audit/audit-log.ts';
import type { Tenancy } from '../tenancy/tenancy.ts';
import type { VettingService } from '../vetting/service.ts';
import { Detector, type Verdict } from './detector.ts';
import { actionFor, type AbuseConfig, type EnforcementAction } from './enforcement.ts';
import { extract } from './features.ts';
import type { TrafficRecord } from './record.ts';

export interface Alert {
  at: string;
  org: string;
  score: number;
  action: EnforcementAction;
  reasons: string[];
  campaign: string | null;
}

export class AbuseMonitor {
  readonly detector: Detector;
  readonly alerts: Alert[] = [];
  private readonly acted = new Map<string, EnforcementAction>();
  private queue: TrafficRecord[] = [];
  private scheduled = false;
  private readonly known = new Set<string>();
  private readonly rank: Record<EnforcementAction, number> = { none: 0, flag: 1, throttle: 2, require_revetting: 3, suspend: 4 };

  constructor(
    readonly config: AbuseConfig,
    private readonly tenancy: Tenancy,
    private readonly vetting: VettingService,
    private readonly audit: AuditLog,
    private readonly onError: (err: unknown) => void,
  ) {
    this.detector = new Detector({ flagThreshold: config.flag_threshold });
  }

  /** Called per request, off the request path: only queues. */
  observe(record: TrafficRecord): void {
    this.queue.push(record);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.drain().catch(this.onError));
    }
  }

  /** Processes everything queued (the tests and the risk endpoint call it to see up-to-date verdicts). */
  async drain(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const record of batch) {
      if (!this.known.has(record.org)) {
        this.known.add(record.org);
        const org = await this.tenancy.getOrg(record.org);
        if (org) this.detector.addOrgInfo({ org: org.id, name: org.name, country: org.country, registered_at: org.created_at, tier: org.tier });
      }
      this.detector.observeFeatures(record, extract(record));
      const v = this.detector.verdict(record.org);
      if (v) await this.enforce(v);
    }
  }

  risk(): Verdict[] {
    return this.detector.verdicts(false).sort((a, b) => b.score - a.score);
  }

  private async enforce(v: Verdict): Promise<void> {
    const action = actionFor(v.score, this.config);
    const previous = this.acted.get(v.org) ?? 'none';
    if (this.rank[action] <= this.rank[previous]) return;
    this.acted.set(v.org, action);
    const at = new Date().toISOString();
    this.alerts.push({ at, org: v.org, score: v.score, action, reasons: v.reasons, campaign: v.campaign });
    const evidence = { score: v.score, reasons: v.reasons, campaign: v.campaign };
    await this.audit.append({ actor: 'abuse-detector', action: `abuse.${action}`, subject_type: 'org', subject_id: v.org, reason: v.reasons[0] ?? 'distillation score crossed a threshold', data: evidence });
    const org = await this.tenancy.getOrg(v.org);
    if (!org) return;
    if (action === 'throttle') {
      // An overlay on the operator's limits, which stay as they were (a reviewer's clear removes the overlay).
      const rpm = Math.min(org.enforcement?.requests_per_minute ?? Infinity, this.config.throttle_requests_per_minute);
      await this.tenancy.updateOrg(org.id, { enforcement: { requests_per_minute: rpm, by: 'abuse-detector', at, reason: `distillation score ${v.score}: ${v.reasons[0] ?? 'crossed the throttle threshold'}` } });
    } else if (action === 'suspend' && org.status === 'approved') {
      await this.vetting.suspend(org.id, { actor: 'abuse-detector', reason: `automatic suspension for distillation (score ${v.score}): ${v.reasons[0] ?? ''}` });
    } else if (action === 'require_revetting' && org.status === 'approved') {
      await this.tenancy.updateOrg(org.id, { status: 'needs_review' });
      await this.audit.append({ actor: 'abuse-detector', action: 'vetting.needs_review', subject_type: 'org', subject_id: org.id, reason: `re-vetting required: distillation score ${v.score}`, data: evidence });
    }
  }
}
