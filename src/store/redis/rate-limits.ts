// Rate limits shared by every node of a cluster: the same windows and concurrency slots as the in-process
// limiter, counted in Redis by one script call per admission and one per release.
import { randomUUID } from 'node:crypto';
import {
  countedTokens,
  describeLimits,
  refusal,
  type Hit,
  type LimitOutcome,
  type LimitSpec,
  type RateLimiter,
  type WindowPeek,
} from '../../ratelimit/limiter.ts';
import type { CounterScripts } from './scripts.ts';

const WINDOW_MS = 60_000;
/** A concurrency slot whose node died holding it frees itself after this long (a request's longest life, about). */
const HOLD_MS = 10 * 60_000;

export class RedisRateLimits implements RateLimiter {
  constructor(
    private readonly scripts: CounterScripts,
    /** Prefixes every key: "<cluster name>:rl:". */
    private readonly prefix: string,
    /** A release that did not reach Redis (its slots free themselves after HOLD_MS, its tokens with the window). */
    private readonly onReleaseError: (err: unknown) => void,
  ) {}

  async admit(specs: readonly LimitSpec[], estimatedTokens: number): Promise<LimitOutcome> {
    const keys = this.keys(specs);
    const id = randomUUID();
    const counted = specs.map((s) =>
      s.tokensPerMinute === undefined ? 0 : countedTokens(s.tokensPerMinute, estimatedTokens),
    );
    const args: Array<string | number> = [WINDOW_MS, HOLD_MS, id];
    specs.forEach((s, i) =>
      args.push(s.requestsPerMinute ?? -1, s.tokensPerMinute ?? -1, s.concurrent ?? -1, counted[i]!),
    );
    const reply = await this.scripts.conduitAdmit(keys, args);

    const windows = new Map<string, { used: number; msLeft: number }>();
    specs.forEach((s, i) => {
      const at = 2 + i * 4;
      windows.set(`requests ${s.scope}`, { used: Number(reply[at]), msLeft: Number(reply[at + 1]) });
      windows.set(`tokens ${s.scope}`, { used: Number(reply[at + 2]), msLeft: Number(reply[at + 3]) });
    });
    const peek: WindowPeek = (kind, scope) => windows.get(`${kind} ${scope}`) ?? { used: 0, msLeft: 0 };
    const hitAt = Number(reply[0]);
    if (hitAt > 0) return refusal(specs, specs[hitAt - 1]!, String(reply[1]) as Hit, peek);

    const headers: Record<string, string> = {};
    describeLimits(headers, specs, peek);
    let released = false;
    return {
      ok: true,
      headers,
      release: (actualTokens: number) => {
        if (released) return;
        released = true;
        const args: Array<string | number> = [WINDOW_MS, id];
        specs.forEach((s, i) =>
          args.push(
            s.concurrent === undefined ? 0 : 1,
            s.tokensPerMinute === undefined ? '' : actualTokens - counted[i]!,
          ),
        );
        this.scripts.conduitRelease(keys, args).catch(this.onReleaseError);
      },
    };
  }

  private keys(specs: readonly LimitSpec[]): string[] {
    const keys: string[] = [];
    for (const s of specs)
      keys.push(
        `${this.prefix}${s.scope}:requests`,
        `${this.prefix}${s.scope}:tokens`,
        `${this.prefix}${s.scope}:concurrent`,
      );
    return keys;
  }
}
