// Hook: after delivery, keep the request's prompt and reply for an organisation that opted in to prompt logging
// (an admin setting, off unless set). For every other organisation nothing of either is stored, anywhere.
import type { PromptLogStore } from '../store/ports.ts';
import type { Hook, RequestContext } from './context.ts';

const DAY_MS = 86_400_000;

export function logPrompts(store: Pick<PromptLogStore, 'record'>): Hook {
  return (ctx) => {
    const settings = ctx.principal?.org.prompt_logging;
    if (!settings?.enabled) return;
    const created = Date.parse(ctx.receivedAt);
    return store.record({
      org_id: ctx.principal!.org.id,
      request_id: ctx.requestId,
      key_id: ctx.principal!.key.id,
      created_at: ctx.receivedAt,
      expires_at: new Date(created + settings.retention_days * DAY_MS).toISOString(),
      endpoint: ctx.endpoint,
      model: ctx.model?.name ?? null,
      status: ctx.status ?? 500,
      request: ctx.bodyText ?? JSON.stringify(ctx.rawBody ?? null),
      response: replyText(ctx),
    });
  };
}

/** A JSON reply as sent; a stream as the text it delivered and its usage; a refusal as its error code. */
function replyText(ctx: RequestContext): string {
  const reply = ctx.reply;
  if ((ctx.status ?? 500) >= 400 || !reply)
    return JSON.stringify({ error: { code: ctx.errorType ?? null, status: ctx.status ?? 500 } });
  if (reply.kind === 'json') return reply.text ?? JSON.stringify(reply.body);
  return JSON.stringify({ object: 'stream', output_text: ctx.outputText ?? '', usage: ctx.usage ?? null });
}
