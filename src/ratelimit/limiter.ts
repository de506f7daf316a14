// Request, token and concurrency limits per key, organisation and model, on rate-limiter-flexible's
// in-memory limiters (RateLimiterRedis takes their place in a cluster). Reports OpenAI's x-ratelimit-* headers.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

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

/** OpenAI writes resets as durations: "1s", "6m0s", "120ms". */
export function openaiDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}

export class RateLimits {
  private readonly limiters = new Map<string, RateLimiterMemory>();
  private readonly inFlight = new Map<string, number>();

  private limiter(kind: 'req' | 'tok', points: number): RateLimiterMemory {
    const key = `${kind}:${points}`;
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new RateLimiterMemory({ points, duration: 60, keyPrefix: key });
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  /** Admits a request against every applicable limit, or says which one it hit and when to retry. */
  async admit(specs: readonly LimitSpec[], estimatedTokens: number): Promise<LimitOutcome> {
    const headers: Record<string, string> = {};
    const consumed: Array<() => void> = [];
    const tokenScopes: LimitSpec[] = [];
    const undo = () => consumed.forEach((u) => u());
    let tightestRequests: { limit: number; remaining: number; reset: number } | undefined;
    let tightestTokens: { limit: number; remaining: number; reset: number } | undefined;
    for (const spec of specs) {
      if (spec.concurrent !== undefined) {
        const n = this.inFlight.get(spec.scope) ?? 0;
        if (n >= spec.concurrent) {
          undo();
          return { ok: false, headers, retryAfterSeconds: 1, message: `Too many concurrent requests for ${spec.scope} (limit ${spec.concurrent}).` };
        }
        this.inFlight.set(spec.scope, n + 1);
        consumed.push(() => this.inFlight.set(spec.scope, (this.inFlight.get(spec.scope) ?? 1) - 1));
      }
      for (const [kind, points, cost] of [
        ['req', spec.requestsPerMinute, 1],
        ['tok', spec.tokensPerMinute, estimatedTokens],
      ] as const) {
        if (points === undefined) continue;
        const limiter = this.limiter(kind, points);
        try {
          const res = await limiter.consume(spec.scope, Math.min(cost, points));
          consumed.push(() => void limiter.reward(spec.scope, Math.min(cost, points)).catch(() => undefined));
          const view = { limit: points, remaining: res.remainingPoints, reset: res.msBeforeNext };
          if (kind === 'req' && (!tightestRequests || view.remaining < tightestRequests.remaining)) tightestRequests = view;
          if (kind === 'tok') {
            tokenScopes.push(spec);
            if (!tightestTokens || view.remaining < tightestTokens.remaining) tightestTokens = view;
          }
        } catch (err) {
          if (!(err instanceof RateLimiterRes)) throw err;
          undo();
          const view = { limit: points, remaining: 0, reset: err.msBeforeNext };
          setHeaders(headers, kind === 'req' ? view : tightestRequests, kind === 'tok' ? view : tightestTokens);
          const what = kind === 'req' ? `${points} requests per minute` : `${points} tokens per minute`;
          return { ok: false, headers, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)), message: `Rate limit reached for ${spec.scope}: ${what}. Retry after ${openaiDuration(err.msBeforeNext)}.` };
        }
      }
    }
    setHeaders(headers, tightestRequests, tightestTokens);
    let released = false;
    return {
      ok: true,
      headers,
      release: (actualTokens: number) => {
        if (released) return;
        released = true;
        for (const spec of specs) {
          if (spec.concurrent !== undefined) this.inFlight.set(spec.scope, (this.inFlight.get(spec.scope) ?? 1) - 1);
        }
        // Settle the token estimate against what was actually used.
        const delta = actualTokens - estimatedTokens;
        for (const spec of tokenScopes) {
          const limiter = this.limiter('tok', spec.tokensPerMinute!);
          if (delta > 0) void limiter.penalty(spec.scope, delta).catch(() => undefined);
          else if (delta < 0) void limiter.reward(spec.scope, -delta).catch(() => undefined);
        }
      },
    };
  }
}

function setHeaders(headers: Record<string, string>, requests?: { limit: number; remaining: number; reset: number }, tokens?: { limit: number; remaining: number; reset: number }): void {
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
