// Validation of OpenAI request bodies on the hot path: hand-written checks of the fields Conduit and the
// vendors rely on, each failure naming its field (`messages[2].role`). Unknown fields pass through untouched,
// so parameters OpenAI adds tomorrow keep working.
import { GatewayError } from '../../errors.ts';
import type { JsonObject } from '../../wire/json.ts';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function expectObject(body: unknown): JsonObject {
  if (!isObject(body)) throw new GatewayError('invalid_body', 'The request body must be a JSON object.');
  return body;
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function wrongType(param: string, expected: string, v: unknown): never {
  throw new GatewayError('invalid_type', `Invalid type for '${param}': expected ${expected}, but got ${typeName(v)}.`, {
    param: param,
  });
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
    throw new GatewayError('invalid_value', `Invalid value for '${field}': ${v} is outside [${min}, ${max}].`, {
      param: field,
    });
}

function requireModel(body: JsonObject): void {
  if (body.model === undefined)
    throw new GatewayError('missing_required_parameter', "Missing required parameter: 'model'.", { param: 'model' });
  if (typeof body.model !== 'string' || body.model.length === 0) wrongType('model', 'a non-empty string', body.model);
}

export function validateChatRequest(raw: unknown): JsonObject {
  const body = expectObject(raw);
  requireModel(body);
  const messages = body.messages;
  if (messages === undefined)
    throw new GatewayError('missing_required_parameter', "Missing required parameter: 'messages'.", {
      param: 'messages',
    });
  if (!Array.isArray(messages)) wrongType('messages', 'an array', messages);
  if (messages.length === 0)
    throw new GatewayError('empty_array', "Invalid 'messages': empty array. Expected an array with minimum length 1.", {
      param: 'messages',
    });
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const at = `messages[${i}]`;
    if (!isObject(m)) wrongType(at, 'an object', m);
    if (m.role === undefined)
      throw new GatewayError('missing_required_parameter', `Missing required parameter: '${at}.role'.`, {
        param: `${at}.role`,
      });
    if (typeof m.role !== 'string' || !ROLES.has(m.role)) {
      throw new GatewayError(
        'invalid_value',
        `Invalid value for '${at}.role': "${String(m.role)}". Supported values are: ${[...ROLES].map((r) => `'${r}'`).join(', ')}.`,
        { param: `${at}.role` },
      );
    }
    const content = m.content;
    const contentOptional = m.role === 'assistant' && (m.tool_calls !== undefined || m.function_call !== undefined);
    if (content === undefined || content === null) {
      if (!contentOptional)
        throw new GatewayError('missing_required_parameter', `Missing required parameter: '${at}.content'.`, {
          param: `${at}.content`,
        });
    } else if (typeof content !== 'string' && !Array.isArray(content)) {
      wrongType(`${at}.content`, 'a string or an array of content parts', content);
    } else if (Array.isArray(content)) {
      content.forEach((part, j) => {
        if (!isObject(part) || typeof part.type !== 'string')
          wrongType(`${at}.content[${j}]`, 'a content part object with a type', part);
      });
    }
    if (m.role === 'tool' && typeof m.tool_call_id !== 'string') {
      throw new GatewayError('missing_required_parameter', `Missing required parameter: '${at}.tool_call_id'.`, {
        param: `${at}.tool_call_id`,
      });
    }
  }
  optionalBoolean(body, 'stream');
  if (body.stream_options !== undefined && body.stream_options !== null) {
    if (!isObject(body.stream_options)) wrongType('stream_options', 'an object', body.stream_options);
    if (body.stream !== true)
      throw new GatewayError(
        'invalid_value',
        "Invalid value for 'stream_options': only allowed when 'stream' is true.",
        { param: 'stream_options' },
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
        throw new GatewayError(
          'missing_required_parameter',
          `Missing required parameter: 'tools[${i}].function.name'.`,
          { param: `tools[${i}].function.name` },
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
    throw new GatewayError('missing_required_parameter', "Missing required parameter: 'input'.", { param: 'input' });
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
      throw new GatewayError(
        'invalid_value',
        `Invalid value for 'tool_choice': "${choice}". Supported values are: 'none', 'auto' and 'required', or an object naming a tool.`,
        { param: 'tool_choice' },
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
      throw new GatewayError('missing_required_parameter', `Missing required parameter: '${at}.output'.`, {
        param: `${at}.output`,
      });
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
    throw new GatewayError('missing_required_parameter', `Missing required parameter: '${at}.${field}'.`, {
      param: `${at}.${field}`,
    });
  if (typeof v !== 'string') wrongType(`${at}.${field}`, 'a string', v);
}

export function validateEmbeddingsRequest(raw: unknown): JsonObject {
  const body = expectObject(raw);
  requireModel(body);
  const input = body.input;
  if (input === undefined)
    throw new GatewayError('missing_required_parameter', "Missing required parameter: 'input'.", { param: 'input' });
  const ok =
    (typeof input === 'string' && input.length > 0) ||
    (Array.isArray(input) &&
      input.length > 0 &&
      (input.every((x) => typeof x === 'string') ||
        input.every((x) => typeof x === 'number') ||
        input.every((x) => Array.isArray(x) && x.every((t) => typeof t === 'number'))));
  if (!ok)
    throw new GatewayError(
      'invalid_value',
      "Invalid 'input': expected a non-empty string, an array of strings, or an array of token arrays.",
      { param: 'input' },
    );
  if (body.encoding_format !== undefined && body.encoding_format !== 'float' && body.encoding_format !== 'base64') {
    throw new GatewayError(
      'invalid_value',
      `Invalid value for 'encoding_format': "${String(body.encoding_format)}". Supported values are: 'float' and 'base64'.`,
      { param: 'encoding_format' },
    );
  }
  optionalNumber(body, 'dimensions', 1, 65_536, true);
  return body;
}
