// Per-request behavioural features, computed once from the request and its usage. No text is kept: only
// counts, flags and hashes of masked words (for how widely an account's prompts range).
import type { JsonObject } from '../wire/json.ts';
import { fnv1a as hash } from '../util/fnv.ts';
import type { TrafficRecord } from './record.ts';

export interface RequestFeatures {
  t: number;
  hour: number;
  /** No earlier assistant turn: a one-shot prompt, not a conversation. */
  singleTurn: boolean;
  promptTokens: number;
  completionTokens: number;
  /** A long answer drawn from little context (the profile decides whether the prompt opened a conversation). */
  longAnswer: boolean;
  logprobs: boolean;
  multiSample: boolean;
  /** Samples asked for (n), 1 when not. */
  samples: number;
  reasoning: boolean;
  /** An answer to a one-shot prompt, at least twice as long as the prompt: generated text worth collecting. */
  generative: boolean;
  /** A long answer cut at its budget, or one given a budget of 16,000 tokens or more: all there is to get. */
  maxLength: boolean;
  /** Hashes of the distinct content words of the last user message (digits masked). */
  words: Uint32Array;
  /** Hash of the prompt's opening words: requests from one template share it. */
  templateKey: number;
  /** Hash of the system prompt's opening words (0: none): a product sends its own with every request. */
  systemKey: number;
  /** Hash of the last user message (the new prompt). */
  promptKey: number;
  /** Hashes of the earlier user messages: a follow-up carries the prompt it follows up. */
  historyKeys: number[];
  assistantTurns: number;
  /** Hash of the reply's id, for a Responses API request: a follow-up names it as its previous_response_id. */
  threadKey?: number;
  /** Hash of the previous_response_id a Responses API request continues (the vendor holds that history). */
  previousKey?: number;
}

const REASONING_MODEL = /(^|[-/])(o\d|r1|reason|think)|gpt-5/i;
const WORD = /[\p{L}][\p{L}\p{M}'-]{3,}/gu;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((p) => (typeof (p as JsonObject)?.text === 'string' ? String((p as JsonObject).text) : ''))
      .join(' ');
  return '';
}

export function extract(r: TrafficRecord): RequestFeatures {
  const body = r.request;
  // Chat completions (Anthropic's Messages API arrives translated to them), or the Responses API's input.
  const responses = !Array.isArray(body.messages) && body.input !== undefined;
  const messages = responses
    ? responsesMessages(body)
    : Array.isArray(body.messages)
      ? (body.messages as JsonObject[])
      : [];
  const userTexts: string[] = [];
  let assistantTurns = 0;
  let system = '';
  for (const m of messages) {
    if (m.role === 'assistant') assistantTurns++;
    else if ((m.role === 'system' || m.role === 'developer') && !system) system = textOf(m.content);
    else if (m.role === 'user') userTexts.push(textOf(m.content));
  }
  const lastUser = userTexts.at(-1) ?? '';
  const prompt = r.response.usage?.prompt_tokens ?? Math.ceil(JSON.stringify(messages).length / 4);
  const completion = r.response.usage?.completion_tokens ?? 0;
  const n = typeof body.n === 'number' && body.n > 1 ? body.n : 1;
  const perSample = completion / n;
  const previous = responses && typeof body.previous_response_id === 'string' ? body.previous_response_id : undefined;
  const singleTurn = assistantTurns === 0 && previous === undefined;
  const t = Date.parse(r.ts);
  const budget = outputBudget(body);
  return {
    t,
    hour: new Date(t).getUTCHours(),
    singleTurn,
    promptTokens: prompt,
    completionTokens: completion,
    longAnswer: perSample >= 500 && perSample >= 4 * Math.max(1, prompt),
    logprobs:
      body.logprobs === true ||
      typeof body.top_logprobs === 'number' ||
      (Array.isArray(body.include) && body.include.includes('message.output_text.logprobs')),
    multiSample: n > 1,
    samples: n,
    generative: singleTurn && perSample >= 50 && perSample >= 2 * Math.max(1, prompt),
    // Not any answer cut at its budget (a product's tight max_tokens cuts many): a long one, or a huge budget.
    maxLength:
      (r.response.finish_reason === 'length' && perSample >= 2000) ||
      (budget !== undefined && budget >= 16000 && perSample >= 200),
    reasoning:
      typeof body.reasoning_effort === 'string' ||
      typeof (body.reasoning as JsonObject | null | undefined)?.effort === 'string' ||
      REASONING_MODEL.test(String(body.model ?? '')),
    words: wordHashes(lastUser),
    templateKey: hash(opening(lastUser)),
    systemKey: system ? hash(opening(system)) || 1 : 0,
    promptKey: hash(lastUser),
    historyKeys: userTexts.slice(-9, -1).map(hash),
    assistantTurns,
    threadKey: responses && typeof r.response.id === 'string' ? hash(r.response.id) : undefined,
    previousKey: previous === undefined ? undefined : hash(previous),
  };
}

