// The SIMULATOR's text engine: deterministic, OpenAI-shaped replies for demos and tests. No model runs here.
import { createHash } from 'node:crypto';
import { prng } from '../../util/prng.ts';
import type { JsonObject } from '../../wire/json.ts';

const WORDS = (
  'the a of to and in is that for on with as it by this be are from at or an was which can model gateway request ' +
  'token answer data system result value first second step simple each time output input example function case ' +
  'number field order user service region vendor price cost margin policy rule report stream chunk response latency ' +
  'simulated reply text sentence because therefore however also then so while when where what how why'
).split(' ');

export function seedOf(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32LE(0);
}

/** Simulator tokens: roughly four characters each, like BPE on English. */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

export function promptTokens(body: JsonObject): number {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let tokens = 3;
  for (const message of messages) tokens += 4 + countTokens(contentText((message as JsonObject)?.content));
  if (Array.isArray(body.tools)) tokens += countTokens(JSON.stringify(body.tools));
  return tokens;
}

export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        part && typeof part === 'object' && typeof (part as JsonObject).text === 'string'
          ? (part as JsonObject).text
          : '',
      )
      .join(' ');
  }
  return '';
}

/**
 * Splits a generated reply into the pieces a stream sends (one simulator token each: a word with its leading
 * space). The first piece announces the simulator so that nobody mistakes demo output for a vendor's.
 */
export function replyPieces(seedText: string, maxTokens: number, choice: number, exactLength = false): string[] {
  const random = prng(seedOf(`${seedText}#${choice}`));
  const length = exactLength
    ? Math.max(1, maxTokens)
    : Math.max(1, Math.min(maxTokens, 12 + Math.floor(random() * 40)));
  const pieces: string[] = ['[simulated]'];
  for (let i = 1; i < length; i++) {
    const word = WORDS[Math.floor(random() * WORDS.length)]!;
    pieces.push(i % 11 === 10 ? ` ${word}.` : ` ${word}`);
  }
  return pieces;
}

interface ToolSpec {
  name: string;
  parameters?: { properties?: Record<string, { type?: string; enum?: unknown[] }>; required?: string[] };
}

/** A tool the simulator "decides" to call, when the request offers tools and does not forbid them. */
export function pickTool(body: JsonObject): ToolSpec | null {
  if (!Array.isArray(body.tools) || body.tools.length === 0 || body.tool_choice === 'none') return null;
  const messages = Array.isArray(body.messages) ? (body.messages as JsonObject[]) : [];
  if (messages.at(-1)?.role === 'tool') return null; // the tool answered: reply in text
  const choice = body.tool_choice as JsonObject | undefined;
  const wanted =
    choice && typeof choice === 'object'
      ? ((choice.function as JsonObject | undefined)?.name as string | undefined)
      : undefined;
  const tools = (body.tools as JsonObject[])
    .map((t) => t.function as ToolSpec)
    .filter((f) => f && typeof f.name === 'string');
  return tools.find((t) => t.name === wanted) ?? tools[0] ?? null;
}

export function toolArguments(tool: ToolSpec, random: () => number): string {
  const args: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(tool.parameters?.properties ?? {})) {
    if (schema.enum && schema.enum.length > 0) args[name] = schema.enum[Math.floor(random() * schema.enum.length)];
    else if (schema.type === 'number' || schema.type === 'integer') args[name] = Math.floor(random() * 100);
    else if (schema.type === 'boolean') args[name] = random() < 0.5;
    else args[name] = `${name}-${Math.floor(random() * 1000)}`;
  }
  return JSON.stringify(args);
}

export function isReasoningModel(model: string): boolean {
  return /reason|^o\d|-r1\b/.test(model);
}
