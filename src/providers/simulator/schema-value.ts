// A value that validates against a JSON Schema, for structured outputs (response_format json_schema) and tool-call
// arguments: objects, arrays, enums, const, required, nested and referenced schemas ($ref into $defs), anyOf/oneOf/
// allOf, numeric bounds, string lengths, formats and patterns. Strings read as prose on the request's topics.
import randexp from 'randexp';
import type { JsonObject } from '../../wire/json.ts';
import type { Prose } from './prose.ts';

type Schema = JsonObject | boolean;

export interface SchemaContext {
  random: () => number;
  prose: Prose;
  /** Strict structured outputs: every property is present (OpenAI's strict mode requires them all anyway). */
  strict: boolean;
}

// randexp is CommonJS: its module.exports is the class, which its types declare as the module's `default`.
const RandExp = randexp as unknown as typeof randexp.default;
const MAX_DEPTH = 6;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function valueForSchema(schema: unknown, ctx: SchemaContext): unknown {
  return new Walker(isObject(schema) ? schema : {}, ctx).value(isObject(schema) ? schema : {}, 0, '');
}

class Walker {
  constructor(
    private readonly root: JsonObject,
    private readonly ctx: SchemaContext,
  ) {}

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.ctx.random() * (hi - lo + 1));
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.ctx.random() * items.length)]!;
  }

  /** The schema a `$ref` points at (a JSON Pointer into this document), or {} when it points elsewhere. */
  private resolve(ref: string): JsonObject {
    if (!ref.startsWith('#')) return {};
    let node: unknown = this.root;
    for (const raw of ref.slice(1).split('/').filter(Boolean)) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      node = isObject(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined;
    }
    return isObject(node) ? node : {};
  }

  value(schema: Schema, depth: number, name: string): unknown {
    if (depth > 4 * MAX_DEPTH) return null; // a schema that requires itself without end: nothing can satisfy it
    if (schema === true || schema === false || !isObject(schema)) return this.text(name, {});
    if (typeof schema.$ref === 'string') {
      const { $ref, ...rest } = schema;
      return this.value({ ...this.resolve($ref), ...rest }, depth + 1, name);
    }
    if ('const' in schema) return schema.const;
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return this.pick(schema.enum);
    if (Array.isArray(schema.allOf)) return this.value(this.merged(schema), depth, name);
    const branches = (schema.anyOf ?? schema.oneOf) as unknown;
    if (Array.isArray(branches) && branches.length > 0) {
      const { anyOf: _a, oneOf: _o, ...rest } = schema;
      // Deep in a recursive schema, take the branch that ends the recursion (no reference, or null).
      const shallow = branches.find((b) => isObject(b) && (b.type === 'null' || !JSON.stringify(b).includes('$ref')));
      const branch = depth >= MAX_DEPTH && shallow !== undefined ? shallow : this.pick(branches);
      return this.value({ ...rest, ...(isObject(branch) ? branch : {}) }, depth + 1, name);
    }
    switch (this.typeOf(schema, depth)) {
      case 'object':
        return this.object(schema, depth);
      case 'array':
        return this.array(schema, depth, name);
      case 'integer':
        return this.number(schema, true);
      case 'number':
        return this.number(schema, false);
      case 'boolean':
        return this.ctx.random() < 0.5;
      case 'null':
        return null;
      default:
        return this.text(name, schema);
    }
  }

  /** allOf: the parts' keywords together, their properties and required lists united. */
  private merged(schema: JsonObject): JsonObject {
    const { allOf, ...rest } = schema;
    const out: JsonObject = { ...rest };
    for (const part of allOf as unknown[]) {
      const p = isObject(part) && typeof part.$ref === 'string' ? this.resolve(part.$ref) : part;
      if (!isObject(p)) continue;
      const properties = { ...(out.properties as JsonObject | undefined), ...(p.properties as JsonObject | undefined) };
      const required = [...((out.required as string[]) ?? []), ...((p.required as string[]) ?? [])];
      Object.assign(out, p, { properties, required });
    }
    return out;
  }

  private typeOf(schema: JsonObject, depth: number): string {
    const type = schema.type;
    if (typeof type === 'string') return type;
    if (Array.isArray(type) && type.length > 0) {
      const real = type.filter((t) => t !== 'null');
      if (real.length === 0 || (depth >= MAX_DEPTH && type.includes('null'))) return 'null';
      return String(this.pick(real));
    }
    if (isObject(schema.properties)) return 'object';
    if (schema.items !== undefined || schema.prefixItems !== undefined) return 'array';
    return 'string';
  }

  private object(schema: JsonObject, depth: number): JsonObject {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    const out: JsonObject = {};
    for (const [key, sub] of Object.entries(properties)) {
      // Required and (strict) every property; optional ones while the value is shallow, and not always.
      const wanted = required.has(key) || (depth < MAX_DEPTH && (this.ctx.strict || this.ctx.random() < 0.7));
      if (wanted) out[key] = this.value(sub as Schema, depth + 1, key);
    }
    for (const key of required) if (!(key in out)) out[key] = this.text(key, {});
    return out;
  }

  private array(schema: JsonObject, depth: number, name: string): unknown[] {
    const prefix = Array.isArray(schema.prefixItems) ? (schema.prefixItems as Schema[]) : [];
    const min = Math.max(num(schema.minItems) ?? 0, prefix.length);
    const max = Math.max(min, Math.min(num(schema.maxItems) ?? min + 3, min + 3));
    const count = depth >= MAX_DEPTH ? min : this.int(Math.max(min, Math.min(1, max)), max);
    const items = (schema.items ?? {}) as Schema;
    const out: unknown[] = [];
    const seen = new Set<string>();
    for (let i = 0, tries = 0; out.length < count && tries < count * 10; tries++) {
      const item = i < prefix.length ? this.value(prefix[i]!, depth + 1, name) : this.value(items, depth + 1, name);
      // uniqueItems: skip repeats (a schema with fewer distinct values than minItems cannot be met anyway).
      const key = JSON.stringify(item);
      if (schema.uniqueItems === true && seen.has(key)) continue;
      seen.add(key);
      out.push(item);
      i++;
    }
    return out;
  }

  private number(schema: JsonObject, integer: boolean): number {
    const exMin = num(schema.exclusiveMinimum);
    const exMax = num(schema.exclusiveMaximum);
    let lo = num(schema.minimum) ?? (exMin !== undefined ? exMin + (integer ? 1 : 1e-6) : undefined);
    let hi = num(schema.maximum) ?? (exMax !== undefined ? exMax - (integer ? 1 : 1e-6) : undefined);
    if (lo === undefined && hi === undefined) [lo, hi] = [0, 100];
    else if (lo === undefined) lo = hi! - 100;
    else if (hi === undefined) hi = lo + 100;
    const step = num(schema.multipleOf);
    if (step !== undefined && step > 0) {
      const first = Math.ceil(lo! / step);
      const last = Math.floor(hi! / step);
      if (first <= last) return Number((this.int(first, last) * step).toPrecision(12));
    }
    if (integer) return this.int(Math.ceil(lo!), Math.floor(hi!));
    return Math.round((lo! + this.ctx.random() * (hi! - lo!)) * 100) / 100;
  }

  private text(name: string, schema: JsonObject): string {
    const format = typeof schema.format === 'string' ? schema.format : '';
    if (format) {
      const formatted = this.formatted(format);
      if (formatted !== undefined) return formatted;
    }
    if (typeof schema.pattern === 'string') {
      try {
        const gen = new RandExp(schema.pattern);
        gen.max = 8;
        gen.randInt = (a: number, b: number) => this.int(a, b);
        return gen.gen();
      } catch {
        // A pattern the generator cannot read: fall back to prose.
      }
    }
    let text = this.proseFor(name);
    const min = num(schema.minLength) ?? 0;
    const max = num(schema.maxLength);
    while (text.length < min) text += ` ${this.ctx.prose.sentence('body')}`;
    if (max !== undefined && text.length > max) text = text.slice(0, max).trimEnd();
    return text.length >= min ? text : text.padEnd(min, '.');
  }

  /** What a field of this name would hold: a sentence for descriptions, a short phrase for names and titles. */
  private proseFor(name: string): string {
    const key = name.toLowerCase();
    if (
      /summary|description|explanation|answer|reason|text|content|body|comment|detail|note|message|rationale/.test(key)
    )
      return this.ctx.prose.sentence('body');
    const topic = this.ctx.prose.topic.replace(/^the /, '');
    if (/name|title|label|topic|subject|heading|headline|category|tag|keyword/.test(key))
      return topic.charAt(0).toUpperCase() + topic.slice(1);
    return topic;
  }

  private formatted(format: string): string | undefined {
    const r = () => this.int(0, 0xffff).toString(16).padStart(4, '0');
    const day = new Date(Date.UTC(2024, 0, 1) + this.int(0, 730) * 86_400_000 + this.int(0, 86_399) * 1000);
    const iso = day.toISOString().replace('.000', '');
    const word =
      this.ctx.prose.topic
        .replace(/^the /, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-') || 'example';
    switch (format) {
      case 'date-time':
        return iso;
      case 'date':
        return iso.slice(0, 10);
      case 'time':
        return iso.slice(11);
      case 'duration':
        return `P${this.int(1, 30)}D`;
      case 'email':
        return `${word.replace(/-/g, '.')}@example.com`;
      case 'hostname':
        return `${word}.example.com`;
      case 'uri':
      case 'url':
        return `https://example.com/${word}`;
      case 'uuid':
        return `${r()}${r()}-${r()}-4${r().slice(1)}-a${r().slice(1)}-${r()}${r()}${r()}`;
      case 'ipv4':
        return [0, 0, 0, 0].map(() => this.int(1, 254)).join('.');
      case 'ipv6':
        return `2001:db8:${r()}:${r()}::${this.int(1, 0xfff).toString(16)}`;
      default:
        return undefined;
    }
  }
}
