// The SIMULATOR's plan for a chat request: what each choice says (prose, JSON, or a tool call), its visible or
// hidden reasoning, where max_tokens cuts it, and the usage that matches. Replies and streams are rendered from it.
import type { JsonObject } from '../../wire/json.ts';
import { prng } from '../../util/prng.ts';
import { readAsk, type Ask } from './ask.ts';
import { splitPieces } from './pieces.ts';
import { contentText, promptTokens, seedOf } from './prompt.ts';
import { Prose } from './prose.ts';
import { valueForSchema } from './schema-value.ts';
import { pickTool, toolArguments, type ToolSpec } from './tools.ts';

export const SIMULATED = '[simulated]';

export interface PlannedChoice {
  index: number;
  /** Content pieces, one simulator token each. */
  pieces: string[];
  /** DeepSeek-style visible reasoning pieces (empty for models that keep their reasoning to themselves). */
  reasoning: string[];
  toolCall: { id: string; name: string; arguments: string; pieces: string[] } | null;
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

/** Models that reason before they answer (o-series, DeepSeek's reasoner and R1): billed reasoning tokens. */
export function isReasoningModel(model: string): boolean {
  return /reason|^o\d|-r1\b|thinking/.test(model);
}

/** Reasoning models that show their reasoning, as DeepSeek's do (`reasoning_content`); OpenAI's hide it. */
function showsReasoning(model: string): boolean {
  return /deepseek|reasoner|-r1\b/.test(model);
}

function seedTextOf(body: JsonObject): string {
  const messages = Array.isArray(body.messages) ? (body.messages as JsonObject[]) : [];
  const seed = typeof body.seed === 'number' ? `|seed=${body.seed}` : '';
  return `${String(body.model)}${seed}|${messages.map((m) => `${String(m.role)}:${contentText(m.content)}`).join('\n')}`;
}

/** Each choice's own seed, from the request's. */
const choiceSeed = (seed: number, index: number) => (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;

/** Exactly `n` pieces of prose (reply_tokens: replaying recorded traffic with its lengths). */
function exactPieces(prose: Prose, n: number): string[] {
  const pieces = [SIMULATED];
  for (let first = true; pieces.length < n; first = false)
    pieces.push(...splitPieces(`${first ? ' ' : '\n\n'}${prose.paragraph(first)}`));
  return pieces.slice(0, Math.max(1, n));
}

/** The text of one choice: JSON when a format asks for it, else labelled prose in the form asked for. */
function contentPieces(body: JsonObject, ask: Ask, prose: Prose, random: () => number): string[] {
  const format = body.response_format as JsonObject | undefined;
  if (format?.type === 'json_schema') {
    const spec = (format.json_schema ?? {}) as JsonObject;
    return splitPieces(JSON.stringify(valueForSchema(spec.schema, { random, prose, strict: spec.strict === true })));
  }
  if (format?.type === 'json_object') {
    const answer = prose.compose(ask.shape ?? { kind: 'sentences', count: 2 }, ask.yesNo);
    return splitPieces(JSON.stringify({ simulated: true, topic: prose.topic, answer }));
  }
  return [SIMULATED, ...splitPieces(` ${prose.compose(ask.shape, ask.yesNo)}`)];
}

export function planChat(body: JsonObject): ChatPlan {
  const model = String(body.model);
  const seed = seedOf(seedTextOf(body));
  const messages = Array.isArray(body.messages) ? (body.messages as JsonObject[]) : [];
  const ask = readAsk(messages);
  const n = typeof body.n === 'number' && body.n > 0 ? Math.min(body.n, 16) : 1;
  const maxTokens = Number(body.max_completion_tokens ?? body.max_tokens ?? 4096);
  const exact = body.simulator_exact_length === true;
  const tool: ToolSpec | null = pickTool(body, ask);
  const reasons = isReasoningModel(model) && !exact;
  const effort = typeof body.reasoning_effort === 'string' ? body.reasoning_effort : undefined;
  const choices: PlannedChoice[] = [];
  let completion = 0;
  let reasoningTokens = 0;
  for (let index = 0; index < n; index++) {
    const random = prng(choiceSeed(seed, index));
    const prose = new Prose(ask.topics, random);
    // Reasoning comes first and counts against max_tokens, as it does at the vendors.
    const thought = reasons ? splitPieces(prose.reasoning(effort)).slice(0, maxTokens) : [];
    const budget = maxTokens - thought.length;
    reasoningTokens += thought.length;
    completion += thought.length;
    const reasoning = showsReasoning(model) ? thought : [];
    if (tool && budget > 0) {
      const args = toolArguments(tool, random, prose);
      const id = `call_sim${choiceSeed(seed, index + 101).toString(36)}`;
      const argPieces = splitPieces(args);
      choices.push({
        index,
        pieces: [],
        reasoning,
        toolCall: { id, name: tool.name, arguments: args, pieces: argPieces },
        finish: 'tool_calls',
      });
      completion += argPieces.length + 3;
      continue;
    }
    const all = exact ? exactPieces(prose, maxTokens) : budget > 0 ? contentPieces(body, ask, prose, random) : [];
    const pieces = all.slice(0, Math.max(0, budget));
    const finish = exact || all.length > pieces.length || budget <= 0 ? 'length' : 'stop';
    choices.push({ index, pieces, reasoning, toolCall: null, finish });
    completion += pieces.length;
  }
  const prompt = promptTokens(body);
  return {
    id: `chatcmpl-sim${Math.floor(Math.random() * 2 ** 48).toString(36)}`,
    created: Math.floor(Date.now() / 1000),
    model,
    choices,
    logprobs: body.logprobs === true,
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: reasoningTokens },
    },
  };
}
