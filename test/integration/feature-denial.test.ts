// A request the policy refuses for a feature it asks for (logprobs, tools...) is told which feature, which rule,
// and which field of the request: not that the whole model is unavailable to it.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig } from '../../src/config/demo.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

type ApiError = InstanceType<typeof OpenAI.APIError>;
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as ApiError,
  );
const messages = [{ role: 'user' as const, content: 'hello' }];
const tools = [
  { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } },
];

let gw: TestGateway;
beforeAll(async () => {
  // The demo catalogue and policy (no-logprobs-on-trial), and one feature rule that holds in one region only.
  const demo = demoConfig();
  const policy = {
    ...demo.policy,
    rules: [
      ...demo.policy.rules,
      {
        id: 'no-tools-for-fr-from-us',
        effect: 'deny',
        reason: 'Tool calls are not served to French customers from the US',
        when: { feature: ['tools'], customer_country: ['FR'], region: ['us-east'] },
      },
    ],
  };
  gw = await startTestGateway({ config: { ...demo, demo: { seed: false }, policy } });
});
afterAll(() => gw.close());

describe('a request denied for a feature it asks for', () => {
  it('names logprobs, its rule and its field, on chat JSON and streams', async () => {
    const trial = gw.client((await gw.newOrgKey({ name: 'Trial GmbH', country: 'DE', tier: 'trial' })).key);
    for (const stream of [false, true]) {
      const err = await errorOf(
        trial.chat.completions.create({ model: 'gpt-4o', messages, logprobs: true, top_logprobs: 2, stream }),
      );
      expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
      expect(err!.code).toBe('policy_denied');
      expect(err!.param).toBe('logprobs');
      expect(err!.message).toMatch(/logprobs/);
      expect(err!.message).toMatch(/rule no-logprobs-on-trial/);
      expect(err!.message).toMatch(/Log probabilities are available from tier verified up/);
      expect(err!.message).not.toMatch(/'gpt-4o' is not available to your organisation/);
    }
    // top_logprobs alone asks for log probabilities too: the field named is the one sent.
    const top = await errorOf(trial.chat.completions.create({ model: 'gpt-4o', messages, top_logprobs: 2 }));
    expect(top!.param).toBe('top_logprobs');
    expect(top!.message).toMatch(/rule no-logprobs-on-trial/);
    // The Responses API asks for them with top_logprobs.
    const responses = await errorOf(trial.responses.create({ model: 'gpt-4o', input: 'hello', top_logprobs: 2 }));
    expect(responses!.param).toBe('top_logprobs');
    // Without the feature, the same organisation is served.
    await trial.chat.completions.create({ model: 'gpt-4o', messages });
  });

  it('still says the model is unavailable when it is, whatever features were asked for', async () => {
    const cnTrial = gw.client((await gw.newOrgKey({ name: 'CN Trial Co', country: 'CN', tier: 'trial' })).key);
    const err = await errorOf(cnTrial.chat.completions.create({ model: 'gpt-4o', messages, logprobs: true }));
    expect(err!.code).toBe('policy_denied');
    expect(err!.param).toBe('model');
    expect(err!.message).toMatch(/rule openai-cn-verified-only/);
  });

  it('names the feature when only the regions the customer may be served from refuse it', async () => {
    const { orgId, key } = await gw.newOrgKey({ name: 'Paris SAS', country: 'FR', tier: 'verified' });
    expect((await gw.admin('PUT', `/orgs/${orgId}/routing`, { allowed_regions: ['us-east'] })).status).toBe(200);
    const client = gw.client(key);
    const err = await errorOf(client.chat.completions.create({ model: 'gpt-4o', messages, tools }));
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(err!.code).toBe('policy_denied');
    expect(err!.param).toBe('tools');
    expect(err!.message).toMatch(/tools/);
    expect(err!.message).toMatch(/rule no-tools-for-fr-from-us/);
    await client.chat.completions.create({ model: 'gpt-4o', messages });
  });
});
