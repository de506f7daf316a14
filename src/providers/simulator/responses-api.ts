// The SIMULATOR's OpenAI Responses API replies (POST /v1/responses), built from the same plan as chat replies.
import type { JsonObject } from '../types.ts';
import { planChat, type ChatPlan } from './replies.ts';

/** The Responses API input as chat messages, so one text engine serves both. */
function asChatBody(body: JsonObject): JsonObject {
  const input = body.input;
  const messages: JsonObject[] = [];
  if (typeof body.instructions === 'string') messages.push({ role: 'system', content: body.instructions });
  if (typeof input === 'string') messages.push({ role: 'user', content: input });
  else if (Array.isArray(input)) {
    for (const item of input as JsonObject[]) {
      const content = Array.isArray(item.content) ? (item.content as JsonObject[]).map((p) => String(p.text ?? '')).join(' ') : String(item.content ?? '');
      messages.push({ role: String(item.role ?? 'user'), content });
    }
  }
  return { model: body.model, messages, max_tokens: body.max_output_tokens, simulator_exact_length: body.simulator_exact_length };
}

export function planResponse(body: JsonObject): ChatPlan {
  return planChat(asChatBody(body));
}

function usageOf(plan: ChatPlan): JsonObject {
  const u = plan.usage as { prompt_tokens: number; completion_tokens: number; completion_tokens_details: { reasoning_tokens: number } };
  return {
    input_tokens: u.prompt_tokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: u.completion_tokens,
    output_tokens_details: { reasoning_tokens: u.completion_tokens_details.reasoning_tokens },
    total_tokens: u.prompt_tokens + u.completion_tokens,
  };
}

const responseId = (plan: ChatPlan) => plan.id.replace('chatcmpl-', 'resp_');
const itemId = (plan: ChatPlan) => plan.id.replace('chatcmpl-', 'msg_');

function message(plan: ChatPlan, text: string, status: string): JsonObject {
  return { type: 'message', id: itemId(plan), status, role: 'assistant', content: status === 'completed' ? [{ type: 'output_text', text, annotations: [] }] : [] };
}

function envelope(plan: ChatPlan, status: string, output: JsonObject[], usage: JsonObject | null): JsonObject {
  return { id: responseId(plan), object: 'response', created_at: plan.created, status, model: plan.model, output, usage, error: null, incomplete_details: null };
}

export function responseObject(plan: ChatPlan): JsonObject {
  const text = plan.choices[0]!.pieces.join('');
  return envelope(plan, 'completed', [message(plan, text, 'completed')], usageOf(plan));
}

/** The event sequence of a streamed response, ending with response.completed (which carries usage). */
export function* responseEvents(plan: ChatPlan): Generator<JsonObject> {
  const pieces = plan.choices[0]!.pieces;
  const text = pieces.join('');
  let seq = 0;
  const item = itemId(plan);
  yield { type: 'response.created', sequence_number: seq++, response: envelope(plan, 'in_progress', [], null) };
  yield { type: 'response.output_item.added', sequence_number: seq++, output_index: 0, item: message(plan, '', 'in_progress') };
  yield { type: 'response.content_part.added', sequence_number: seq++, item_id: item, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } };
  for (const delta of pieces) yield { type: 'response.output_text.delta', sequence_number: seq++, item_id: item, output_index: 0, content_index: 0, delta, logprobs: [] };
  yield { type: 'response.output_text.done', sequence_number: seq++, item_id: item, output_index: 0, content_index: 0, text, logprobs: [] };
  yield { type: 'response.content_part.done', sequence_number: seq++, item_id: item, output_index: 0, content_index: 0, part: { type: 'output_text', text, annotations: [] } };
  yield { type: 'response.output_item.done', sequence_number: seq++, output_index: 0, item: message(plan, text, 'completed') };
  yield { type: 'response.completed', sequence_number: seq++, response: responseObject(plan) };
}
