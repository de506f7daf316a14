// Storage ports: Organisations, their settings, and API keys.
import type { PromptLoggingSettings } from './prompt-logs.ts';
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
  /** Its opt-in to prompt logging; absent or null: nothing of its prompts or replies is ever stored. */
  prompt_logging?: PromptLoggingSettings | null;
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
    | 'prompt_logging'
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
