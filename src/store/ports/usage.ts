// Storage ports: Usage events and the ledger aggregated from them.
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
  /** Of the prompt tokens, those read from the vendor's prompt cache, and those written to it. */
  cached_tokens: number;
  cache_write_tokens: number;
  /** Of the cache writes, those kept an hour (priced apart). */
  cache_write_1h_tokens: number;
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

export interface UsageStore {
  /** Resolves once the event is durable. Idempotent by request_id. */
  record(event: UsageEvent): Promise<void>;
  totals(orgId: string, range: { from?: string; to?: string }): Promise<UsageTotals>;
  list(orgId: string, range: { from?: string; to?: string; limit?: number }): Promise<UsageEvent[]>;
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
