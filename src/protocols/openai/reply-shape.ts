// What clients read of a chat completion, checked before one reaches them: a reply their SDK or code would trip on
// (a choice that is no object, content that is no text) is the upstream's fault, told as an invalid response that
// fails over, never passed on as a 200.
import type { JsonObject } from '../../wire/json.ts';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Text, or nothing; some OpenAI-compatible vendors send content as a list of parts, which is left to the client. */
const isContent = (v: unknown) => v === undefined || v === null || typeof v === 'string' || Array.isArray(v);
const isText = (v: unknown) => v === undefined || v === null || typeof v === 'string';

/** What is wrong with a chat completion's choices, naming the first field at fault; undefined when nothing is. */
export function chatReplyProblem(body: JsonObject): string | undefined {
  if (!Array.isArray(body.choices)) return 'reply has no choices';
  for (const [i, choice] of (body.choices as unknown[]).entries()) {
    const at = `choices[${i}]`;
    if (!isObject(choice)) return `${at} is not an object`;
    const message = choice.message;
    if (!isObject(message)) return `${at}.message is not an object`;
    if (!isContent(message.content)) return `${at}.message.content is not text`;
    if (!isText(message.refusal)) return `${at}.message.refusal is not text`;
    if (!isText(message.reasoning_content)) return `${at}.message.reasoning_content is not text`;
    const calls = message.tool_calls;
    if (calls === undefined || calls === null) continue;
    if (!Array.isArray(calls)) return `${at}.message.tool_calls is not a list`;
    for (const [k, call] of (calls as unknown[]).entries()) {
      const fn = isObject(call) ? call.function : undefined;
      if (!isObject(fn) || typeof fn.name !== 'string' || !isText(fn.arguments))
        return `${at}.message.tool_calls[${k}] is not a function call with a name and text arguments`;
    }
  }
  return undefined;
}
