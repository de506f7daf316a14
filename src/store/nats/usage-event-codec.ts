// Usage events as they travel on the stream: a message holds one or more events, one JSON object a line (a node
// puts the events of responses that complete together in one message), checked field by field when they come off
// it. A line that is not a usage event (another publisher's mistake, a corrupted write) is reported with every
// problem it has, and the events on the other lines still count.
import { z } from 'zod';
import type { UsageEvent } from '../ports.ts';

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const micros = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const text = z.string().min(1).max(512);

export const usageEventSchema = z.object({
  request_id: text,
  ts: z.iso.datetime(),
  org_id: text,
  key_id: text,
  endpoint: text,
  model: text,
  vendor: text,
  deployment: text,
  region: text,
  prompt_tokens: count,
  completion_tokens: count,
  cached_tokens: count,
  // Nodes of an earlier version publish no cache writes (they counted them as input).
  cache_write_tokens: count.default(0),
  cache_write_1h_tokens: count.default(0),
  reasoning_tokens: count,
  estimated: z.boolean(),
  status: z.number().int().min(100).max(599),
  latency_ms: count,
  cost_micros: micros,
  list_price_micros: micros,
  price_micros: micros,
  customer_country: z.string().max(8),
  interim: count.optional(),
}) satisfies z.ZodType<UsageEvent>;

export function encodeUsageEvent(event: UsageEvent): string {
  return JSON.stringify(event);
}

/** A message's payload: its events as encodeUsageEvent wrote them, a line each (JSON never holds a raw newline). */
export function usageMessageOf(encodedEvents: readonly string[]): string {
  return encodedEvents.join('\n');
}

/** A line of a message that is not a usage event: its text, its place in the message, what is wrong. */
export interface BadLine {
  line: string;
  index: number;
  problem: string;
}

/** What a message holds: its usage events, and the lines that are not one. */
export function decodeUsageMessage(payload: string): { events: UsageEvent[]; bad: BadLine[] } {
  const events: UsageEvent[] = [];
  const bad: BadLine[] = [];
  payload.split('\n').forEach((line, index) => {
    // A trailing newline or a blank line between events is no event and no problem.
    if (line.trim() === '') return;
    const decoded = decodeUsageEvent(line);
    if ('event' in decoded) events.push(decoded.event);
    else bad.push({ line, index, problem: decoded.problem });
  });
  if (events.length === 0 && bad.length === 0) bad.push({ line: payload, index: 0, problem: 'no usage event in it' });
  return { events, bad };
}

export type Decoded = { event: UsageEvent } | { problem: string };

/** The event in a message's payload, or what is wrong with it (every problem, each with its field). */
export function decodeUsageEvent(payload: string): Decoded {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch (err) {
    return { problem: `not JSON: ${(err as Error).message}` };
  }
  // The events nodes publish take the fast path; anything it does not accept gets the schema's verdict.
  const event = wellFormed(json);
  if (event) return { event };
  const parsed = usageEventSchema.safeParse(json);
  if (parsed.success) return { event: parsed.data };
  return {
    problem: parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; '),
  };
}

const TEXT_FIELDS = ['request_id', 'org_id', 'key_id', 'endpoint', 'model', 'vendor', 'deployment', 'region'] as const;
const COUNT_FIELDS = ['prompt_tokens', 'completion_tokens', 'cached_tokens', 'reasoning_tokens', 'latency_ms'] as const;
const MICROS_FIELDS = ['cost_micros', 'list_price_micros', 'price_micros'] as const;
/** Date#toISOString's own form (what every node writes); the schema also takes other ISO forms, more slowly. */
const CANONICAL_TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const isText = (v: unknown): v is string => typeof v === 'string' && v.length >= 1 && v.length <= 512;
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * The event, copied field by field, when it certainly satisfies the schema: every check here is as strict as the
 * schema's or stricter (so the schema never rejects what this accepts), at a tenth of its cost, which is most of
 * a ledger writer's work per event. Undefined when in doubt; keys the schema does not know are left out, as it does.
 */
export function wellFormed(json: unknown): UsageEvent | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const o = json as Record<string, unknown>;
  for (const f of TEXT_FIELDS) if (!isText(o[f])) return undefined;
  for (const f of COUNT_FIELDS) if (!isCount(o[f])) return undefined;
  for (const f of MICROS_FIELDS) if (!Number.isSafeInteger(o[f])) return undefined;
  const { ts, status, estimated, customer_country, interim, cache_write_tokens = 0, cache_write_1h_tokens = 0 } = o;
  if (typeof ts !== 'string' || !CANONICAL_TS.test(ts)) return undefined;
  const at = Date.parse(ts);
  // A real instant, written as toISOString writes it (so no 2026-02-30 rolled over into March).
  if (Number.isNaN(at) || new Date(at).toISOString() !== ts) return undefined;
  if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599) return undefined;
  if (typeof estimated !== 'boolean' || typeof customer_country !== 'string' || customer_country.length > 8)
    return undefined;
  if (interim !== undefined && !isCount(interim)) return undefined;
  if (!isCount(cache_write_tokens) || !isCount(cache_write_1h_tokens)) return undefined;
  const event: UsageEvent = {
    request_id: o.request_id as string,
    ts,
    org_id: o.org_id as string,
    key_id: o.key_id as string,
    endpoint: o.endpoint as string,
    model: o.model as string,
    vendor: o.vendor as string,
    deployment: o.deployment as string,
    region: o.region as string,
    prompt_tokens: o.prompt_tokens as number,
    completion_tokens: o.completion_tokens as number,
    cached_tokens: o.cached_tokens as number,
    cache_write_tokens,
    cache_write_1h_tokens,
    reasoning_tokens: o.reasoning_tokens as number,
    estimated,
    status: status as number,
    latency_ms: o.latency_ms as number,
    cost_micros: o.cost_micros as number,
    list_price_micros: o.list_price_micros as number,
    price_micros: o.price_micros as number,
    customer_country,
  };
  if (interim !== undefined) event.interim = interim;
  return event;
}
