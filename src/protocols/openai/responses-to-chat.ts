// Responses API requests as Chat Completions requests, for deployments that speak only chat (capability
// `responses: false`) and for the simulator's text engine: instructions and input items become messages, function
// tools and tool_choice their chat forms. What chat has no words for (built-in tools, stored prompts, conversations)
// cannot be carried: `chatCannotCarry` names it, and such a request goes only where the Responses API is spoken.
import type { JsonObject } from '../../wire/json.ts';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Input items chat can carry; reasoning is dropped (chat takes none back), item references are resolved before. */
const CARRIED_ITEMS = new Set(['message', 'function_call', 'function_call_output', 'reasoning']);
const CARRIED_PARTS = new Set(['input_text', 'output_text', 'text', 'refusal', 'input_image', 'input_file']);

/** The field of a Responses request that chat cannot carry (`tools[1]`, `input[3]`...), or undefined when it can carry it all. */
export function chatCannotCarry(body: JsonObject): string | undefined {
  for (const field of ['conversation', 'prompt'] as const)
    if (body[field] !== undefined && body[field] !== null) return field;
  if (body.background === true) return 'background';
  const tools = Array.isArray(body.tools) ? body.tools : [];
  for (let i = 0; i < tools.length; i++) if (!isObject(tools[i]) || tools[i].type !== 'function') return `tools[${i}]`;
  const choice = body.tool_choice;
  if (
    isObject(choice) &&
    choice.type !== 'function' &&
    !(
      choice.type === 'allowed_tools' &&
      Array.isArray(choice.tools) &&
      choice.tools.every((t) => isObject(t) && t.type === 'function')
    )
  ) {
    return 'tool_choice';
  }
  if (!Array.isArray(body.input)) return undefined;
  const input = body.input as unknown[];
  for (let i = 0; i < input.length; i++) {
    const item = input[i];
    if (!isObject(item)) return `input[${i}]`;
    if (!CARRIED_ITEMS.has(itemType(item))) return `input[${i}]`;
    if (!Array.isArray(item.content)) continue;
    const parts = item.content as unknown[];
    for (let j = 0; j < parts.length; j++) {
      const part = parts[j];
      if (!isObject(part) || !CARRIED_PARTS.has(str(part.type))) return `input[${i}].content[${j}]`;
      // Files and images by id live in the vendor's file store, which a chat-only deployment does not have.
      if (part.type === 'input_image' && typeof part.image_url !== 'string') return `input[${i}].content[${j}]`;
      if (part.type === 'input_file' && typeof part.file_data !== 'string') return `input[${i}].content[${j}]`;
    }
  }
  return undefined;
}

/** An input item's type: a message may leave it out; an item with an id and nothing else is a reference. */
export function itemType(item: JsonObject): string {
  if (typeof item.type === 'string') return item.type;
  if (item.role !== undefined) return 'message';
  return typeof item.id === 'string' ? 'item_reference' : '';
}

/** The request as a chat completion request (model unchanged); `chatCannotCarry` said it can be carried. */
export function responsesToChat(body: JsonObject): JsonObject {
  const chat: JsonObject = { model: body.model, messages: messagesOf(body) };
  const functions = (Array.isArray(body.tools) ? (body.tools as JsonObject[]) : []).filter(
    (t) => isObject(t) && t.type === 'function',
  );
  let tools = functions;
  const choice = body.tool_choice;
  if (isObject(choice) && choice.type === 'allowed_tools') {
    // Only the allowed tools are offered; the mode (auto or required) is the choice.
    const allowed = new Set((choice.tools as JsonObject[]).map((t) => t.name));
    tools = functions.filter((t) => allowed.has(t.name));
    chat.tool_choice = choice.mode === 'required' ? 'required' : 'auto';
  } else if (isObject(choice)) {
    chat.tool_choice = { type: 'function', function: { name: choice.name } };
  } else if (typeof choice === 'string') {
    chat.tool_choice = choice;
  }
  if (tools.length > 0) {
    chat.tools = tools.map((t) => ({
      type: 'function',
      function: defined({ name: t.name, description: t.description, parameters: t.parameters, strict: t.strict }),
    }));
    if (typeof body.parallel_tool_calls === 'boolean') chat.parallel_tool_calls = body.parallel_tool_calls;
  } else if (chat.tool_choice !== undefined && chat.tool_choice !== 'none') {
    delete chat.tool_choice;
  }
  if (typeof body.max_output_tokens === 'number') chat.max_tokens = body.max_output_tokens;
  for (const field of ['temperature', 'top_p', 'user', 'safety_identifier', 'service_tier'])
    if (body[field] !== undefined && body[field] !== null) chat[field] = body[field];
  const effort = isObject(body.reasoning) ? body.reasoning.effort : undefined;
  if (typeof effort === 'string') chat.reasoning_effort = effort;
  const format = isObject(body.text) && isObject(body.text.format) ? body.text.format : undefined;
  if (format?.type === 'json_object') chat.response_format = { type: 'json_object' };
  if (format?.type === 'json_schema')
    chat.response_format = {
      type: 'json_schema',
      json_schema: defined({
        name: format.name,
        description: format.description,
        schema: format.schema,
        strict: format.strict,
      }),
    };
  return chat;
}

function messagesOf(body: JsonObject): JsonObject[] {
  const messages: JsonObject[] = [];
  if (typeof body.instructions === 'string' && body.instructions !== '')
    messages.push({ role: 'system', content: body.instructions });
  if (typeof body.input === 'string') {
    messages.push({ role: 'user', content: body.input });
    return messages;
  }
  for (const item of (Array.isArray(body.input) ? body.input : []) as JsonObject[]) {
    const type = itemType(item);
    if (type === 'function_call') {
      // The model's calls of one turn are one assistant message, after any text it said first.
      const call = {
        id: item.call_id,
        type: 'function',
        function: { name: item.name, arguments: str(item.arguments) },
      };
      const last = messages.at(-1);
      if (last?.role === 'assistant')
        ((last.tool_calls as JsonObject[] | undefined) ?? (last.tool_calls = [])).push(call);
      else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
    } else if (type === 'function_call_output') {
      messages.push({
        role: 'tool',
        tool_call_id: item.call_id,
        content: typeof item.output === 'string' ? item.output : partsText(item.output),
      });
    } else if (type === 'message') {
      messages.push(chatMessage(item));
    }
  }
  return messages;
}

function chatMessage(item: JsonObject): JsonObject {
  const role = item.role === 'developer' ? 'system' : String(item.role);
  if (typeof item.content === 'string') return { role, content: item.content };
  const parts = (Array.isArray(item.content) ? item.content : []) as JsonObject[];
  if (role !== 'user' || parts.every((p) => p.type !== 'input_image' && p.type !== 'input_file'))
    return { role, content: partsText(parts) };
  return {
    role,
    content: parts.map((p) => {
      if (p.type === 'input_image')
        return { type: 'image_url', image_url: defined({ url: p.image_url, detail: p.detail }) };
      if (p.type === 'input_file')
        return { type: 'file', file: defined({ filename: p.filename, file_data: p.file_data }) };
      return { type: 'text', text: str(p.text) };
    }),
  };
}

/** The text of content parts (a refusal in the history stands as what was said). */
function partsText(parts: unknown): string {
  if (!Array.isArray(parts)) return '';
  return (parts as JsonObject[]).map((p) => (isObject(p) ? str(p.text) || str(p.refusal) : '')).join('');
}

function defined(o: JsonObject): JsonObject {
  for (const key of Object.keys(o)) if (o[key] === undefined || o[key] === null) delete o[key];
  return o;
}
