// What the admin API returns for an organisation's or key's limits, PUT .../limits takes back unchanged: the
// budget comes back as budget.monthly_micros (whole micro-units), and PUT reads that field as micro-units.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

describe('limits round trip', () => {
  it('PUT of the limits GET returned changes nothing, for an organisation and a key', async () => {
    const { orgId, keyId } = await gw.newOrgKey();
    const limits = { budget: { monthly: '12.50', hard: false }, requests_per_minute: 60 };
    expect((await gw.admin('PUT', `/orgs/${orgId}/limits`, limits)).status).toBe(200);
    const got = (await gw.admin('GET', `/orgs/${orgId}`)).body.limits;
    expect(got.budget).toEqual({ monthly_micros: 12_500_000, hard: false });
    const again = await gw.admin('PUT', `/orgs/${orgId}/limits`, got);
    expect(again.status).toBe(200);
    expect(again.body.limits).toEqual(got);

    expect((await gw.admin('PUT', `/orgs/${orgId}/keys/${keyId}/limits`, { budget: { monthly: 3 } })).status).toBe(200);
    const key = (await gw.admin('GET', `/orgs/${orgId}/keys`)).body.data.find((k: { id: string }) => k.id === keyId);
    const keyAgain = await gw.admin('PUT', `/orgs/${orgId}/keys/${keyId}/limits`, key.limits);
    expect(keyAgain.status).toBe(200);
    expect(keyAgain.body.limits.budget).toEqual({ monthly_micros: 3_000_000, hard: true });
  });

  it('a budget is monthly (currency units) or monthly_micros (whole micro-units), not both', async () => {
    const { orgId } = await gw.newOrgKey();
    const both = await gw.admin('PUT', `/orgs/${orgId}/limits`, {
      budget: { monthly: '1', monthly_micros: 1_000_000 },
    });
    expect(both.status).toBe(400);
    expect(both.body.error.param).toBe('budget');
    const fraction = await gw.admin('PUT', `/orgs/${orgId}/limits`, { budget: { monthly_micros: 1.5 } });
    expect(fraction.status).toBe(400);
    expect(fraction.body.error.param).toBe('budget.monthly_micros');
  });
});
