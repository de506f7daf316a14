// The SIMULATOR's OpenAI-shaped replies (chat, chunks, embeddings), shared by the in-process adapter and
// the HTTP server so both behave identically.
import type { JsonObject } from '../../wire/json.ts';
import {
  contentText,
  countTokens,
  isReasoningModel,
  pickTool,
  promptTokens,
  replyPieces,
  seedOf,
  toolArguments,
} from './generate.ts';
import { prng } from '../../util/prng.ts';

export const SIMULATOR_FINGERPRINT = 'conduit-simulator';

interface PlannedChoice {
  index: number;
  pieces: string[];
  toolCall: { id: string; name: string; arguments: string } | null;
  finish: 'stop' | 'length' | 'tool_calls';
}

export interface ChatPlan {
  id: string;
  created: number;
  model: string;
  choices: PlannedChoice[];
  usage: JsonObject;
  logprobs: boolean;
}

function seedTextOf(body: JsonObject): string {
  const messages = Array.isArray(body.messages) ? (body.messages as JsonObject[]) : [];
  return `${String(body.model)}|${messages.map((m) => `${String(m.role)}:${contentText(m.content)}`).join('\n')}`;
}

export function planChat(body: JsonObject): ChatPlan {
  const model = String(body.model);
  const seedText = seedTextOf(body);
  const n = typeof body.n === 'number' && body.n > 0 ? Math.min(body.n, 16) : 1;
  const maxTokens = Number(body.max_completion_tokens ?? body.max_tokens ?? 4096);
  const tool = pickTool(body);
  const jsonMode = (body.response_format as JsonObject | undefined)?.type;
  const choices: PlannedChoice[] = [];
  let completion = 0;
  for (let index = 0; index < n; index++) {
    if (tool) {
      const args = toolArguments(tool, prng(seedOf(`${seedText}#tool${index}`)));
      choices.push({
        index,
        pieces: [],
        toolCall: { id: `call_sim${seedOf(`${seedText}${index}`).toString(36)}`, name: tool.name, arguments: args },
        finish: 'tool_calls',
      });
      completion += countTokens(args) + 3;
      continue;
    }
    let pieces = replyPieces(seedText, maxTokens, index, body.simulator_exact_length === true);
    if (jsonMode === 'json_object' || jsonMode === 'json_schema')
      pieces = ['{"simulated": true, "text": "', ...pieces.slice(1).map((p) => p.replace(/"/g, '')), '"}'];
    const finish = pieces.length >= maxTokens ? 'length' : 'stop';
    choices.push({ index, pieces, toolCall: null, finish });
    completion += pieces.length;
  }
  const prompt = promptTokens(body);
  const reasoning = isReasoningModel(model) ? completion * 3 : 0;
  return {
    id: `chatcmpl-sim${seedOf(`${seedText}${Date.now()}${Math.random()}`).toString(36)}`,
    created: Math.floor(Date.now() / 1000),
    model,
    choices,
    logprobs: body.logprobs === true,
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion + reasoning,
      total_tokens: prompt + completion + reasoning,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: reasoning },
    },
  };
}

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
      message: c.toolCall
        ? {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [
              {
                id: c.toolCall.id,
                type: 'function',
                function: { name: c.toolCall.name, arguments: c.toolCall.arguments },
              },
            ],
          }
        : { role: 'assistant', content: c.pieces.join(''), refusal: null },
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
    if (c.toolCall) {
      const { id, name, arguments: args } = c.toolCall;
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
      const half = Math.ceil(args.length / 2);
      for (const part of [args.slice(0, half), args.slice(half)]) {
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
