// Organisations and their API keys: creation, listing, revocation, and authenticating a presented key.
import type {
  ApiKeyRecord,
  KeyStore,
  LimitsSettings,
  Org,
  OrgPatch,
  OrgStore,
  OwnerRecord,
  RoutingSettings,
  Tier,
} from '../store/ports.ts';
import { LOCAL_BUS, type Invalidation, type InvalidationBus } from '../store/invalidation.ts';
import { generateSecret, hashesEqual, hashSecret, KEY_PREFIX, newId } from './api-keys.ts';

/** How long a key known before a reload of everything waits for the store before it is served as it was. */
export const STALE_GRACE_MS = 1_000;

export interface Principal {
  org: Org;
  key: ApiKeyRecord;
}

export interface NewOrg {
  name: string;
  country: string;
  tier?: Tier;
  ownership?: OwnerRecord[];
}

export type PublicKey = Omit<ApiKeyRecord, 'hash'>;

export const toPublicKey = ({ hash: _hash, ...rest }: ApiKeyRecord): PublicKey => rest;

export class Tenancy {
  // Authenticated keys by hash. Revocation and org changes go through this class, which evicts (and tells the
  // other nodes, which evict too), so a revoked key stops working at once; misses fall through to the store.
  private readonly cache = new Map<string, Principal>();
  /**
   * What the cache held before a reload of everything (`all`: the bus's periodic safety net, or a resubscription
   * after Redis came back). No eviction named these keys, so each is looked up again at its next use, but served as
   * it was while the store does not answer within STALE_GRACE_MS: a database outage must not turn every key away
   * once the safety net runs. A revoked key is evicted by name (`key`), here as from the cache.
   */
  private readonly unconfirmed = new Map<string, Principal>();
  /** Bumped by every eviction: a look-up that started before one does not cache what it read. */
  private generation = 0;

  constructor(
    private readonly orgs: OrgStore,
    private readonly keys: KeyStore,
    private readonly bus: InvalidationBus = LOCAL_BUS,
  ) {
    bus.subscribe((change) => this.invalidated(change));
  }

  /** Another node changed a key or an organisation (or anything: `all`). */
  private invalidated(change: Invalidation): void {
    if (change.kind === 'key') this.forgetKey(change.hash);
    else if (change.kind === 'org') this.evictOrg(change.id);
    else if (change.kind === 'all') {
      this.generation++;
      for (const [hash, principal] of this.cache) this.unconfirmed.set(hash, principal);
      this.cache.clear();
    }
  }

  private forgetKey(hash: string): void {
    this.generation++;
    this.cache.delete(hash);
    this.unconfirmed.delete(hash);
  }

  async createOrg(input: NewOrg, status: Org['status'] = 'approved'): Promise<Org> {
    const org: Org = {
      id: newId('org'),
      name: input.name,
      country: input.country,
      tier: input.tier ?? 'trial',
      status,
      created_at: new Date().toISOString(),
      routing: null,
      ownership: input.ownership ?? null,
      pricing: null,
      limits: null,
      enforcement: null,
      disclosure: null,
    };
    await this.orgs.createOrg(org);
    return org;
  }

  getOrg(id: string): Promise<Org | undefined> {
    return this.orgs.getOrg(id);
  }

  listOrgs(): Promise<Org[]> {
    return this.orgs.listOrgs();
  }

  async updateOrg(id: string, patch: OrgPatch): Promise<Org | undefined> {
    const org = await this.orgs.updateOrg(id, patch);
    this.orgChanged(id);
    return org;
  }

  async setKeyRouting(
    orgId: string,
    keyId: string,
    routing: RoutingSettings | null,
  ): Promise<ApiKeyRecord | undefined> {
    const key = await this.keys.setKeyRouting(orgId, keyId, routing);
    this.orgChanged(orgId);
    return key;
  }

  async setKeyLimits(orgId: string, keyId: string, limits: LimitsSettings | null): Promise<ApiKeyRecord | undefined> {
    const key = await this.keys.setKeyLimits(orgId, keyId, limits);
    this.orgChanged(orgId);
    return key;
  }

  private orgChanged(orgId: string): void {
    this.evictOrg(orgId);
    this.bus.publish({ kind: 'org', id: orgId });
  }

  private evictOrg(orgId: string): void {
    this.generation++;
    for (const [hash, principal] of this.cache) if (principal.org.id === orgId) this.cache.delete(hash);
    for (const [hash, principal] of this.unconfirmed) if (principal.org.id === orgId) this.unconfirmed.delete(hash);
  }

  /** Returns the record and the secret; the secret is never retrievable again. */
  async createKey(orgId: string, name: string | null = null): Promise<{ record: ApiKeyRecord; secret: string }> {
    const secret = generateSecret();
    const record: ApiKeyRecord = {
      id: newId('key'),
      org_id: orgId,
      name,
      prefix: secret.slice(0, KEY_PREFIX.length + 4),
      hash: hashSecret(secret),
      created_at: new Date().toISOString(),
      revoked_at: null,
      routing: null,
      limits: null,
    };
    await this.keys.createKey(record);
    return { record, secret };
  }

  listKeys(orgId: string): Promise<ApiKeyRecord[]> {
    return this.keys.listKeys(orgId);
  }

  async revokeKey(orgId: string, keyId: string): Promise<ApiKeyRecord | undefined> {
    const record = await this.keys.revokeKey(orgId, keyId, new Date().toISOString());
    if (record) {
      this.forgetKey(record.hash);
      this.bus.publish({ kind: 'key', hash: record.hash });
    }
    return record;
  }

  /** The principal for a presented secret, or undefined for an unknown or revoked key. */
  async authenticate(secret: string): Promise<Principal | undefined> {
    const hash = hashSecret(secret);
    const cached = this.cache.get(hash);
    if (cached) return cached;
    const lookup = this.lookUp(hash);
    const previous = this.unconfirmed.get(hash);
    if (!previous) return lookup;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<Principal>((resolve) => (timer = setTimeout(() => resolve(previous), STALE_GRACE_MS)));
    try {
      return await Promise.race([lookup.catch(() => previous), grace]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async lookUp(hash: string): Promise<Principal | undefined> {
    const generation = this.generation;
    const key = await this.keys.findKeyByHash(hash);
    if (!key || key.revoked_at || !hashesEqual(key.hash, hash)) {
      this.unconfirmed.delete(hash);
      return undefined;
    }
    const org = await this.orgs.getOrg(key.org_id);
    if (!org) {
      this.unconfirmed.delete(hash);
      return undefined;
    }
    const principal = { org, key };
    if (generation === this.generation) {
      this.cache.set(hash, principal);
      this.unconfirmed.delete(hash);
    }
    return principal;
  }
}
