// The detector online: the gateway hands over each finished request (after its reply was delivered), the
// detector scores it in the background, and crossing a threshold triggers the graded action, on the record.
// With storage, what it learnt survives a restart: alerts are stored as they are raised, and the profiles that
// changed are snapshotted every minute and at close (on the store's writer thread, never per request).
import type { AuditLog } from '../audit/audit-log.ts';
import type { AbuseStore, Org } from '../store/ports.ts';
import type { Tenancy } from '../tenancy/tenancy.ts';
import type { VettingService } from '../vetting/service.ts';
import { Detector, type CampaignSnapshot, type OrgSnapshot, type Verdict } from './detector.ts';
import { actionFor, type AbuseConfig, type EnforcementAction } from './enforcement.ts';
import { extract } from './features.ts';
import type { Pseudonyms } from './pseudonyms.ts';
import type { TrafficRecord } from './record.ts';
import { ObservationShare, type SharedObservation } from './shared-observations.ts';
import type { PeerChannel } from '../store/peer-channel.ts';
import { buildReport, type DistillationReport } from './report.ts';
import { packCampaign, packOrg, unpack } from './snapshot.ts';

export interface Alert {
  at: string;
  org: string;
  score: number;
  action: EnforcementAction;
  reasons: string[];
  campaign: string | null;
}

export interface MonitorStorage {
  store: AbuseStore;
  /** Client addresses are kept (and reported) only as these keyed hashes. */
  pseudonyms: Pseudonyms;
  /** How often the profiles that changed are written (default a minute); close() writes them too. */
  snapshotMs?: number;
  /**
   * The other nodes of a cluster: each tells the others what it observed, so every node's detector sees all of an
   * organisation's traffic. The action a verdict calls for is taken once, by the node that records its alert first.
   */
  peers?: PeerChannel;
}

/** A request this node served, or one another node observed (its features already extracted there). */
type Queued = { record: TrafficRecord } | SharedObservation;

