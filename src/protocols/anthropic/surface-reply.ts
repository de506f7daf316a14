// The Anthropic surface, outbound: OpenAI chat replies turned into Anthropic Messages replies for customers of POST /v1/messages.
import type { GatewayError } from '../../errors.ts';
import type { JsonObject } from '../../wire/json.ts';

export const stopReason = (finish: unknown): string | null =>
  finish === 'length'
    ? 'max_tokens'
    : finish === 'tool_calls' || finish === 'function_call'
      ? 'tool_use'
      : finish === 'content_filter'
        ? 'refusal'
        : finish
          ? 'end_turn'
          : null;

export function parseArguments(args: unknown): unknown {
  try {
    return JSON.parse(typeof args === 'string' && args ? args : '{}');
  } catch {
    return {};
  }
}

export function chatToMessage(chat: JsonObject, model: string): JsonObject {
  const choice = ((chat.choices as JsonObject[]) ?? [])[0] ?? {};
  const message = (choice.message as JsonObject | undefined) ?? {};
  const content: JsonObject[] = [];
  if (typeof message.content === 'string' && message.content.length > 0)
    content.push({ type: 'text', text: message.content });
  for (const call of (message.tool_calls as JsonObject[] | undefined) ?? []) {
    const fn = call.function as JsonObject;
    content.push({ type: 'tool_use', id: call.id, name: fn.name, input: parseArguments(fn.arguments) });
  }
  const usage = (chat.usage as JsonObject | undefined) ?? {};
  const details = (usage.prompt_tokens_details as JsonObject | undefined) ?? {};
  const cached = Number(details.cached_tokens ?? 0);
  const written = Number(details.cache_write_tokens ?? 0);
  return {
    id: `msg_${String(chat.id ?? '').replace(/^chatcmpl-/, '')}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason(choice.finish_reason) ?? 'end_turn',
    stop_sequence: null,
    // Anthropic's input_tokens leave out cache reads and writes; OpenAI's prompt_tokens count them.
    usage: {
      input_tokens: Number(usage.prompt_tokens ?? 0) - cached - written,
      output_tokens: Number(usage.completion_tokens ?? 0),
      cache_creation_input_tokens: written,
      cache_read_input_tokens: cached,
    },
    // The provenance manifest, an extra field the SDK ignores (as on OpenAI-shaped replies).
    ...(chat.provenance ? { provenance: chat.provenance } : {}),
  };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  503: 'overloaded_error',
};

export function anthropicError(err: GatewayError): JsonObject {
  return {
    type: 'error',
    error: {
      type: ERROR_TYPES[err.status] ?? (err.status >= 500 ? 'api_error' : 'invalid_request_error'),
      message: err.message,
    },
  };
}
