// A reviewer's throttle is an overlay on the operator's limits: it binds while it stands, survives a restart,
// and clearing it leaves exactly what the operator set.
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';

const dataDir = tempDir();
let gw: TestGateway | undefined;
afterAll(() => gw?.close());

const ask = (client: OpenAI) => client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });

describe('abuse review and the operator\'s limits', () => {
  it('throttle binds on top of the limits, clear removes only the throttle', async () => {
    gw = await startTestGateway({ dataDir });
    const { orgId, key } = await gw.newOrgKey();
    const operatorLimits = { requests_per_minute: 500, tokens_per_minute: 200000, concurrent: 8 };
    expect((await gw.admin('PUT', `/orgs/${orgId}/limits`, operatorLimits)).status).toBe(200);

    const throttled = await gw.admin('POST', `/abuse/orgs/${orgId}/review`, { decision: 'throttle', reason: 'slow down pending review', requests_per_minute: 2 });
    expect(throttled.status).toBe(200);
    expect(throttled.body.limits).toEqual(operatorLimits);
    expect(throttled.body.enforcement).toMatchObject({ requests_per_minute: 2 });

    // The throttle is stored, not held in memory: it still binds after a restart.
    await gw.close();
    gw = await startTestGateway({ dataDir });
    const client = gw.client(key);
    await ask(client);
    const { response } = await ask(client).withResponse();
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('2');
    await expect(ask(client)).rejects.toBeInstanceOf(OpenAI.RateLimitError);

    const cleared = await gw.admin('POST', `/abuse/orgs/${orgId}/review`, { decision: 'clear', reason: 'false alarm after review' });
    expect(cleared.body.status).toBe('approved');
    expect(cleared.body.limits).toEqual(operatorLimits);
    expect(cleared.body.enforcement).toBeNull();
    expect((await gw.admin('GET', `/orgs/${orgId}`)).body.limits).toEqual(operatorLimits);
    const after = await ask(client).withResponse();
    expect(after.response.headers.get('x-ratelimit-limit-requests')).toBe('500');
  });

  it('an operator changing limits during a throttle does not lift it', async () => {
    gw ??= await startTestGateway({ dataDir });
    const { orgId, key } = await gw.newOrgKey();
    await gw.admin('POST', `/abuse/orgs/${orgId}/review`, { decision: 'throttle', reason: 'slow down pending review', requests_per_minute: 1 });
    await gw.admin('PUT', `/orgs/${orgId}/limits`, { requests_per_minute: 1000 });
    const client = gw.client(key);
    await ask(client);
    await expect(ask(client)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    const cleared = await gw.admin('POST', `/abuse/orgs/${orgId}/review`, { decision: 'clear', reason: 'reviewed, fine' });
    expect(cleared.body.limits).toEqual({ requests_per_minute: 1000 });
  });
});
