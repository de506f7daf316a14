// Storage ports: what domain modules need from storage, nothing about how it is stored.

export type Tier = 'trial' | 'verified' | 'strategic';
export type OrgStatus = 'applied' | 'screening' | 'approved' | 'needs_review' | 'rejected' | 'suspended';

/** Where requests may be served from; validated by the routing module before it is stored. */
export interface RoutingSettings {
  allowed_regions?: string[];
  preferred_regions?: string[];
  residency?: string[];
  exclude_home_country?: boolean;
  strategy?: 'priority' | 'weighted' | 'latency' | 'cost';
}

/** An owner of a company, for ownership look-through. */
export interface OwnerRecord {
  name: string;
  country: string;
  share_pct: number;
  owners?: OwnerRecord[];
}

export interface Org {
  id: string;
  name: string;
  country: string;
  tier: Tier;
  status: OrgStatus;
  created_at: string;
  routing: RoutingSettings | null;
  ownership: OwnerRecord[] | null;
  /** Negotiated pricing (validated by the metering module): discount, rates, committed spend. */
  pricing: Record<string, unknown> | null;
  /** Budget and rate limits for the whole organisation, as the operator set them. */
  limits: LimitsSettings | null;
  /** Enforcement imposed on top of `limits` (an abuse throttle); clearing it leaves `limits` as they were. */
  enforcement: EnforcementOverlay | null;
  /** How outputs are disclosed as AI-generated (validated by the provenance module). */
  disclosure: Record<string, unknown> | null;
  /** The customer's own exclusions of vendors, models and serving regions (validated by the policy module). */
  preferences?: OrgPreferences | null;
  /** Terms agreed with this customer: acceptable use, data retention (validated by the policy module). */
  contract?: ContractTerms | null;
}

export interface AllowDeny {
  allow?: string[];
  deny?: string[];
}

export interface OrgPreferences {
  vendors?: AllowDeny;
  models?: AllowDeny;
  regions?: AllowDeny;
  region_countries?: AllowDeny;
}

export interface ContractTerms {
  reference?: string;
  effective_from?: string;
  acceptable_use?: string;
  data_retention?: string;
}

export interface LimitsSettings {
  budget?: { monthly_micros: number; hard: boolean };
  requests_per_minute?: number;
  tokens_per_minute?: number;
  concurrent?: number;
  /** Per-model limits within the organisation. */
  models?: Record<string, { requests_per_minute?: number; tokens_per_minute?: number }>;
}

export interface EnforcementOverlay {
  /** The throttle: the organisation's requests per minute are at most this, whatever its limits allow. */
  requests_per_minute: number;
  /** Who imposed it (a reviewer, or "abuse-detector"), when, and why. */
  by: string;
  at: string;
  reason: string;
}

export interface ApiKeyRecord {
  id: string;
  org_id: string;
  name: string | null;
  /** First characters of the secret, for recognising a key in lists. */
  prefix: string;
  /** sha256 of the secret, hex. The secret itself is never stored. */
  hash: string;
  created_at: string;
  revoked_at: string | null;
  routing: RoutingSettings | null;
  limits: LimitsSettings | null;
}

export interface UsageEvent {
  request_id: string;
  ts: string;
  org_id: string;
  key_id: string;
  endpoint: string;
  model: string;
  vendor: string;
  deployment: string;
  region: string;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  /** True when tokens were counted by Conduit (stream cut, vendor reported nothing), not by the vendor. */
  estimated: boolean;
  status: number;
  latency_ms: number;
  /** Money, in micro-units of the price book's currency: what the vendor costs us, the list price, what the customer pays. */
  cost_micros: number;
  list_price_micros: number;
  price_micros: number;
  /** The customer's country of incorporation, for revenue by territory. */
  customer_country: string;
  /**
   * Set on a stream's interim records: 0 on the one made durable before its first byte, then 1, 2, ... as it
   * delivers (estimated, what was delivered so far). Absent on the final event. A record replaces one with the same
   * request id only if that one is interim and numbered lower: the final event replaces them all, and a replay
   * never goes back.
   */
  interim?: number;
}

