// The distillation detector: the same code online (fed by the gateway, off the request path) and offline
// (fed from recorded traffic). Observes requests in time order, keeps per-organisation and per-campaign
// profiles, re-scores as evidence arrives, and remembers when each organisation was first flagged.
import { isFresh, similarNames, UnionFind } from './campaigns.ts';
import { extract, type RequestFeatures } from './features.ts';
import { OrgProfile } from './profile.ts';
import type { OrgInfo, TrafficRecord } from './record.ts';
import { assess } from './score.ts';

export interface Verdict {
  org: string;
  score: number;
  flagged: boolean;
  first_flagged_at: string | null;
  reasons: string[];
  campaign: string | null;
}

export interface DetectorOptions {
  flagThreshold: number;
  onAlert?: (verdict: Verdict) => void;
}

interface OrgState {
  profile: OrgProfile;
  own: { score: number; reasons: string[] };
  campaign: { score: number; reasons: string[] } | null;
  firstFlaggedAt: string | null;
}

export class Detector {
  private readonly orgs = new Map<string, OrgState>();
  private readonly info = new Map<string, OrgInfo>();
  private readonly ipOrgs = new Map<string, Set<string>>();
  private readonly links = new UnionFind();
  private readonly campaigns = new Map<string, OrgProfile>();
  /** Members of each linked group, by its root (kept up to date on every union: no scan per request). */
  private readonly groups = new Map<string, string[]>();
  private readonly options: DetectorOptions;

  constructor(options: Partial<DetectorOptions> = {}) {
    this.options = { flagThreshold: 0.5, ...options };
  }

  addOrgInfo(info: OrgInfo): void {
    this.info.set(info.org, info);
  }

  observe(record: TrafficRecord): void {
    this.observeFeatures(record, extract(record));
  }

  observeFeatures(record: TrafficRecord, f: RequestFeatures): void {
    const state = this.state(record.org);
    state.profile.add(f, record.ip, record.key);
    this.link(record.org, record.ip, f.t);
    const root = this.links.find(record.org);
    const campaign = this.members(root).length > 1 ? this.campaignProfile(root) : undefined;
    campaign?.add(f, record.ip, record.key);
    const n = state.profile.requests;
    if (n < 100 ? n % 5 === 0 : n % 20 === 0) state.own = assess(state.profile);
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
      reasons: fromCampaign ? [...s.campaign!.reasons, ...s.own.reasons] : [...s.own.reasons, ...(s.campaign?.reasons ?? [])],
      campaign: this.members(root).length > 1 ? `campaign_${root}` : null,
    };
  }

  /** Scores everything once more at the end (offline), then lists every organisation seen. */
  verdicts(finalise = true): Verdict[] {
    if (finalise) {
      for (const s of this.orgs.values()) s.own = assess(s.profile);
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
      template_sketches: profile ? [...profile.templates.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([sketch, requests]) => ({ sketch: sketch.toString(16), requests })) : [],
      hourly_requests_utc: profile ? Array.from(profile.hours) : [],
      first_seen: profile ? new Date(profile.firstTs).toISOString() : null,
      last_seen: profile ? new Date(profile.lastTs).toISOString() : null,
    };
  }

  private state(org: string): OrgState {
    let s = this.orgs.get(org);
    if (!s) {
      s = { profile: new OrgProfile(org), own: { score: 0, reasons: [] }, campaign: null, firstFlaggedAt: null };
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
    const mine = this.info.get(org);
    for (const other of set) {
      if (other === org) continue;
      const theirs = this.info.get(other);
      const fresh = isFresh(mine, this.orgs.get(org)!.profile.firstTs || t) && isFresh(theirs, this.orgs.get(other)!.profile.firstTs);
      if (!fresh && !similarNames(mine?.name, theirs?.name)) continue;
      const a = this.links.find(org);
      const b = this.links.find(other);
      if (a === b) continue;
      this.links.union(org, other);
      const merged = this.links.find(org);
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
  }

  private assessCampaign(root: string, profile: OrgProfile): void {
    const members = this.members(root);
    const a = assess(profile);
    const reasons = a.score > 0.2 ? [`member of a campaign of ${members.length} organisations sharing client addresses and registered recently or under similar names; together: ${a.reasons.join('; ')}`] : [];
    for (const m of members) this.orgs.get(m)!.campaign = { score: a.score, reasons };
  }

  private checkFlag(org: string, ts: string): void {
    const root = this.links.find(org);
    const group = this.members(root).length > 1 ? this.members(root) : [org];
    for (const m of group) {
      const s = this.orgs.get(m)!;
      if (s.firstFlaggedAt !== null) continue;
      if (Math.max(s.own.score, s.campaign?.score ?? 0) >= this.options.flagThreshold) {
        s.firstFlaggedAt = ts;
        this.options.onAlert?.(this.verdict(m)!);
      }
    }
  }
}

function mergeInto(target: OrgProfile, source: OrgProfile): void {
  for (const k of ['requests', 'singleTurn', 'harvest', 'logprobs', 'multiSample', 'reasoning', 'completionTokens', 'promptTokens', 'followedUp'] as const) target[k] += source[k];
  for (let h = 0; h < 24; h++) {
    target.hours[h]! += source.hours[h]!;
    target.harvestHours[h]! += source.harvestHours[h]!;
  }
  for (const [from, to] of [[source.harvestWords, target.harvestWords], [source.logprobWords, target.logprobWords]] as const) {
    to.docs += from.docs;
    for (const [w, c] of from.counts) to.counts.set(w, (to.counts.get(w) ?? 0) + c);
  }
  for (const [k, c] of source.templates) target.templates.set(k, (target.templates.get(k) ?? 0) + c);
  for (const ip of source.ips) target.ips.add(ip);
  target.firstTs = target.firstTs ? Math.min(target.firstTs, source.firstTs) : source.firstTs;
  target.lastTs = Math.max(target.lastTs, source.lastTs);
}
