// The Anthropic vendor adapter, inbound: Anthropic Messages replies and stream events as OpenAI chat completions and chunks.
import type { JsonObject } from '../../wire/json.ts';
import { checkedUsage, promptTokensDetails, type Usage } from '../../wire/usage.ts';

const FINISH: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/**
 * Anthropic's usage: input_tokens excludes cache writes and reads; cache_creation splits the writes by how long
 * they are kept; thinking is part of output_tokens.
 */
export function anthropicUsage(u: JsonObject | undefined): Usage | null {
  if (!u) return null;
  const usage = checkedUsage({
    prompt_tokens: u.input_tokens,
    completion_tokens: u.output_tokens,
    cached_tokens: u.cache_read_input_tokens,
    cache_write_tokens: u.cache_creation_input_tokens,
    cache_write_1h_tokens: (u.cache_creation as JsonObject | null | undefined)?.ephemeral_1h_input_tokens,
    reasoning_tokens: (u.output_tokens_details as JsonObject | null | undefined)?.thinking_tokens,
  });
  if (!usage) return null;
  // Anthropic states the prompt in parts: input_tokens leave out what was read from the cache or written to it.
  usage.prompt_tokens += usage.cached_tokens + usage.cache_write_tokens;
  if (!Number.isSafeInteger(usage.prompt_tokens)) return null;
  usage.cache_write_1h_tokens = Math.min(usage.cache_write_1h_tokens, usage.cache_write_tokens);
  return usage;
}

const openaiUsage = (u: Usage) => ({
  prompt_tokens: u.prompt_tokens,
  completion_tokens: u.completion_tokens,
  total_tokens: u.prompt_tokens + u.completion_tokens,
  prompt_tokens_details: promptTokensDetails(u),
  completion_tokens_details: { reasoning_tokens: u.reasoning_tokens },
});

export function anthropicToChat(message: JsonObject, model: string): { body: JsonObject; usage: Usage | null } {
  let text = '';
  const toolCalls: JsonObject[] = [];
  for (const block of (message.content as JsonObject[]) ?? []) {
    if (block.type === 'text') text += String(block.text ?? '');
    if (block.type === 'tool_use')
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
  }
  const usage = anthropicUsage(message.usage as JsonObject | undefined);
  const body: JsonObject = {
    id: `chatcmpl-${String(message.id ?? '').replace(/^msg_/, '')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: toolCalls.length && !text ? null : text,
          refusal: null,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: FINISH[String(message.stop_reason)] ?? 'stop',
      },
    ],
    ...(usage ? { usage: openaiUsage(usage) } : {}),
  };
  return { body, usage };
}

/** Turns Anthropic stream events, one at a time, into OpenAI chunks (ending with a usage chunk). */
export class AnthropicEventsToChunks {
  private id = '';
  private readonly created = Math.floor(Date.now() / 1000);
  /** The usage reported so far: message_start's, then each count message_delta gives (its counts are cumulative). */
  private reported: JsonObject | undefined;
  private toolIndex = -1;
  private readonly blockIsTool = new Map<number, boolean>();
  finished = false;
  usage: Usage | null = null;

  constructor(private readonly model: string) {}

  translate(event: JsonObject): JsonObject[] {
    const chunk = (delta: JsonObject, finish: string | null = null): JsonObject => ({
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    switch (event.type) {
      case 'message_start': {
        const message = event.message as JsonObject;
        this.id = `chatcmpl-${String(message.id ?? '').replace(/^msg_/, '')}`;
        const usage = message.usage as JsonObject | undefined;
        if (usage) this.reported = { ...usage };
        return [chunk({ role: 'assistant', content: '' })];
      }
      case 'content_block_start': {
        const block = event.content_block as JsonObject;
        const isTool = block.type === 'tool_use';
        this.blockIsTool.set(Number(event.index), isTool);
        if (!isTool) return [];
        this.toolIndex++;
        return [
          chunk({
            tool_calls: [
              { index: this.toolIndex, id: block.id, type: 'function', function: { name: block.name, arguments: '' } },
            ],
          }),
        ];
      }
      case 'content_block_delta': {
        const delta = event.delta as JsonObject;
        if (delta.type === 'text_delta') return [chunk({ content: String(delta.text ?? '') })];
        if (delta.type === 'input_json_delta')
          return [
            chunk({
              tool_calls: [{ index: this.toolIndex, function: { arguments: String(delta.partial_json ?? '') } }],
            }),
          ];
        return [];
      }
      case 'message_delta': {
        // Totals for the whole message that replace message_start's (omitted or null where they do not apply),
        // as the SDKs accumulate them: output_tokens and its thinking share arrive only here.
        const usage = event.usage as JsonObject | undefined;
        if (usage)
          for (const [key, value] of Object.entries(usage))
            if (value !== null && value !== undefined) (this.reported ??= {})[key] = value;
        const stop = String((event.delta as JsonObject | undefined)?.stop_reason ?? 'end_turn');
        return [chunk({}, FINISH[stop] ?? 'stop')];
      }
      case 'message_stop': {
        this.finished = true;
        // A stream that reported no usage has none (it is estimated from what was delivered), never zero tokens.
        this.usage = anthropicUsage(this.reported);
        if (!this.usage) return [];
        return [
          {
            id: this.id,
            object: 'chat.completion.chunk',
            created: this.created,
            model: this.model,
            choices: [],
            usage: openaiUsage(this.usage),
          },
        ];
      }
      default:
        return [];
    }
  }
}