export interface UsageTotals {
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type OrgPatch = Partial<
  Pick<
    Org,
    | 'name'
    | 'country'
    | 'tier'
    | 'status'
    | 'routing'
    | 'ownership'
    | 'pricing'
    | 'limits'
    | 'enforcement'
    | 'disclosure'
    | 'preferences'
    | 'contract'
  >
>;

export interface OrgStore {
  createOrg(org: Org): Promise<void>;
  getOrg(id: string): Promise<Org | undefined>;
  listOrgs(): Promise<Org[]>;
  updateOrg(id: string, patch: OrgPatch): Promise<Org | undefined>;
}

export interface KeyStore {
  createKey(key: ApiKeyRecord): Promise<void>;
  findKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  listKeys(orgId: string): Promise<ApiKeyRecord[]>;
  revokeKey(orgId: string, keyId: string, at: string): Promise<ApiKeyRecord | undefined>;
  setKeyRouting(orgId: string, keyId: string, routing: RoutingSettings | null): Promise<ApiKeyRecord | undefined>;
  setKeyLimits(orgId: string, keyId: string, limits: LimitsSettings | null): Promise<ApiKeyRecord | undefined>;
}

export interface UsageStore {
  /** Resolves once the event is durable. Idempotent by request_id. */
  record(event: UsageEvent): Promise<void>;
  totals(orgId: string, range: { from?: string; to?: string }): Promise<UsageTotals>;
  list(orgId: string, range: { from?: string; to?: string; limit?: number }): Promise<UsageEvent[]>;
}

export interface AuditRecord {
  seq: number;
  ts: string;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  reason: string | null;
  data: Record<string, unknown> | null;
  prev_hash: string;
  hash: string;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  subject_type?: string;
  subject_id?: string;
  from?: string;
  to?: string;
  limit?: number;
}

export interface AuditStore {
  /**
   * Appends the entry `next` makes from the chain's head (undefined while the log is empty), reading the head and
   * writing the entry as one step: appends from several processes on one database never fork the chain.
   */
  appendNext(next: (head: AuditRecord | undefined) => AuditRecord): Promise<AuditRecord>;
  last(): Promise<AuditRecord | undefined>;
  list(filter: AuditFilter): Promise<AuditRecord[]>;
  /** Every entry in sequence order, for verification. */
  all(): Promise<AuditRecord[]>;
}

export interface ApplicationRecord {
  org_id: string;
  submitted_at: string;
  /** The application as submitted (validated by the vetting module). */
  data: Record<string, unknown>;
  /** The latest screening: hits and when, against which list versions, at which threshold, of how many names. */
  screening: {
    screened_at: string;
    list_versions: Record<string, number>;
    threshold?: number;
    names_screened?: number;
    hits: Array<Record<string, unknown>>;
  } | null;
  /** Approvers so far (enhanced due diligence needs two). */
  approvals: Array<{
    actor: string;
    /** The approving admin principal's id (approvals recorded before principals have none). */ actor_id?: string;
    at: string;
    tier: string;
  }>;
  /** Know-your-business follow-up: risk level, next review date, reviewers' notes (validated by the vetting module). */
  kyb?: Record<string, unknown> | null;
}

export interface SanctionsListRecord {
  source: string;
  version: number;
  loaded_at: string;
  entries: Array<{ id: string; source: string; name: string; aliases: string[]; type: string; programs: string }>;
}

export interface VettingStore {
  saveApplication(record: ApplicationRecord): Promise<void>;
  getApplication(orgId: string): Promise<ApplicationRecord | undefined>;
  listApplications(): Promise<ApplicationRecord[]>;
  saveList(list: SanctionsListRecord): Promise<void>;
  lists(): Promise<SanctionsListRecord[]>;
}

/** One version of a document that changes as a whole (the policy, the price book), and who made it. */
export interface VersionRecord {
  version: number;
  created_at: string;
  actor: string;
  document: Record<string, unknown>;
}

export interface VersionedStore {
  latest(): Promise<VersionRecord | undefined>;
  save(record: VersionRecord): Promise<void>;
}

/** Ledger sums, exact (bigint money). */
export interface LedgerRow {
  group: Record<string, string>;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_micros: bigint;
  list_price_micros: bigint;
  price_micros: bigint;
}

export const LEDGER_DIMENSIONS = [
  'org_id',
  'key_id',
  'model',
  'vendor',
  'deployment',
  'region',
  'customer_country',
  'day',
  'endpoint',
] as const;
export type LedgerDimension = (typeof LEDGER_DIMENSIONS)[number];

export interface LedgerQuery {
  group_by: LedgerDimension[];
  from?: string;
  to?: string;
  org_id?: string;
  vendor?: string;
}

export interface LedgerStore {
  aggregate(q: LedgerQuery): Promise<LedgerRow[]>;
  /** Price (micro-units) charged to an org (or one key) since `from`. */
  spent(orgId: string, from: string, keyId?: string): Promise<bigint>;
}

export interface SigningKeyRecord {
  kid: string;
  created_at: string;
  retired_at: string | null;
  /** The PKCS#8 private key, sealed (AES-256-GCM under the key-encryption key, see provenance/key-encryption.ts);
   * rows written before sealing existed hold the PEM itself until the next start seals them. */
  private_pem: string;
  /** PEM certificates, signer first (C2PA requires an X.509 credential); issued when the key is first loaded. */
  cert_chain_pem?: string | null;
  /** Revoked (a retired key only): its manifests no longer count as valid. */
  revoked_at?: string | null;
  revocation_reason?: string | null;
}

export interface SigningKeyStore {
  list(): Promise<SigningKeyRecord[]>;
  /** Inserts or updates the whole record (private key included); what it overwrites is not left readable in storage. */
  save(key: SigningKeyRecord): Promise<void>;
  /** Makes overwritten key material unreadable in the storage files now (SQLite: writes the WAL back and empties it). */
  forgetOverwritten?(): Promise<void>;
  /**
   * Runs `work` while no other process sharing this store runs its own (PostgreSQL: an advisory lock): nodes starting
   * together make one first key, not one each. Absent where one process owns the store.
   */
  exclusive?<T>(work: () => Promise<T>): Promise<T>;
}

export interface RegisteredOutput {
  request_id: string;
  org_id: string;
  created_at: string;
  manifest: string;
  /** Winnowed fingerprint hashes of the text (never the text), ascending and distinct. A typed array, not
   * numbers in an array: outputs wait in memory for their batch, and most hashes would be heap objects. */
  fingerprints: Uint32Array;
}

export interface OutputRecord {
  id: number;
  request_id: string;
  org_id: string;
  created_at: string;
  manifest: string;
  fingerprint_count: number;
  /** The output's whole fingerprint set. */
  fingerprints: Uint32Array;
}

/** Hashes per output kept in the lookup index (its smallest ones): enough to find it, cheap to write. */
export const INDEXED_FINGERPRINTS = 8;

/** The smallest hashes of an output's set: its first ones, the set being ascending (RegisteredOutput). */
export function indexedSubset(fingerprints: Uint32Array): number[] {
  return Array.from(fingerprints.subarray(0, INDEXED_FINGERPRINTS));
}

export interface FingerprintStore {
  register(outputs: RegisteredOutput[]): Promise<void>;
  /** Output ids whose indexed subset holds each of these hashes. */
  lookup(hashes: number[]): Promise<Array<{ hash: number; output_id: number }>>;
  outputs(ids: number[]): Promise<OutputRecord[]>;
  /** Forgets outputs registered before `before`; returns how many. */
  purge(before: string): Promise<number>;
  stats(): Promise<{ outputs: number; fingerprints: number }>;
}

/** An issued invoice or credit note: numbered, stored whole as it was issued, never changed. */
export interface IssuedDocument {
  number: string;
  org_id: string;
  /** The invoice's month (YYYY-MM); for a credit note, that of the invoice it credits. */
  month: string;
  issued_at: string;
  /** A credit note's invoice (its number); null for an invoice. */
  invoice_number: string | null;
  /** The document (validated by the metering module). */
  document: Record<string, unknown>;
}

export interface BillingStore {
  /** A customer's billing details (legal name, address, tax id), as the metering module validated them. */
  billingProfile(orgId: string): Promise<Record<string, unknown> | undefined>;
  saveBillingProfile(orgId: string, profile: Record<string, unknown>, at: string): Promise<void>;
  invoice(orgId: string, month: string): Promise<IssuedDocument | undefined>;
  invoices(orgId: string): Promise<IssuedDocument[]>;
  creditNote(number: string): Promise<IssuedDocument | undefined>;
  /** The credit notes of an invoice, in the order they were issued. */
  creditNotes(invoiceNumber: string): Promise<IssuedDocument[]>;
  /**
   * Stores an invoice or a credit note under the next number of `series` (its sequence starts at 1), in one
   * transaction: the number is used only if the document is stored, so a sequence has no gaps. `make` builds the
   * document from the sequence number. An invoice is refused (undefined) when its organisation and month have one.
   */
  issue(
    kind: 'invoice' | 'credit_note',
    series: string,
    make: (sequence: number) => IssuedDocument,
  ): Promise<IssuedDocument | undefined>;
}

/**
 * A piece of the distillation detector's state, kept so that an organisation's history survives a restart: an
 * organisation's or a campaign's profile. Counters and hashed sketches only, never prompt or completion text.
 */
export interface AbuseProfileRecord {
  kind: 'org' | 'campaign';
  /** The organisation's id, or the campaign's root organisation. */
  subject: string;
  updated_at: string;
  /** Counters, scores and reasons (validated by the abuse module). */
  state: Record<string, unknown>;
  /** The hashed sketches (word, template and prompt hashes), packed by the abuse module. */
  sketch: Uint8Array;
}

export interface AbuseAlertRecord {
  at: string;
  org: string;
  score: number;
  action: string;
  reasons: string[];
  campaign: string | null;
}

export interface AbuseStore {
  profiles(): Promise<AbuseProfileRecord[]>;
  /** Writes these records (replacing those of the same kind and subject) and deletes `removed`, in one transaction. */
  saveProfiles(
    records: AbuseProfileRecord[],
    removed: Array<Pick<AbuseProfileRecord, 'kind' | 'subject'>>,
  ): Promise<void>;
  appendAlert(alert: AbuseAlertRecord): Promise<void>;
  /** Every alert, oldest first. */
  alerts(): Promise<AbuseAlertRecord[]>;
}

/**
 * A Responses API response kept so that later requests of its organisation may continue it (previous_response_id)
 * or name its output items (item_reference). Only responses whose request did not say `store: false` are kept.
 */
export interface StoredResponse {
  org_id: string;
  id: string;
  created_at: string;
  /** The input it answered, earlier turns included: the conversation before its output. */
  input: Array<Record<string, unknown>>;
  output: Array<Record<string, unknown>>;
}

export interface ResponseStore {
  /** Keeps a response, and its output items that have an id under that id, for its organisation. */
  save(response: StoredResponse): Promise<void>;
  /** One of the organisation's responses; another organisation's is not found. */
  get(orgId: string, id: string): Promise<StoredResponse | undefined>;
  /** Output items of the organisation's stored responses by id; ids not found are absent from the map. */
  items(orgId: string, ids: string[]): Promise<Map<string, Record<string, unknown>>>;
  /** Forgets the responses (and their items) created before `before`; resolves with how many responses. */
  purge(before: string): Promise<number>;
}

/** An admin principal (tenancy/principals.ts): a name, a role, its token's SHA-256 (never the token). */
export interface AdminPrincipalRecord {
  id: string;
  name: string;
  role: 'admin' | 'operator' | 'finance' | 'compliance' | 'viewer';
  hash: string;
  created_at: string;
  /** Deleted principals are kept (the audit log names them) but their token no longer works. */
  deleted_at: string | null;
}

export interface PrincipalStore {
  createPrincipal(record: AdminPrincipalRecord): Promise<void>;
  findPrincipalByHash(hash: string): Promise<AdminPrincipalRecord | undefined>;
  /** The principals not deleted, oldest first. */
  listPrincipals(): Promise<AdminPrincipalRecord[]>;
  /** Marks an active principal deleted; undefined when there is none with that id. */
  deletePrincipal(id: string, at: string): Promise<AdminPrincipalRecord | undefined>;
}

/** A server a node needs in order to serve (GET /readyz): `check` rejects, saying why, while it is unreachable. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** What cluster store parts tell the operator: a server lost and back, writes failing (and retried). */
export interface StoreLog {
  error(message: string, err?: unknown): void;
  warn(message: string): void;
  info(message: string): void;
}

export interface Store {
  /** Absent for the embedded store, which is never unreachable. */
  readiness?: ReadinessCheck;
  abuse: AbuseStore;
  signingKeys: SigningKeyStore;
  fingerprints: FingerprintStore;
  ledger: LedgerStore;
  billing: BillingStore;
  priceBooks: VersionedStore;
  vetting: VettingStore;
  policy: VersionedStore;
  orgs: OrgStore;
  keys: KeyStore;
  usage: UsageStore;
  audit: AuditStore;
  responses: ResponseStore;
  principals: PrincipalStore;
  close(): Promise<void>;
}
