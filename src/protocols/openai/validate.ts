// Validation of OpenAI request bodies on the hot path: hand-written checks of the fields Conduit and the
// vendors rely on, each failure naming its field (`messages[2].role`). Unknown fields pass through untouched,
// so parameters OpenAI adds tomorrow keep working.
import { invalidRequest } from '../../errors.ts';
import type { JsonObject } from '../../wire/json.ts';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function expectObject(body: unknown): JsonObject {
  if (!isObject(body)) throw invalidRequest('The request body must be a JSON object.', null, 'invalid_body');
  return body;
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function wrongType(param: string, expected: string, v: unknown): never {
  throw invalidRequest(
    `Invalid type for '${param}': expected ${expected}, but got ${typeName(v)}.`,
    param,
    'invalid_type',
  );
}

function optionalBoolean(body: JsonObject, field: string): void {
  const v = body[field];
  if (v !== undefined && v !== null && typeof v !== 'boolean') wrongType(field, 'a boolean', v);
}

function optionalNumber(body: JsonObject, field: string, min: number, max: number, integer = false): void {
  const v = body[field];
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isFinite(v)) wrongType(field, integer ? 'an integer' : 'a number', v);
  if (integer && !Number.isInteger(v)) wrongType(field, 'an integer', v);
  if (v < min || v > max)
    throw invalidRequest(`Invalid value for '${field}': ${v} is outside [${min}, ${max}].`, field, 'invalid_value');
}

function requireModel(body: JsonObject): void {
  if (body.model === undefined)
    throw invalidRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  if (typeof body.model !== 'string' || body.model.length === 0) wrongType('model', 'a non-empty string', body.model);
}

export function validateChatRequest(raw: unknown): JsonObject {
  const body = expectObject(raw);
  requireModel(body);
  const messages = body.messages;
  if (messages === undefined)
    throw invalidRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (!Array.isArray(messages)) wrongType('messages', 'an array', messages);
  if (messages.length === 0)
    throw invalidRequest(
      "Invalid 'messages': empty array. Expected an array with minimum length 1.",
      'messages',
      'empty_array',
    );
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const at = `messages[${i}]`;
    if (!isObject(m)) wrongType(at, 'an object', m);
    if (m.role === undefined)
      throw invalidRequest(`Missing required parameter: '${at}.role'.`, `${at}.role`, 'missing_required_parameter');
    if (typeof m.role !== 'string' || !ROLES.has(m.role)) {
      throw invalidRequest(
        `Invalid value for '${at}.role': "${String(m.role)}". Supported values are: ${[...ROLES].map((r) => `'${r}'`).join(', ')}.`,
        `${at}.role`,
        'invalid_value',
      );
    }
    const content = m.content;
    const contentOptional = m.role === 'assistant' && (m.tool_calls !== undefined || m.function_call !== undefined);
    if (content === undefined || content === null) {
      if (!contentOptional)
        throw invalidRequest(
          `Missing required parameter: '${at}.content'.`,
          `${at}.content`,
          'missing_required_parameter',
        );
    } else if (typeof content !== 'string' && !Array.isArray(content)) {
      wrongType(`${at}.content`, 'a string or an array of content parts', content);
    } else if (Array.isArray(content)) {
      content.forEach((part, j) => {
        if (!isObject(part) || typeof part.type !== 'string')
          wrongType(`${at}.content[${j}]`, 'a content part object with a type', part);
      });
    }
    if (m.role === 'tool' && typeof m.tool_call_id !== 'string') {
      throw invalidRequest(
        `Missing required parameter: '${at}.tool_call_id'.`,
        `${at}.tool_call_id`,
        'missing_required_parameter',
      );
    }
  }
  optionalBoolean(body, 'stream');
  if (body.stream_options !== undefined && body.stream_options !== null) {
    if (!isObject(body.stream_options)) wrongType('stream_options', 'an object', body.stream_options);
    if (body.stream !== true)
      throw invalidRequest(
        "Invalid value for 'stream_options': only allowed when 'stream' is true.",
        'stream_options',
        'invalid_value',
      );
    const include = body.stream_options.include_usage;
    if (include !== undefined && typeof include !== 'boolean')
      wrongType('stream_options.include_usage', 'a boolean', include);
  }
  optionalNumber(body, 'n', 1, 128, true);
  optionalNumber(body, 'max_tokens', 1, 10_000_000, true);
  optionalNumber(body, 'max_completion_tokens', 1, 10_000_000, true);
  optionalNumber(body, 'temperature', 0, 2);
  optionalNumber(body, 'top_p', 0, 1);
  optionalNumber(body, 'presence_penalty', -2, 2);
  optionalNumber(body, 'frequency_penalty', -2, 2);
  optionalBoolean(body, 'logprobs');
  optionalNumber(body, 'top_logprobs', 0, 20, true);
  if (body.tools !== undefined && body.tools !== null) {
    if (!Array.isArray(body.tools)) wrongType('tools', 'an array', body.tools);
    body.tools.forEach((tool, i) => {
      if (!isObject(tool)) wrongType(`tools[${i}]`, 'an object', tool);
      if (tool.type === 'function' && (!isObject(tool.function) || typeof tool.function.name !== 'string')) {
        throw invalidRequest(
          `Missing required parameter: 'tools[${i}].function.name'.`,
          `tools[${i}].function.name`,
          'missing_required_parameter',
        );
      }
    });
  }
  if (body.response_format !== undefined && body.response_format !== null) {
    if (!isObject(body.response_format) || typeof body.response_format.type !== 'string')
      wrongType('response_format', 'an object with a type', body.response_format);
  }
  if (body.user !== undefined && typeof body.user !== 'string') wrongType('user', 'a string', body.user);
  return body;
}

