// What a manifest binds: every choice of a reply, its text and its tool calls, in a canonical form anyone holding
// the reply can rebuild and hash (documented in the README, Provenance).
//
// - A choice that is only text: its text as delivered (notice included, in-band mark excluded), UTF-8.
// - A choice with tool calls or a refusal: RFC 8785 (JCS) JSON of
//   {"content": text ("" if none), "refusal": text ("" if none),
//    "tool_calls": [{"arguments": string as delivered, "name": string, "type": "function" | "custom"}, ...]}
//   calls in the order they came. Members are strings and arrays only, written in code-unit order, so JCS is
//   JSON.stringify of exactly that object (RFC 8785 serialises strings as ECMAScript does).
// - content_sha256: SHA-256 (base64url) of the only choice's canonical form; with several choices, the claims carry
//   choices_sha256 (each choice's hash, by index) and content_sha256 is the hash of that array as JSON, no spaces.
import { contentHash } from './manifest-signing.ts';

export interface BoundToolCall {
  type: string;
  name: string;
  /** The arguments exactly as delivered (a JSON text for function calls, the raw input for custom tools). */
  arguments: string;
}

export interface BoundChoice {
  content: string;
  refusal: string;
  tool_calls: BoundToolCall[];
}

export const textChoice = (content: string): BoundChoice => ({ content, refusal: '', tool_calls: [] });

/** The text one choice is hashed as. */
export function canonicalChoice(c: BoundChoice): string {
  if (c.tool_calls.length === 0 && c.refusal === '') return c.content;
  let calls = '';
  for (let i = 0; i < c.tool_calls.length; i++) {
    const t = c.tool_calls[i]!;
    calls += `${i === 0 ? '' : ','}{"arguments":${JSON.stringify(t.arguments)},"name":${JSON.stringify(t.name)},"type":${JSON.stringify(t.type)}}`;
  }
  return `{"content":${JSON.stringify(c.content)},"refusal":${JSON.stringify(c.refusal)},"tool_calls":[${calls}]}`;
}

/**
 * What the signer hashes into content_sha256 (the text of the one choice, hashed on the signing thread), and, with
 * several choices, the per-choice hashes the claims carry.
 */
export function signingInput(choices: readonly BoundChoice[]): { text: string; choices_sha256?: string[] } {
  if (choices.length <= 1) return { text: canonicalChoice(choices[0] ?? textChoice('')) };
  const hashes = choices.map((c) => contentHash(canonicalChoice(c)));
  return { text: JSON.stringify(hashes), choices_sha256: hashes };
}

/**
 * The text registered in the fingerprint registry for a choice: its text, then the string values of its tool calls'
 * arguments (what an agent wrote into an e-mail or a document), so public verify finds them as people read them.
 */
export function registeredText(c: BoundChoice): string {
  let text = c.content || c.refusal;
  for (const call of c.tool_calls) {
    const values = stringValues(call.arguments);
    if (values) text += `${text ? '\n\n' : ''}${values}`;
  }
  return text;
}

function stringValues(args: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return args;
  }
  const out: string[] = [];
  // Bounded: arguments are one reply's worth of JSON, walked once.
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(parsed);
  return out.join('\n');
}
