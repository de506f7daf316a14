// The admin API: organisations, keys, usage, and its validation and authentication.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

describe('admin API', () => {
  it('rejects a missing or wrong admin token with 401', async () => {
    expect((await gw.admin('GET', '/orgs', undefined, '')).status).toBe(401);
    const wrong = await gw.admin('GET', '/orgs', undefined, 'nope');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_admin_token');
  });

  it('creates an organisation, ignoring unknown fields, and lists and fetches it', async () => {
    const created = await gw.admin('POST', '/orgs', {
      name: 'Globex GmbH',
      country: 'de',
      tier: 'strategic',
      crm_id: 42,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Globex GmbH', country: 'DE', tier: 'strategic', status: 'approved' });
    expect(created.body).not.toHaveProperty('crm_id');
    const list = await gw.admin('GET', '/orgs');
    expect(list.body.data.map((o: { id: string }) => o.id)).toContain(created.body.id);
    expect((await gw.admin('GET', `/orgs/${created.body.id}`)).body.name).toBe('Globex GmbH');
    const defaults = await gw.admin('POST', '/orgs', { name: 'Initech', country: 'US' });
    expect(defaults.body.tier).toBe('trial');
  });

  it('names the field in validation errors', async () => {
    const noName = await gw.admin('POST', '/orgs', { country: 'DE' });
    expect(noName.status).toBe(400);
    expect(noName.body.error.param).toBe('name');
    const badCountry = await gw.admin('POST', '/orgs', { name: 'X', country: 'Germany' });
    expect(badCountry.body.error.param).toBe('country');
    const badTier = await gw.admin('POST', '/orgs', { name: 'X', country: 'DE', tier: 'gold' });
    expect(badTier.body.error.param).toBe('tier');
    const notJson = await gw.admin('POST', '/orgs', '{"name":');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('invalid_json');
  });

  it('lists every problem of a body in one answer: param names the first, details each', async () => {
    const res = await gw.admin('POST', '/orgs', { country: 'Germany', tier: 'gold' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request', param: 'name' });
    expect(res.body.error.details.map((d: { param: string }) => d.param)).toEqual(['name', 'country', 'tier']);
    for (const d of res.body.error.details as Array<{ param: string; message: string }>) {
      expect(d.message).not.toBe('');
      expect(res.body.error.message).toContain(`'${d.param}'`);
    }
    // Query strings too, and an unknown field of a strict body is named.
    const query = await gw.admin('GET', '/audit?from=yesterday&to=never&limit=0');
    expect(query.body.error.details.map((d: { param: string }) => d.param)).toEqual(['from', 'to', 'limit']);
    const strict = await gw.admin('PUT', '/policy', { reason: 'x', colour: 'blue' });
    expect(strict.body.error.details.map((d: { param: string }) => d.param)).toEqual(
      expect.arrayContaining(['policy', 'reason', 'colour']),
    );
  });

  it('404s for unknown organisations and keys', async () => {
    expect((await gw.admin('GET', '/orgs/org_nope')).body.error.code).toBe('org_not_found');
    expect((await gw.admin('POST', '/orgs/org_nope/keys', {})).status).toBe(404);
    const { orgId } = await gw.newOrgKey();
    expect((await gw.admin('DELETE', `/orgs/${orgId}/keys/key_nope`)).body.error.code).toBe('key_not_found');
  });

  it('shows a key secret once, stored only as a hash', async () => {
    const { orgId, key, keyId } = await gw.newOrgKey();
    expect(key).toMatch(/^sk-cdt-[A-Za-z0-9]{40}$/);
    const listed = await gw.admin('GET', `/orgs/${orgId}/keys`);
    expect(JSON.stringify(listed.body)).not.toContain(key);
    const stored = await gw.store.keys.listKeys(orgId);
    expect(stored.find((k) => k.id === keyId)!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(key);
  });

  it('reports usage over an optional time range', async () => {
    const { orgId, key } = await gw.newOrgKey();
    const client = gw.client(key);
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'one' }] });
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'two' });
    const all = await gw.admin('GET', `/orgs/${orgId}/usage`);
    expect(all.body).toMatchObject({ requests: 2 });
    expect(all.body.prompt_tokens).toBeGreaterThan(0);
    expect(all.body.completion_tokens).toBeGreaterThan(0);
    const future = await gw.admin('GET', `/orgs/${orgId}/usage?from=2999-01-01`);
    expect(future.body.requests).toBe(0);
    const bad = await gw.admin('GET', `/orgs/${orgId}/usage?from=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('from');
  });
});
