import { describe, expect, it } from 'vitest';
import type { PricingService } from '../metering/pricing.ts';
import type { UsageEvent, UsageStore } from '../store/ports.ts';
import type { RequestContext } from './context.ts';
import { recordUsage, UsageNotRecorded } from './settle.ts';

// A served request as settle sees it: enough of its context for a usage event.
const served = () =>
  ({
    requestId: 'req_settle',
    endpoint: 'chat',
    receivedAt: '2026-12-06T10:00:00.000Z',
    startedAt: performance.now(),
    bodyBytes: 40,
    principal: { org: { id: 'org_1', country: 'DE', tier: 'verified' }, key: { id: 'key_1' } },
    model: { name: 'gpt-4o' },
    deployment: { id: 'sim', vendor: 'openai', region: { id: 'us-east' } },
    usage: { prompt_tokens: 10, completion_tokens: 5 },
  }) as unknown as RequestContext;

describe('recording a served request', () => {
  it('withholds the reply when its usage event cannot even be priced, as when it cannot be stored', async () => {
    const recorded: UsageEvent[] = [];
    const store = { record: async (e: UsageEvent) => void recorded.push(e) } as unknown as UsageStore;
    const failing = {
      charge: () => {
        throw new RangeError('The number 10.5 cannot be converted to a BigInt because it is not an integer');
      },
    } as unknown as PricingService;
    const refusal = await Promise.resolve()
      .then(() => recordUsage(store, failing)(served()))
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(refusal).toBeInstanceOf(UsageNotRecorded);
    expect(recorded).toEqual([]);

    const pricing = {
      charge: () => ({ cost_micros: 1, list_price_micros: 3, price_micros: 2 }),
    } as unknown as PricingService;
    await recordUsage(store, pricing)(served());
    expect(recorded).toMatchObject([{ request_id: 'req_settle', prompt_tokens: 10, price_micros: 2 }]);
  });
});
