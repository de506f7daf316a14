// Stage: send the request upstream. Fails over along the planned attempts at once, backs off (with jitter,
// honouring Retry-After) when it comes round again, and stops the moment the client leaves. A stream counts
// as started once its first event arrived; after that it is never retried.
import type { ConduitConfig } from '../config/schema.ts';
import { GatewayError } from '../errors.ts';
import { UpstreamError, type EventStream, type UpstreamRequest } from '../providers/types.ts';
import { backoffMs, sleep } from '../routing/backoff.ts';
import type { ExperimentBook } from '../routing/experiments.ts';
import type { HealthBook } from '../routing/health.ts';
import type { Attempt } from '../routing/router.ts';
import { fromUpstreamFailure, isRetryable } from '../routing/upstream-errors.ts';
import type { RequestContext, Stage } from './context.ts';
import { estimateUsage, usageField } from './estimate-usage.ts';
import { meterStream, type StartedStream } from './meter-stream.ts';
import { deliveredText, replyText } from '../protocols/openai/reply-text.ts';

export function forward(health: HealthBook, retry: ConduitConfig['routing']['retry'], experiments: ExperimentBook, endUserOf: (orgId: string) => string, random: () => number = Math.random): Stage {
  return async (ctx) => {
    const attempts = ctx.attempts!;
    const requested = ctx.model!;
    let lastError: unknown;
    let retryAfterMs: number | undefined;
    for (let i = 0; i < retry.max_attempts; i++) {
      const attempt = attempts[i % attempts.length]!;
      const round = Math.floor(i / attempts.length);
      if (round > 0) {
        // Came round again: every deployment failed once. Back off before trying them again.
        const waitFor = Math.max(0, health.of(attempt.deployment.id).retryAfterUntil - Date.now());
        if (waitFor > retry.max_retry_after_ms) break;
        await sleep(backoffMs(round, retry, random, waitFor), ctx.signal);
      }
      if (ctx.signal.aborted) throw new GatewayError(499, 'client_closed_request', 'The client closed the request.');
      ctx.deployment = attempt.deployment;
      ctx.model = attempt.model;
      ctx.tries = i + 1;
      const started = performance.now();
      health.of(attempt.deployment.id).breaker.onAttempt();
      try {
        await send(ctx, attempt, endUserOf(ctx.principal!.org.id));
        const latency = performance.now() - started;
        health.success(attempt.deployment.id, latency);
        recordCanary(ctx, attempt, experiments, true, latency);
        ctx.headers['x-conduit-deployment'] = attempt.deployment.id;
        ctx.headers['x-conduit-region'] = attempt.deployment.region.id;
        if (ctx.model !== requested) ctx.headers['x-conduit-fallback-model'] = ctx.model.name;
        return;
      } catch (err) {
        lastError = err;
        if (!(err instanceof UpstreamError) || !isRetryable(err)) {
          // The vendor answered (it rejected the request itself) or the client left: no mark against the deployment.
          health.of(attempt.deployment.id).breaker.release();
          break;
        }
        health.failure(attempt.deployment.id, err.retryAfterMs);
        recordCanary(ctx, attempt, experiments, false, performance.now() - started);
        retryAfterMs = err.retryAfterMs;
      }
    }
    ctx.model = requested;
    const error = fromUpstreamFailure(lastError, requested.name);
    if (retryAfterMs !== undefined && error.status === 503) error.headers['retry-after'] ??= String(Math.ceil(retryAfterMs / 1000));
    throw error;
  };
}

/** For models with a canary, every attempt counts for one arm or the other. */
function recordCanary(ctx: RequestContext, attempt: Attempt, experiments: ExperimentBook, ok: boolean, latencyMs: number): void {
  const canary = attempt.model.routing.canary;
  if (!canary) return;
  const arm = attempt.deployment.id === canary.provider ? 'candidate' : 'primary';
  const u = ok ? ctx.usage : undefined;
  experiments.record(attempt.model.name, 'canary', canary.provider, arm, {
    ok,
    latencyMs,
    promptTokens: u?.prompt_tokens ?? 0,
    completionTokens: u?.completion_tokens ?? 0,
    cost: attempt.deployment.cost,
  });
}

async function send(ctx: RequestContext, { deployment }: Attempt, endUser: string): Promise<void> {
  const sameModel = deployment.upstreamModel === ctx.body!.model;
  const req: UpstreamRequest = {
    body: sameModel ? ctx.body! : { ...ctx.body!, model: deployment.upstreamModel },
    bodyText: sameModel ? ctx.bodyText : undefined,
    model: deployment.upstreamModel,
    azureDeployment: deployment.azureDeployment,
    signal: ctx.signal,
    endUser,
  };
  const { adapter } = deployment;
  if (ctx.endpoint === 'responses') {
    if (!adapter.responses || !adapter.responsesStream) throw new UpstreamError('protocol', `${deployment.id} does not speak the Responses API`);
    if (ctx.stream) {
      ctx.reply = { kind: 'stream', events: meterStream(ctx, await firstEventIn(await adapter.responsesStream(req))) };
      return;
    }
  }
  if (ctx.endpoint !== 'chat' || !ctx.stream) {
    const result = ctx.endpoint === 'embeddings' ? await adapter.embeddings(req) : ctx.endpoint === 'responses' ? await adapter.responses!(req) : await adapter.chat(req);
    if (result.usage) {
      ctx.usage = result.usage;
      ctx.usageEstimated = false;
      ctx.reply = { kind: 'json', body: result.body, text: result.text };
    } else {
      // No usage from the vendor: bill what the reply delivered, and tell the client the same figures.
      result.body.usage = usageField(ctx.endpoint, await estimateUsage(ctx, deliveredText(result.body)));
      ctx.reply = { kind: 'json', body: result.body }; // the vendor's text no longer matches the body
    }
    ctx.outputText = replyText(result.body);
    return;
  }
  const events = await adapter.chatStream(req);
  ctx.reply = { kind: 'stream', events: meterStream(ctx, await firstEventIn(events)) };
}

/** Waits for the first event, so failures before any byte reaches the client can still fail over. */
async function firstEventIn(events: EventStream): Promise<StartedStream> {
  const iterator = events[Symbol.asyncIterator]();
  return { iterator, first: await iterator.next() };
}