export function validateResponsesRequest(raw: unknown): JsonObject {
  const body = expectObject(raw);
  requireModel(body);
  const input = body.input;
  if (input === undefined)
    throw invalidRequest("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  if (typeof input !== 'string' && !Array.isArray(input))
    wrongType('input', 'a string or an array of input items', input);
  if (Array.isArray(input)) input.forEach(inputItem);
  optionalBoolean(body, 'stream');
  optionalBoolean(body, 'store');
  optionalNumber(body, 'max_output_tokens', 1, 10_000_000, true);
  optionalNumber(body, 'temperature', 0, 2);
  optionalNumber(body, 'top_p', 0, 1);
  if (body.instructions !== undefined && body.instructions !== null && typeof body.instructions !== 'string')
    wrongType('instructions', 'a string', body.instructions);
  const previous = body.previous_response_id;
  if (previous !== undefined && previous !== null && typeof previous !== 'string')
    wrongType('previous_response_id', 'a string', previous);
  if (body.tools !== undefined && body.tools !== null) {
    if (!Array.isArray(body.tools)) wrongType('tools', 'an array', body.tools);
    body.tools.forEach((tool, i) => {
      if (!isObject(tool) || typeof tool.type !== 'string') wrongType(`tools[${i}]`, 'a tool object with a type', tool);
      if (tool.type === 'function') requireString(tool, 'name', `tools[${i}]`);
    });
  }
  const choice = body.tool_choice;
  if (choice !== undefined && choice !== null) {
    if (typeof choice === 'string' && !TOOL_CHOICES.has(choice)) {
      throw invalidRequest(
        `Invalid value for 'tool_choice': "${choice}". Supported values are: 'none', 'auto' and 'required', or an object naming a tool.`,
        'tool_choice',
        'invalid_value',
      );
    }
    if (typeof choice !== 'string' && (!isObject(choice) || typeof choice.type !== 'string'))
      wrongType('tool_choice', 'a string or an object with a type', choice);
    if (isObject(choice) && choice.type === 'function') requireString(choice, 'name', 'tool_choice');
  }
  return body;
}

const TOOL_CHOICES = new Set(['none', 'auto', 'required']);

/** The fields the gateway reads of the input items it acts on: function calls, their outputs, item references. */
function inputItem(item: unknown, i: number): void {
  const at = `input[${i}]`;
  if (!isObject(item)) wrongType(at, 'an object', item);
  if (item.type === 'function_call_output') {
    requireString(item, 'call_id', at);
    if (item.output === undefined)
      throw invalidRequest(`Missing required parameter: '${at}.output'.`, `${at}.output`, 'missing_required_parameter');
    if (typeof item.output !== 'string' && !Array.isArray(item.output))
      wrongType(`${at}.output`, 'a string or an array of content parts', item.output);
  } else if (item.type === 'function_call') {
    for (const field of ['call_id', 'name', 'arguments']) requireString(item, field, at);
  } else if (item.type === 'item_reference') {
    requireString(item, 'id', at);
  }
}

function requireString(o: JsonObject, field: string, at: string): void {
  const v = o[field];
  if (v === undefined)
    throw invalidRequest(
      `Missing required parameter: '${at}.${field}'.`,
      `${at}.${field}`,
      'missing_required_parameter',
    );
  if (typeof v !== 'string') wrongType(`${at}.${field}`, 'a string', v);
}

export function validateEmbeddingsRequest(raw: unknown): JsonObject {
  const body = expectObject(raw);
  requireModel(body);
  const input = body.input;
  if (input === undefined)
    throw invalidRequest("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  const ok =
    (typeof input === 'string' && input.length > 0) ||
    (Array.isArray(input) &&
      input.length > 0 &&
      (input.every((x) => typeof x === 'string') ||
        input.every((x) => typeof x === 'number') ||
        input.every((x) => Array.isArray(x) && x.every((t) => typeof t === 'number'))));
  if (!ok)
    throw invalidRequest(
      "Invalid 'input': expected a non-empty string, an array of strings, or an array of token arrays.",
      'input',
      'invalid_value',
    );
  if (body.encoding_format !== undefined && body.encoding_format !== 'float' && body.encoding_format !== 'base64') {
    throw invalidRequest(
      `Invalid value for 'encoding_format': "${String(body.encoding_format)}". Supported values are: 'float' and 'base64'.`,
      'encoding_format',
      'invalid_value',
    );
  }
  optionalNumber(body, 'dimensions', 1, 65_536, true);
  return body;
}
