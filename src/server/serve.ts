// Runs one data-plane request through the pipeline and delivers the reply (JSON or a stream) in the client's
// wire protocol. The pipeline's hooks before the reply completes (the usage event) run before the client sees its
// end; those after delivery (fingerprints, abuse features, shadow traffic) once the reply is on its way.
import type { Pipeline } from '../pipeline/compose.ts';
import { isoTime } from '../util/clock.ts';
import type { RequestContext } from '../pipeline/context.ts';
import { fromUpstreamFailure } from '../routing/client-errors.ts';
import { headerValue, sendError, type Exchange } from './exchange.ts';
import { ClientGone } from './client-gone.ts';
import { pipeEvents, writeSseHead } from './deliver.ts';
import { toGatewayError } from './errors.ts';
import type { Surface } from './surface.ts';

export type { Pipeline };

export async function serve(
  pipeline: Pipeline,
  surface: Surface,
  exchange: Exchange,
  body: unknown,
  bodyText: string,
  bodyBytes: number,
): Promise<void> {
  const { res } = exchange;
  const clientGone = new ClientGone();
  // on, not once: a response closes once, and once() wraps each listener in a bound function and a state object
  // that an open stream holds for its life.
  res.on('close', () => {
    if (!res.writableFinished) clientGone.abort();
  });
  const ctx: RequestContext = {
    requestId: exchange.requestId,
    endpoint: surface.endpoint,
    route: exchange.route,
    receivedAt: isoTime(Date.now()),
    startedAt: exchange.receivedAt,
    clientIp: exchange.clientIp,
    authorization: headerValue(exchange.headers, 'authorization') ?? headerValue(exchange.headers, 'x-api-key'),
    rawBody: undefined,
    bodyBytes,
    signal: clientGone,
    headers: { 'x-request-id': exchange.requestId },
  };
  exchange.context = ctx;
  // Tracing on: the request's span, continuing the caller's traceparent; ended once the reply is delivered.
  const trace = pipeline.tracer?.start(ctx, exchange.headers);
  if (!trace) return respond(pipeline, surface, exchange, ctx, body, bodyText);
  ctx.trace = trace;
  try {
    await respond(pipeline, surface, exchange, ctx, body, bodyText);
  } finally {
    trace.end(ctx);
  }
}

async function respond(
  pipeline: Pipeline,
  surface: Surface,
  exchange: Exchange,
  ctx: RequestContext,
  body: unknown,
  bodyText: string,
): Promise<void> {
  const { res } = exchange;
  const logError = (err: unknown) => exchange.log.error({ err, reqId: exchange.requestId });
  const afterDelivery = () => pipeline.afterDelivery(ctx, logError);
  try {
    const input = surface.input(body);
    Object.assign(ctx, { rawBody: input.body, bodyText: input.keepText ? bodyText : undefined });
    await pipeline.run(ctx);
  } catch (err) {
    const error = toGatewayError(err);
    ctx.status = error.status;
    ctx.errorType = error.code;
    await pipeline.completeReply(ctx, logError);
    sendError(exchange, surface, error, ctx.headers);
    await afterDelivery();
    return;
  }
  const result = ctx.reply!;
  if (result.kind === 'json') {
    ctx.status = 200;
    const refusal = await pipeline.completeReply(ctx, logError);
    if (refusal) {
      // Not delivered, so not registered as delivered either: the work after delivery is skipped.
      ctx.status = refusal.status;
      return sendError(exchange, surface, refusal);
    }
    const text = surface.json(ctx, result.body, result.text);
    ctx.headers['content-type'] = 'application/json; charset=utf-8';
    ctx.headers['content-length'] = String(Buffer.byteLength(text));
    res.writeHead(200, ctx.headers);
    res.end(text);
    await afterDelivery();
    return;
  }
  writeSseHead(res, ctx.headers);
  // The stream's last events, held to leave with its end.
  let held = '';
  // A stream that failed has ended with its error: nothing may follow it that says complete ([DONE]).
  let failed = false;
  try {
    held = await pipeEvents(res, surface.stream(ctx, result.events), exchange.streamStallMs);
    ctx.status = ctx.signal.aborted ? 499 : 200;
  } catch (err) {
    const error = fromUpstreamFailure(err, ctx.model!.name);
    ctx.status = error.status;
    ctx.errorType = error.code;
    failed = true;
    if (!res.destroyed) res.write(surface.streamError(error));
  }
  // Hold what is still unsent (the last events and the closing chunk) until the usage event is durable, then
  // end: one write, not two.
  res.cork();
  const refusal = await pipeline.completeReply(ctx, logError);
  if (refusal) {
    // What was streamed is out, but the stream does not end complete: it ends with the error instead.
    ctx.status = refusal.status;
    if (!res.destroyed) res.end(held + surface.streamError(refusal));
    return;
  }
  if (!res.destroyed) res.end((failed ? held : held + surface.streamEnd) || undefined);
  await afterDelivery();
}
