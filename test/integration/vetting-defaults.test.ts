// Issue 24: vetting that is secure by default. The applicant of the issue (incorporated a week ago, no registration
// number, owned by a nominee, "generate lots of training data" at $900k a month) is not approved at once at any tier,
// and the audit log says only what the checks found.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const SDN = '9001,"RED STAR MARITIME TRADING CO.","-0- ","FICTIONAL-1","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","Invented entity for tests."\n';
const daysAgo = (days: number) => new Date(Date.now() - days * 86400_000).toISOString().slice(0, 10);
const issueApplicant = (over: Record<string, unknown> = {}) => ({
  legal_name: 'Week Old Data Ltd',
  country: 'GB',
  address: '1 Nowhere Lane, London',
  incorporated_on: daysAgo(7),
  ownership: [{ name: 'Anon Nominee', country: 'GB', share_pct: 100 }],
  intended_use: 'generate lots of training data',
  expected_monthly_volume_usd: 900_000,
  ...over,
});

async function apply(gw: TestGateway, body: unknown) {
  const res = await fetch(`${gw.url}/v1/applications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as { org_id: string; status: string };
}
const trail = async (gw: TestGateway, orgId: string) => (await gw.admin('GET', `/audit?subject_id=${orgId}`)).body.data as Array<{ action: string; reason: string | null; data: Record<string, any> }>;

describe('default rules', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
    expect((await gw.admin('POST', '/sanctions/lists', { format: 'ofac_sdn', sdn_csv: SDN })).status).toBe(200);
  });
  afterAll(() => gw.close());

  it('does not approve the issue\'s applicant at trial tier: "established" applies to every tier', async () => {
    const res = await apply(gw, issueApplicant());
    expect(res.status).toBe('needs_review');
    const review = (await trail(gw, res.org_id)).find((e) => e.action === 'vetting.needs_review')!;
    expect(review.reason).toMatch(/requested tier trial: not established/);
    expect(review.reason).toMatch(/no registration number/);
    // A reviewer cannot approve it at trial either, unless the configuration says trial needs no track record.
    const approve = await gw.admin('POST', `/orgs/${res.org_id}/approve`, { reason: 'looks fine', tier: 'trial' });
    expect(approve.status).toBe(422);
    expect(approve.body.error.code).toBe('tier_not_eligible');
  });
});

describe('a configuration that lets trial customers be young', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      config: {
        regions: [{ id: 'eu-west', country: 'IE' }],
        vendors: [{ id: 'openai' }],
        providers: [{ id: 'sim', vendor: 'openai', type: 'simulator', region: 'eu-west', models: [{ model: 'gpt-4o' }] }],
        models: [{ name: 'gpt-4o', vendor: 'openai' }],
        vetting: { tiers: { trial: { established: false } } },
      },
    });
    expect((await gw.admin('POST', '/sanctions/lists', { format: 'ofac_sdn', sdn_csv: SDN })).status).toBe(200);
  });
  afterAll(() => gw.close());

  it('approves a young, clean applicant at trial, and still holds verified to "established"', async () => {
    const young = await apply(gw, issueApplicant({ legal_name: 'Young Clean Ltd', registration_number: 'GB-123', ownership: [{ name: 'Jane Founder', country: 'GB', share_pct: 100 }] }));
    expect(young.status).toBe('approved');
    const verified = await apply(gw, issueApplicant({ legal_name: 'Young Ambitious Ltd', registration_number: 'GB-124', requested_tier: 'verified' }));
    expect(verified.status).toBe('needs_review');
  });
});