export class AbuseMonitor {
  readonly detector: Detector;
  readonly alerts: Alert[] = [];
  private readonly acted = new Map<string, EnforcementAction>();
  private queue: Queued[] = [];
  private readonly share: ObservationShare | undefined;
  private scheduled = false;
  private readonly known = new Set<string>();
  private readonly rank: Record<EnforcementAction, number> = {
    none: 0,
    flag: 1,
    throttle: 2,
    require_revetting: 3,
    suspend: 4,
  };
  /** Drains run one after another, so a snapshot or close sees every record queued before it. */
  private draining: Promise<void> = Promise.resolve();
  private saving: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private settings: AbuseConfig,
    private readonly tenancy: Tenancy,
    private readonly vetting: VettingService,
    private readonly audit: AuditLog,
    private readonly onError: (err: unknown) => void,
    private readonly storage?: MonitorStorage,
  ) {
    this.detector = new Detector({ flagThreshold: settings.flag_threshold });
    if (storage?.peers)
      this.share = new ObservationShare(storage.peers, (observations) => this.enqueue(observations), onError);
  }

  get config(): AbuseConfig {
    return this.settings;
  }

  /** A reloaded configuration's thresholds and throttle: the profiles built so far are kept. */
  useConfig(config: AbuseConfig): void {
    this.settings = config;
    this.detector.useFlagThreshold(config.flag_threshold);
  }

  /** Takes up where the stored profiles and alerts left off, then snapshots periodically. */
  async start(): Promise<void> {
    if (!this.storage) return;
    const orgs: OrgSnapshot[] = [];
    const campaigns: CampaignSnapshot[] = [];
    let unread = 0;
    for (const record of await this.storage.store.profiles()) {
      const r = unpack(record);
      if (!r) unread++;
      else if (r.kind === 'campaign') campaigns.push(r.snapshot);
      else {
        orgs.push(r.snapshot);
        this.raiseActed(r.snapshot.org, r.snapshot.action);
      }
    }
    if (unread > 0)
      this.onError(
        new Error(
          `${unread} stored distillation profiles are of another format and were not read: those profiles start afresh`,
        ),
      );
    this.detector.restore(orgs, campaigns);
    // An alert stored after the last snapshot still counts: the action it records is not taken twice.
    for (const a of await this.storage.store.alerts()) {
      this.alerts.push({
        at: a.at,
        org: a.org,
        score: a.score,
        action: a.action as EnforcementAction,
        reasons: a.reasons,
        campaign: a.campaign,
      });
      this.raiseActed(a.org, a.action as EnforcementAction);
    }
    // Registration data, for linking the restored organisations to others that later share their addresses.
    const restored = new Set(orgs.map((o) => o.org));
    for (const org of await this.tenancy.listOrgs()) if (restored.has(org.id)) await this.learn(org);
    this.timer = setInterval(() => void this.snapshot().catch(this.onError), this.storage.snapshotMs ?? 60_000);
    this.timer.unref();
  }

  /** Writes the profiles that changed since the last snapshot (after processing what is queued). */
  snapshot(): Promise<void> {
    const next = this.saving.then(async () => {
      await this.drain();
      if (!this.storage) return;
      const changes = this.detector.takeChanges();
      const at = new Date().toISOString();
      const records = [
        ...changes.orgs.map((o) => packOrg({ ...o, action: this.acted.get(o.org) ?? 'none' }, at)),
        ...changes.campaigns.map((c) => packCampaign(c, at)),
      ];
      try {
        await this.storage.store.saveProfiles(
          records,
          changes.droppedCampaigns.map((subject) => ({ kind: 'campaign' as const, subject })),
        );
      } catch (err) {
        this.detector.unsaved(changes);
        throw err;
      }
    });
    this.saving = next.catch(() => undefined);
    return next;
  }

  /** Stops snapshotting, after a last snapshot of everything observed. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.share?.flush();
    // A last snapshot that cannot be written (a full disk) is reported, and the rest of the shutdown goes on.
    await this.snapshot().catch(this.onError);
  }

  /** Called per request, off the request path: only queues. */
  observe(record: TrafficRecord): void {
    this.enqueue([{ record }]);
  }

  private enqueue(items: Queued[]): void {
    for (const item of items) this.queue.push(item);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.drain().catch(this.onError));
    }
  }

  /** Processes everything queued (the tests and the risk endpoint call it to see up-to-date verdicts). */
  drain(): Promise<void> {
    const next = this.draining.then(() => this.drainQueued());
    this.draining = next.catch(() => undefined);
    return next;
  }

  private async drainQueued(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const item of batch) {
      const { record } = item;
      if (!this.known.has(record.org)) {
        const org = await this.tenancy.getOrg(record.org);
        if (org) await this.learn(org);
        else this.known.add(record.org);
      }
      if ('features' in item) this.detector.observeFeatures(record, item.features);
      else {
        const own = item.record;
        if (this.storage) own.ip = this.storage.pseudonyms.address(own.ip);
        const features = extract(own);
        this.detector.observeFeatures(own, features);
        this.share?.add({ record: own, features });
      }
      const v = this.detector.verdict(record.org);
      if (v) await this.enforce(v);
    }
  }

  risk(): Verdict[] {
    return this.detector.verdicts(false).sort((a, b) => b.score - a.score);
  }

  /** The evidence report on one organisation, for a vendor; undefined when it sent nothing the detector saw. */
  report(org: Org, customerOf: (orgId: string) => string, recipient: string | null): DistillationReport | undefined {
    const verdict = this.detector.verdict(org.id);
    const evidence = this.detector.evidence(org.id);
    if (!verdict || !evidence) return undefined;
    // Addresses leave the gateway as keyed hashes only: a monitor without them has nothing to report with.
    if (!this.storage) throw new Error("distillation reports need the monitor's storage and pseudonyms");
    const root = verdict.campaign?.slice('campaign_'.length);
    return buildReport({
      org,
      verdict,
      ...evidence,
      action: this.acted.get(org.id) ?? 'none',
      alerts: this.alerts.filter((a) => a.org === org.id),
      config: this.config,
      campaign:
        root === undefined
          ? null
          : { id: this.storage.pseudonyms.campaign(root), members: this.detector.members(root) },
      customerOf,
      recipient,
    });
  }

  /** Registration data, and the use declared in the application (held against the traffic observed). */
  private async learn(org: Org): Promise<void> {
    this.known.add(org.id);
    const declared = (await this.vetting.getApplication(org.id))?.data.intended_use;
    this.detector.addOrgInfo({
      org: org.id,
      name: org.name,
      country: org.country,
      registered_at: org.created_at,
      tier: org.tier,
      declared_use: typeof declared === 'string' ? declared : undefined,
    });
  }

  private raiseActed(org: string, action: EnforcementAction): void {
    if (this.rank[action] > this.rank[this.acted.get(org) ?? 'none']) this.acted.set(org, action);
  }

  private async enforce(v: Verdict): Promise<void> {
    const action = actionFor(v.score, this.config);
    const previous = this.acted.get(v.org) ?? 'none';
    if (this.rank[action] <= this.rank[previous]) return;
    this.acted.set(v.org, action);
    const at = new Date().toISOString();
    const alert: Alert = { at, org: v.org, score: v.score, action, reasons: v.reasons, campaign: v.campaign };
    this.alerts.push(alert);
    // In a cluster every node sees the same traffic: the node that records the alert first takes the action. One
    // that cannot record it (a full disk) still acts, as before.
    const recorded = this.storage
      ? await this.storage.store.appendAlert(alert).catch((err: unknown) => {
          this.onError(err);
          return true;
        })
      : true;
    if (!recorded) return;
    const evidence = { score: v.score, reasons: v.reasons, evidence: v.evidence, campaign: v.campaign };
    await this.audit.append({
      actor: 'abuse-detector',
      action: `abuse.${action}`,
      subject_type: 'org',
      subject_id: v.org,
      reason: v.reasons[0] ?? 'distillation score crossed a threshold',
      data: evidence,
    });
    const org = await this.tenancy.getOrg(v.org);
    if (!org) return;
    if (action === 'throttle') {
      // An overlay on the operator's limits, which stay as they were (a reviewer's clear removes the overlay).
      const rpm = Math.min(org.enforcement?.requests_per_minute ?? Infinity, this.config.throttle_requests_per_minute);
      await this.tenancy.updateOrg(org.id, {
        enforcement: {
          requests_per_minute: rpm,
          by: 'abuse-detector',
          at,
          reason: `distillation score ${v.score}: ${v.reasons[0] ?? 'crossed the throttle threshold'}`,
        },
      });
    } else if (action === 'suspend' && org.status === 'approved') {
      await this.vetting.suspend(org.id, {
        actor: 'abuse-detector',
        reason: `automatic suspension for distillation (score ${v.score}): ${v.reasons[0] ?? ''}`,
      });
    } else if (action === 'require_revetting' && org.status === 'approved') {
      await this.tenancy.updateOrg(org.id, { status: 'needs_review' });
      await this.audit.append({
        actor: 'abuse-detector',
        action: 'vetting.needs_review',
        subject_type: 'org',
        subject_id: org.id,
        reason: `re-vetting required: distillation score ${v.score}`,
        data: evidence,
      });
    }
  }
}
