// A request's usage event: what it used, where it was served and what it cost on both legs, priced from the
// request's context once served (the final event) or while it is delivered (a stream's interim records).
import type { PricingService } from './pricing.ts';
import type { UsageEvent } from '../store/ports.ts';
import type { MeteredRequest } from './metered-request.ts';
import { NO_USAGE } from '../wire/usage.ts';

export function pricedEvent(ctx: MeteredRequest, pricing: PricingService, overrides?: Partial<UsageEvent>): UsageEvent {
  const event = usageEvent(ctx);
  if (overrides) Object.assign(event, overrides);
  const charges = pricing.charge(event, ctx.principal!.org);
  event.cost_micros = charges.cost_micros;
  event.list_price_micros = charges.list_price_micros;
  event.price_micros = charges.price_micros;
  return event;
}

function usageEvent(ctx: MeteredRequest): UsageEvent {
  const u = ctx.usage ?? NO_USAGE;
  const d = ctx.deployment!;
  return {
    request_id: ctx.requestId,
    ts: ctx.receivedAt,
    org_id: ctx.principal!.org.id,
    key_id: ctx.principal!.key.id,
    endpoint: ctx.endpoint,
    model: ctx.model!.name,
    vendor: d.vendor,
    deployment: d.id,
    region: d.region.id,
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    cached_tokens: u.cached_tokens,
    cache_write_tokens: u.cache_write_tokens,
    cache_write_1h_tokens: u.cache_write_1h_tokens,
    reasoning_tokens: u.reasoning_tokens,
    estimated: ctx.usageEstimated === true,
    status: ctx.status ?? 200,
    latency_ms: Math.round(performance.now() - ctx.startedAt),
    cost_micros: 0,
    list_price_micros: 0,
    price_micros: 0,
    customer_country: ctx.principal!.org.country,
  };
}
