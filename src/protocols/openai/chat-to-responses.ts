// Chat Completions replies as Responses API responses, for Responses requests a chat-only deployment served: the
// first choice's text becomes a message item, its tool calls function_call items, and the request's parameters are
// echoed as OpenAI echoes them. The stream form is in ./chat-stream-to-responses.ts.
import type { JsonObject } from '../../wire/json.ts';
import { promptTokensDetails, usageFrom, type Usage } from '../../wire/usage.ts';

/** Ids of one response and its items: `resp_X`, `msg_X`, `fc_X_0`... */
export class ResponseIds {
  private readonly base: string;

  constructor(readonly response: string) {
    this.base = response.replace(/^resp_/, '');
  }

  message(): string {
    return `msg_${this.base}`;
  }

  functionCall(n: number): string {
    return `fc_${this.base}_${n}`;
  }

  /** For a tool call whose server gave it no id (a function_call_output names its call by it). */
  callId(n: number): string {
    return `call_${this.base}_${n}`;
  }
}

/** `usage` as the Responses API states it. */
export function responsesUsage(u: Usage | null): JsonObject | null {
  if (!u) return null;
  return {
    input_tokens: u.prompt_tokens,
    input_tokens_details: promptTokensDetails(u),
    output_tokens: u.completion_tokens,
    output_tokens_details: { reasoning_tokens: u.reasoning_tokens },
    total_tokens: u.prompt_tokens + u.completion_tokens,
  };
}

/** Why a reply that stopped early is incomplete, from chat's finish_reason; null when it completed. */
export function incompleteReason(finish: unknown): string | null {
  return finish === 'length' ? 'max_output_tokens' : finish === 'content_filter' ? 'content_filter' : null;
}

/**
 * A response object. `model` comes before anything nested, so the first "model" key of its JSON text is its own
 * (the gateway renames it there, see model-field.ts).
 */
export function responseObject(
  id: string,
  request: JsonObject,
  state: {
    created: unknown;
    model: unknown;
    status: string;
    incomplete: string | null;
    output: JsonObject[];
    usage: JsonObject | null;
  },
): JsonObject {
  const reasoning = request.reasoning as JsonObject | null | undefined;
  return {
    id,
    object: 'response',
    created_at: typeof state.created === 'number' ? state.created : Math.floor(Date.now() / 1000),
    status: state.status,
    model: state.model ?? request.model,
    background: false,
    error: null,
    incomplete_details: state.incomplete ? { reason: state.incomplete } : null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    metadata: request.metadata ?? {},
    output: state.output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: { effort: reasoning?.effort ?? null, summary: reasoning?.summary ?? null },
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: request.text ?? { format: { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? 1,
    truncation: request.truncation ?? 'disabled',
    usage: state.usage,
    user: request.user ?? null,
  };
}

export const messageItem = (id: string, text: string, status: string): JsonObject => ({
  id,
  type: 'message',
  status,
  role: 'assistant',
  content: status === 'in_progress' ? [] : [{ type: 'output_text', annotations: [], logprobs: [], text }],
});

export const functionCallItem = (
  id: string,
  callId: unknown,
  name: unknown,
  args: string,
  status: string,
): JsonObject => ({
  id,
  type: 'function_call',
  status,
  arguments: args,
  call_id: callId,
  name,
});

/** A chat completion (JSON) as the response `id` to `request`. */
export function chatToResponse(chat: JsonObject, request: JsonObject, id: string): JsonObject {
  const ids = new ResponseIds(id);
  const choice = ((chat.choices as JsonObject[] | undefined) ?? [])[0] ?? {};
  const message = (choice.message as JsonObject | undefined) ?? {};
  const incomplete = incompleteReason(choice.finish_reason);
  const status = incomplete ? 'incomplete' : 'completed';
  const output: JsonObject[] = [];
  if (typeof message.content === 'string' && message.content !== '')
    output.push(messageItem(ids.message(), message.content, status));
  else if (typeof message.refusal === 'string' && message.refusal !== '') {
    output.push({
      id: ids.message(),
      type: 'message',
      status,
      role: 'assistant',
      content: [{ type: 'refusal', refusal: message.refusal }],
    });
  }
  ((message.tool_calls as JsonObject[] | undefined) ?? []).forEach((call, n) => {
    const fn = (call.function as JsonObject | undefined) ?? {};
    output.push(
      functionCallItem(
        ids.functionCall(n),
        call.id ?? ids.callId(n),
        fn.name,
        typeof fn.arguments === 'string' ? fn.arguments : '',
        'completed',
      ),
    );
  });
  const usage = responsesUsage(usageFrom(chat.usage));
  return responseObject(id, request, { created: chat.created, model: chat.model, status, incomplete, output, usage });
}
