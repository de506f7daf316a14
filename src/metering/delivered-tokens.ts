// Token counts Conduit works out itself, for when a vendor reports none (a stream cut short, an upstream
// that omits usage). The tokenizer loads on first use, so requests that never need it never pay for it.
import type { JsonObject } from '../wire/json.ts';

type Encoder = { encode(text: string, allowedSpecial: string[], disallowedSpecial: string[]): number[] };
let encoder: Promise<Encoder> | undefined;

/** The one tokenizer, however many cut streams ask at once: each build holds some 70 MB of heap until collected. */
function load(): Promise<Encoder> {
  // The o200k ranks alone: the package's index holds every encoding's ranks as module text (10 MB of RSS).
  encoder ??= Promise.all([import('js-tiktoken/lite'), import('js-tiktoken/ranks/o200k_base')]).then(
    ([{ Tiktoken }, { default: ranks }]) => {
      const tokenizer = new Tiktoken(ranks);
      // Counting never decodes: its table (a Uint8Array for each of 200,000 tokens, 47 MB of heap) is dropped.
      (tokenizer as unknown as { textMap?: Map<number, Uint8Array> }).textMap?.clear();
      return tokenizer;
    },
    (err: unknown) => {
      encoder = undefined;
      throw err;
    },
  );
  return encoder;
}

export async function countTextTokens(text: string): Promise<number> {
  if (text.length === 0) return 0;
  // A special token's name in a customer's text is text: counted as such, not refused (js-tiktoken throws by default).
  return (await load()).encode(text, [], []).length;
}

/** Prompt tokens of a chat or embeddings request, counted the way OpenAI bills them (text plus per-message framing). */
export async function countPromptTokens(body: JsonObject): Promise<number> {
  if (Array.isArray(body.messages)) {
    let tokens = 3;
    for (const message of body.messages as JsonObject[]) {
      tokens += 3 + (await countTextTokens(textOf(message.content)));
      if (message.tool_calls) tokens += await countTextTokens(JSON.stringify(message.tool_calls));
    }
    if (body.tools) tokens += await countTextTokens(JSON.stringify(body.tools));
    return tokens;
  }
  const input = body.input;
  const items = Array.isArray(input) ? input : [input];
  let tokens = typeof body.instructions === 'string' ? await countTextTokens(body.instructions) : 0;
  for (const item of items) {
    if (Array.isArray(item))
      tokens += item.length; // embeddings: token ids
    else if (typeof item === 'number') tokens += 1;
    else if (item && typeof item === 'object')
      tokens += 3 + (await countTextTokens(textOf((item as JsonObject).content))); // Responses API input item
    else tokens += await countTextTokens(String(item ?? ''));
  }
  return tokens;
}

export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((p) => (typeof (p as JsonObject)?.text === 'string' ? ((p as JsonObject).text as string) : ''))
      .join('');
  return '';
}
