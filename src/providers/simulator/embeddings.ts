// The SIMULATOR's embeddings: a hashed bag of words and of character trigrams, projected onto the requested
// number of dimensions and normalised. Texts that share words point the same way; unrelated texts are near
// orthogonal. Deterministic, and no model runs.
import { fnv1a } from '../../util/fnv.ts';
import type { JsonObject } from '../../wire/json.ts';
import { countTokens } from './pieces.ts';
import { FUNCTION_WORD_SET } from './stopwords.ts';

const WORD = /[\p{L}\p{N}]+/gu;

/** A word without its commonest English endings, so "ships" and "ship", "sailing" and "sail" meet. */
function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith('es')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

function add(vector: Float32Array, feature: string, weight: number): void {
  const h = fnv1a(feature);
  const sign = fnv1a(`~${feature}`) & 1 ? 1 : -1;
  vector[h % vector.length]! += sign * weight;
}

/** Deterministic unit-length embedding of a text. */
export function embed(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  const words = (text.toLowerCase().match(WORD) ?? []).filter((w) => !FUNCTION_WORD_SET.has(w));
  // A text of function words only ("is it?") still gets a direction of its own.
  const features = words.length > 0 ? words : (text.toLowerCase().match(WORD) ?? [text]);
  for (const word of features) {
    const stemmed = stem(word);
    add(vector, `w:${stemmed}`, 1);
    const padded = `^${stemmed}$`;
    for (let i = 0; i + 3 <= padded.length; i++) add(vector, `c:${padded.slice(i, i + 3)}`, 0.35);
  }
  let norm = 0;
  for (let i = 0; i < dimensions; i++) norm += vector[i]! * vector[i]!;
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < dimensions; i++) vector[i]! *= scale;
  return vector;
}

export function embeddingsResponse(body: JsonObject): JsonObject {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const dimensions = typeof body.dimensions === 'number' && body.dimensions > 0 ? Math.min(body.dimensions, 4096) : 256;
  const base64 = body.encoding_format === 'base64';
  let tokens = 0;
  const data = inputs.map((input, index) => {
    const text = typeof input === 'string' ? input : JSON.stringify(input);
    tokens += countTokens(text);
    const vector = embed(text, dimensions);
    return {
      object: 'embedding',
      index,
      embedding: base64 ? Buffer.from(vector.buffer).toString('base64') : Array.from(vector),
    };
  });
  return { object: 'list', data, model: String(body.model), usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
