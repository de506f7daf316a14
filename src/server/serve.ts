// Runs one data-plane request through the pipeline and delivers the reply (JSON or a stream) in the client's
// wire protocol. Deferred work (the usage event) completes before the client sees the end of the reply; work
// that can wait (abuse features, fingerprints, shadow traffic) runs once the reply is on its way.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { runDeferred } from '../pipeline/compose.ts';
import type { RequestContext } from '../pipeline/context.ts';
import { toGatewayError as upstreamToGatewayError } from '../routing/upstream-errors.ts';
import { pipeEvents, writeSseHead } from './deliver.ts';
import { toGatewayError } from './errors.ts';
import type { Surface } from './surface.ts';

export type Pipeline = (ctx: RequestContext) => Promise<void>;

export async function serve(pipeline: Pipeline, surface: Surface, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const abort = new AbortController();
  const res = reply.raw;
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const logError = (e: unknown) => request.log.error(e);
  const ctx: RequestContext = {
    requestId: request.id,
    endpoint: surface.endpoint,
    receivedAt: new Date(),
    startedAt: performance.now(),
    clientIp: request.ip,
    authorization: request.headers.authorization ?? (request.headers['x-api-key'] as string | undefined),
    rawBody: undefined,
    bodyBytes: Number(request.headers['content-length'] ?? 0),
    signal: abort.signal,
    headers: {},
    deferred: [],
    afterDelivery: [],
  };
  const afterDelivery = () => runDeferred(ctx.afterDelivery, logError);
  try {
    const input = surface.input(request.body);
    Object.assign(ctx, { rawBody: input.body, bodyText: input.keepText ? request.bodyText : undefined });
    await pipeline(ctx);
  } catch (err) {
    const error = toGatewayError(err);
    ctx.status = error.status;
    await runDeferred(ctx.deferred, logError);
    if (error.status >= 500) request.log.error({ code: error.code }, error.message);
    reply.code(error.status).headers({ ...ctx.headers, ...error.headers }).type('application/json').send(surface.errorBody(error));
    await afterDelivery();
    return;
  }
  const result = ctx.reply!;
  if (result.kind === 'json') {
    ctx.status = 200;
    await runDeferred(ctx.deferred, logError);
    reply.code(200).headers(ctx.headers).type('application/json').send(surface.json(ctx, result.body, result.text));
    await afterDelivery();
    return;
  }
  reply.hijack();
  writeSseHead(res, { ...ctx.headers, 'x-request-id': ctx.requestId });
  try {
    await pipeEvents(res, surface.stream(ctx, result.events));
    ctx.status = abort.signal.aborted ? 499 : 200;
  } catch (err) {
    const error = upstreamToGatewayError(err, ctx.model!.name);
    ctx.status = error.status;
    if (!res.destroyed) res.write(surface.streamError(error));
  }
  await runDeferred(ctx.deferred, logError);
  if (!res.destroyed) res.end(surface.streamEnd || undefined);
  await afterDelivery();
}
