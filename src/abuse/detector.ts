// The distillation detector: the same code online (fed by the gateway, off the request path) and offline
// (fed from recorded traffic). Observes requests in time order, keeps per-organisation and per-campaign
// profiles, re-scores as evidence arrives, and remembers when each organisation was first flagged.
import { isFresh, similarNames, UnionFind } from './campaigns.ts';
import { extract, type RequestFeatures } from './features.ts';
import { ADDITIVE_COUNTERS, OrgProfile, type ProfileState } from './profile.ts';
import type { OrgInfo, TrafficRecord } from './record.ts';
import { assess, type Assessment, type Evidence } from './score.ts';

export interface Verdict {
  org: string;
  score: number;
  flagged: boolean;
  first_flagged_at: string | null;
  reasons: string[];
  /** The families of evidence the score rests on, each with the weight it had (the campaign's, for a member). */
  evidence: Evidence[];
  campaign: string | null;
}

export interface DetectorOptions {
  flagThreshold: number;
  onAlert?: (verdict: Verdict) => void;
}

interface OrgState {
  profile: OrgProfile;
  own: Assessment;
  campaign: Assessment | null;
  firstFlaggedAt: string | null;
  /** The client addresses under which ipOrgs lists the organisation (to rebuild it from a snapshot). */
  linkedIps: string[];
}

/** An organisation's state as data, for a snapshot; `root` names its campaign's root (itself when alone). */
export interface OrgSnapshot {
  org: string;
  profile: ProfileState;
  own: Assessment;
  campaign: Assessment | null;
  firstFlaggedAt: string | null;
  root: string;
  linkedIps: string[];
}

export interface CampaignSnapshot {
  root: string;
  profile: ProfileState;
}

/** What changed since the last snapshot, and the campaigns merged into others since. */
export interface DetectorChanges {
  orgs: OrgSnapshot[];
  campaigns: CampaignSnapshot[];
  droppedCampaigns: string[];
}

export class Detector {
  private readonly orgs = new Map<string, OrgState>();
  private readonly info = new Map<string, OrgInfo>();
  private readonly ipOrgs = new Map<string, Set<string>>();
  private readonly links = new UnionFind();
  private readonly campaigns = new Map<string, OrgProfile>();
  /** Members of each linked group, by its root (kept up to date on every union: no scan per request). */
  private readonly groups = new Map<string, string[]>();
  private options: DetectorOptions;
  /** Changed since the last takeChanges(): organisations, campaign roots, and roots merged away. */
  private readonly dirtyOrgs = new Set<string>();
  private readonly dirtyCampaigns = new Set<string>();
  private readonly droppedCampaigns = new Set<string>();

  constructor(options: Partial<DetectorOptions> = {}) {
    this.options = { flagThreshold: 0.5, ...options };
  }

  /** A reloaded configuration's flag threshold: verdicts from now on compare with it. */
  useFlagThreshold(flagThreshold: number): void {
    this.options = { ...this.options, flagThreshold };
  }

  addOrgInfo(info: OrgInfo): void {
    this.info.set(info.org, info);
  }

  observe(record: TrafficRecord): void {
    this.observeFeatures(record, extract(record));
  }

  observeFeatures(record: Pick<TrafficRecord, 'ts' | 'org' | 'key' | 'ip'>, f: RequestFeatures): void {
    const state = this.state(record.org);
    state.profile.add(f, record.ip, record.key);
    this.link(record.org, record.ip, f.t);
    const root = this.links.find(record.org);
    const campaign = this.members(root).length > 1 ? this.campaignProfile(root) : undefined;
    campaign?.add(f, record.ip, record.key);
    this.dirtyOrgs.add(record.org);
    if (campaign) this.dirtyCampaigns.add(root);
    const n = state.profile.requests;
    if (n < 100 ? n % 5 === 0 : n % 20 === 0) state.own = this.assessOwn(record.org, state.profile);
    if (campaign && campaign.requests % 10 === 0) this.assessCampaign(root, campaign);
    this.checkFlag(record.org, record.ts);
  }

  verdict(org: string): Verdict | undefined {
    const s = this.orgs.get(org);
    if (!s) return undefined;
    const fromCampaign = s.campaign && s.campaign.score > s.own.score;
    const score = Math.max(s.own.score, s.campaign?.score ?? 0);
    const root = this.links.find(org);
    return {
      org,
      score,
      flagged: s.firstFlaggedAt !== null,
      first_flagged_at: s.firstFlaggedAt,
      reasons: fromCampaign
        ? [...s.campaign!.reasons, ...s.own.reasons]
        : [...s.own.reasons, ...(s.campaign?.reasons ?? [])],
      evidence: (fromCampaign ? s.campaign!.evidence : s.own.evidence) ?? [],
      campaign: this.members(root).length > 1 ? `campaign_${root}` : null,
    };
  }

