// A usage event as the gateway records one (a chat completion on the simulator's deployment), for tests and benches
// that put events in a store or on the wire directly; each overrides what it is about.
import type { UsageEvent } from '../../src/store/ports.ts';

export function usageEvent(requestId: string, over: Partial<UsageEvent> = {}): UsageEvent {
  return {
    request_id: requestId,
    ts: '2026-12-05T10:00:00.000Z',
    org_id: 'org',
    key_id: 'key',
    endpoint: 'chat.completions',
    model: 'gpt-4o',
    vendor: 'openai',
    deployment: 'sim-us',
    region: 'us-east',
    prompt_tokens: 10,
    completion_tokens: 5,
    cached_tokens: 0,
    cache_write_tokens: 0,
    cache_write_1h_tokens: 0,
    reasoning_tokens: 0,
    estimated: false,
    status: 200,
    latency_ms: 12,
    cost_micros: 100,
    list_price_micros: 300,
    price_micros: 250,
    customer_country: 'DE',
    ...over,
  };
}

/** The i-th event of a bench's load: spread over 500 organisations and 2,000 keys, of varied sizes. */
export function loadEvent(requestId: string, i: number, over: Partial<UsageEvent> = {}): UsageEvent {
  return usageEvent(requestId, {
    org_id: `org_${i % 500}`,
    key_id: `key_${i % 2000}`,
    endpoint: 'chat',
    deployment: 'sim',
    prompt_tokens: 100 + (i % 900),
    completion_tokens: 50 + (i % 400),
    cost_micros: 1234,
    list_price_micros: 2000,
    price_micros: 1900,
    ...over,
  });
}
