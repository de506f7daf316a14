// Usage events as they travel on the stream: JSON, checked field by field when they come off it. A message that is
// not a usage event (another publisher's mistake, a corrupted write) is reported with every problem it has.
import { z } from 'zod';
import type { UsageEvent } from '../ports.ts';

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const micros = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const text = z.string().min(1).max(512);

const usageEventSchema = z.object({
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

export type Decoded = { event: UsageEvent } | { problem: string };

/** The event in a message's payload, or what is wrong with it (every problem, each with its field). */
export function decodeUsageEvent(payload: string): Decoded {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch (err) {
    return { problem: `not JSON: ${(err as Error).message}` };
  }
  const parsed = usageEventSchema.safeParse(json);
  if (parsed.success) return { event: parsed.data };
  return {
    problem: parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; '),
  };
}
