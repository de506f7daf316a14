// What clients read of an OpenAI-shaped reply or stream event (chat completions, the Responses API, embeddings),
// checked before it reaches them: one their SDK or code would trip on (a choice that is no object, content that is
// no text) is the upstream's fault, told as an invalid response (which fails over before a stream's first byte),
// never passed on. Each names the first field at fault; undefined when nothing is.
import type { JsonObject } from '../../wire/json.ts';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Text, or nothing; some OpenAI-compatible vendors send content as a list of parts, which is left to the client. */
const isContent = (v: unknown) => v === undefined || v === null || typeof v === 'string' || Array.isArray(v);
const isText = (v: unknown) => v === undefined || v === null || typeof v === 'string';

/** A chat completion's choices. */
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

/** A chat stream's chunk, already known to be an object (one without choices, such as the usage chunk, has none to check). */
export function chatChunkProblem(chunk: JsonObject): string | undefined {
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

/**
 * A message, or a delta of one: a delta's tool calls arrive in pieces (the name in the first only, a piece perhaps
 * without its function), a message's are whole.
 */
function messageProblem(message: JsonObject, at: string, whole: boolean): string | undefined {
  if (!isContent(message.content)) return `${at}.content is not text`;
  if (!isText(message.refusal)) return `${at}.refusal is not text`;
  if (!isText(message.reasoning_content)) return `${at}.reasoning_content is not text`;
  const calls = message.tool_calls;
  if (calls === undefined || calls === null) return undefined;
  if (!Array.isArray(calls)) return `${at}.tool_calls is not a list`;
  for (const [k, call] of (calls as unknown[]).entries()) {
    if (!isObject(call)) return `${at}.tool_calls[${k}] is not an object`;
    const fn = call.function;
    if (!whole && (fn === undefined || fn === null)) continue;
    if (!isObject(fn) || !(whole ? typeof fn.name === 'string' : isText(fn.name)) || !isText(fn.arguments))
      return `${at}.tool_calls[${k}] is not a function call with a name and text arguments`;
  }
  return undefined;
}

/** A Responses API reply's output items. */
export function responsesReplyProblem(body: JsonObject): string | undefined {
  if (!Array.isArray(body.output)) return 'reply has no output';
  return outputProblem(body.output as unknown[], 'output');
}

/**
 * A Responses API stream event, already known to be an object: its response (created, completed...) a reply, its
 * item an item, its delta text.
 */
export function responsesEventProblem(event: JsonObject): string | undefined {
  const at = `${typeof event.type === 'string' ? event.type : 'stream'} event`;
  const { response, item, delta } = event;
  if (response !== undefined) {
    if (!isObject(response)) return `${at}: response is not an object`;
    const output = response.output;
    if (output !== undefined && output !== null) {
      if (!Array.isArray(output)) return `${at}: response.output is not a list`;
      const problem = outputProblem(output as unknown[], 'response.output');
      if (problem) return `${at}: ${problem}`;
    }
  }
  if (item !== undefined) {
    const problem = itemProblem(item, 'item');
    if (problem) return `${at}: ${problem}`;
  }
  if (delta !== undefined && typeof delta !== 'string') return `${at}: delta is not text`;
  return undefined;
}

function outputProblem(output: unknown[], at: string): string | undefined {
  for (const [i, item] of output.entries()) {
    const problem = itemProblem(item, `${at}[${i}]`);
    if (problem) return problem;
  }
  return undefined;
}

/** An output item: a message's content parts with text, a function call's arguments text. */
function itemProblem(item: unknown, at: string): string | undefined {
  if (!isObject(item)) return `${at} is not an object`;
  if (!isText(item.arguments)) return `${at}.arguments is not text`;
  const parts = item.content;
  if (parts === undefined || parts === null) return undefined;
  if (!Array.isArray(parts)) return `${at}.content is not a list`;
  for (const [k, part] of (parts as unknown[]).entries()) {
    if (!isObject(part)) return `${at}.content[${k}] is not an object`;
    if (!isText(part.text)) return `${at}.content[${k}].text is not text`;
  }
  return undefined;
}

/** An embeddings reply's data: each entry a vector, as numbers or (encoding_format base64) as text. */
export function embeddingsReplyProblem(body: JsonObject): string | undefined {
  if (!Array.isArray(body.data)) return 'reply has no data';
  for (const [i, entry] of (body.data as unknown[]).entries()) {
    if (!isObject(entry)) return `data[${i}] is not an object`;
    if (!Array.isArray(entry.embedding) && typeof entry.embedding !== 'string')
      return `data[${i}].embedding is not a vector`;
  }
  return undefined;
}
