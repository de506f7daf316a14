// Issue 24: vetting that is secure by default. The applicant of the issue (incorporated a week ago, no registration
// number, owned by a nominee, "generate lots of training data" at $900k a month) is not approved at once at any tier,
// and the audit log says only what the checks found.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const SDN =
  '9001,"RED STAR MARITIME TRADING CO.","-0- ","FICTIONAL-1","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","Invented entity for tests."\n';
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
  const res = await fetch(`${gw.url}/v1/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { org_id: string; status: string };
}
const trail = async (gw: TestGateway, orgId: string) =>
  (await gw.admin('GET', `/audit?subject_id=${orgId}`)).body.data as Array<{
    action: string;
    reason: string | null;
    data: Record<string, any>;
  }>;

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

  it('the audit entries say which checks ran, against which list versions, and what they found', async () => {
    const res = await apply(
      gw,
      issueApplicant({
        legal_name: 'Established Clean Ltd',
        registration_number: 'GB-9',
        incorporated_on: '2012-05-01',
        ownership: [{ name: 'Jane Founder', country: 'GB', share_pct: 100 }],
      }),
    );
    expect(res.status).toBe('approved');
    const entries = await trail(gw, res.org_id);
    const screened = entries.find((e) => e.action === 'vetting.screened')!;
    expect(screened.data).toMatchObject({
      list_versions: { ofac_sdn: 1 },
      lists_loaded: true,
      names_screened: 2,
      threshold: 0.85,
      hits: [],
    });
    const approved = entries.find((e) => e.action === 'vetting.approved')!;
    expect(approved.reason).toMatch(/sanctions: 2 names screened against ofac_sdn v1 at threshold 0\.85, no hits/);
    expect(approved.reason).toMatch(/established \(required for tier trial\): met/);
    expect(approved.data.checks).toMatchObject({
      tier: 'trial',
      sanctions: { ran: true, list_versions: { ofac_sdn: 1 }, names_screened: 2, hits: [] },
      established: { required: true, met: true, gaps: [] },
      tier_requirements: { met: true },
      enhanced_due_diligence: { required: false },
    });

    // A hit through an owner names the owner it matched; the review entry carries the same checks.
    const held = await apply(
      gw,
      issueApplicant({
        legal_name: 'Harbour Holdings Ltd',
        registration_number: 'GB-10',
        incorporated_on: '2012-05-01',
        ownership: [{ name: 'Red Star Maritime Trading', country: 'PA', share_pct: 100 }],
      }),
    );
    expect(held.status).toBe('needs_review');
    const review = (await trail(gw, held.org_id)).find((e) => e.action === 'vetting.needs_review')!;
    expect(review.reason).toMatch(
      /possible sanctions match: Red Star Maritime Trading ~ RED STAR MARITIME TRADING CO\./,
    );
    expect(review.data.checks.sanctions.hits[0]).toMatchObject({
      entry_id: 'OFAC-SDN:9001',
      subject: { name: 'Red Star Maritime Trading', role: 'owner' },
    });
    // A reviewer's approval records what it approved over.
    const approval = await gw.admin('POST', `/orgs/${held.org_id}/approve`, {
      reason: 'different company, checked the register',
      tier: 'trial',
    });
    expect(approval.body.status).toBe('approved');
    const decided = (await trail(gw, held.org_id)).find((e) => e.action === 'vetting.approved')!;
    expect(decided.data.checks.sanctions.hits).toHaveLength(1);
  });
});

describe('the demo configuration', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
    expect((await gw.admin('POST', '/sanctions/lists', { format: 'ofac_sdn', sdn_csv: SDN })).status).toBe(200);
  });
  afterAll(() => gw.close());

  it('calls for enhanced due diligence in China, which its vendor rules single out: review and two approvers', async () => {
    const res = await apply(
      gw,
      issueApplicant({
        legal_name: 'Pearl River Data Ltd',
        country: 'CN',
        registration_number: 'CN-77',
        incorporated_on: '2012-05-01',
        ownership: [{ name: 'Li Wei', country: 'CN', share_pct: 100 }],
      }),
    );
    expect(res.status).toBe('needs_review');
    const review = (await trail(gw, res.org_id)).find((e) => e.action === 'vetting.needs_review')!;
    expect(review.reason).toMatch(/enhanced due diligence required: incorporated in CN/);
    const first = await fetch(`${gw.url}/admin/v1/orgs/${res.org_id}/approve`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${gw.adminToken}`,
        'content-type': 'application/json',
        'x-conduit-actor': 'alice',
      },
      body: JSON.stringify({ reason: 'documents checked' }),
    });
    expect(((await first.json()) as { status: string }).status).toBe('needs_review');
  });
});

describe('no list loaded', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  it('says the applicant was not screened, never that it had no hits', async () => {
    const res = await apply(gw, issueApplicant({ registration_number: 'GB-1', incorporated_on: '2012-05-01' }));
    expect(res.status).toBe('needs_review');
    const review = (await trail(gw, res.org_id)).find((e) => e.action === 'vetting.needs_review')!;
    expect(review.reason).toMatch(/no sanctions list is loaded/);
    expect(review.data.checks.sanctions).toMatchObject({ ran: false, list_versions: {}, hits: [] });
    const approval = await gw.admin('POST', `/orgs/${res.org_id}/approve`, {
      reason: 'known customer, screened by hand',
      tier: 'trial',
    });
    const decided = (await trail(gw, res.org_id)).find((e) => e.action === 'vetting.approved')!;
    expect(approval.body.status).toBe('approved');
    expect(decided.data.checks.sanctions.ran).toBe(false);
  });
});

describe('a configuration that lets trial customers be young', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      config: {
        regions: [{ id: 'eu-west', country: 'IE' }],
        vendors: [{ id: 'openai' }],
        providers: [
          { id: 'sim', vendor: 'openai', type: 'simulator', region: 'eu-west', models: [{ model: 'gpt-4o' }] },
        ],
        models: [{ name: 'gpt-4o', vendor: 'openai' }],
        vetting: { tiers: { trial: { established: false } } },
      },
    });
    expect((await gw.admin('POST', '/sanctions/lists', { format: 'ofac_sdn', sdn_csv: SDN })).status).toBe(200);
  });
  afterAll(() => gw.close());

  it('approves a young, clean applicant at trial, and still holds verified to "established"', async () => {
    const young = await apply(
      gw,
      issueApplicant({
        legal_name: 'Young Clean Ltd',
        registration_number: 'GB-123',
        ownership: [{ name: 'Jane Founder', country: 'GB', share_pct: 100 }],
      }),
    );
    expect(young.status).toBe('approved');
    const verified = await apply(
      gw,
      issueApplicant({ legal_name: 'Young Ambitious Ltd', registration_number: 'GB-124', requested_tier: 'verified' }),
    );
    expect(verified.status).toBe('needs_review');
  });
});
