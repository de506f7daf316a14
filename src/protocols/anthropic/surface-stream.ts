// The Anthropic surface, streamed: OpenAI chat chunks turned into the Anthropic Messages event stream (message_start, content blocks,
// message_delta, message_stop), in the order Anthropic's SDK expects.
import type { JsonObject } from '../../wire/json.ts';
import type { StreamEvent } from '../../wire/stream.ts';
import { messageUsage, stopReason } from './surface-reply.ts';

export class ChunksToMessageEvents {
  private started = false;
  private block: { index: number; kind: 'text' | 'tool'; toolIndex?: number } | null = null;
  private nextIndex = 0;
  private finish: unknown = null;
  private usage: JsonObject = {
    input_tokens: 0,
    output_tokens: 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
  private finished = false;
  private provenance: unknown = null;

  constructor(
    private readonly model: string,
    private readonly id: string,
  ) {}

  /** Anthropic events for one batch of OpenAI events. */
  translate(batch: StreamEvent[]): StreamEvent[] {
    const out: StreamEvent[] = [];
    if (!this.started) {
      this.started = true;
      const message = {
        id: this.id,
        type: 'message',
        role: 'assistant',
        model: this.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0 },
      };
      out.push(event('message_start', { type: 'message_start', message }), event('ping', { type: 'ping' }));
    }
    for (const e of batch) {
      if (e.text !== undefined) {
        if (e.text) this.text(e.text, out);
        continue;
      }
      const chunk = e.chunk ?? {};
      if (e.usage) this.usage = messageUsage(e.usage);
      if (chunk.provenance) this.provenance = chunk.provenance;
      const choice = ((chunk.choices as JsonObject[] | undefined) ?? [])[0];
      if (!choice) continue;
      const delta = (choice.delta as JsonObject | undefined) ?? {};
      if (typeof delta.content === 'string' && delta.content) this.text(delta.content, out);
      for (const call of (delta.tool_calls as JsonObject[] | undefined) ?? []) this.toolCall(call, out);
      if (choice.finish_reason) this.finish = choice.finish_reason;
    }
    return out;
  }

  /** Closing events, once the upstream stream ended. */
  end(): StreamEvent[] {
    if (this.finished) return [];
    this.finished = true;
    const out: StreamEvent[] = [];
    this.closeBlock(out);
    out.push(
      // The provenance manifest rides on message_delta: the SDK's stream helper rejects unknown event types.
      event('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: stopReason(this.finish) ?? 'end_turn', stop_sequence: null },
        usage: this.usage,
        ...(this.provenance ? { provenance: this.provenance } : {}),
      }),
      event('message_stop', { type: 'message_stop' }),
    );
    return out;
  }

  private text(text: string, out: StreamEvent[]): void {
    if (this.block?.kind !== 'text') {
      this.closeBlock(out);
      this.block = { index: this.nextIndex++, kind: 'text' };
      out.push(
        event('content_block_start', {
          type: 'content_block_start',
          index: this.block.index,
          content_block: { type: 'text', text: '' },
        }),
      );
    }
    out.push(
      event('content_block_delta', {
        type: 'content_block_delta',
        index: this.block.index,
        delta: { type: 'text_delta', text },
      }),
    );
  }

  private toolCall(call: JsonObject, out: StreamEvent[]): void {
    const fn = (call.function as JsonObject | undefined) ?? {};
    const toolIndex = Number(call.index ?? 0);
    if (call.id || this.block?.kind !== 'tool' || this.block.toolIndex !== toolIndex) {
      this.closeBlock(out);
      this.block = { index: this.nextIndex++, kind: 'tool', toolIndex };
      out.push(
        event('content_block_start', {
          type: 'content_block_start',
          index: this.block.index,
          content_block: {
            type: 'tool_use',
            id: call.id ?? `toolu_${this.block.index}`,
            name: fn.name ?? '',
            input: {},
          },
        }),
      );
    }
    if (typeof fn.arguments === 'string' && fn.arguments) {
      out.push(
        event('content_block_delta', {
          type: 'content_block_delta',
          index: this.block!.index,
          delta: { type: 'input_json_delta', partial_json: fn.arguments },
        }),
      );
    }
  }

  private closeBlock(out: StreamEvent[]): void {
    if (!this.block) return;
    out.push(event('content_block_stop', { type: 'content_block_stop', index: this.block.index }));
    this.block = null;
  }
}

function event(name: string, body: JsonObject): StreamEvent {
  return { event: name, data: JSON.stringify(body), chunk: body, usage: null };
}
