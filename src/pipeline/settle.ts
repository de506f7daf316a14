// Stage: once the reply is delivered (or failed), write its usage event; durable before the response completes.
import type { UsageEvent, UsageStore } from '../store/ports.ts';
import type { RequestContext, Stage } from './context.ts';

export function settle(usage: UsageStore): Stage {
  return (ctx) => {
    ctx.deferred.push(() => usage.record(usageEvent(ctx)));
  };
}

export function usageEvent(ctx: RequestContext): UsageEvent {
  const u = ctx.usage;
  const d = ctx.deployment!;
  return {
    request_id: ctx.requestId,
    ts: ctx.receivedAt.toISOString(),
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
  };
}