/** The output budget a request sets, under whichever name its API gives it. */
function outputBudget(body: JsonObject): number | undefined {
  for (const name of ['max_tokens', 'max_completion_tokens', 'max_output_tokens']) {
    const v = body[name];
    if (typeof v === 'number' && v > 0) return v;
  }
  return undefined;
}

/**
 * A Responses API request as chat messages: its instructions, then its input (a string, or items). Items that
 * record an earlier answer (the model's messages, its tool calls and reasoning, references to stored items)
 * count as assistant turns, tool results as tool messages.
 */
export function responsesMessages(body: JsonObject): JsonObject[] {
  const messages: JsonObject[] = [];
  if (typeof body.instructions === 'string') messages.push({ role: 'system', content: body.instructions });
  const input = body.input;
  if (typeof input === 'string') messages.push({ role: 'user', content: input });
  else if (Array.isArray(input)) {
    for (const item of input as JsonObject[]) {
      const role = typeof item?.role === 'string' ? item.role : itemRole(String(item?.type));
      if (role) messages.push({ role, content: item.content });
    }
  }
  return messages;
}

function itemRole(type: string): string | undefined {
  if (type.endsWith('_output')) return 'tool';
  if (type.endsWith('_call') || type === 'reasoning' || type === 'item_reference') return 'assistant';
  return undefined;
}

/** Hashes of the distinct lowercased words (WORD) of a text. ASCII text, the common case, is read in one pass. */
export function wordHashes(text: string): Uint32Array {
  const seen = new Set<number>();
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c > 127) return wordHashesOf(text);
    if (!isAsciiLetter(c)) {
      i++;
      continue;
    }
    // A word: a letter, then letters, apostrophes and hyphens; four characters at least.
    const start = i;
    let h = 0x811c9dc5;
    while (i < n) {
      c = text.charCodeAt(i);
      if (c > 127) return wordHashesOf(text);
      if (!isAsciiLetter(c) && c !== 39 && c !== 45) break;
      h = Math.imul(h ^ (c >= 65 && c <= 90 ? c + 32 : c), 0x01000193);
      i++;
    }
    if (i - start >= 4) seen.add(h >>> 0);
  }
  return Uint32Array.from(seen);
}

function wordHashesOf(text: string): Uint32Array {
  const seen = new Set<number>();
  for (const m of text.toLowerCase().matchAll(WORD)) seen.add(hash(m[0]));
  return Uint32Array.from(seen);
}

const isAsciiLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);

/** The prompt's first four words, digits masked: read from its head when four words end there. */
export function opening(text: string): string {
  const head = text.length > 256 ? text.slice(0, 256) : text;
  // A fifth word begun in the head means the first four are whole in it.
  const source = head === text || head.split(/\s+/, 5).length === 5 ? head : text;
  return source.toLowerCase().replace(/\d+/g, '#').split(/\s+/, 4).join(' ');
}
