// Every output of a reply, as the manifest binds it (provenance/output-binding.ts): each chat choice's text,
// refusal and tool calls, read from a JSON body or gathered from a stream's deltas; a Responses API reply's text
// and function calls.
import type { JsonObject } from '../wire/json.ts';
import type { StreamEvent } from '../wire/stream.ts';
import { textChoice, type BoundChoice, type BoundToolCall } from './output-binding.ts';
import { GrowingText } from '../util/growing-text.ts';

type ToolCallDelta = {
  index?: number;
  type?: string;
  function?: { name?: unknown; arguments?: unknown };
  custom?: { name?: unknown; input?: unknown };
};
type MessageLike = {
  content?: unknown;
  refusal?: unknown;
  tool_calls?: unknown;
  function_call?: { name?: unknown; arguments?: unknown };
};

const str = (v: unknown) => (typeof v === 'string' ? v : '');

function toolCall(t: ToolCallDelta | null | undefined): BoundToolCall {
  if (t?.type === 'custom' || (t?.custom && !t.function))
    return { type: 'custom', name: str(t.custom?.name), arguments: str(t.custom?.input) };
  return { type: 'function', name: str(t?.function?.name), arguments: str(t?.function?.arguments) };
}

/** One message's outputs (a chat choice's message). */
function boundMessage(m: MessageLike | undefined): BoundChoice {
  const calls = Array.isArray(m?.tool_calls) ? (m.tool_calls as ToolCallDelta[]).map(toolCall) : [];
  // The deprecated single function_call, after any tool calls.
  if (m?.function_call)
    calls.push({ type: 'function', name: str(m.function_call.name), arguments: str(m.function_call.arguments) });
  return { content: str(m?.content), refusal: str(m?.refusal), tool_calls: calls };
}

/** Every choice of a JSON reply, by index (chat), or the one output of a Responses API reply. */
export function jsonOutputs(body: JsonObject): BoundChoice[] {
  if (Array.isArray(body.choices)) {
    const out: BoundChoice[] = [];
    (body.choices as Array<{ index?: unknown; message?: MessageLike } | null>).forEach((c, position) => {
      out[typeof c?.index === 'number' && c.index >= 0 && c.index < 1024 ? c.index : position] = boundMessage(
        c?.message,
      );
    });
    return Array.from(out, (c) => c ?? textChoice(''));
  }
  return [responsesOutput(body)];
}

/** A Responses API reply's text parts, refusals and function calls, in output order. */
export function responsesOutput(response: JsonObject): BoundChoice {
  const out: BoundChoice = { content: '', refusal: '', tool_calls: [] };
  for (const item of (Array.isArray(response.output) ? response.output : []) as Array<JsonObject | null>) {
    if (item?.type === 'function_call')
      out.tool_calls.push({ type: 'function', name: str(item.name), arguments: str(item.arguments) });
    else if (item?.type === 'custom_tool_call')
      out.tool_calls.push({ type: 'custom', name: str(item.name), arguments: str(item.input) });
    else if (Array.isArray(item?.content)) {
      for (const part of item.content as Array<JsonObject | null>) {
        if (part?.type === 'output_text') out.content += str(part.text);
        else if (part?.type === 'refusal') out.refusal += str(part.refusal);
      }
    }
  }
  return out;
}

/** The choice index of a chunk read by a scan (one choice, see chunk-scan.ts): 0 unless it says otherwise. */
export function scannedChoiceIndex(data: string): number {
  const at = data.indexOf('"index":', data.indexOf('"choices":[{'));
  if (at === -1) return 0;
  let i = at + 8;
  while (data.charCodeAt(i) === 32) i++;
  let n = 0;
  for (let c = data.charCodeAt(i); c >= 48 && c <= 57 && n < 1024; c = data.charCodeAt(++i)) n = n * 10 + (c - 48);
  return n;
}

interface Gathering {
  content: string;
  refusal: string;
  calls: Array<BoundToolCall | undefined>;
  functionCall?: BoundToolCall;
}

/**
 * A chat stream's outputs, gathered delta by delta as the SDKs assemble them: content and refusal appended, a tool
 * call's name set and its arguments appended, by choice index and tool-call index. `multi` (the request asked for
 * several choices) makes scanned chunks say which choice they are; otherwise they are all choice 0.
 */
export class StreamOutputs {
  private readonly choices: Gathering[] = [];
  /** Choice 0's text from scanned chunks: the common case, kept apart so it costs one concatenation a chunk. */
  private readonly text0 = new GrowingText();

  constructor(private readonly multi: boolean) {}

  add(e: StreamEvent): void {
    if (e.text !== undefined) {
      if (e.text === '') return;
      if (!this.multi) this.text0.append(e.text);
      else this.choice(scannedChoiceIndex(e.data)).content += e.text;
      return;
    }
    const choices = e.chunk?.choices;
    if (!Array.isArray(choices)) return;
    for (const c of choices as Array<{ index?: unknown; delta?: MessageLike } | null>) {
      const d = c?.delta;
      if (!d) continue;
      const index = typeof c.index === 'number' ? c.index : 0;
      if (
        index === 0 &&
        !this.multi &&
        typeof d.content === 'string' &&
        d.refusal == null &&
        d.tool_calls == null &&
        d.function_call == null
      ) {
        this.text0.append(d.content);
        continue;
      }
      const g = this.choice(index);
      if (index === 0 && this.text0.value) g.content += this.text0.take();
      if (typeof d.content === 'string') g.content += d.content;
      if (typeof d.refusal === 'string') g.refusal += d.refusal;
      if (Array.isArray(d.tool_calls)) for (const t of d.tool_calls as ToolCallDelta[]) this.toolDelta(g, t);
      if (d.function_call) {
        const f = (g.functionCall ??= { type: 'function', name: '', arguments: '' });
        if (typeof d.function_call.name === 'string' && d.function_call.name) f.name = d.function_call.name;
        f.arguments += str(d.function_call.arguments);
      }
    }
  }

  outputs(): BoundChoice[] {
    // text0 holds what came after everything already in choice 0 (it is moved there before each other delta).
    if (this.text0.value) this.choice(0).content += this.text0.take();
    if (this.choices.length === 0) return [textChoice('')];
    return Array.from(this.choices, (g) => {
      if (!g) return textChoice('');
      const calls = g.calls.filter((c): c is BoundToolCall => c !== undefined);
      if (g.functionCall) calls.push(g.functionCall);
      return { content: g.content, refusal: g.refusal, tool_calls: calls };
    });
  }

  private choice(index: number): Gathering {
    const i = index >= 0 && index < 1024 ? index : 0;
    return (this.choices[i] ??= { content: '', refusal: '', calls: [] });
  }

  private toolDelta(g: Gathering, t: ToolCallDelta | null): void {
    if (!t) return;
    const slot = typeof t.index === 'number' && t.index >= 0 && t.index < 1024 ? t.index : g.calls.length;
    const call = (g.calls[slot] ??= { type: 'function', name: '', arguments: '' });
    if (t.type === 'custom' || t.custom) {
      call.type = 'custom';
      if (typeof t.custom?.name === 'string' && t.custom.name) call.name = t.custom.name;
      call.arguments += str(t.custom?.input);
    } else {
      if (typeof t.type === 'string' && t.type) call.type = t.type;
      if (typeof t.function?.name === 'string' && t.function.name) call.name = t.function.name;
      call.arguments += str(t.function?.arguments);
    }
  }
}
