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
  if (typeof u.prompt_tokens !== 'number' || typeof u.completion_tokens !== 'number') return null;
  const cached = u.prompt_tokens_details?.cached_tokens;
  return {
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    cached_tokens: num(typeof cached === 'number' ? cached : u.prompt_cache_hit_tokens),
    cache_write_tokens: num(u.prompt_tokens_details?.cache_write_tokens),
    cache_write_1h_tokens: 0,
    reasoning_tokens: num(u.completion_tokens_details?.reasoning_tokens),
  };
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

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Usage in the Responses API's shape (input/output tokens). */
export function responsesUsageFrom(value: unknown): Usage | null {
  if (!value || typeof value !== 'object') return null;
  const u = value as {
    input_tokens?: unknown;
    output_tokens?: unknown;
    input_tokens_details?: { cached_tokens?: unknown; cache_write_tokens?: unknown } | null;
    output_tokens_details?: { reasoning_tokens?: unknown } | null;
  };
  if (typeof u.input_tokens !== 'number' || typeof u.output_tokens !== 'number') return null;
  return {
    prompt_tokens: u.input_tokens,
    completion_tokens: u.output_tokens,
    cached_tokens: num(u.input_tokens_details?.cached_tokens),
    cache_write_tokens: num(u.input_tokens_details?.cache_write_tokens),
    cache_write_1h_tokens: 0,
    reasoning_tokens: num(u.output_tokens_details?.reasoning_tokens),
  };
}
