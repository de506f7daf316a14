// A reviewer's throttle is an overlay on the operator's limits: it binds while it stands, survives a restart,
// and clearing it leaves exactly what the operator set.
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';

const dataDir = tempDir();
let gw: TestGateway | undefined;
afterAll(() => gw?.close());

const ask = (client: OpenAI) =>
  client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });

describe("abuse review and the operator's limits", () => {
  it('throttle binds on top of the limits, clear removes only the throttle', async () => {
    gw = await startTestGateway({ dataDir });
    const { orgId, key } = await gw.newOrgKey();
    const operatorLimits = { requests_per_minute: 500, tokens_per_minute: 200000, concurrent: 8 };
    expect((await gw.admin('PUT', `/orgs/${orgId}/limits`, operatorLimits)).status).toBe(200);

    const throttled = await gw.admin('POST', `/abuse/orgs/${orgId}/review`, {
      decision: 'throttle',
      reason: 'slow down pending review',
      requests_per_minute: 2,
    });
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

    const cleared = await gw.admin('POST', `/abuse/orgs/${orgId}/review`, {
      decision: 'clear',
      reason: 'false alarm after review',
    });
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
    await gw.admin('POST', `/abuse/orgs/${orgId}/review`, {
      decision: 'throttle',
      reason: 'slow down pending review',
      requests_per_minute: 1,
    });
    await gw.admin('PUT', `/orgs/${orgId}/limits`, { requests_per_minute: 1000 });
    const client = gw.client(key);
    await ask(client);
    await expect(ask(client)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    const cleared = await gw.admin('POST', `/abuse/orgs/${orgId}/review`, {
      decision: 'clear',
      reason: 'reviewed, fine',
    });
    expect(cleared.body.limits).toEqual({ requests_per_minute: 1000 });
  });
});

// Issue 24: `clear` lifts what abuse enforcement imposed and nothing more; it never approves an organisation that
// vetting holds (a sanctions hit in review, a compliance suspension).
describe('abuse review and vetting', () => {
  const sdn =
    '9001,"RED STAR MARITIME TRADING CO.","-0- ","FICTIONAL-1","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","Invented entity for tests."\n';
  const apply = async (legal_name: string) => {
    const res = await fetch(`${gw!.url}/v1/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        legal_name,
        country: 'PA',
        registration_number: 'PA-1',
        address: '1 Harbour Street, Panama',
        incorporated_on: '2010-01-01',
        intended_use: 'Customer-support summarisation',
        expected_monthly_volume_usd: 1000,
      }),
    });
    return (await res.json()) as { org_id: string; status: string };
  };
  const review = (id: string, decision: string) =>
    gw!.admin('POST', `/abuse/orgs/${id}/review`, { decision, reason: 'reviewed the evidence' });

  it('clear leaves an applicant held for a sanctions hit in review', async () => {
    gw ??= await startTestGateway({ dataDir });
    expect((await gw.admin('POST', '/sanctions/lists', { format: 'ofac_sdn', sdn_csv: sdn })).status).toBe(200);
    const held = await apply('Red Star Maritime Trading Ltd');
    expect(held.status).toBe('needs_review');
    const cleared = await review(held.org_id, 'clear');
    expect(cleared.status).toBe(200);
    expect(cleared.body.status).toBe('needs_review');
    // Nor can abuse enforcement move it somewhere a vetting verb would then approve from.
    expect((await review(held.org_id, 'suspend')).status).toBe(409);
    expect((await gw.admin('GET', `/orgs/${held.org_id}`)).body.status).toBe('needs_review');
  });

  it('clear does not lift a compliance suspension, and lifts its own', async () => {
    gw ??= await startTestGateway({ dataDir });
    const { orgId } = await gw.newOrgKey({ name: 'Suspended By Compliance Ltd' });
    expect(
      (await gw.admin('POST', `/orgs/${orgId}/suspend`, { reason: 'ownership documents withdrawn' })).body.status,
    ).toBe('suspended');
    expect((await review(orgId, 'clear')).body.status).toBe('suspended');
    expect((await review(orgId, 'require_revetting')).status).toBe(409);

    const other = await gw.newOrgKey({ name: 'Suspended For Abuse Ltd' });
    expect((await review(other.orgId, 'require_revetting')).body.status).toBe('needs_review');
    expect((await review(other.orgId, 'suspend')).body.status).toBe('suspended');
    const cleared = await review(other.orgId, 'clear');
    expect(cleared.body.status).toBe('approved');
    const trail = (await gw.admin('GET', `/audit?subject_id=${other.orgId}&action=abuse.review.clear`)).body.data;
    expect(trail[0].data).toMatchObject({ from: 'suspended', to: 'approved' });
  });
});
