// The active policy: versioned (config at first, then every accepted change), applied per request,
// explainable, and testable before it is applied (what-if).
import type { AuditLog } from '../audit/audit-log.ts';
import type { Catalogue, CatalogueModel, Deployment } from '../routing/catalogue.ts';
import { LOCAL_BUS, type InvalidationBus } from '../store/invalidation.ts';
import type { Org, VersionedStore } from '../store/ports.ts';
import { PolicyEngine, type Decision, type Jurisdiction } from './engine.ts';
import { checkBase, versionConflict } from '../versioned-documents.ts';
import { excludedBy, PREFERENCE_RULE, type PreferenceDenial } from './preferences.ts';
import { policySchema, type Feature, type PolicyConfig } from './schema.ts';

export interface DeploymentDecision extends Decision {
  deployment: string;
  region: string;
  region_country: string;
}

export class PolicyService {
  private engine: PolicyEngine;

  constructor(
    initial: PolicyConfig,
    private readonly store: VersionedStore,
    private readonly audit: AuditLog,
    /** The catalogue in force (a reload replaces it). */
    private readonly catalogue: Pick<Catalogue, 'models' | 'resolve'>,
    private readonly bus: InvalidationBus = LOCAL_BUS,
  ) {
    this.engine = new PolicyEngine(initial, 1);
    // Another node changed the policy: the stored latest version is the one in force.
    bus.subscribe((change) => (change.kind === 'policy' || change.kind === 'all' ? this.reload() : undefined));
  }

  async init(): Promise<void> {
    const latest = await this.store.latest();
    if (latest) this.engine = new PolicyEngine(policySchema.parse(latest.document), latest.version);
  }

  /** Takes up a newer stored version (another node's change); the one in force stays when none is newer. */
  private async reload(): Promise<void> {
    const latest = await this.store.latest();
    if (latest && latest.version > this.engine.version)
      this.engine = new PolicyEngine(policySchema.parse(latest.document), latest.version);
  }

  /**
   * A reloaded configuration's policy: in force when the file's policy still is (version 1: no change was stored
   * through the admin API since); a stored version stays in force otherwise. Says whether it was taken up.
   */
  useConfig(policy: PolicyConfig): boolean {
    if (this.engine.version !== 1) return false;
    this.engine = new PolicyEngine(policy, 1);
    return true;
  }

  get current(): { version: number; policy: PolicyConfig } {
    return { version: this.engine.version, policy: this.engine.config };
  }

  /**
   * Replaces the policy (already validated); the change and its author land in the audit log. With `baseVersion`,
   * only if that is still the version in force. Two changes at once (on two nodes, say) cannot both become the next
   * version: the second is refused with a 409 and can be made again on top of the first.
   */
  async update(policy: PolicyConfig, actor: string, reason: string, baseVersion?: number): Promise<number> {
    // Another node may have saved a version that its invalidation has not brought here yet.
    await this.reload();
    checkBase('policy', baseVersion, this.engine.version);
    const version = this.engine.version + 1;
    const saved = await this.store.save({ version, created_at: new Date().toISOString(), actor, document: policy });
    if (!saved) {
      await this.reload();
      throw versionConflict('policy', version);
    }
    await this.audit.append({
      actor,
      action: 'policy.updated',
      subject_type: 'policy',
      subject_id: String(version),
      reason,
      data: { rules: policy.rules.map((r) => r.id), default: policy.default },
    });
    this.engine = new PolicyEngine(policy, version);
    this.bus.publish({ kind: 'policy' });
    return version;
  }

  /**
   * The policy's decision, then the organisation's own preferences: a deployment the policy allows but the customer
   * excluded for itself is denied, naming its preference (rule "org-preferences"). /v1/models and routing both ask here.
   */
  decide(
    org: Org,
    model: CatalogueModel,
    deployment: Deployment,
    features: ReadonlySet<Feature>,
    engine = this.engine,
  ): Decision {
    const decision = this.decidePolicy(org, model, deployment, features, engine);
    if (!org.preferences || !decision.allowed) return decision;
    const preference = excludedBy(org.preferences, {
      vendor: deployment.vendor,
      model: model.name,
      region: deployment.region,
    });
    return preference
      ? { allowed: false, rule: PREFERENCE_RULE, reason: preference.reason, matched: decision.matched, preference }
      : decision;
  }

  /** The policy's rules alone, without the organisation's preferences. */
  private decidePolicy(
    org: Org,
    model: CatalogueModel,
    deployment: Deployment,
    features: ReadonlySet<Feature>,
    engine: PolicyEngine,
  ): Decision {
    return engine.evaluate({
      org: { id: org.id, country: org.country, tier: org.tier, ownership: org.ownership },
      vendor: deployment.vendor,
      model: model.name,
      region: { id: deployment.region.id, country: deployment.region.country },
      features,
    });
  }

  /** Where the organisation is incorporated and where it is controlled from, as the rules see it. */
  jurisdictionOf(org: Org, engine = this.engine): Jurisdiction {
    return engine.jurisdictionOf(org);
  }

  /** The market a country is in under the current policy (the country itself when it is in none). */
  marketOf(country: string): string {
    return this.engine.marketOf(country);
  }

