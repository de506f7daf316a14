// A reply names the model as the catalogue names it: the customer asked for `gpt-4o`, not for the deployment's
// `gpt-4` or the vendor's `gpt-4o-2024-08-06`. The name is changed in the vendor's JSON text where it stands,
// without parsing it: a stream carries hundreds of chunks, and parsing each one dominated the cost of a stream.
import type { JsonObject } from '../../wire/json.ts';
import type { EventBatch, EventStream } from '../../wire/stream.ts';

const QUOTE = 34;
const COLON = 58;
const BACKSLASH = 92;

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * Where the value of the first key named "model" in a JSON text starts, or -1. A quote inside a JSON string is
 * escaped, so `"model"` followed by a colon is a key, never text (unless its first quote is escaped: skipped).
 * It looks for `model"` and then the quote before it: a search that begins with a quote stops at every key.
 */
export function modelValueAt(json: string): number {
  for (let at = json.indexOf('model"', 1); at !== -1; at = json.indexOf('model"', at + 6)) {
    const start = json.charCodeAt(at - 1) === QUOTE ? valueAfterKey(json, at - 1) : -1;
    if (start !== -1) return start;
  }
  return -1;
}

/** Where the value of the last key named "model" in a JSON text starts, or -1. */
function lastModelValueAt(json: string): number {
  for (let at = json.lastIndexOf('model"'); at > 0; at = json.lastIndexOf('model"', at - 1)) {
    const start = json.charCodeAt(at - 1) === QUOTE ? valueAfterKey(json, at - 1) : -1;
    if (start !== -1) return start;
  }
  return -1;
}

/** Where the value starts when the `"model"` at `key` is a key, else -1. */
function valueAfterKey(json: string, key: number): number {
  let slashes = 0;
  for (let i = key - 1; json.charCodeAt(i) === BACKSLASH; i--) slashes++;
  if (slashes % 2 === 1) return -1;
  let i = key + 7;
  while (isSpace(json.charCodeAt(i))) i++;
  if (json.charCodeAt(i) !== COLON) return -1;
  i++;
  while (isSpace(json.charCodeAt(i))) i++;
  return i;
}

/** The end (past its closing quote) of the JSON string literal that starts at `start`, or -1 if none does. */
function stringEnd(json: string, start: number): number {
  if (json.charCodeAt(start) !== QUOTE) return -1;
  for (let end = json.indexOf('"', start + 1); end !== -1; end = json.indexOf('"', end + 1)) {
    let slashes = 0;
    for (let i = end - 1; json.charCodeAt(i) === BACKSLASH; i--) slashes++;
    if (slashes % 2 === 0) return end + 1;
  }
  return -1;
}

/**
 * A chat chunk's (or Responses event's) JSON text with its model named `literal` (a JSON string, quotes included):
 * the first key named "model" is the event's own, as no other object in one has such a key before it. The text
 * itself when it already says so, or names no model as a string.
 */
export function withModelLiteral(json: string, literal: string): string {
  const start = modelValueAt(json);
  if (start === -1) return json;
  const end = stringEnd(json, start);
  if (end === -1 || (end - start === literal.length && json.slice(start, end) === literal)) return json;
  return json.slice(0, start) + literal + json.slice(end);
}

/**
 * A JSON reply's text naming `name` as its model. The vendor's text with that one value replaced when the key found
 * is surely the reply's own, else the body serialised again. It is the first such key when only scalars come before
 * it (chat completions, Responses), the last when no value after it has one (embeddings, whose model follows the
 * vectors). JSON.parse keeps the text's order of keys, but for keys that are array indices (it puts those first):
 * a reply with such a key is serialised again.
 */
export function jsonNamingModel(body: JsonObject, text: string | undefined, name: string): string {
  const vendor = body.model;
  if (vendor === name) return text ?? JSON.stringify(body);
  body.model = name;
  if (text !== undefined && typeof vendor === 'string') {
    const start = onlyScalarsBeforeModel(body)
      ? modelValueAt(text)
      : noModelKeyAfterModel(body)
        ? lastModelValueAt(text)
        : -1;
    const end = start === -1 ? -1 : stringEnd(text, start);
    const literal = JSON.stringify(vendor);
    if (end - start === literal.length && text.slice(start, end) === literal)
      return text.slice(0, start) + JSON.stringify(name) + text.slice(end);
  }
  return JSON.stringify(body);
}

const startsWithDigit = (key: string) => {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57;
};

function onlyScalarsBeforeModel(body: JsonObject): boolean {
  for (const key in body) {
    if (key === 'model') return true;
    const value = body[key];
    if ((value !== null && typeof value === 'object') || startsWithDigit(key)) return false;
  }
  return false;
}

function noModelKeyAfterModel(body: JsonObject): boolean {
  let after = false;
  for (const key in body) {
    if (startsWithDigit(key)) return false;
    if (key === 'model') after = true;
    else if (after && hasModelKey(body[key], 0)) return false;
  }
  return after;
}

/** Whether a value holds an object with a key named "model" (deeper than 32 levels: assumed to). */
function hasModelKey(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth > 32) return true;
  if (Array.isArray(value)) {
    for (const item of value)
      if (item !== null && typeof item === 'object' && hasModelKey(item, depth + 1)) return true;
    return false;
  }
  if (Object.hasOwn(value, 'model')) return true;
  for (const key in value) if (hasModelKey((value as JsonObject)[key], depth + 1)) return true;
  return false;
}

/**
 * The events of a stream naming `name` as their model: every chat chunk, or (with `only`) the events of those
 * names (the Responses API's, whose `response` carries the model). Their text (`data`) is what changes: this runs
 * as the reply leaves, after every stage that reads a parsed chunk. One promise reaction per batch, no generator.
 */
export function eventsNamingModel(events: EventStream, name: string, only?: ReadonlySet<string>): EventStream {
  return {
    [Symbol.asyncIterator]: () => new NamingIterator(events[Symbol.asyncIterator](), JSON.stringify(name), only),
  };
}

/** The Responses API's events that carry the response object, and with it its model. */
export const RESPONSE_OBJECT_EVENTS: ReadonlySet<string> = new Set([
  'response.created',
  'response.queued',
  'response.in_progress',
  'response.completed',
  'response.incomplete',
  'response.failed',
]);

class NamingIterator implements AsyncIterator<EventBatch> {
  constructor(
    private readonly inner: AsyncIterator<EventBatch>,
    private readonly literal: string,
    private readonly only: ReadonlySet<string> | undefined,
  ) {}

  private readonly rename = (result: IteratorResult<EventBatch>): IteratorResult<EventBatch> => {
    if (result.done) return result;
    for (const event of result.value) {
      if (this.only && !this.only.has(event.event ?? '')) continue;
      event.data = withModelLiteral(event.data, this.literal);
    }
    return result;
  };

  next(): Promise<IteratorResult<EventBatch>> {
    return this.inner.next().then(this.rename);
  }

  // The client left: the stages before close the vendor's stream and bill what was delivered.
  return(value?: unknown): Promise<IteratorResult<EventBatch>> {
    return this.inner.return ? this.inner.return(value) : Promise.resolve({ done: true, value: undefined });
  }
}
