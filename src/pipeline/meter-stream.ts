// Passes a chat stream through to the client while keeping the books: records the usage the vendor reports,
// drops the usage chunk if the client did not ask for it, and, when the stream ends without usage (cut,
// aborted), estimates from what was actually delivered.
import { countPromptTokens, countTextTokens } from '../metering/delivered-tokens.ts';
import type { EventBatch, JsonObject } from '../providers/types.ts';
import type { RequestContext } from './context.ts';

/** A stream whose first batch has already arrived (forward waits for it before committing to a deployment). */
export interface StartedStream {
  iterator: AsyncIterator<EventBatch>;
  first: IteratorResult<EventBatch>;
}

export async function* meterStream(ctx: RequestContext, { iterator, first }: StartedStream): AsyncGenerator<EventBatch> {
  let delivered = '';
  try {
    for (let next = first; !next.done; next = await iterator.next()) {
      const batch = next.value;
      const out: EventBatch = [];
      if (batch.ends) out.ends = true;
      for (const event of batch) {
        if (event.text !== undefined) {
          delivered += event.text;
          out.push(event);
          continue;
        }
        const chunk = event.chunk ?? {};
        if (event.usage) ctx.usage = event.usage;
        if (ctx.endpoint === 'responses') {
          if (chunk.type === 'response.output_text.delta') delivered += String(chunk.delta ?? '');
          out.push(event);
          continue;
        }
        const choices = chunk.choices as JsonObject[] | undefined;
        if (choices && choices.length > 0) {
          for (const choice of choices) delivered += deltaText(choice.delta as JsonObject | undefined);
        } else if (event.usage && !ctx.clientWantsUsage) {
          continue;
        }
        out.push(event);
      }
      if (out.length > 0) yield out;
    }
  } finally {
    // A client that left early ends this loop first: close the vendor's stream too. Its failure to close
    // must not cost the books.
    await iterator.return?.()?.catch(() => undefined);
    ctx.outputText = delivered;
    if (!ctx.usage) {
      // Cut short or unreported: bill what reached the client, counted by our tokenizer.
      ctx.usage = { prompt_tokens: await countPromptTokens(ctx.body!), completion_tokens: await countTextTokens(delivered), cached_tokens: 0, reasoning_tokens: 0 };
      ctx.usageEstimated = true;
    }
  }
}

function deltaText(delta: JsonObject | undefined): string {
  if (!delta) return '';
  let text = typeof delta.content === 'string' ? delta.content : '';
  if (typeof delta.reasoning_content === 'string') text += delta.reasoning_content;
  const calls = delta.tool_calls as JsonObject[] | undefined;
  if (calls) for (const call of calls) text += String((call.function as JsonObject | undefined)?.arguments ?? '');
  return text;
}