  /** Scores everything once more at the end (offline), then lists every organisation seen. */
  verdicts(finalise = true): Verdict[] {
    if (finalise) {
      for (const [org, s] of this.orgs) s.own = this.assessOwn(org, s.profile);
      for (const [root, p] of this.campaigns) if (this.members(root).length > 1) this.assessCampaign(root, p);
    }
    return [...this.orgs.keys()].sort().map((org) => this.verdict(org)!);
  }

  members(root: string): string[] {
    return this.groups.get(root) ?? [root];
  }

  /** What a campaign (two or more linked organisations) looks like from outside; undefined if there is none. */
  campaignIndicators(root: string) {
    const profile = this.campaigns.get(root);
    const members = this.members(root);
    if (members.length < 2) return undefined;
    return {
      campaign: `campaign_${root}`,
      members: members.length,
      member_orgs: members,
      client_addresses: [...new Set(members.flatMap((m) => [...this.orgs.get(m)!.profile.ips]))],
      template_sketches: profile ? profile.topTemplates() : [],
      hourly_requests_utc: profile ? Array.from(profile.hours) : [],
      first_seen: profile ? new Date(profile.firstTs).toISOString() : null,
      last_seen: profile ? new Date(profile.lastTs).toISOString() : null,
    };
  }

  /** An organisation's profile, and how many organisations (up to 50) each of its client addresses served. */
  evidence(
    org: string,
  ): { profile: OrgProfile; addresses: Array<{ address: string; organisations: number }> } | undefined {
    const s = this.orgs.get(org);
    if (!s) return undefined;
    return {
      profile: s.profile,
      addresses: [...s.profile.ips].map((address) => ({ address, organisations: this.ipOrgs.get(address)?.size ?? 1 })),
    };
  }

  /** The state changed since the last call, for a snapshot (organisations, campaigns, campaigns merged away). */
  takeChanges(): DetectorChanges {
    const orgs = [...this.dirtyOrgs].map((org): OrgSnapshot => {
      const s = this.orgs.get(org)!;
      return {
        org,
        profile: s.profile.state(),
        own: s.own,
        campaign: s.campaign,
        firstFlaggedAt: s.firstFlaggedAt,
        root: this.links.find(org),
        linkedIps: s.linkedIps.slice(),
      };
    });
    const campaigns = [...this.dirtyCampaigns]
      .filter((root) => this.campaigns.has(root))
      .map((root) => ({ root, profile: this.campaigns.get(root)!.state() }));
    const droppedCampaigns = [...this.droppedCampaigns].filter((root) => !this.campaigns.has(root));
    this.dirtyOrgs.clear();
    this.dirtyCampaigns.clear();
    this.droppedCampaigns.clear();
    return { orgs, campaigns, droppedCampaigns };
  }

  /** Marks a snapshot's changes as changed again (writing them failed): the next snapshot writes them. */
  unsaved(changes: DetectorChanges): void {
    for (const o of changes.orgs) this.dirtyOrgs.add(o.org);
    for (const c of changes.campaigns) this.dirtyCampaigns.add(c.root);
    for (const root of changes.droppedCampaigns) this.droppedCampaigns.add(root);
  }

  /** Takes up where a snapshot left off (into a detector that has seen nothing yet). */
  restore(orgs: OrgSnapshot[], campaigns: CampaignSnapshot[]): void {
    for (const o of orgs) {
      this.orgs.set(o.org, {
        profile: OrgProfile.fromState(o.org, o.profile),
        own: o.own,
        campaign: o.campaign,
        firstFlaggedAt: o.firstFlaggedAt,
        linkedIps: o.linkedIps.slice(),
      });
      for (const ip of o.linkedIps) {
        let set = this.ipOrgs.get(ip);
        if (!set) this.ipOrgs.set(ip, (set = new Set()));
        set.add(o.org);
      }
    }
    // A campaign's root is its least member (UnionFind), so joining each member to it rebuilds the same groups.
    for (const o of orgs) if (o.root !== o.org && this.orgs.has(o.root)) this.links.union(o.org, o.root);
    const byRoot = new Map<string, string[]>();
    for (const o of orgs) {
      const root = this.links.find(o.org);
      const members = byRoot.get(root);
      if (members) members.push(o.org);
      else byRoot.set(root, [o.org]);
    }
    for (const [root, members] of byRoot) if (members.length > 1) this.groups.set(root, members);
    for (const c of campaigns)
      if (this.groups.has(c.root)) this.campaigns.set(c.root, OrgProfile.fromState(c.root, c.profile));
  }

  private assessOwn(org: string, profile: OrgProfile): Assessment {
    return assess(profile, { declaredUse: this.info.get(org)?.declared_use });
  }

