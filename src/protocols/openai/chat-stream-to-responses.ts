// Chat completion chunks turned into the Responses API's event stream, in the order OpenAI sends it and the SDK's
// stream helper checks: response.created and response.in_progress; per output item output_item.added, then its
// content_part.added and output_text deltas (a message) or its function_call_arguments deltas (a function call);
// at the end each item's .done events, then response.completed (or response.incomplete), which carries usage.
import type { JsonObject } from '../../wire/json.ts';
import type { StreamEvent } from '../../wire/stream.ts';
import type { Usage } from '../../wire/usage.ts';
import {
  functionCallItem,
  incompleteReason,
  messageItem,
  ResponseIds,
  responseObject,
  responsesUsage,
} from './chat-to-responses.ts';

type OpenItem =
  | { kind: 'message'; index: number; id: string; text: string }
  | { kind: 'call'; index: number; id: string; callId: unknown; name: unknown; args: string };

export class ChunksToResponseEvents {
  private readonly ids: ResponseIds;
  private sequence = 0;
  private started = false;
  private finished = false;
  private readonly items: OpenItem[] = [];
  private message: Extract<OpenItem, { kind: 'message' }> | undefined;
  /** Function calls by their chat tool-call index. */
  private readonly calls = new Map<number, Extract<OpenItem, { kind: 'call' }>>();
  private finish: unknown = null;
  private usage: Usage | null = null;
  private model: unknown;
  private created: unknown;

  constructor(
    private readonly id: string,
    /** The Responses request, whose parameters the response objects echo. */
    private readonly request: JsonObject,
  ) {
    this.ids = new ResponseIds(id);
  }

  /** Responses events for one batch of chat events. */
  translate(batch: StreamEvent[]): StreamEvent[] {
    const out: StreamEvent[] = [];
    for (const e of batch) {
      if (!this.started) this.start(e, out);
      if (e.text !== undefined) {
        if (e.text) this.text(e.text, out);
        continue;
      }
      if (e.usage) this.usage = e.usage;
      const choices = (e.chunk?.choices as JsonObject[] | undefined) ?? [];
      // One choice: a Responses request asks for no more.
      const choice = choices.find((c) => (c.index ?? 0) === 0);
      if (!choice) continue;
      const delta = (choice.delta as JsonObject | undefined) ?? {};
      if (typeof delta.content === 'string' && delta.content) this.text(delta.content, out);
      for (const call of (delta.tool_calls as JsonObject[] | undefined) ?? []) this.toolCall(call, out);
      if (choice.finish_reason) this.finish = choice.finish_reason;
    }
    return out;
  }

  /** Closing events, once the chat stream ended: every item's .done, then the terminal event with usage. */
  end(): StreamEvent[] {
    if (this.finished) return [];
    this.finished = true;
    const out: StreamEvent[] = [];
    if (!this.started) this.start(undefined, out);
    const incomplete = incompleteReason(this.finish);
    const status = incomplete ? 'incomplete' : 'completed';
    const output: JsonObject[] = [];
    for (const item of this.items) {
      const output_index = item.index;
      if (item.kind === 'message') {
        const part = { type: 'output_text', annotations: [], logprobs: [], text: item.text };
        out.push(
          this.event('response.output_text.done', {
            item_id: item.id,
            output_index,
            content_index: 0,
            text: item.text,
            logprobs: [],
          }),
        );
        out.push(this.event('response.content_part.done', { item_id: item.id, output_index, content_index: 0, part }));
        output.push(messageItem(item.id, item.text, status));
      } else {
        out.push(
          this.event('response.function_call_arguments.done', {
            item_id: item.id,
            output_index,
            arguments: item.args,
            name: item.name,
          }),
        );
        output.push(functionCallItem(item.id, item.callId, item.name, item.args, 'completed'));
      }
      out.push(this.event('response.output_item.done', { output_index, item: output.at(-1) }));
    }
    const response = this.response(status, incomplete, output, responsesUsage(this.usage));
    const terminal = this.event(incomplete ? 'response.incomplete' : 'response.completed', { response });
    terminal.usage = this.usage;
    out.push(terminal);
    return out;
  }

  private start(first: StreamEvent | undefined, out: StreamEvent[]): void {
    this.started = true;
    // The vendor's model and time, from the first chunk (a scanned one was not parsed).
    const chunk = first?.chunk ?? (first ? parsed(first.data) : {});
    this.model = chunk.model;
    this.created = chunk.created;
    out.push(this.event('response.created', { response: this.response('in_progress', null, [], null) }));
    out.push(this.event('response.in_progress', { response: this.response('in_progress', null, [], null) }));
  }

  private text(text: string, out: StreamEvent[]): void {
    let message = this.message;
    if (!message) {
      message = this.message = { kind: 'message', index: this.items.length, id: this.ids.message(), text: '' };
      this.items.push(message);
      out.push(
        this.event('response.output_item.added', {
          output_index: message.index,
          item: messageItem(message.id, '', 'in_progress'),
        }),
      );
      out.push(
        this.event('response.content_part.added', {
          item_id: message.id,
          output_index: message.index,
          content_index: 0,
          part: { type: 'output_text', annotations: [], logprobs: [], text: '' },
        }),
      );
    }
    message.text += text;
    out.push(
      this.event('response.output_text.delta', {
        item_id: message.id,
        output_index: message.index,
        content_index: 0,
        delta: text,
        logprobs: [],
      }),
    );
  }

  private toolCall(call: JsonObject, out: StreamEvent[]): void {
    const fn = (call.function as JsonObject | undefined) ?? {};
    const key = typeof call.index === 'number' ? call.index : 0;
    let item = this.calls.get(key);
    if (!item) {
      const n = this.calls.size;
      item = {
        kind: 'call',
        index: this.items.length,
        id: this.ids.functionCall(n),
        callId: call.id ?? this.ids.callId(n),
        name: fn.name ?? '',
        args: '',
      };
      this.calls.set(key, item);
      this.items.push(item);
      out.push(
        this.event('response.output_item.added', {
          output_index: item.index,
          item: functionCallItem(item.id, item.callId, item.name, '', 'in_progress'),
        }),
      );
    } else if (typeof fn.name === 'string' && fn.name && !item.name) {
      item.name = fn.name;
    }
    if (typeof fn.arguments === 'string' && fn.arguments) {
      item.args += fn.arguments;
      out.push(
        this.event('response.function_call_arguments.delta', {
          item_id: item.id,
          output_index: item.index,
          delta: fn.arguments,
        }),
      );
    }
  }

  private response(
    status: string,
    incomplete: string | null,
    output: JsonObject[],
    usage: JsonObject | null,
  ): JsonObject {
    return responseObject(this.id, this.request, {
      created: this.created,
      model: this.model,
      status,
      incomplete,
      output,
      usage,
    });
  }

  private event(type: string, fields: JsonObject): StreamEvent {
    const body: JsonObject = { type, sequence_number: this.sequence++ };
    for (const key in fields) body[key] = fields[key];
    return { event: type, data: JSON.stringify(body), chunk: body, usage: null };
  }
}

function parsed(data: string): JsonObject {
  try {
    const value: unknown = JSON.parse(data);
    return value && typeof value === 'object' ? (value as JsonObject) : {};
  } catch {
    return {};
  }
}
