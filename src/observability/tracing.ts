// OpenTelemetry traces of data-plane requests: a server span per request (continuing the caller's W3C trace
// context), a child span per pipeline phase, and a client span per upstream call whose context goes upstream in
// `traceparent`. Spans are exported over OTLP/HTTP in batches. Loaded by the composition root only when
// observability.tracing.enabled is true. No global OpenTelemetry state is set: spans are parented explicitly.
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { GatewayError } from '../errors.ts';
import type { Hook, RequestContext, Stage } from '../pipeline/context.ts';
import type { RequestTrace, RequestTracer, UpstreamSpan } from '../pipeline/trace.ts';
import type { Attempt } from '../routing/router.ts';
import type { TracingConfig } from './config.ts';
import { GEN_AI_OPERATION, requestedModel } from './gen-ai.ts';

const propagator = new W3CTraceContextPropagator();

/** The tracer of the configuration; `exporter` replaces the OTLP one (tests, benchmarks). */
export function openTracer(config: TracingConfig, version: string, exporter?: SpanExporter): RequestTracer {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.service_name, 'service.version': version }),
    // A caller's sampled flag is followed; new traces are kept at sample_ratio.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sample_ratio) }),
    spanProcessors: [
      new BatchSpanProcessor(exporter ?? new OTLPTraceExporter({ url: config.otlp_endpoint }), {
        // About a dozen spans a request: a queue for a second or two of a busy node before spans are dropped.
        maxQueueSize: 16_384,
        maxExportBatchSize: 2_048,
        scheduledDelayMillis: 1_000,
      }),
    ],
  });
  const tracer = provider.getTracer('conduit', version);
  return {
    start: (ctx, headers) => new OtelRequestTrace(tracer, ctx, headers),
    phase: <S extends Stage | Hook>(name: string, stage: S): S =>
      ((ctx: RequestContext) => (ctx.trace ? ctx.trace.phase(name, stage, ctx) : stage(ctx))) as S,
    streamEnded: (ctx) => ctx.trace?.upstreamDone(ctx),
    flush: () => provider.forceFlush(),
    close: () => provider.shutdown(),
  };
}

class OtelRequestTrace implements RequestTrace {
  private readonly span: Span;
  private readonly context: Context;
  /** The phase under way (stages run one after another), parent of the upstream calls made in it. */
  private current: Context | undefined;
  private openUpstream: Span | undefined;

  constructor(
    private readonly tracer: Tracer,
    ctx: RequestContext,
    headers: Readonly<Record<string, string | string[] | undefined>>,
  ) {
    const caller = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    this.span = tracer.startSpan(
      `POST ${ctx.route}`,
      {
        kind: SpanKind.SERVER,
        startTime: ctx.startedAt,
        attributes: {
          'http.request.method': 'POST',
          'http.route': ctx.route,
          'gen_ai.operation.name': GEN_AI_OPERATION[ctx.endpoint],
          'conduit.request_id': ctx.requestId,
        },
      },
      caller,
    );
    this.context = trace.setSpan(caller, this.span);
  }

  phase(name: string, work: Stage, ctx: RequestContext): void | Promise<void> {
    // A phase inside another (a stream's interim usage record, inside forward) is its child.
    const outer = this.current;
    const span = this.tracer.startSpan(`conduit.${name}`, undefined, outer ?? this.context);
    this.current = trace.setSpan(this.context, span);
    let pending: void | Promise<void>;
    try {
      pending = work(ctx);
    } catch (err) {
      this.endPhase(span, outer, err);
      throw err;
    }
    if (!pending) {
      this.endPhase(span, outer);
      return;
    }
    return pending.then(
      () => this.endPhase(span, outer),
      (err: unknown) => {
        this.endPhase(span, outer, err);
        throw err;
      },
    );
  }

  private endPhase(span: Span, outer: Context | undefined, err?: unknown): void {
    if (err !== undefined) failed(span, err instanceof GatewayError ? err.code : 'internal', err);
    span.end();
    this.current = outer;
  }

  upstream(ctx: RequestContext, attempt: Attempt): UpstreamSpan {
    const { deployment } = attempt;
    const operation = GEN_AI_OPERATION[ctx.endpoint];
    const attributes: Attributes = {
      'gen_ai.operation.name': operation,
      'gen_ai.provider.name': deployment.vendor,
      'gen_ai.request.model': deployment.upstreamModel,
      'conduit.deployment': deployment.id,
      'conduit.region': deployment.region.id,
      'conduit.attempt': ctx.tries ?? 1,
    };
    const base = deployment.provider.base_url;
    if (base) {
      const url = new URL(base);
      attributes['server.address'] = url.hostname;
      attributes['server.port'] = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    }
    const span = this.tracer.startSpan(
      `${operation} ${deployment.upstreamModel}`,
      { kind: SpanKind.CLIENT, attributes },
      this.current ?? this.context,
    );
    const headers: Record<string, string> = {};
    propagator.inject(trace.setSpan(this.context, span), headers, defaultTextMapSetter);
    return {
      headers,
      replied: (replyCtx, streaming) => {
        if (streaming) {
          this.openUpstream = span;
          return;
        }
        usageAttributes(span, replyCtx);
        span.end();
      },
      failed: (errorType) => {
        failed(span, errorType);
        span.end();
      },
    };
  }

  upstreamDone(ctx: RequestContext): void {
    const span = this.openUpstream;
    if (!span) return;
    this.openUpstream = undefined;
    usageAttributes(span, ctx);
    if (ctx.errorType && (ctx.status ?? 0) >= 500) failed(span, ctx.errorType);
    span.end();
  }

  end(ctx: RequestContext): void {
    this.upstreamDone(ctx);
    const span = this.span;
    const status = ctx.status ?? 500;
    span.setAttribute('http.response.status_code', status);
    const requested = requestedModel(ctx);
    if (requested) span.setAttribute('gen_ai.request.model', requested);
    if (ctx.principal) span.setAttribute('conduit.org_id', ctx.principal.org.id);
    const d = ctx.deployment;
    if (d) {
      span.setAttribute('gen_ai.provider.name', d.vendor);
      span.setAttribute('conduit.deployment', d.id);
      span.setAttribute('conduit.region', d.region.id);
      if (status < 400 && ctx.model) span.setAttribute('gen_ai.response.model', ctx.model.name);
      if (ctx.tries !== undefined) span.setAttribute('conduit.upstream_tries', ctx.tries);
    }
    usageAttributes(span, ctx);
    if (status >= 400) span.setAttribute('error.type', ctx.errorType ?? String(status));
    // A server span is in error for 5xx only; a 4xx is the client's (the HTTP conventions).
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }
}

function usageAttributes(span: Span, ctx: RequestContext): void {
  const usage = ctx.usage;
  if (!usage) return;
  span.setAttribute('gen_ai.usage.input_tokens', usage.prompt_tokens);
  span.setAttribute('gen_ai.usage.output_tokens', usage.completion_tokens);
}

function failed(span: Span, errorType: string, err?: unknown): void {
  span.setAttribute('error.type', errorType);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : undefined });
}