  private state(org: string): OrgState {
    let s = this.orgs.get(org);
    if (!s) {
      s = {
        profile: new OrgProfile(org),
        own: { score: 0, reasons: [] },
        campaign: null,
        firstFlaggedAt: null,
        linkedIps: [],
      };
      this.orgs.set(org, s);
    }
    return s;
  }

  /** Links organisations that share a client address and look like one operator (fresh or similarly named). */
  private link(org: string, ip: string, t: number): void {
    let set = this.ipOrgs.get(ip);
    if (!set) this.ipOrgs.set(ip, (set = new Set()));
    if (set.has(org) || set.size >= 50) return;
    set.add(org);
    this.orgs.get(org)!.linkedIps.push(ip);
    const mine = this.info.get(org);
    for (const other of set) {
      if (other === org) continue;
      const theirs = this.info.get(other);
      const fresh =
        isFresh(mine, this.orgs.get(org)!.profile.firstTs || t) &&
        isFresh(theirs, this.orgs.get(other)!.profile.firstTs);
      if (!fresh && !similarNames(mine?.name, theirs?.name)) continue;
      const a = this.links.find(org);
      const b = this.links.find(other);
      if (a === b) continue;
      this.links.union(org, other);
      const merged = this.links.find(org);
      for (const m of [...this.members(a), ...this.members(b)]) this.dirtyOrgs.add(m);
      this.groups.set(merged, [...this.members(a), ...this.members(b)]);
      this.groups.delete(merged === a ? b : a);
      this.mergeCampaigns(a, b);
    }
  }

  private campaignProfile(root: string): OrgProfile {
    let p = this.campaigns.get(root);
    if (!p) {
      p = new OrgProfile(root);
      this.campaigns.set(root, p);
    }
    return p;
  }

  private mergeCampaigns(a: string, b: string): void {
    const root = this.links.find(a);
    const merged = new OrgProfile(root);
    // Rebuild from the members' own profiles: a union is rare, and this keeps the arithmetic simple.
    for (const m of this.members(root)) mergeInto(merged, this.orgs.get(m)!.profile);
    this.campaigns.delete(a);
    this.campaigns.delete(b);
    this.campaigns.set(root, merged);
    this.droppedCampaigns.add(root === a ? b : a);
    this.dirtyCampaigns.add(root);
  }

  private assessCampaign(root: string, profile: OrgProfile): void {
    const members = this.members(root);
    const assessed = assess(profile, { members: members.length });
    // Linked accounts are scored together only when the link itself is evidence: else each on its own.
    const linked = assessed.evidence?.some((e) => e.family === 'campaign');
    const a = linked ? assessed : { score: 0, reasons: [], evidence: [] };
    const reasons = a.score > 0.2 ? a.reasons.map((r) => `campaign of ${members.length} organisations: ${r}`) : [];
    for (const m of members) {
      this.orgs.get(m)!.campaign = { score: a.score, reasons, evidence: a.evidence };
      this.dirtyOrgs.add(m);
    }
  }

  private checkFlag(org: string, ts: string): void {
    const root = this.links.find(org);
    const group = this.members(root).length > 1 ? this.members(root) : [org];
    for (const m of group) {
      const s = this.orgs.get(m)!;
      if (s.firstFlaggedAt !== null) continue;
      if (Math.max(s.own.score, s.campaign?.score ?? 0) >= this.options.flagThreshold) {
        s.firstFlaggedAt = ts;
        this.dirtyOrgs.add(m);
        this.options.onAlert?.(this.verdict(m)!);
      }
    }
  }
}

function mergeInto(target: OrgProfile, source: OrgProfile): void {
  for (const k of ADDITIVE_COUNTERS) target[k] += source[k];
  for (let i = 0; i < 3; i++) {
    target.gaps[i]! += source.gaps[i]!;
    target.harvestGaps[i]! += source.harvestGaps[i]!;
  }
  for (let h = 0; h < 24; h++) {
    target.hours[h]! += source.hours[h]!;
    target.harvestHours[h]! += source.harvestHours[h]!;
  }
  for (const [from, to] of [
    [source.harvestWords, target.harvestWords],
    [source.logprobWords, target.logprobWords],
  ] as const) {
    to.docs += from.docs;
    for (const [w, c] of from.counts) to.counts.set(w, (to.counts.get(w) ?? 0) + c);
  }
  for (const [from, to] of [
    [source.templates, target.templates],
    [source.harvestSystems, target.harvestSystems],
    [source.otherSystems, target.otherSystems],
  ] as const)
    for (const [k, c] of from) to.set(k, (to.get(k) ?? 0) + c);
  for (const ip of source.ips) target.ips.add(ip);
  target.firstTs = target.firstTs ? Math.min(target.firstTs, source.firstTs) : source.firstTs;
  target.lastTs = Math.max(target.lastTs, source.lastTs);
}
