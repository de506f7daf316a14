// The SIMULATOR's OpenAI-shaped chat replies (a completion, or its stream of chunks) rendered from a plan, shared by
// the in-process adapter and the HTTP server so both behave identically.
import type { JsonObject } from '../../wire/json.ts';
import { seedOf } from './prompt.ts';
import type { ChatPlan } from './plan.ts';

export const SIMULATOR_FINGERPRINT = 'conduit-simulator';

const tokenLogprob = (token: string) => ({
  token,
  logprob: -((seedOf(token) % 1000) / 1000),
  bytes: [...Buffer.from(token)],
  top_logprobs: [],
});

export function chatCompletion(plan: ChatPlan): JsonObject {
  return {
    id: plan.id,
    object: 'chat.completion',
    created: plan.created,
    model: plan.model,
    system_fingerprint: SIMULATOR_FINGERPRINT,
    choices: plan.choices.map((c) => ({
      index: c.index,
      message: {
        role: 'assistant',
        content: c.toolCall ? null : c.pieces.join(''),
        ...(c.reasoning.length > 0 ? { reasoning_content: c.reasoning.join('') } : {}),
        refusal: null,
        ...(c.toolCall
          ? {
              tool_calls: [
                {
                  id: c.toolCall.id,
                  type: 'function',
                  function: { name: c.toolCall.name, arguments: c.toolCall.arguments },
                },
              ],
            }
          : {}),
      },
      logprobs: plan.logprobs ? { content: c.pieces.map(tokenLogprob), refusal: null } : null,
      finish_reason: c.finish,
    })),
    usage: plan.usage,
  };
}

/** The chunks of a streamed reply, in order, ending with the usage chunk when `withUsage`. */
export function* chatChunks(plan: ChatPlan, withUsage: boolean): Generator<JsonObject> {
  const base = {
    id: plan.id,
    object: 'chat.completion.chunk',
    created: plan.created,
    model: plan.model,
    system_fingerprint: SIMULATOR_FINGERPRINT,
  };
  for (const c of plan.choices) {
    yield {
      ...base,
      choices: [
        {
          index: c.index,
          delta: { role: 'assistant', content: c.toolCall ? null : '', refusal: null },
          logprobs: null,
          finish_reason: null,
        },
      ],
    };
    for (const piece of c.reasoning) {
      yield {
        ...base,
        choices: [
          {
            index: c.index,
            delta: { content: null, reasoning_content: piece },
            logprobs: null,
            finish_reason: null,
          },
        ],
      };
    }
    if (c.toolCall) {
      const { id, name, pieces } = c.toolCall;
      yield {
        ...base,
        choices: [
          {
            index: c.index,
            delta: { tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: '' } }] },
            logprobs: null,
            finish_reason: null,
          },
        ],
      };
      for (const part of pieces) {
        yield {
          ...base,
          choices: [
            {
              index: c.index,
              delta: { tool_calls: [{ index: 0, function: { arguments: part } }] },
              logprobs: null,
              finish_reason: null,
            },
          ],
        };
      }
    } else {
      for (const piece of c.pieces) {
        yield {
          ...base,
          choices: [
            {
              index: c.index,
              delta: { content: piece },
              logprobs: plan.logprobs ? { content: [tokenLogprob(piece)], refusal: null } : null,
              finish_reason: null,
            },
          ],
        };
      }
    }
    yield { ...base, choices: [{ index: c.index, delta: {}, logprobs: null, finish_reason: c.finish }] };
  }
  if (withUsage) yield { ...base, choices: [], usage: plan.usage };
}
