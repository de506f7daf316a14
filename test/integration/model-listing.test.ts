// GET /v1/models and /v1/models/{model} list what a call would be served: the policy for the caller's
// organisation, on a deployment in a region the organisation and key may be served from.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

type ApiError = InstanceType<typeof OpenAI.APIError>;
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as ApiError,
  );
const messages = [{ role: 'user' as const, content: 'hello' }];

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

async function listed(client: OpenAI): Promise<string[]> {
  const ids: string[] = [];
  for await (const m of client.models.list()) ids.push(m.id);
  return ids.sort();
}

/** Every listed chat model is served; every chat model not listed is refused. */
async function agreesWithCalls(client: OpenAI, ids: string[]): Promise<void> {
  for (const model of ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4', 'deepseek-chat', 'deepseek-reasoner']) {
    const served = await client.chat.completions.create({ model, messages }).then(
      () => true,
      () => false,
    );
    expect({ model, served }).toEqual({ model, served: ids.includes(model) });
  }
}

describe('models a caller can use', () => {
  it('leaves out models with no deployment in a region the organisation may be served from', async () => {
    const { orgId, key } = await gw.newOrgKey({ name: 'EU Only GmbH', country: 'DE' });
    expect((await gw.admin('PUT', `/orgs/${orgId}/routing`, { allowed_regions: ['eu-west'] })).status).toBe(200);
    const client = gw.client(key);
    const ids = await listed(client);
    // The demo serves OpenAI's models from us-east and sg only.
    expect(ids).toEqual(['claude-sonnet-4', 'deepseek-chat', 'deepseek-reasoner']);
    await agreesWithCalls(client, ids);
    const missing = await errorOf(client.models.retrieve('gpt-4o'));
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing!.code).toBe('model_not_found');
    expect((await client.models.retrieve('deepseek-v3')).id).toBe('deepseek-chat');
  });

  it('honours a key narrower than its organisation', async () => {
    const { orgId, keyId, key } = await gw.newOrgKey({ name: 'Keyed Ltd', country: 'GB' });
    expect((await gw.admin('PUT', `/orgs/${orgId}/keys/${keyId}/routing`, { residency: ['SG'] })).status).toBe(200);
    const client = gw.client(key);
    const ids = await listed(client);
    expect(ids).toEqual(['deepseek-chat', 'deepseek-reasoner', 'gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']);
    await agreesWithCalls(client, ids);
    expect(await errorOf(client.models.retrieve('claude-sonnet-4'))).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('needs the policy and the regions to allow the same deployment', async () => {
    // OpenAI serves CN customers from Singapore only; this one may not be served from Singapore.
    const { orgId, key } = await gw.newOrgKey({ name: 'Shenzhen Verified Co', country: 'CN', tier: 'verified' });
    expect((await gw.admin('PUT', `/orgs/${orgId}/routing`, { allowed_regions: ['us-east', 'eu-west'] })).status).toBe(
      200,
    );
    const client = gw.client(key);
    const ids = await listed(client);
    expect(ids).toEqual(['deepseek-chat', 'deepseek-reasoner']);
    await agreesWithCalls(client, ids);
  });

  it('lists nothing to an organisation that may not use the data plane, and says why', async () => {
    const { orgId, key } = await gw.newOrgKey({ name: 'Suspended SA', country: 'FR' });
    expect((await gw.admin('POST', `/orgs/${orgId}/suspend`, { reason: 'payment overdue' })).status).toBe(200);
    const client = gw.client(key);
    for (const call of [listed(client), client.models.retrieve('deepseek-chat')]) {
      const err = await errorOf(call);
      expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
      expect(err!.code).toBe('org_suspended');
    }
  });
});
