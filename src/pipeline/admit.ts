// Stage: rate limits (requests, tokens, concurrency per key, organisation and model) and budgets (reserve an
// upper bound of the price now, settle the true price after delivery). Limited requests get 429 with
// Retry-After and OpenAI's x-ratelimit-* headers; admitted ones carry the headers too.
import { GatewayError } from '../errors.ts';
import type { BudgetCounter, BudgetScope } from '../metering/budgets.ts';
import type { PricingService } from '../metering/pricing.ts';
import type { LimitSpec, RateLimits } from '../ratelimit/limiter.ts';
import type { ApiKeyRecord, LimitsSettings, Org } from '../store/ports.ts';
import type { Principal } from '../tenancy/tenancy.ts';
import type { RequestContext, Stage } from './context.ts';

/** Completion tokens assumed for reservations when a request sets no max_tokens. */
const DEFAULT_MAX_COMPLETION = 4096;

export function admit(limits: RateLimits, budgets: BudgetCounter, pricing: PricingService): Stage {
  return (ctx) => {
    const { org, key } = ctx.principal!;
    if (!org.limits && !key.limits && !org.enforcement) return; // nothing to enforce: no cost on the hot path
    return admitLimited(ctx, org, key, limits, budgets, pricing);
  };
}

async function admitLimited(ctx: RequestContext, org: Org, key: ApiKeyRecord, limits: RateLimits, budgets: BudgetCounter, pricing: PricingService): Promise<void> {
  const body = ctx.body!;
  const promptTokens = Math.ceil(ctx.bodyBytes / 4);
  const n = typeof body.n === 'number' ? body.n : 1;
  const maxCompletion = Number(body.max_completion_tokens ?? body.max_tokens ?? body.max_output_tokens ?? DEFAULT_MAX_COMPLETION) * n;
  const model = ctx.model!.name;

  const { specs, scopes } = planFor(ctx.principal!, model);
  if (specs.length > 0) {
    const outcome = limits.admit(specs, promptTokens + maxCompletion);
    if (!outcome.ok) {
      throw new GatewayError(429, 'rate_limit_exceeded', outcome.message, { headers: { ...outcome.headers, 'retry-after': String(outcome.retryAfterSeconds) } });
    }
    Object.assign(ctx.headers, outcome.headers);
    ctx.deferred.push(() => outcome.release((ctx.usage?.prompt_tokens ?? 0) + (ctx.usage?.completion_tokens ?? 0)));
  }

  if (scopes.length === 0) return;
  const amount = pricing.upperBound(org, model, ctx.receivedAt, promptTokens, maxCompletion);
  const held: BudgetScope[] = [];
  for (const scope of scopes) {
    const r = await budgets.reserve(scope, amount);
    if (!r.ok) {
      for (const s of held) budgets.settle(s, amount, 0n);
      throw new GatewayError(429, 'budget_exceeded', `The monthly budget of ${scope.id.startsWith('org') ? 'your organisation' : 'this API key'} is spent (hard limit). Ask your administrator to raise it.`, {
        type: 'insufficient_quota' as never,
      });
    }
    held.push(scope);
  }
  // Runs after settle (deferred work runs last-registered-first), when the true price is known.
  ctx.deferred.unshift(() => {
    for (const s of held) budgets.settle(s, amount, BigInt(ctx.charges?.price_micros ?? 0));
  });
}

interface AdmitPlan {
  specs: LimitSpec[];
  scopes: BudgetScope[];
}

/**
 * The limits and budgets that apply to a principal and model, worked out once: a principal object is replaced
 * whenever its organisation or key changes (see Tenancy), so a plan never outlives the settings it was made from.
 */
const plans = new WeakMap<Principal, Map<string, AdmitPlan>>();

function planFor(principal: Principal, model: string): AdmitPlan {
  let byModel = plans.get(principal);
  if (!byModel) plans.set(principal, (byModel = new Map()));
  let plan = byModel.get(model);
  if (!plan) byModel.set(model, (plan = { specs: limitSpecs(principal.org, principal.key, model), scopes: budgetScopes(principal.org, principal.key) }));
  return plan;
}

function budgetScopes(org: Org, key: ApiKeyRecord): BudgetScope[] {
  const scopes: BudgetScope[] = [];
  if (org.limits?.budget) scopes.push({ id: `org:${org.id}`, limitMicros: BigInt(org.limits.budget.monthly_micros), hard: org.limits.budget.hard });
  if (key.limits?.budget) scopes.push({ id: `key:${org.id}:${key.id}`, limitMicros: BigInt(key.limits.budget.monthly_micros), hard: key.limits.budget.hard });
  return scopes;
}

function limitSpecs(org: Org, key: ApiKeyRecord, model: string): LimitSpec[] {
  const specs: LimitSpec[] = [];
  const from = (scope: string, l: { requests_per_minute?: number; tokens_per_minute?: number; concurrent?: number } | undefined) => {
    if (l && (l.requests_per_minute !== undefined || l.tokens_per_minute !== undefined || l.concurrent !== undefined)) {
      specs.push({ scope, requestsPerMinute: l.requests_per_minute, tokensPerMinute: l.tokens_per_minute, concurrent: l.concurrent });
    }
  };
  from(`key:${key.id}`, key.limits ?? undefined);
  from(`org:${org.id}`, withEnforcement(org));
  from(`org:${org.id}|model:${model}`, org.limits?.models?.[model]);
  return specs;
}

/** The organisation's limits with an abuse throttle laid over them: the tighter request rate binds. */
function withEnforcement(org: Org): LimitsSettings | undefined {
  const throttle = org.enforcement?.requests_per_minute;
  if (throttle === undefined) return org.limits ?? undefined;
  const own = org.limits?.requests_per_minute;
  return { ...org.limits, requests_per_minute: own === undefined ? throttle : Math.min(own, throttle) };
}
