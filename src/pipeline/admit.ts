// Stage: rate limits (requests, tokens, concurrency per key, organisation and model; the tier's defaults where
// neither sets its own) and budgets (reserve an upper bound of the price now, settle the true price after
// delivery). Limited requests get 429 with Retry-After and OpenAI's x-ratelimit-* headers; admitted ones carry
// the headers too.
import { GatewayError } from '../errors.ts';
import { secondsToNextMonth, type BudgetCounter, type BudgetScope } from '../metering/budgets.ts';
import type { PricingService } from '../metering/pricing.ts';
import type { LimitOutcome, LimitSpec, RateLimiter } from '../ratelimit/limiter.ts';
import { limitSpecs, type TierLimits } from '../ratelimit/tiers.ts';
import type { ApiKeyRecord, Org } from '../store/ports.ts';
import type { Principal } from '../tenancy/tenancy.ts';
import type { Hook, RequestContext, Stage } from './context.ts';

/** Completion tokens assumed for reservations when a request sets no max_tokens. */
const DEFAULT_MAX_COMPLETION = 4096;

/**
 * Every request is rate-limited (its tier's defaults at least, see ratelimit/tiers.ts). In process that is
 * synchronous: a few Map lookups and one headers object, and only a request with a budget to reserve returns a
 * promise. Counters shared by a cluster answer with a promise.
 */
export function admit(limits: RateLimiter, budgets: BudgetCounter, pricing: PricingService, tiers: TierLimits): Stage {
  /**
   * The limits and budgets of a principal and model, worked out once: a principal object is replaced whenever its
   * organisation or key changes (see Tenancy), so a plan never outlives the settings it was made from.
   */
  const plans = new WeakMap<Principal, Map<string, AdmitPlan>>();
  const planFor = (principal: Principal, model: string): AdmitPlan => {
    let byModel = plans.get(principal);
    if (!byModel) plans.set(principal, (byModel = new Map()));
    let plan = byModel.get(model);
    if (!plan)
      byModel.set(
        model,
        (plan = {
          specs: limitSpecs(principal.org, principal.key, model, tiers),
          scopes: budgetScopes(principal.org, principal.key),
        }),
      );
    return plan;
  };

  return (ctx) => {
    const body = ctx.body!;
    const promptTokens = Math.ceil(ctx.bodyBytes / 4);
    const n = typeof body.n === 'number' ? body.n : 1;
    const maxCompletion =
      Number(body.max_completion_tokens ?? body.max_tokens ?? body.max_output_tokens ?? DEFAULT_MAX_COMPLETION) * n;
    const model = ctx.model!.name;
    const { specs, scopes } = planFor(ctx.principal!, model);

    const admitted = (outcome: LimitOutcome): void | Promise<void> => {
      if (!outcome.ok) {
        throw new GatewayError('rate_limit_exceeded', outcome.message, {
          headers: { ...outcome.headers, 'retry-after': String(outcome.retryAfterSeconds) },
        });
      }
      // Every reply carries them, errors after this stage included (they are written with ctx.headers).
      Object.assign(ctx.headers, outcome.headers);
      ctx.rateLimit = outcome;

      if (scopes.length === 0) return;
      return reserveBudgets(
        ctx,
        scopes,
        budgets,
        pricing.upperBound(ctx.principal!.org, model, ctx.receivedAt, promptTokens, maxCompletion),
      );
    };
    const outcome = limits.admit(specs, promptTokens + maxCompletion);
    return outcome instanceof Promise ? outcome.then(admitted) : admitted(outcome);
  };
}

async function reserveBudgets(
  ctx: RequestContext,
  scopes: readonly BudgetScope[],
  budgets: BudgetCounter,
  amount: bigint,
): Promise<void> {
  const held: Array<(actual: bigint) => void | Promise<void>> = [];
  for (const scope of scopes) {
    const r = await budgets.reserve(scope, amount);
    if (!r.ok) {
      await Promise.all(held.map((settle) => settle(0n)));
      throw new GatewayError(
        'budget_exceeded',
        `The monthly budget of ${scope.id.startsWith('org') ? 'your organisation' : 'this API key'} is spent (hard limit). Ask your administrator to raise it.`,
        {
          // The budget starts again with the month (UTC), unless it is raised sooner.
          headers: { 'retry-after': String(secondsToNextMonth(new Date())) },
        },
      );
    }
    held.push(r.settle);
  }
  ctx.budgetHold = { settles: held, amount };
}

/** Before the reply completes: the rate limits' hold, released with the tokens the request used. */
export const releaseRateLimits: Hook = (ctx) =>
  ctx.rateLimit?.release((ctx.usage?.prompt_tokens ?? 0) + (ctx.usage?.completion_tokens ?? 0));

/** Before the reply completes, after its usage event is priced (ctx.charges): the budgets reserved, settled at the true price. */
export const settleBudgets: Hook = (ctx) => {
  const hold = ctx.budgetHold;
  if (!hold) return;
  const price = BigInt(ctx.charges?.price_micros ?? 0);
  let pending: Array<Promise<void>> | undefined;
  for (const settle of hold.settles) {
    const p = settle(price);
    if (p) (pending ??= []).push(p);
  }
  if (pending) return Promise.all(pending).then(() => undefined);
};

interface AdmitPlan {
  specs: LimitSpec[];
  scopes: BudgetScope[];
}

function budgetScopes(org: Org, key: ApiKeyRecord): BudgetScope[] {
  const scopes: BudgetScope[] = [];
  if (org.limits?.budget)
    scopes.push({
      id: `org:${org.id}`,
      limitMicros: BigInt(org.limits.budget.monthly_micros),
      hard: org.limits.budget.hard,
    });
  if (key.limits?.budget)
    scopes.push({
      id: `key:${org.id}:${key.id}`,
      limitMicros: BigInt(key.limits.budget.monthly_micros),
      hard: key.limits.budget.hard,
    });
  return scopes;
}
