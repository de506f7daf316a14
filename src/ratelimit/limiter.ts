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

/** OpenAI writes resets as durations: "1s", "6m0s", "120ms". */
export function openaiDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}

export class RateLimits {
  /** One set of windows per kind: a scope's request count and token count are separate budgets. */
  private readonly windows: Record<'req' | 'tok', FixedWindows>;
  private readonly inFlight = new Map<string, number>();

  constructor(now: () => number = Date.now) {
    this.windows = { req: new FixedWindows(60_000, now), tok: new FixedWindows(60_000, now) };
  }

  /** Admits a request against every applicable limit, or says which one it hit and when to retry. */
  admit(specs: readonly LimitSpec[], estimatedTokens: number): LimitOutcome {
    const headers: Record<string, string> = {};
    const undo: Array<() => void> = [];
    const tokenScopes: LimitSpec[] = [];
    let tightestRequests: WindowView | undefined;
    let tightestTokens: WindowView | undefined;
    for (const spec of specs) {
      if (spec.concurrent !== undefined) {
        const n = this.inFlight.get(spec.scope) ?? 0;
        if (n >= spec.concurrent) {
          for (const u of undo) u();
          return { ok: false, headers, retryAfterSeconds: 1, message: `Too many concurrent requests for ${spec.scope} (limit ${spec.concurrent}).` };
        }
        this.inFlight.set(spec.scope, n + 1);
        undo.push(() => this.inFlight.set(spec.scope, (this.inFlight.get(spec.scope) ?? 1) - 1));
      }
      for (const kind of KINDS) {
        const limit = kind === 'req' ? spec.requestsPerMinute : spec.tokensPerMinute;
        if (limit === undefined) continue;
        // A request larger than the whole limit counts as the whole limit, so it can pass in an empty window.
        const cost = Math.min(kind === 'req' ? 1 : estimatedTokens, limit);
        const windows = this.windows[kind];
        const { used, msLeft } = windows.add(spec.scope, cost);
        undo.push(() => windows.remove(spec.scope, cost));
        if (used > limit) {
          for (const u of undo) u();
          const view = { limit, remaining: 0, reset: msLeft };
          setHeaders(headers, kind === 'req' ? view : tightestRequests, kind === 'tok' ? view : tightestTokens);
          const what = kind === 'req' ? `${limit} requests per minute` : `${limit} tokens per minute`;
          return { ok: false, headers, retryAfterSeconds: Math.max(1, Math.ceil(msLeft / 1000)), message: `Rate limit reached for ${spec.scope}: ${what}. Retry after ${openaiDuration(msLeft)}.` };
        }
        const view = { limit, remaining: limit - used, reset: msLeft };
        if (kind === 'req' && (!tightestRequests || view.remaining < tightestRequests.remaining)) tightestRequests = view;
        if (kind === 'tok') {
          tokenScopes.push(spec);
          if (!tightestTokens || view.remaining < tightestTokens.remaining) tightestTokens = view;
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
          if (delta > 0) this.windows.tok.add(spec.scope, delta);
          else if (delta < 0) this.windows.tok.remove(spec.scope, -delta);
        }
      },
    };
  }
}

const KINDS = ['req', 'tok'] as const;

interface WindowView {
  limit: number;
  remaining: number;
  reset: number;
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