  /** The decision for every deployment of a model (optionally one region's), with the rules behind each. */
  explain(org: Org, model: CatalogueModel, region?: string, features: ReadonlySet<Feature> = new Set()) {
    const decisions: DeploymentDecision[] = model.deployments
      .filter((d) => !region || d.region.id === region)
      .map((d) => ({
        deployment: d.id,
        region: d.region.id,
        region_country: d.region.country,
        ...this.decide(org, model, d, features),
      }));
    return {
      org: org.id,
      model: model.name,
      policy_version: this.engine.version,
      allowed: decisions.some((d) => d.allowed),
      jurisdiction: this.jurisdictionOf(org),
      preferences: org.preferences ?? null,
      contract: org.contract ?? null,
      decisions,
    };
  }

  /** Models the organisation may use from at least one deployment. */
  allowedModels(org: Org, engine = this.engine): CatalogueModel[] {
    return this.catalogue.models.filter((m) =>
      m.deployments.some((d) => this.decide(org, m, d, NO_FEATURES, engine).allowed),
    );
  }

  /**
   * Which organisations would gain or lose which models if `proposed` replaced the current policy: each change with
   * where the organisation is controlled from and the rule that decides it under `proposed`. `held_by_preference`:
   * what the proposal would give or take from an organisation but for its own preferences, which already exclude it.
   */
  whatIf(proposed: PolicyConfig, orgs: readonly Org[]) {
    const next = new PolicyEngine(proposed, this.engine.version + 1);
    const changes: WhatIfChange[] = [];
    const heldByPreference: WhatIfChange[] = [];
    const available = (decide: (m: CatalogueModel, d: Deployment) => Decision) =>
      new Set(this.catalogue.models.filter((m) => m.deployments.some((d) => decide(m, d).allowed)).map((m) => m.name));
    for (const org of orgs) {
      const before = new Set(this.allowedModels(org).map((m) => m.name));
      const after = new Set(this.allowedModels(org, next).map((m) => m.name));
      const held: Array<[string, 'gained' | 'lost', PolicyEngine]> = [];
      if (org.preferences) {
        const policyBefore = available((m, d) => this.decidePolicy(org, m, d, NO_FEATURES, this.engine));
        const policyAfter = available((m, d) => this.decidePolicy(org, m, d, NO_FEATURES, next));
        for (const m of policyAfter) if (!policyBefore.has(m) && !after.has(m)) held.push([m, 'gained', next]);
        for (const m of policyBefore) if (!policyAfter.has(m) && !before.has(m)) held.push([m, 'lost', this.engine]);
      }
      if (held.length === 0 && before.size === after.size && [...after].every((m) => before.has(m))) continue;
      const { controlling_country, controlling_market } = next.jurisdictionOf(org);
      const entry = (model: string, kind: 'gained' | 'lost', engine: PolicyEngine): WhatIfChange => {
        const { rule, reason, preference } = this.availabilityOf(org, this.catalogue.resolve(model)!, engine);
        return {
          org: org.id,
          org_name: org.name,
          model,
          change: kind,
          controlling_country,
          controlling_market,
          rule,
          reason,
          ...(preference ? { preference } : {}),
        };
      };
      for (const m of after) if (!before.has(m)) changes.push(entry(m, 'gained', next));
      for (const m of before) if (!after.has(m)) changes.push(entry(m, 'lost', next));
      for (const [m, kind, engine] of held) heldByPreference.push(entry(m, kind, engine));
    }
    return { changes, held_by_preference: heldByPreference };
  }

  /**
   * The decision that makes a model available (its first allowed deployment's) or not: the organisation's own
   * preference when one excludes a deployment the policy allows, else its first deployment's.
   */
  private availabilityOf(org: Org, model: CatalogueModel, engine: PolicyEngine): Decision {
    let first: Decision | undefined;
    let byPreference: Decision | undefined;
    for (const d of model.deployments) {
      const decision = this.decide(org, model, d, NO_FEATURES, engine);
      if (decision.allowed) return decision;
      first ??= decision;
      if (decision.preference) byPreference ??= decision;
    }
    return byPreference ?? first!;
  }
}

export interface WhatIfChange {
  org: string;
  org_name: string;
  model: string;
  change: 'gained' | 'lost';
  /** Where the organisation is controlled from, under the proposed policy's markets. */
  controlling_country: string;
  controlling_market: string;
  /** What decides the model for the organisation under the proposed policy. */
  rule: string;
  reason: string;
  /** When the organisation's own preference decides (held_by_preference): which. */
  preference?: PreferenceDenial;
}

/** A request that asks for no feature a rule can be about. */
export const NO_FEATURES: ReadonlySet<Feature> = new Set();

/** The features of a request that rules can be about. */
export function featuresOf(body: Record<string, unknown>, stream: boolean, vision: boolean): Set<Feature> {
  const f = new Set<Feature>();
  if (body.logprobs === true || typeof body.top_logprobs === 'number') f.add('logprobs');
  if (Array.isArray(body.tools) && body.tools.length > 0) f.add('tools');
  if (vision) f.add('vision');
  if (stream) f.add('streaming');
  if (typeof body.n === 'number' && body.n > 1) f.add('multiple_choices');
  return f;
}

/** The request field that asks for a feature, as the client sent it (for the `param` of a denial). */
export function featureField(feature: Feature, body: Record<string, unknown>): string {
  switch (feature) {
    case 'logprobs':
      return body.logprobs === true || typeof body.top_logprobs !== 'number' ? 'logprobs' : 'top_logprobs';
    case 'tools':
      return 'tools';
    case 'vision':
      return Array.isArray(body.messages) ? 'messages' : 'input';
    case 'streaming':
      return 'stream';
    case 'multiple_choices':
      return 'n';
  }
}
