// Hooks: once the reply is delivered (or failed), price it on both legs and write its usage event (the ledger
// entry); durable before the response completes. An event that cannot be made durable (a full disk, the
// event stream down) refuses the reply: nothing reaches a client complete without its bill on record. A stream
// also has an interim record durable before its first byte (interim-usage.ts), so one that cannot be billed is
// refused before anything is served; its final event replaces the interim ones.
import { GatewayError } from '../errors.ts';
import type { PricingService } from '../metering/pricing.ts';
import type { UsageEvent, UsageStore } from '../store/ports.ts';
import type { Hook, RequestContext } from './context.ts';
import type { InterimUsage } from './interim-usage.ts';

/** Before a stream's first byte: its interim usage record, durable, or the stream is refused. */
export function openInterimUsage(interim: InterimUsage): Hook {
  return (ctx) =>
    interim.open(ctx).catch((err: unknown) => {
      throw new UsageNotRecorded(err);
    });
}

/** Before the reply completes: the usage event of every request sent to a deployment, priced and durable. */
export function recordUsage(usage: UsageStore, pricing: PricingService, interim?: InterimUsage): Hook {
  return (ctx) => {
    if (!ctx.deployment) return;
    const opened = interim?.ended(ctx) === true;
    const event = pricedEvent(ctx, pricing);
    ctx.charges = event;
    return usage.record(event).catch((err: unknown) => {
      // What was streamed is out and billed by its interim record so far: the final event follows when it can.
      if (opened) interim!.settleLater(event);
      throw new UsageNotRecorded(err);
    });
  };
}

/** The reply is withheld: its usage event could not be recorded. */
export class UsageNotRecorded extends GatewayError {
  constructor(readonly reason: unknown) {
    super(503, 'usage_not_recorded', 'The request could not be recorded for billing, so its reply was withheld; retry shortly.');
  }
}

export function pricedEvent(ctx: RequestContext, pricing: PricingService, overrides?: Partial<UsageEvent>): UsageEvent {
  const event = usageEvent(ctx);
  if (overrides) Object.assign(event, overrides);
  const charges = pricing.charge(event, ctx.principal!.org);
  event.cost_micros = charges.cost_micros;
  event.list_price_micros = charges.list_price_micros;
  event.price_micros = charges.price_micros;
  return event;
}

function usageEvent(ctx: RequestContext): UsageEvent {
  const u = ctx.usage;
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
    prompt_tokens: u?.prompt_tokens ?? 0,
    completion_tokens: u?.completion_tokens ?? 0,
    cached_tokens: u?.cached_tokens ?? 0,
    reasoning_tokens: u?.reasoning_tokens ?? 0,
    estimated: ctx.usageEstimated === true,
    status: ctx.status ?? 200,
    latency_ms: Math.round(performance.now() - ctx.startedAt),
    cost_micros: 0,
    list_price_micros: 0,
    price_micros: 0,
    customer_country: ctx.principal!.org.country,
  };
}
