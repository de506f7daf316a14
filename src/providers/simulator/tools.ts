// Which function the SIMULATOR calls when a request offers tools, and arguments that validate against its schema.
import type { JsonObject } from '../../wire/json.ts';
import type { Ask } from './ask.ts';
import type { Prose } from './prose.ts';
import { valueForSchema } from './schema-value.ts';

export interface ToolSpec {
  name: string;
  description?: string;
  parameters?: JsonObject;
  strict?: boolean;
}

/**
 * The tool called, when the request offers tools and does not forbid them: the one `tool_choice` names, else the one
 * whose name and description share most words with the request's topics (the first on a tie). After a tool's
 * result the simulator answers in text.
 */
export function pickTool(body: JsonObject, ask: Ask): ToolSpec | null {
  if (!Array.isArray(body.tools) || body.tools.length === 0 || body.tool_choice === 'none') return null;
  const messages = Array.isArray(body.messages) ? (body.messages as JsonObject[]) : [];
  if (messages.at(-1)?.role === 'tool') return null;
  const choice = body.tool_choice as JsonObject | undefined;
  const wanted =
    choice && typeof choice === 'object'
      ? ((choice.function as JsonObject | undefined)?.name as string | undefined)
      : undefined;
  const tools = (body.tools as JsonObject[])
    .map((t) => t?.function as ToolSpec | undefined)
    .filter((f): f is ToolSpec => !!f && typeof f.name === 'string');
  const named = tools.find((t) => t.name === wanted);
  if (named) return named;
  const topicWords = new Set(ask.topics.flatMap((t) => t.toLowerCase().split(/\W+/)).filter((w) => w.length > 2));
  let best: ToolSpec | null = null;
  let bestScore = -1;
  for (const tool of tools) {
    const words = `${tool.name} ${tool.description ?? ''}`.toLowerCase().split(/[^a-z0-9]+/);
    const score = words.filter((w) => topicWords.has(w) || topicWords.has(`${w}s`)).length;
    if (score > bestScore) [best, bestScore] = [tool, score];
  }
  return best;
}

/** The call's arguments as JSON, valid against the tool's parameters schema. */
export function toolArguments(tool: ToolSpec, random: () => number, prose: Prose): string {
  const parameters = tool.parameters ?? { type: 'object', properties: {} };
  return JSON.stringify(valueForSchema(parameters, { random, prose, strict: tool.strict === true }));
}
