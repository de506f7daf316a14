// The access-log line: the one line every request writes, built as a string in pino's own format and handed
// straight to the logger's destination, instead of through pino's object serialiser. A data-plane request's line
// also says who asked for what and where it went (organisation, key, model, deployment, region), its upstream
// calls and tokens, and its durations; never its prompt or its reply.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { RequestContext } from '../pipeline/context.ts';

export type AccessLog = (
  requestId: string,
  method: string,
  url: string,
  status: number,
  ms: number,
  served?: RequestContext,
) => void;

export function accessLogTo(logger: Logger, write: (line: string) => void): AccessLog {
  const bindings = `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;
  return (requestId, method, url, status, ms, served) => {
    if (!logger.isLevelEnabled('info')) return;
    write(
      `{"level":30,"time":${Date.now()}${bindings},"reqId":${JSON.stringify(requestId)},"method":${JSON.stringify(method)},"url":${JSON.stringify(url)},"status":${status},"ms":${ms}${served ? servedFields(served) : ''},"msg":"request"}\n`,
    );
  };
}

/** What the pipeline knows of a data-plane request: ids and names come from the catalogue and the key store. */
function servedFields(ctx: RequestContext): string {
  let out = '';
  const principal = ctx.principal;
  if (principal) out += `,"org":${JSON.stringify(principal.org.id)},"key":${JSON.stringify(principal.key.id)}`;
  if (ctx.model) out += `,"model":${JSON.stringify(ctx.model.name)}`;
  if (ctx.deployment)
    out += `,"deployment":${JSON.stringify(ctx.deployment.id)},"region":${JSON.stringify(ctx.deployment.region.id)}`;
  if (ctx.stream !== undefined) out += `,"stream":${ctx.stream}`;
  if (ctx.errorType) out += `,"error":${JSON.stringify(ctx.errorType)}`;
  if (ctx.tries !== undefined) out += `,"tries":${ctx.tries}`;
  if (ctx.upstreamStartedAt !== undefined && ctx.upstreamRepliedAt !== undefined)
    out += `,"upstream_ms":${Math.round(ctx.upstreamRepliedAt - ctx.upstreamStartedAt)}`;
  if (ctx.firstEventAt !== undefined) out += `,"first_token_ms":${Math.round(ctx.firstEventAt - ctx.startedAt)}`;
  const usage = ctx.usage;
  if (usage) out += `,"input_tokens":${usage.prompt_tokens},"output_tokens":${usage.completion_tokens}`;
  return out;
}

/**
 * Lines written in one event-loop turn reach `write` as one string when the turn ends. pino's destination
 * re-measures its whole pending buffer on every write (a copy of up to 8 KB): once per turn, not per request.
 */
export function batchedPerTurn(write: (text: string) => void): (line: string) => void {
  let pending = '';
  const flush = () => {
    const text = pending;
    pending = '';
    write(text);
  };
  return (line) => {
    if (pending === '') setImmediate(flush);
    pending += line;
  };
}
