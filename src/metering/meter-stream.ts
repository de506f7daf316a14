// Passes a chat stream through to the client while keeping the books: records the usage the vendor reports,
// drops the usage chunk if the client did not ask for it, and, when the stream ends without usage (cut,
// aborted, or a vendor that never reports any), estimates from what was actually delivered. A stream that
// completes without the vendor's usage still tells the client the estimate where it would have read usage:
// a usage chunk for clients that asked for one, the Responses API's response.usage.
import type { JsonObject } from '../wire/json.ts';
import type { EventBatch, StreamEvent } from '../wire/stream.ts';
import type { MeteredRequest } from './metered-request.ts';
import { estimateUsage, usageField } from './estimate-usage.ts';
import { GrowingText } from '../util/growing-text.ts';

/** A stream whose first batch has already arrived (forward waits for it before committing to a deployment). */
export interface StartedStream {
  iterator: AsyncIterator<EventBatch>;
  first: IteratorResult<EventBatch>;
}

export async function* meterStream(
  ctx: MeteredRequest,
  { iterator, first }: StartedStream,
): AsyncGenerator<EventBatch> {
  const delivered = new GrowingText();
  // Events that delivered text (at least a token each): what interim usage records bill, with no tokenizer.
  let pieces = 0;
  // Billed but not part of the reply's text (the Responses API's function-call arguments).
  const deliveredElse = new GrowingText();
  // The vendor's completion id, time and model, which an added usage chunk repeats: from a parsed chunk, else the first.
  let vendorChunk: JsonObject | undefined;
  let firstData: string | undefined;
  try {
    for (let next = first; !next.done; next = await iterator.next()) {
      const batch = next.value;
      const out: EventBatch = [];
      if (batch.ends) out.ends = true;
      for (const event of batch) {
        firstData ??= event.data;
        if (event.text !== undefined) {
          delivered.append(event.text);
          if (event.text !== '') pieces++;
          out.push(event);
          continue;
        }
        const chunk = event.chunk ?? {};
        vendorChunk ??= event.chunk;
        if (event.usage) ctx.usage = event.usage;
        if (ctx.endpoint === 'responses') {
          if (chunk.type === 'response.output_text.delta') {
            delivered.append(String(chunk.delta ?? ''));
            pieces++;
          } else if (chunk.type === 'response.function_call_arguments.delta') {
            deliveredElse.append(String(chunk.delta ?? ''));
            pieces++;
          } else if (chunk.type === 'response.created')
            ctx.replyId = (chunk.response as JsonObject | undefined)?.id as string | undefined;
          else if (!event.usage && (chunk.type === 'response.completed' || chunk.type === 'response.incomplete'))
            await withEstimate(ctx, event, delivered.value + deliveredElse.value);
          out.push(event);
          continue;
        }
        const choices = chunk.choices as JsonObject[] | undefined;
        if (choices && choices.length > 0) {
          for (const choice of choices) {
            const text = deltaText(choice.delta as JsonObject | undefined);
            delivered.append(text);
            if (text !== '') pieces++;
          }
        } else if (event.usage ? !ctx.clientWantsUsage : chunk.usage !== undefined && chunk.usage !== null) {
          // The vendor's usage chunk, for a client that did not ask for it; or one whose usage could not be read,
          // which the estimate's own chunk replaces.
          continue;
        }
        out.push(event);
      }
      // Nothing follows the batch that ends the stream: what it lacks of usage is estimated now.
      if (batch.ends && !ctx.usage)
        await endWithoutUsage(ctx, out, delivered.value + deliveredElse.value, vendorChunk ?? firstData);
      // What was delivered so far, for the stream's interim usage records (interim-usage.ts).
      ctx.outputText = delivered.value;
      ctx.outputPieces = pieces;
      if (out.length > 0) yield out;
    }
    // The stream's end arrived in a read of its own (an empty batch, never yielded).
    if (!ctx.usage) {
      const out: EventBatch = [];
      out.ends = true;
      await endWithoutUsage(ctx, out, delivered.value + deliveredElse.value, vendorChunk ?? firstData);
      if (out.length > 0) yield out;
    }
  } finally {
    // A client that left early ends this loop first: close the vendor's stream too. Its failure to close
    // must not cost the books.
    await iterator.return?.()?.catch(() => undefined);
    ctx.outputText = delivered.value;
    ctx.outputPieces = pieces;
    // Cut short: bill what reached the client, counted by our tokenizer.
    if (!ctx.usage) await estimateUsage(ctx, delivered.value + deliveredElse.value);
  }
}

/** A complete stream without the vendor's usage: estimated, and a chat client that asked for usage gets its chunk. */
async function endWithoutUsage(
  ctx: MeteredRequest,
  out: EventBatch,
  delivered: string,
  vendorChunk: JsonObject | string | undefined,
): Promise<void> {
  const usage = await estimateUsage(ctx, delivered);
  if (ctx.endpoint !== 'chat' || !ctx.clientWantsUsage) return;
  const meta = typeof vendorChunk === 'string' ? parsedOrEmpty(vendorChunk) : (vendorChunk ?? {});
  const chunk: JsonObject = {
    id: meta.id ?? ctx.requestId,
    object: 'chat.completion.chunk',
    created: meta.created ?? Math.floor(Date.now() / 1000),
    model: meta.model ?? ctx.model!.name,
    choices: [],
    usage: usageField('chat', usage),
  };
  out.push({ data: JSON.stringify(chunk), chunk, usage });
}

/** A chunk read by a scan was never parsed; one that is no JSON object leaves the added chunk to our own id and model. */
function parsedOrEmpty(data: string): JsonObject {
  try {
    const value: unknown = JSON.parse(data);
    return value && typeof value === 'object' ? (value as JsonObject) : {};
  } catch {
    return {};
  }
}

/** The Responses API's final event, which carries usage, with the estimate in place of the vendor's none. */
async function withEstimate(ctx: MeteredRequest, event: StreamEvent, delivered: string): Promise<void> {
  const usage = await estimateUsage(ctx, delivered);
  const response = event.chunk!.response as JsonObject | undefined;
  if (!response || typeof response !== 'object') return;
  response.usage = usageField('responses', usage);
  event.data = JSON.stringify(event.chunk);
}

function deltaText(delta: JsonObject | undefined): string {
  if (!delta) return '';
  let text = typeof delta.content === 'string' ? delta.content : '';
  if (typeof delta.reasoning_content === 'string') text += delta.reasoning_content;
  const calls = delta.tool_calls as JsonObject[] | undefined;
  if (calls) for (const call of calls) text += String((call.function as JsonObject | undefined)?.arguments ?? '');
  return text;
}
