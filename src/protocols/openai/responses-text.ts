// Disclosure for the Responses API, whose text travels in typed, numbered events: the organisation's notice
// and in-band mark go into the reply's first text part without breaking the event sequence.
import type { JsonObject } from '../../wire/json.ts';
import type { EventStream, StreamEvent } from '../../wire/stream.ts';

type TextPart = { type?: string; text?: unknown };
type Item = { type?: string; id?: string; content?: TextPart[] };

/** The first output_text part of a Responses API reply (JSON body or a response.completed event's response). */
export function firstTextPart(response: JsonObject): TextPart | undefined {
  for (const item of (response.output as Item[] | undefined) ?? []) {
    if (item.type !== 'message') continue;
    for (const part of item.content ?? [])
      if (part.type === 'output_text' && typeof part.text === 'string') return part;
  }
  return undefined;
}

/**
 * Makes a streamed response's first text part read `prefix + text + suffix`: the prefix joins its first delta;
 * at its output_text.done, a delta carrying the suffix (computed from the text so far) is inserted, the done,
 * content_part.done, output_item.done and response.completed events carry the whole new text, and the
 * sequence numbers after the insertion move up by one.
 */
export async function* rewriteResponsesText(
  events: EventStream,
  prefix: string,
  suffixFor: (text: string) => Promise<string>,
): AsyncGenerator<StreamEvent[]> {
  let part: { item: unknown; index: unknown } | undefined;
  let final: string | undefined;
  let shift = 0;
  const isPart = (c: JsonObject) => part !== undefined && c.item_id === part.item && c.content_index === part.index;
  for await (const batch of events) {
    const out: StreamEvent[] = [];
    for (const e of batch) {
      const c = e.chunk;
      if (!c) {
        out.push(e);
        continue;
      }
      let changed = false;
      if (c.type === 'response.output_text.delta' && part === undefined) {
        part = { item: c.item_id, index: c.content_index };
        c.delta = prefix + String(c.delta ?? '');
        changed = prefix !== '';
      } else if (c.type === 'response.output_text.done' && final === undefined && (part === undefined || isPart(c))) {
        part ??= { item: c.item_id, index: c.content_index };
        const base = prefix + String(c.text ?? '');
        const suffix = await suffixFor(base);
        final = base + suffix;
        if (suffix) {
          const delta: JsonObject = {
            type: 'response.output_text.delta',
            sequence_number: c.sequence_number,
            item_id: c.item_id,
            output_index: c.output_index,
            content_index: c.content_index,
            delta: suffix,
            logprobs: [],
          };
          out.push({ event: 'response.output_text.delta', data: JSON.stringify(delta), chunk: delta, usage: null });
          shift = 1;
        }
        c.text = final;
        changed = true;
      } else if (final !== undefined) {
        changed = withFinalText(c, part!, final);
      }
      if (shift && typeof c.sequence_number === 'number') {
        c.sequence_number += shift;
        changed = true;
      }
      if (changed) e.data = JSON.stringify(c);
      out.push(e);
    }
    if (out.length > 0) yield out;
  }
}

/** Puts the new text into the later events that repeat the part's text. */
function withFinalText(c: JsonObject, part: { item: unknown; index: unknown }, text: string): boolean {
  const setIn = (item: Item | undefined) => {
    const p = item?.id === part.item ? item?.content?.[part.index as number] : undefined;
    if (p?.type === 'output_text') p.text = text;
    return p !== undefined;
  };
  if (c.type === 'response.content_part.done' && c.item_id === part.item && c.content_index === part.index) {
    (c.part as TextPart).text = text;
    return true;
  }
  if (c.type === 'response.output_item.done') return setIn(c.item as Item);
  if (c.type === 'response.completed' || c.type === 'response.incomplete')
    return ((c.response as JsonObject).output as Item[] | undefined)?.some(setIn) ?? false;
  return false;
}
