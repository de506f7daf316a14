// The text of a JSON reply: the first choice of a chat completion, or the output text of a Responses API reply.
import type { JsonObject } from '../../providers/types.ts';

export function replyText(body: JsonObject): string | undefined {
  const choice = (body.choices as Array<{ message?: { content?: unknown } }> | undefined)?.[0];
  if (typeof choice?.message?.content === 'string') return choice.message.content;
  if (!Array.isArray(body.output)) return undefined;
  let text = '';
  for (const item of body.output as Array<{ content?: Array<{ type?: string; text?: string }> }>) {
    for (const part of item.content ?? []) if (part.type === 'output_text' && typeof part.text === 'string') text += part.text;
  }
  return text;
}
