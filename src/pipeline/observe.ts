// Stage: after delivery, hand the request to the distillation monitor (queued, scored off the request path).
import type { AbuseMonitor } from '../abuse/monitor.ts';
import { liveRecord } from '../abuse/record.ts';
import type { Stage } from './context.ts';

export function observe(monitor: AbuseMonitor): Stage {
  return (ctx) => {
    if (ctx.endpoint === 'embeddings') return;
    ctx.afterDelivery.push(() => {
      if (!ctx.usage) return;
      monitor.observe(
        liveRecord({ ts: ctx.receivedAt, orgId: ctx.principal!.org.id, keyId: ctx.principal!.key.id, ip: ctx.clientIp, body: ctx.body!, promptTokens: ctx.usage.prompt_tokens, completionTokens: ctx.usage.completion_tokens }),
      );
    });
  };
}
