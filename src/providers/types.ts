// The provider adapter interface: every vendor folder implements ProviderAdapter.
// Usage is part of every result, streams included, so an adapter cannot forget metering.
import type { ProviderConfig } from '../config/schema.ts';

/** A JSON object as received on the wire; adapters read the fields they need. */
export type JsonObject = Record<string, unknown>;

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
}

/**
 * Cancellation as an upstream call sees it: has the caller gone, and tell me when it goes. AbortSignal fits it;
 * so does the data plane's cheaper ClientGone (an AbortSignal per request is an EventTarget and its
 * listener bookkeeping, paid on every call to hear about the rare client that leaves).
 */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface UpstreamRequest {
  /** The client's request body with `model` replaced by the vendor's model name. */
  body: JsonObject;
  /** The exact JSON text of `body`, when the gateway has it (spares re-serialising large prompts). */
  bodyText?: string;
  /** The vendor's model name. */
  model: string;
  /** Azure deployment name, when the deployment needs one. */
  azureDeployment?: string;
  signal: CancelSignal;
  /** Stable pseudonymous end-customer id to pass on to the vendor's abuse monitoring. */
  endUser?: string;
}

export interface JsonResult {
  body: JsonObject;
  /** The vendor's exact JSON text of `body`, when the adapter read one. */
  text?: string;
  /** What the vendor reported; null when it reported nothing. */
  usage: Usage | null;
}

/** One server-sent event of a chat stream: the raw `data:` payload, forwarded verbatim, and its parsed form. */
export interface StreamEvent {
  /** The SSE event name, for protocols that send one (the Responses API does). */
  event?: string;
  data: string;
  /** The parsed event; absent for ordinary chat chunks read by a scan (see `text`). */
  chunk?: JsonObject;
  /** For ordinary chat chunks: the content delta, read without parsing the whole chunk. */
  text?: string;
  /** Set on the chunk that carries usage (OpenAI sends it last, with empty choices). */
  usage: Usage | null;
}

/**
 * Events that arrived together (one network read). `ends` marks the batch that holds the stream's terminal event
 * (chat's [DONE], the Responses API's response.completed): nothing follows it, so what the gateway adds at the
 * end may leave with it in one write.
 */
export type EventBatch = StreamEvent[] & { ends?: boolean };

/**
 * Iterating yields the events that arrived together, in order, as soon as they arrive; batching them keeps the
 * per-event cost of a stream low. The iterator throws UpstreamError when the stream breaks.
 */
export type EventStream = AsyncIterable<EventBatch>;

export interface ProviderAdapter {
  readonly config: ProviderConfig;
  chat(req: UpstreamRequest): Promise<JsonResult>;
  /** Resolves once the upstream accepted the request (status and headers in), before the first token. */
  chatStream(req: UpstreamRequest): Promise<EventStream>;
  embeddings(req: UpstreamRequest): Promise<JsonResult>;
  /** OpenAI Responses API, for deployments with the `responses` capability. */
  responses?(req: UpstreamRequest): Promise<JsonResult>;
  responsesStream?(req: UpstreamRequest): Promise<EventStream>;
  /** Active health check: resolves when GET base_url+path answers 2xx. */
  probe?(path: string, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export type UpstreamFailure = 'status' | 'timeout' | 'connect' | 'protocol' | 'aborted';

/** An upstream failed: the pipeline maps it to 502/503/504 (or the vendor's 4xx) and may retry elsewhere. */
export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamFailure,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
    /** The vendor's error body, for 4xx passed back to the client. */
    readonly body?: JsonObject,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export function usageFrom(value: unknown): Usage | null {
  if (!value || typeof value !== 'object') return null;
  const u = value as {
    prompt_tokens?: unknown;
    completion_tokens?: unknown;
    prompt_tokens_details?: { cached_tokens?: unknown } | null;
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
    reasoning_tokens: num(u.completion_tokens_details?.reasoning_tokens),
  };
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Usage in the Responses API's shape (input/output tokens). */
export function responsesUsageFrom(value: unknown): Usage | null {
  if (!value || typeof value !== 'object') return null;
  const u = value as {
    input_tokens?: unknown;
    output_tokens?: unknown;
    input_tokens_details?: { cached_tokens?: unknown } | null;
    output_tokens_details?: { reasoning_tokens?: unknown } | null;
  };
  if (typeof u.input_tokens !== 'number' || typeof u.output_tokens !== 'number') return null;
  return {
    prompt_tokens: u.input_tokens,
    completion_tokens: u.output_tokens,
    cached_tokens: num(u.input_tokens_details?.cached_tokens),
    reasoning_tokens: num(u.output_tokens_details?.reasoning_tokens),
  };
}
