// What the SIMULATOR reads from a request: its seed, the text of its messages, and their token count.
import { createHash } from 'node:crypto';
import type { JsonObject } from '../../wire/json.ts';
import { countTokens } from './pieces.ts';

export function seedOf(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32LE(0);
}

/** Prompt tokens as OpenAI counts them: the text of each message plus a few tokens of framing. */
export function promptTokens(body: JsonObject): number {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let tokens = 3;
  for (const message of messages) {
    tokens += 3 + countTokens(contentText((message as JsonObject)?.content));
    const calls = (message as JsonObject)?.tool_calls;
    if (calls) tokens += countTokens(JSON.stringify(calls));
  }
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
