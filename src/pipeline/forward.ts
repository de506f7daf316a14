// Stage: send the request upstream. Fails over along the planned attempts at once, backs off (with jitter,
// honouring Retry-After) when it comes round again, and stops the moment the client leaves. A stream counts
// as started once its first event arrived; after that it is never retried. The whole request, retries and
// back-off included, has the total_ms of the deployment it was first routed to: each attempt gets its own
// timeouts, cut short by what is left of that.
import type { ConduitConfig } from '../config/schema.ts';
import { GatewayError } from '../errors.ts';
import { UpstreamError, type UpstreamRequest } from '../providers/types.ts';
import type { CancelSignal } from '../wire/cancel.ts';
import type { EventBatch, EventStream } from '../wire/stream.ts';
import { ResponsesOverChat } from '../providers/responses-over-chat.ts';
import { backoffMs } from '../routing/backoff.ts';
import { sleep } from '../util/sleep.ts';
import { RequestDeadline } from '../routing/deadline.ts';
import type { ExperimentBook } from '../routing/experiments.ts';
import type { HealthBook } from '../routing/health.ts';
import type { Attempt } from '../routing/router.ts';
import { fromUpstreamFailure, isRetryable } from '../routing/client-errors.ts';
import type { Hook, RequestContext, Stage } from './context.ts';
import { estimateUsage, usageField } from '../metering/estimate-usage.ts';
import { meterStream, type StartedStream } from '../metering/meter-stream.ts';
import { deliveredText, replyText } from '../protocols/openai/reply-text.ts';

