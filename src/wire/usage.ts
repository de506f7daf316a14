// Token usage as vendors report it, read into the one shape metering prices.

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  /** Of the prompt, what the vendor read from its prompt cache. */
  cached_tokens: number;
  /** Of the prompt, what the vendor wrote to its prompt cache (Anthropic bills these above the input rate). */
  cache_write_tokens: number;
  /** Of the cache writes, those kept an hour (Anthropic bills them at 2x input, five-minute ones at 1.25x). */
  cache_write_1h_tokens: number;
  reasoning_tokens: number;
}

/** A count as a vendor states it: absent (undefined or null) is none; a whole number not below 0, or NaN when unusable. */
const countOf = (v: unknown): number =>
  v === undefined || v === null ? 0 : Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : NaN;

/**
 * The usage a vendor's counts make, or null when it states no totals (prompt and completion tokens) or any count is
 * unusable (a fraction, below 0, beyond 2^53, not a number): such a report is not billed from, and the reply is
 * estimated as one without usage. Parts larger than their whole (more cached than prompt tokens) are left to the
 * pricing, which bills no part beyond its whole.
 */
export function checkedUsage(counts: Partial<Record<keyof Usage, unknown>>): Usage | null {
  if (counts.prompt_tokens === undefined || counts.prompt_tokens === null) return null;
  if (counts.completion_tokens === undefined || counts.completion_tokens === null) return null;
  const u: Usage = {
    prompt_tokens: countOf(counts.prompt_tokens),
    completion_tokens: countOf(counts.completion_tokens),
    cached_tokens: countOf(counts.cached_tokens),
    cache_write_tokens: countOf(counts.cache_write_tokens),
    cache_write_1h_tokens: countOf(counts.cache_write_1h_tokens),
    reasoning_tokens: countOf(counts.reasoning_tokens),
  };
  for (const count of Object.values(u)) if (Number.isNaN(count)) return null;
  return u;
}

export function usageFrom(value: unknown): Usage | null {
  if (!value || typeof value !== 'object') return null;
  const u = value as {
    prompt_tokens?: unknown;
    completion_tokens?: unknown;
    /** cache_write_tokens: where OpenRouter reports cache writes, and where Conduit passes Anthropic's on. */
    prompt_tokens_details?: { cached_tokens?: unknown; cache_write_tokens?: unknown } | null;
    completion_tokens_details?: { reasoning_tokens?: unknown } | null;
    /** DeepSeek's name for cached prompt tokens (its API reference has no prompt_tokens_details). */
    prompt_cache_hit_tokens?: unknown;
  };
  return checkedUsage({
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    cached_tokens: u.prompt_tokens_details?.cached_tokens ?? u.prompt_cache_hit_tokens,
    cache_write_tokens: u.prompt_tokens_details?.cache_write_tokens,
    reasoning_tokens: u.completion_tokens_details?.reasoning_tokens,
  });
}

/** No tokens: what a reply that states none, or a call that failed, counts. */
export const NO_USAGE: Readonly<Usage> = Object.freeze({
  prompt_tokens: 0,
  completion_tokens: 0,
  cached_tokens: 0,
  cache_write_tokens: 0,
  cache_write_1h_tokens: 0,
  reasoning_tokens: 0,
});

/** prompt_tokens_details (input_tokens_details in the Responses API) as Conduit states it: cache writes where any. */
export function promptTokensDetails(u: Usage): { cached_tokens: number; cache_write_tokens?: number } {
  return u.cache_write_tokens > 0
    ? { cached_tokens: u.cached_tokens, cache_write_tokens: u.cache_write_tokens }
    : { cached_tokens: u.cached_tokens };
}

/** Usage in the Responses API's shape (input/output tokens). */
export function responsesUsageFrom(value: unknown): Usage | null {
  if (!value || typeof value !== 'object') return null;
  const u = value as {
    input_tokens?: unknown;
    output_tokens?: unknown;
    input_tokens_details?: { cached_tokens?: unknown; cache_write_tokens?: unknown } | null;
    output_tokens_details?: { reasoning_tokens?: unknown } | null;
  };
  return checkedUsage({
    prompt_tokens: u.input_tokens,
    completion_tokens: u.output_tokens,
    cached_tokens: u.input_tokens_details?.cached_tokens,
    cache_write_tokens: u.input_tokens_details?.cache_write_tokens,
    reasoning_tokens: u.output_tokens_details?.reasoning_tokens,
  });
}
