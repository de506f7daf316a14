// Stage and hook: for models with a shadow candidate, copy a share of requests to it after the client got its reply.
// The copy is metered as cost (a usage event of its own) and compared with the reply; it is never returned.
import type { UsageStore } from '../store/ports.ts';
import type { Catalogue } from '../routing/catalogue.ts';
import { outputSimilarity, type ExperimentBook } from '../routing/experiments.ts';
import { regionBlockedBy } from '../routing/preferences.ts';
import type { JsonObject } from '../wire/json.ts';
import { NO_USAGE, type Usage } from '../wire/usage.ts';
import type { Hook, RequestContext, Stage } from './context.ts';
import { pricedEvent } from '../metering/usage-event.ts';
import type { PricingService } from '../metering/pricing.ts';

/** Before forward: whether this request is copied, and to which deployment (of the model requested). */
export function sampleShadow(random: () => number = Math.random): Stage {
  return (ctx) => {
    const model = ctx.model!;
    const config = model.routing.shadow;
    if (!config || ctx.endpoint !== 'chat' || random() >= config.share) return;
    const target = model.deployments.find((d) => d.id === config.provider);
    const { org, key } = ctx.principal!;
    // A shadow copy is still the customer's data: it only goes where the customer may be served from.
    if (!target || regionBlockedBy(target.region, org.country, org.routing ?? undefined, key.routing ?? undefined))
      return;
    ctx.shadowTarget = target;
  };
}

/** After delivery: the copy sampled, sent unless the reply failed or the candidate itself served it. */
export function shadowCopy(
  experiments: ExperimentBook,
  usage: UsageStore,
  pricing: PricingService,
  onError: (err: unknown) => void,
): Hook {
  return (ctx) => {
    const target = ctx.shadowTarget;
    if (!target || ctx.status !== 200 || ctx.deployment?.id === target.id) return;
    void runShadow(ctx, target, experiments, usage, pricing).catch(onError);
  };
}

async function runShadow(
  ctx: RequestContext,
  target: Catalogue['models'][number]['deployments'][number],
  experiments: ExperimentBook,
  usage: UsageStore,
  pricing: PricingService,
): Promise<void> {
  const model = ctx.model!;
  const primary = ctx.deployment!;
  const body: JsonObject = { ...ctx.body!, model: target.upstreamModel, stream: false };
  delete body.stream_options;
  const started = performance.now();
  let ok = true;
  let text = '';
  let tokens: Readonly<Usage> = NO_USAGE;
  try {
    const result = await target.adapter.chat({
      body,
      model: target.upstreamModel,
      azureDeployment: target.azureDeployment,
      signal: AbortSignal.timeout(target.provider.timeouts.total_ms),
    });
    const content = (result.body.choices as Array<{ message?: { content?: unknown } }>)[0]?.message?.content;
    text = typeof content === 'string' ? content : '';
    if (result.usage) tokens = result.usage;
  } catch {
    ok = false;
  }
  const latencyMs = performance.now() - started;
  experiments.record(model.name, 'shadow', target.id, 'candidate', {
    ok,
    latencyMs,
    promptTokens: tokens.prompt_tokens,
    completionTokens: tokens.completion_tokens,
    cost: target.cost,
  });
  const u = ctx.usage;
  experiments.record(model.name, 'shadow', target.id, 'primary', {
    ok: true,
    latencyMs: performance.now() - ctx.startedAt - latencyMs,
    promptTokens: u?.prompt_tokens ?? 0,
    completionTokens: u?.completion_tokens ?? 0,
    cost: primary.cost,
  });
  if (ok) experiments.agreement(model.name, 'shadow', target.id, outputSimilarity(ctx.outputText ?? '', text));
  await usage.record(
    pricedEvent(ctx, pricing, {
      request_id: `${ctx.requestId}:shadow`,
      endpoint: 'shadow',
      vendor: target.vendor,
      deployment: target.id,
      region: target.region.id,
      prompt_tokens: tokens.prompt_tokens,
      completion_tokens: tokens.completion_tokens,
      cached_tokens: tokens.cached_tokens,
      cache_write_tokens: tokens.cache_write_tokens,
      cache_write_1h_tokens: tokens.cache_write_1h_tokens,
      reasoning_tokens: tokens.reasoning_tokens,
      estimated: false,
      status: ok ? 200 : 502,
      latency_ms: Math.round(latencyMs),
    }),
  );
}