export function forward(
  health: HealthBook,
  retry: ConduitConfig['routing']['retry'],
  experiments: ExperimentBook,
  endUserOf: (orgId: string) => string,
  /** Told of each upstream call that failed (metrics). */
  onFailedAttempt?: (ctx: RequestContext, attempt: Attempt, errorType: string, ms: number) => void,
  random: () => number = Math.random,
): Stage {
  return async (ctx) => {
    const attempts = ctx.attempts!;
    const requested = ctx.model!;
    const deadlineAt = ctx.startedAt + attempts[0]!.deployment.provider.timeouts.total_ms;
    // The first attempt's own total deadline (from its dispatch, just after arrival) already bounds it; a retry
    // gets a signal that also fires when the request's time is up. Made only then: nothing per request otherwise.
    let deadline: RequestDeadline | undefined;
    let lastError: unknown;
    let retryAfterMs: number | undefined;
    for (let i = 0; i < retry.max_attempts; i++) {
      const attempt = attempts[i % attempts.length]!;
      const round = Math.floor(i / attempts.length);
      if (round > 0) {
        // Came round again: every deployment failed once. Back off before trying them again.
        const waitFor = Math.max(0, health.of(attempt.deployment.id).retryAfterUntil - Date.now());
        if (waitFor > retry.max_retry_after_ms) break;
        const delay = backoffMs(round, retry, random, waitFor);
        if (performance.now() + delay >= deadlineAt) break;
        await sleep(delay, ctx.signal);
      }
      if (ctx.signal.aborted) throw new GatewayError('client_closed_request', 'The client closed the request.');
      if (i > 0) {
        if (performance.now() >= deadlineAt) break;
        if (!deadline) ctx.deadline = deadline = new RequestDeadline(ctx.signal, deadlineAt);
      }
      ctx.deployment = attempt.deployment;
      ctx.model = attempt.model;
      ctx.tries = i + 1;
      const started = performance.now();
      ctx.upstreamStartedAt = started;
      health.of(attempt.deployment.id).breaker.onAttempt();
      // Tracing on: this call's span, whose context goes upstream in traceparent.
      const span = ctx.trace?.upstream(ctx, attempt);
      try {
        await send(ctx, attempt, endUserOf(ctx.principal!.org.id), deadline, span?.headers);
        ctx.upstreamRepliedAt = performance.now();
        span?.replied(ctx, ctx.reply?.kind === 'stream');
        const latency = ctx.upstreamRepliedAt - started;
        health.success(attempt.deployment.id, latency);
        recordCanary(ctx, attempt, experiments, true, latency);
        ctx.headers['x-conduit-deployment'] = attempt.deployment.id;
        ctx.headers['x-conduit-region'] = attempt.deployment.region.id;
        if (ctx.model !== requested) ctx.headers['x-conduit-fallback-model'] = ctx.model.name;
        return;
      } catch (err) {
        lastError = err;
        onFailedAttempt?.(ctx, attempt, failureType(err), performance.now() - started);
        span?.failed(failureType(err));
        if (deadline && ranOut(deadline, ctx.signal)) {
          // Cut by the request's deadline, not by anything the deployment did.
          lastError = deadlineError(attempt, deadline);
          health.of(attempt.deployment.id).breaker.release();
          break;
        }
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
    if (retryAfterMs !== undefined && error.status === 503)
      error.headers['retry-after'] ??= String(Math.ceil(retryAfterMs / 1000));
    throw error;
  };
}

/** What kind of failure, for metrics: the vendor's status code when it answered one (as the conventions' error.type). */
const failureType = (err: unknown): string =>
  err instanceof UpstreamError ? (err.kind === 'status' && err.status ? String(err.status) : err.kind) : 'internal';

/** Before the reply completes: a retry's deadline, disposed of (the stream it cut is over). */
export const disposeDeadline: Hook = (ctx) => ctx.deadline?.dispose();

/** For models with a canary, every attempt counts for one arm or the other. */
function recordCanary(
  ctx: RequestContext,
  attempt: Attempt,
  experiments: ExperimentBook,
  ok: boolean,
  latencyMs: number,
): void {
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

/** `deadline`, on a retry: the request's time left, which also cuts the stream the attempt starts. */
async function send(
  ctx: RequestContext,
  attempt: Attempt,
  endUser: string,
  deadline: RequestDeadline | undefined,
  traceHeaders: Readonly<Record<string, string>> | undefined,
): Promise<void> {
  const { deployment } = attempt;
  const sameModel = deployment.upstreamModel === ctx.body!.model;
  const req: UpstreamRequest = {
    body: sameModel ? ctx.body! : { ...ctx.body!, model: deployment.upstreamModel },
    bodyText: sameModel ? ctx.bodyText : undefined,
    model: deployment.upstreamModel,
    azureDeployment: deployment.azureDeployment,
    signal: deadline ?? ctx.signal,
    endUser,
    traceHeaders,
  };
  // A deployment that speaks only chat is sent a Responses request as chat, and its reply comes back as a response.
  const adapter =
    ctx.endpoint === 'responses' && !deployment.capabilities.responses
      ? new ResponsesOverChat(deployment.adapter, `resp_${ctx.requestId.slice(4)}`)
      : deployment.adapter;
  const timed = (events: EventStream) => (deadline ? untilDeadline(events, attempt, deadline, ctx.signal) : events);
  if (ctx.endpoint === 'responses') {
    if (!adapter.responses || !adapter.responsesStream)
      throw new UpstreamError('protocol', `${deployment.id} does not speak the Responses API`);
    if (ctx.stream) {
      ctx.reply = {
        kind: 'stream',
        events: meterStream(ctx, await firstEventIn(ctx, timed(await adapter.responsesStream(req)))),
      };
      return;
    }
  }
  if (ctx.endpoint !== 'chat' || !ctx.stream) {
    const result =
      ctx.endpoint === 'embeddings'
        ? await adapter.embeddings(req)
        : ctx.endpoint === 'responses'
          ? await adapter.responses!(req)
          : await adapter.chat(req);
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
  ctx.reply = { kind: 'stream', events: meterStream(ctx, await firstEventIn(ctx, timed(events))) };
}

/** The request's deadline fired, and not because the client left (its signal fires the deadline's too). */
const ranOut = (deadline: RequestDeadline, client: CancelSignal) => deadline.expired && !client.aborted;

function deadlineError({ deployment }: Attempt, deadline: RequestDeadline): UpstreamError {
  return new UpstreamError(
    'timeout',
    `${deployment.id}: the request's total deadline (${Math.round(deadline.at)} ms) passed`,
  );
}

/** A stream a retry started: when the request's deadline cuts it, it fails as the timeout it is. */
async function* untilDeadline(
  events: EventStream,
  attempt: Attempt,
  deadline: RequestDeadline,
  client: CancelSignal,
): AsyncGenerator<EventBatch> {
  try {
    yield* events;
  } catch (err) {
    throw ranOut(deadline, client) ? deadlineError(attempt, deadline) : err;
  }
}

/**
 * Waits for the first event, so failures before any byte reaches the client can still fail over. Then the
 * stream's interim usage record is made durable (ctx.beforeStream); when it cannot be, the vendor's stream is
 * closed and the request refused, before anything was served.
 */
async function firstEventIn(ctx: RequestContext, events: EventStream): Promise<StartedStream> {
  const iterator = events[Symbol.asyncIterator]();
  const started = { iterator, first: await iterator.next() };
  ctx.firstEventAt = performance.now();
  if (ctx.beforeStream) {
    try {
      await ctx.beforeStream(ctx);
    } catch (err) {
      await iterator.return?.()?.catch(() => undefined);
      throw err;
    }
  }
  return started;
}
