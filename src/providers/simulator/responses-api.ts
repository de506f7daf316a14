// The SIMULATOR's OpenAI Responses API replies (POST /v1/responses): the chat engine's plan for the request read as
// chat, answered as a response by the same translation that serves Responses requests over chat-only deployments.
// So function tools are called (function_call items, function_call_arguments events) as chat's tool calls are.
import { ChunksToResponseEvents } from '../../protocols/openai/chat-stream-to-responses.ts';
import { chatToResponse } from '../../protocols/openai/chat-to-responses.ts';
import { responsesToChat } from '../../protocols/openai/responses-to-chat.ts';
import type { JsonObject } from '../../wire/json.ts';
import { usageFrom } from '../../wire/usage.ts';
import { chatChunks, chatCompletion } from './replies.ts';
import { planChat, type ChatPlan } from './plan.ts';

export function planResponse(body: JsonObject): ChatPlan {
  const chat = responsesToChat(body);
  const exact = body.simulator_exact_length === true;
  chat.simulator_exact_length = exact;
  const plan = planChat(chat);
  // An exact length (reply_tokens) sizes the reply; it is not a limit the reply ran into.
  if (exact) for (const choice of plan.choices) if (choice.finish === 'length') choice.finish = 'stop';
  return plan;
}

const responseId = (plan: ChatPlan) => plan.id.replace('chatcmpl-', 'resp_');

export function responseObject(plan: ChatPlan, body: JsonObject): JsonObject {
  return chatToResponse(chatCompletion(plan), body, responseId(plan));
}

/** The event sequence of a streamed response, ending with response.completed (which carries usage). */
export function* responseEvents(plan: ChatPlan, body: JsonObject): Generator<JsonObject> {
  const translator = new ChunksToResponseEvents(responseId(plan), body);
  for (const chunk of chatChunks(plan, true)) {
    for (const event of translator.translate([{ data: '', chunk, usage: chunk.usage ? usageFrom(chunk.usage) : null }]))
      yield event.chunk!;
  }
  for (const event of translator.end()) yield event.chunk!;
}
