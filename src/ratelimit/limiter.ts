// Request, token and concurrency limits per key, organisation and model, on in-process one-minute windows.
// Synchronous: admitting a request costs a few Map lookups. Reports OpenAI's x-ratelimit-* headers.
import { FixedWindows } from './windows.ts';

export interface LimitSpec {
  /** Stable name of the scope, e.g. "org:abc" or "org:abc|model:gpt-4o". */
  scope: string;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  concurrent?: number;
}

export type LimitOutcome =
  | { ok: true; headers: Record<string, string>; release: (actualTokens: number) => void }
  | { ok: false; headers: Record<string, string>; retryAfterSeconds: number; message: string };

/**
 * What the admit stage counts against: in process (synchronous, the embedded default) or shared by the nodes of a
 * cluster (a promise). `release` frees what the admission held, with the tokens the request used.
 */
export interface RateLimiter {
  admit(specs: readonly LimitSpec[], estimatedTokens: number): LimitOutcome | Promise<LimitOutcome>;
}

/** A scope's window of one kind, as counted now: points used and ms until it closes (0 when none is open). */
export type WindowPeek = (kind: 'requests' | 'tokens', scope: string) => { used: number; msLeft: number };

export type Hit = 'concurrent' | 'requests' | 'tokens';

/** OpenAI writes resets as durations: "1s", "6m0s", "120ms". */
export function openaiDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}

export class RateLimits implements RateLimiter {
  /** A scope's request count and token count are separate budgets, each in its own windows. */
  private readonly requests: FixedWindows;
  private readonly tokens: FixedWindows;
  private readonly inFlight = new Map<string, number>();

  constructor(now: () => number = Date.now) {
    this.requests = new FixedWindows(60_000, now);
    this.tokens = new FixedWindows(60_000, now);
  }

  /**
   * Admits a request against every applicable limit, or says which one it hit and when to retry. Either way the
   * headers describe the tightest request and token limits of `specs` (on a refusal, the limit that was hit).
   */
  admit(specs: readonly LimitSpec[], estimatedTokens: number): LimitOutcome {
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i]!;
      const hit = this.take(spec, estimatedTokens);
      if (hit === undefined) continue;
      for (let j = 0; j < i; j++) this.giveBack(specs[j]!, estimatedTokens);
      return this.refusal(specs, spec, hit);
    }
    const headers: Record<string, string> = {};
    this.describe(headers, specs);
    let released = false;
    return {
      ok: true,
      headers,
      release: (actualTokens: number) => {
        if (released) return;
        released = true;
        this.settle(specs, estimatedTokens, actualTokens);
      },
    };
  }

  /** Counts a request against one spec; if that hits a limit, takes back what it counted there and says which. */
  private take(spec: LimitSpec, estimatedTokens: number): Hit | undefined {
    if (spec.concurrent !== undefined) {
      const n = this.inFlight.get(spec.scope) ?? 0;
      if (n >= spec.concurrent) return 'concurrent';
      this.inFlight.set(spec.scope, n + 1);
    }
    if (spec.requestsPerMinute !== undefined && this.requests.add(spec.scope, 1).used > spec.requestsPerMinute) {
      this.requests.remove(spec.scope, 1);
      this.leave(spec);
      return 'requests';
    }
    if (spec.tokensPerMinute !== undefined) {
      const cost = countedTokens(spec.tokensPerMinute, estimatedTokens);
      if (this.tokens.add(spec.scope, cost).used > spec.tokensPerMinute) {
        this.tokens.remove(spec.scope, cost);
        if (spec.requestsPerMinute !== undefined) this.requests.remove(spec.scope, 1);
        this.leave(spec);
        return 'tokens';
      }
    }
    return undefined;
  }

  /** Undoes `take` for a spec the request passed, when a later one refused it. */
  private giveBack(spec: LimitSpec, estimatedTokens: number): void {
    if (spec.requestsPerMinute !== undefined) this.requests.remove(spec.scope, 1);
    if (spec.tokensPerMinute !== undefined)
      this.tokens.remove(spec.scope, countedTokens(spec.tokensPerMinute, estimatedTokens));
    this.leave(spec);
  }

  /** Frees a concurrency slot; an idle scope leaves the map. */
  private leave(spec: LimitSpec): void {
    if (spec.concurrent === undefined) return;
    const n = (this.inFlight.get(spec.scope) ?? 1) - 1;
    if (n > 0) this.inFlight.set(spec.scope, n);
    else this.inFlight.delete(spec.scope);
  }

  /** After the request: its slots free, and each token window holds what it used instead of what was counted. */
  private settle(specs: readonly LimitSpec[], estimatedTokens: number, actualTokens: number): void {
    for (const spec of specs) {
      this.leave(spec);
      if (spec.tokensPerMinute === undefined) continue;
      const delta = actualTokens - countedTokens(spec.tokensPerMinute, estimatedTokens);
      if (delta > 0) this.tokens.add(spec.scope, delta);
      else if (delta < 0) this.tokens.remove(spec.scope, -delta);
    }
  }

  private readonly peek: WindowPeek = (kind, scope) => (kind === 'requests' ? this.requests : this.tokens).peek(scope);

  private refusal(specs: readonly LimitSpec[], spec: LimitSpec, hit: Hit): LimitOutcome {
    return refusal(specs, spec, hit, this.peek);
  }

  private describe(headers: Record<string, string>, specs: readonly LimitSpec[]): void {
    describeLimits(headers, specs, this.peek);
  }
}

