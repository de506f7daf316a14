// Stage: send the request upstream, failing over to the next candidate deployment while nothing has reached
// the client yet. A stream counts as started once its first event arrived; after that it is never retried.
import { countPromptTokens } from '../metering/delivered-tokens.ts';
import { UpstreamError, type EventStream, type StreamEvent, type UpstreamRequest } from '../providers/types.ts';
import type { Deployment } from '../routing/catalogue.ts';
import { isRetryable, toGatewayError } from '../routing/upstream-errors.ts';
import type { RequestContext, Stage } from './context.ts';
import { meterStream } from './meter-stream.ts';

export const forward: Stage = async (ctx) => {
  let lastError: unknown;
  for (const deployment of ctx.candidates!) {
    ctx.deployment = deployment;
    try {
      await attempt(ctx, deployment);
      return;
    } catch (err) {
      lastError = err;
      if (!(err instanceof UpstreamError) || !isRetryable(err)) break;
    }
  }
  throw toGatewayError(lastError, ctx.model!.name);
};

async function attempt(ctx: RequestContext, deployment: Deployment): Promise<void> {
  const req: UpstreamRequest = {
    body: { ...ctx.body!, model: deployment.upstreamModel },
    model: deployment.upstreamModel,
    azureDeployment: deployment.azureDeployment,
    signal: ctx.signal,
  };
  const { adapter } = deployment;
  if (ctx.endpoint === 'embeddings' || !ctx.stream) {
    const result = ctx.endpoint === 'embeddings' ? await adapter.embeddings(req) : await adapter.chat(req);
    ctx.usage = result.usage ?? { prompt_tokens: await countPromptTokens(ctx.body!), completion_tokens: 0, cached_tokens: 0, reasoning_tokens: 0 };
    ctx.usageEstimated = result.usage === null;
    ctx.reply = { kind: 'json', body: result.body };
    return;
  }
  const events = await adapter.chatStream(req);
  ctx.reply = { kind: 'stream', events: meterStream(ctx, await started(events)) };
}

/** Waits for the first event, so failures before any byte reaches the client can still fail over. */
async function started(events: EventStream): Promise<EventStream> {
  const iterator = events[Symbol.asyncIterator]();
  const first = await iterator.next();
  return (async function* (): AsyncGenerator<StreamEvent> {
    try {
      if (first.done) return;
      yield first.value;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.();
    }
  })();
}
