// What clients read of a chat completion or of a stream's chunk, checked before it reaches them: one their SDK or
// code would trip on (a choice that is no object, content that is no text) is the upstream's fault, told as an
// invalid response (which fails over before a stream's first byte), never passed on.
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
    if (!isObject(choice.message)) return `${at}.message is not an object`;
    const problem = messageProblem(choice.message, `${at}.message`, true);
    if (problem) return problem;
  }
  return undefined;
}

/** What is wrong with a stream's chunk (a chunk without choices, such as the usage chunk, has none to check). */
export function chatChunkProblem(chunk: unknown): string | undefined {
  if (!isObject(chunk)) return 'stream event is not an object';
  const choices = chunk.choices;
  if (choices === undefined || choices === null) return undefined;
  if (!Array.isArray(choices)) return 'stream event choices is not a list';
  for (const [i, choice] of (choices as unknown[]).entries()) {
    const at = `stream event choices[${i}]`;
    if (!isObject(choice)) return `${at} is not an object`;
    if (choice.delta === undefined || choice.delta === null) continue;
    if (!isObject(choice.delta)) return `${at}.delta is not an object`;
    const problem = messageProblem(choice.delta, `${at}.delta`, false);
    if (problem) return problem;
  }
  return undefined;
}

/** A message, or a delta of one (whose tool calls arrive in pieces: a name only in the first). */
function messageProblem(message: JsonObject, at: string, whole: boolean): string | undefined {
  if (!isContent(message.content)) return `${at}.content is not text`;
  if (!isText(message.refusal)) return `${at}.refusal is not text`;
  if (!isText(message.reasoning_content)) return `${at}.reasoning_content is not text`;
  const calls = message.tool_calls;
  if (calls === undefined || calls === null) return undefined;
  if (!Array.isArray(calls)) return `${at}.tool_calls is not a list`;
  for (const [k, call] of (calls as unknown[]).entries()) {
    const fn = isObject(call) ? call.function : undefined;
    const named = (f: JsonObject) => (whole ? typeof f.name === 'string' : isText(f.name));
    if (!isObject(fn) || !named(fn) || !isText(fn.arguments))
      return `${at}.tool_calls[${k}] is not a function call with a name and text arguments`;
  }
  return undefined;
}
