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
