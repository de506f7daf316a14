// The Anthropic surface, outbound: OpenAI chat replies turned into Anthropic Messages replies for customers of POST /v1/messages.
import type { GatewayError } from '../../errors.ts';
import type { JsonObject } from '../../wire/json.ts';
import { NO_USAGE, usageFrom, type Usage } from '../../wire/usage.ts';

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

/** Usage as Anthropic states it: its input_tokens leave out cache reads and writes, which OpenAI's prompt_tokens count. */
export function messageUsage(u: Usage): JsonObject {
  return {
    input_tokens: u.prompt_tokens - u.cached_tokens - u.cache_write_tokens,
    output_tokens: u.completion_tokens,
    cache_creation_input_tokens: u.cache_write_tokens,
    cache_read_input_tokens: u.cached_tokens,
    cache_creation: {
      ephemeral_5m_input_tokens: u.cache_write_tokens - u.cache_write_1h_tokens,
      ephemeral_1h_input_tokens: u.cache_write_1h_tokens,
    },
  };
}

/** `usage`: the request's, whole (cache writes by lifetime); without it, what the chat reply states. */
export function chatToMessage(chat: JsonObject, model: string, usage?: Usage | null): JsonObject {
  const choice = ((chat.choices as JsonObject[]) ?? [])[0] ?? {};
  const message = (choice.message as JsonObject | undefined) ?? {};
  const content: JsonObject[] = [];
  if (typeof message.content === 'string' && message.content.length > 0)
    content.push({ type: 'text', text: message.content });
  for (const call of (message.tool_calls as JsonObject[] | undefined) ?? []) {
    const fn = call.function as JsonObject;
    content.push({ type: 'tool_use', id: call.id, name: fn.name, input: parseArguments(fn.arguments) });
  }
  return {
    id: `msg_${String(chat.id ?? '').replace(/^chatcmpl-/, '')}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason(choice.finish_reason) ?? 'end_turn',
    stop_sequence: null,
    usage: messageUsage(usage ?? usageFrom(chat.usage) ?? NO_USAGE),
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