/** The refusal of a request that hit `hit` of `spec`: its message, Retry-After and the headers of that limit. */
export function refusal(specs: readonly LimitSpec[], spec: LimitSpec, hit: Hit, peek: WindowPeek): LimitOutcome {
  const headers: Record<string, string> = {};
  describeLimits(headers, specs, peek, hit === 'requests' ? spec : undefined, hit === 'tokens' ? spec : undefined);
  if (hit === 'concurrent') {
    return {
      ok: false,
      headers,
      retryAfterSeconds: 1,
      message: `Too many concurrent requests for ${spec.scope} (limit ${spec.concurrent}).`,
    };
  }
  const limit = hit === 'requests' ? spec.requestsPerMinute! : spec.tokensPerMinute!;
  const { msLeft } = peek(hit, spec.scope);
  const what = hit === 'requests' ? `${limit} requests per minute` : `${limit} tokens per minute`;
  return {
    ok: false,
    headers,
    retryAfterSeconds: Math.max(1, Math.ceil(msLeft / 1000)),
    message: `Rate limit reached for ${spec.scope}: ${what}. Retry after ${openaiDuration(msLeft)}.`,
  };
}

/**
 * Writes the x-ratelimit-* headers: per kind, the limit with the least left (or `boundRequests` / `boundTokens`,
 * the limit a refusal hit). Reads the windows without counting.
 */
export function describeLimits(
  headers: Record<string, string>,
  specs: readonly LimitSpec[],
  peek: WindowPeek,
  boundRequests?: LimitSpec,
  boundTokens?: LimitSpec,
): void {
  let requests: WindowView | undefined;
  let tokens: WindowView | undefined;
  for (const spec of specs) {
    if (spec.requestsPerMinute !== undefined && (boundRequests === undefined || boundRequests === spec)) {
      requests = tighter(requests, spec.requestsPerMinute, peek('requests', spec.scope));
    }
    if (spec.tokensPerMinute !== undefined && (boundTokens === undefined || boundTokens === spec)) {
      tokens = tighter(tokens, spec.tokensPerMinute, peek('tokens', spec.scope));
    }
  }
  setHeaders(headers, requests, tokens);
}

/** A request larger than a whole token limit counts as the whole limit, so it can pass in an empty window. */
export const countedTokens = (limit: number, estimatedTokens: number) => Math.min(estimatedTokens, limit);

interface WindowView {
  limit: number;
  remaining: number;
  reset: number;
}

function tighter(current: WindowView | undefined, limit: number, window: { used: number; msLeft: number }): WindowView {
  const remaining = limit - window.used;
  return current && current.remaining <= remaining ? current : { limit, remaining, reset: window.msLeft };
}

function setHeaders(headers: Record<string, string>, requests?: WindowView, tokens?: WindowView): void {
  if (requests) {
    headers['x-ratelimit-limit-requests'] = String(requests.limit);
    headers['x-ratelimit-remaining-requests'] = String(Math.max(0, requests.remaining));
    headers['x-ratelimit-reset-requests'] = openaiDuration(requests.reset);
  }
  if (tokens) {
    headers['x-ratelimit-limit-tokens'] = String(tokens.limit);
    headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, tokens.remaining));
    headers['x-ratelimit-reset-tokens'] = openaiDuration(tokens.reset);
  }
}
