// A request's trace as the pipeline sees it: spans for its phases and its upstream calls. The OpenTelemetry
// implementation is observability/tracing.ts, loaded only when tracing is on; off, no request has a trace and
// the stages are composed as they are (traced() below is then never called).
import type { Attempt } from '../routing/router.ts';
import type { Hook, RequestContext, Stage } from './context.ts';

/** One upstream call's span, and the headers that carry it to the vendor (traceparent). */
export interface UpstreamSpan {
  readonly headers: Readonly<Record<string, string>>;
  /** The vendor answered (a JSON reply whole); a stream's span stays open until the reply completes. */
  replied(ctx: RequestContext, streaming: boolean): void;
  failed(errorType: string): void;
}

export interface RequestTrace {
  /** Runs `work` in a child span of the request's named `name`. */
  phase(name: string, work: Stage, ctx: RequestContext): void | Promise<void>;
  /** A child span for one upstream call. */
  upstream(ctx: RequestContext, attempt: Attempt): UpstreamSpan;
  /** The stream's upstream span, ended (its last event is in). */
  upstreamDone(ctx: RequestContext): void;
  /** Ends the request's span with what the context says (model, tokens, status). */
  end(ctx: RequestContext): void;
}

/** Starts a request's trace, continuing the caller's W3C trace context when its headers carry one. */
export interface RequestTracer {
  start(ctx: RequestContext, headers: Readonly<Record<string, string | string[] | undefined>>): RequestTrace;
  /** A stage or hook that runs in a span named `name` (when the request has a trace). */
  phase<S extends Stage | Hook>(name: string, stage: S): S;
  /** A hook that ends a stream's upstream span (first of those before the reply completes). */
  readonly streamEnded: Hook;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** With no tracer, stages are composed as they are: nothing wraps them, nothing runs per request. */
export const untraced = <S extends Stage | Hook>(_name: string, stage: S): S => stage;
