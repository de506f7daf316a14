// The text of a JSON reply: the first choice of a chat completion, or the output text of a Responses API reply.
import type { JsonObject } from '../../wire/json.ts';

export function replyText(body: JsonObject): string | undefined {
  const choice = (body.choices as Array<{ message?: { content?: unknown } }> | undefined)?.[0];
  if (typeof choice?.message?.content === 'string') return choice.message.content;
  if (!Array.isArray(body.output)) return undefined;
  let text = '';
  for (const item of body.output as Array<{ content?: Array<{ type?: string; text?: string }> }>) {
    for (const part of item.content ?? [])
      if (part.type === 'output_text' && typeof part.text === 'string') text += part.text;
  }
  return text;
}

/**
 * All a JSON reply delivered that counts as completion: every choice's content, reasoning and tool-call
 * arguments (what a stream's deltas carry), or a Responses API reply's output text and function-call arguments.
 */
export function deliveredText(body: JsonObject): string {
  let text = '';
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  if (Array.isArray(body.choices)) {
    for (const choice of body.choices as Array<{ message?: JsonObject } | null>) {
      const message = choice?.message;
      if (!message) continue;
      text += str(message.content) + str(message.reasoning_content);
      const calls = message.tool_calls;
      if (Array.isArray(calls))
        for (const call of calls as Array<{ function?: JsonObject } | null>) text += str(call?.function?.arguments);
    }
  }
  if (Array.isArray(body.output)) {
    for (const item of body.output as Array<JsonObject | null>) {
      if (item?.type === 'function_call') text += str(item.arguments);
      const parts = item?.content;
      if (Array.isArray(parts))
        for (const part of parts as Array<JsonObject | null>) if (part?.type === 'output_text') text += str(part.text);
    }
  }
  return text;
}
