// Token counts Conduit works out itself, for when a vendor reports none (a stream cut short, an upstream
// that omits usage). The tokenizer lives on a thread of its own, started on first use, so requests that never need
// it never pay for it, and its loading never stalls the ones under way.
import type { JsonObject } from '../wire/json.ts';
import { TokenCountThread } from './token-count-thread.ts';

/** The one token-counting thread, started when a count is first needed. */
const counter = new TokenCountThread();

export async function countTextTokens(text: string): Promise<number> {
  if (text.length === 0) return 0;
  return counter.count(text);
}

/** Prompt tokens of a chat or embeddings request, counted the way OpenAI bills them (text plus per-message known). */
export async function countPromptTokens(body: JsonObject): Promise<number> {
  // Every text is counted at once: one message to the counting thread, however many parts the request has.
  const texts: string[] = [];
  /** Tokens known without the tokenizer: framing per message, token ids given as such. */
  let known = 0;
  if (Array.isArray(body.messages)) {
    known = 3;
    for (const message of body.messages as JsonObject[]) {
      known += 3;
      texts.push(textOf(message.content));
      if (message.tool_calls) texts.push(JSON.stringify(message.tool_calls));
    }
    if (body.tools) texts.push(JSON.stringify(body.tools));
  } else {
    const input = body.input;
    if (typeof body.instructions === 'string') texts.push(body.instructions);
    for (const item of Array.isArray(input) ? input : [input]) {
      if (Array.isArray(item))
        known += item.length; // embeddings: token ids
      else if (typeof item === 'number') known += 1;
      else if (item && typeof item === 'object') {
        known += 3; // a Responses API input item
        texts.push(textOf((item as JsonObject).content));
      } else texts.push(String(item ?? ''));
    }
  }
  const counts = await Promise.all(texts.map(countTextTokens));
  return counts.reduce((sum, n) => sum + n, known);
}

export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((p) => (typeof (p as JsonObject)?.text === 'string' ? ((p as JsonObject).text as string) : ''))
      .join('');
  return '';
}
