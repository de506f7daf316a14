// The pipeline runner: stages run in order over one context; a stage stops the request by throwing a
// GatewayError. Work a stage must do before the reply completes (settling, releasing) it registers in
// ctx.deferred; work that can wait until the client has its reply, in ctx.afterDelivery.
import { GatewayError } from '../errors.ts';
import type { RequestContext, Stage } from './context.ts';

export function compose(stages: readonly Stage[]): (ctx: RequestContext) => Promise<void> {
  return async (ctx) => {
    for (const stage of stages) {
      const pending = stage(ctx);
      if (pending) await pending;
    }
  };
}

/**
 * Runs deferred work (ctx.deferred or ctx.afterDelivery) last registered first; one failing does not stop the
 * others. Resolves with the first GatewayError thrown: deferred work throws one to refuse the reply (the usage
 * event could not be made durable); any other failure is only reported.
 */
export async function runDeferred(work: RequestContext['deferred'], onError: (err: unknown) => void): Promise<GatewayError | undefined> {
  let refusal: GatewayError | undefined;
  for (let i = work.length - 1; i >= 0; i--) {
    try {
      const pending = work[i]!();
      if (pending) await pending;
    } catch (err) {
      onError(err);
      if (err instanceof GatewayError) refusal ??= err;
    }
  }
  return refusal;
}
