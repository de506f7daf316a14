// Hook: after delivery, hand the request to the distillation monitor (queued, scored off the request path).
import type { AbuseMonitor } from '../abuse/monitor.ts';
import { liveRecord } from '../abuse/record.ts';
import type { Hook } from './context.ts';

/** Every chat and Responses request served (it has usage), embeddings aside. */
export function observe(monitor: Pick<AbuseMonitor, 'observe'>): Hook {
  return (ctx) => {
    if (ctx.endpoint === 'embeddings' || !ctx.usage) return;
    // A Responses API reply's id: a follow-up names it (previous_response_id) instead of resending the history.
    const replyId =
      ctx.endpoint === 'responses'
        ? ctx.reply?.kind === 'json'
          ? (ctx.reply.body.id as string | undefined)
          : ctx.replyId
        : undefined;
    monitor.observe(
      liveRecord({
        ts: ctx.receivedAt,
        orgId: ctx.principal!.org.id,
        keyId: ctx.principal!.key.id,
        ip: ctx.clientIp,
        body: ctx.body!,
        promptTokens: ctx.usage.prompt_tokens,
        completionTokens: ctx.usage.completion_tokens,
        replyId,
      }),
    );
  };
}
