// Stage: after delivery, hand the request to the distillation monitor (queued, scored off the request path).
import type { AbuseMonitor } from '../abuse/monitor.ts';
import { liveRecord } from '../abuse/record.ts';
import type { Stage } from './context.ts';

export function observe(monitor: AbuseMonitor): Stage {
  return (ctx) => {
    if (ctx.endpoint === 'embeddings') return;
    ctx.afterDelivery.push(() => {
      if (!ctx.usage) return;
      // A Responses API reply's id: a follow-up names it (previous_response_id) instead of resending the history.
      const replyId = ctx.endpoint === 'responses' ? (ctx.reply?.kind === 'json' ? (ctx.reply.body.id as string | undefined) : ctx.replyId) : undefined;
      monitor.observe(
        liveRecord({ ts: ctx.receivedAt, orgId: ctx.principal!.org.id, keyId: ctx.principal!.key.id, ip: ctx.clientIp, body: ctx.body!, promptTokens: ctx.usage.prompt_tokens, completionTokens: ctx.usage.completion_tokens, replyId }),
      );
    });
  };
}
