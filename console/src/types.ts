// The shapes of the admin API's answers the console reads (src/server/routes/admin-*.ts).

export interface Org {
  id: string;
  name: string;
  country: string;
  tier: 'trial' | 'verified' | 'strategic';
  status: 'applied' | 'screening' | 'approved' | 'needs_review' | 'rejected' | 'suspended';
  created_at: string;
  routing: Record<string, unknown> | null;
  limits: Limits | null;
  enforcement: { requests_per_minute: number; by: string; at: string; reason: string } | null;
  pricing: Record<string, unknown> | null;
}

export interface Limits {
  budget?: { monthly_micros: number; hard: boolean };
  requests_per_minute?: number;
  tokens_per_minute?: number;
  concurrent?: number;
  /** Per-model rate limits (set through the API; kept when the console saves the others). */
  models?: Record<string, { requests_per_minute?: number; tokens_per_minute?: number }>;
}

export interface List<T> {
  object: 'list';
  data: T[];
}

export interface LedgerRow {
  day?: string;
  org_id?: string;
  vendor?: string;
  model?: string;
  customer_country?: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_micros: string;
  price_micros: string;
  margin_micros: string;
}

export interface Ledger {
  currency: string;
  data: LedgerRow[];
}

export interface ScreeningHit {
  entry_id: string;
  source: string;
  listed_name: string;
  matched_name?: string;
  score: number;
  programs?: string;
  type?: string;
  subject?: { name: string; role: string };
  date_of_birth_check?: string;
  license_requirement?: string;
}

export interface Application {
  org_id: string;
  submitted_at: string;
  data: Record<string, unknown> & {
    legal_name?: string;
    country?: string;
    registration_number?: string;
    address?: string;
    website?: string;
    incorporated_on?: string;
    intended_use?: string;
    requested_tier?: string;
    ownership?: Array<{ name: string; country: string; share_pct: number }>;
  };
  screening: { screened_at: string; threshold: number; names_screened: number; hits: ScreeningHit[] } | null;
}

export interface AuditEntry {
  seq: number;
  ts: string;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  reason?: string | null;
  data?: unknown;
  hash: string;
}

export interface Risk {
  org: string;
  score: number;
  flagged: boolean;
  first_flagged_at: string | null;
  reasons: string[];
  campaign: string | null;
}

export interface Alert {
  at: string;
  org: string;
  score: number;
  action: string;
  reasons: string[];
  campaign: string | null;
}
