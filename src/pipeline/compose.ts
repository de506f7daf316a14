// The pipeline runner. A request's work is listed by phase, in the order it runs: stages before forward, forward,
// the hooks inside forward before a stream's first byte, the stages after forward, then (run by the server as it
// delivers) the hooks before the reply completes and those after delivery. A stage stops the request by throwing a
// GatewayError; a hook reads what the stages left on the context, and does nothing for a request they never reached.
import { GatewayError } from '../errors.ts';
import type { Hook, RequestContext, Stage } from './context.ts';
import type { RequestTracer } from './trace.ts';

export interface Phases {
  beforeForward: readonly Stage[];
  forward: Stage;
  /** Inside forward: a stream's first event is in, nothing is sent yet; a throw refuses the request. */
  beforeStreamStarts?: readonly Hook[];
  /** Stages that keep or rewrite the reply forward produced. */
  afterForward?: readonly Stage[];
  /** Before the reply's last byte (the usage event durable): a GatewayError thrown here refuses the reply. */
  beforeReplyCompletes?: readonly Hook[];
  /** Once the client has its reply (or its error). */
  afterDelivery?: readonly Hook[];
  /** Traces requests (observability.tracing); its phase() has wrapped the stages worth a span already. */
  tracer?: RequestTracer;
}

export interface Pipeline {
  /** Starts each request's trace, when tracing is on. */
  readonly tracer?: RequestTracer;
  /** The stages, up to a reply in ctx.reply; throws to refuse the request. */
  run(ctx: RequestContext): Promise<void>;
  /** Every hook before the reply completes, in order; one failing does not stop the others. Resolves with the refusal, if any. */
  completeReply(ctx: RequestContext, onError: (err: unknown) => void): Promise<GatewayError | undefined>;
  afterDelivery(ctx: RequestContext, onError: (err: unknown) => void): Promise<GatewayError | undefined>;
}

export function compose(phases: Phases): Pipeline {
  const stages = [...phases.beforeForward, phases.forward, ...(phases.afterForward ?? [])];
  const beforeStream = inSequence(phases.beforeStreamStarts ?? []);
  const completing = phases.beforeReplyCompletes ?? [];
  const delivered = phases.afterDelivery ?? [];
  return {
    tracer: phases.tracer,
    async run(ctx) {
      ctx.beforeStream = beforeStream;
      for (const stage of stages) {
        const pending = stage(ctx);
        if (pending) await pending;
      }
    },
    completeReply: (ctx, onError) => runHooks(completing, ctx, onError),
    afterDelivery: (ctx, onError) => runHooks(delivered, ctx, onError),
  };
}

/** One hook as is (no wrapper to await), several one after another. */
function inSequence(hooks: readonly Hook[]): Hook | undefined {
  if (hooks.length <= 1) return hooks[0];
  return async (ctx) => {
    for (const hook of hooks) {
      const pending = hook(ctx);
      if (pending) await pending;
    }
  };
}

/**
 * Runs hooks in order; one failing does not stop the others. Resolves with the first GatewayError thrown: a hook
 * throws one to refuse the reply (the usage event could not be made durable); any other failure is only reported.
 */
export async function runHooks(
  hooks: readonly Hook[],
  ctx: RequestContext,
  onError: (err: unknown) => void,
): Promise<GatewayError | undefined> {
  let refusal: GatewayError | undefined;
  for (const hook of hooks) {
    try {
      const pending = hook(ctx);
      if (pending) await pending;
    } catch (err) {
      onError(err);
      if (err instanceof GatewayError) refusal ??= err;
    }
  }
  return refusal;
}
