// Issue 24: organisations an operator creates with POST /admin/v1/orgs are screened like any other, with their
// owners (the same ownership shape as applications); a hit goes to review, and nothing found stays what it was:
// an audited approval at the given tier.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const SDN =
  [
    '9001,"RED STAR MARITIME TRADING CO.","-0- ","FICTIONAL-1","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","Invented entity for tests."',
    '9003,"AL-NOURI, Mohammed Khalid","individual","FICTIONAL-3","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","Invented person for tests; not a real individual."',
  ].join('\n') + '\n';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());
const trail = async (orgId: string) =>
  (await gw.admin('GET', `/audit?subject_id=${orgId}`)).body.data as Array<{
    action: string;
    reason: string | null;
    data: Record<string, any>;
  }>;

describe('operator-created organisations', () => {
  let unscreened: string;

  it('with no list loaded: approved as before, the ownership kept, the record saying it was not screened', async () => {
    const ownership = [
      { name: 'Mohammed Khalid Al-Nouri', country: 'AE', share_pct: 60 },
      { name: 'Public float', country: 'US', share_pct: 40 },
    ];
    const res = await gw.admin('POST', '/orgs', {
      name: 'Gulf Bridge Trading LLC',
      country: 'AE',
      tier: 'verified',
      ownership,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'approved', tier: 'verified', ownership });
    unscreened = res.body.id;
    const created = (await trail(unscreened)).find((e) => e.action === 'org.created')!;
    expect(created.data.checks.sanctions).toMatchObject({ ran: false, list_versions: {}, hits: [] });
    expect(created.reason).toMatch(/not screened, no list loaded/);
    expect(created.reason).not.toMatch(/no hits/);
  });

  it('a list load re-screens them with their owners', async () => {
    const loaded = await gw.admin('POST', '/sanctions/lists', { format: 'ofac_sdn', sdn_csv: SDN });
    expect(loaded.status).toBe(200);
    const report = loaded.body.new_hits.find((h: { org_id: string }) => h.org_id === unscreened);
    expect(report.new_hits[0]).toMatchObject({ entry_id: 'OFAC-SDN:9003' });
    expect((await gw.admin('GET', `/orgs/${unscreened}`)).body.status).toBe('needs_review');
  });

  it('sends a hit on the name or an owner to review, where a reviewer decides as for any applicant', async () => {
    const named = await gw.admin('POST', '/orgs', {
      name: 'Red Star Maritime Trading Ltd',
      country: 'PA',
      tier: 'verified',
    });
    expect(named.status).toBe(201);
    expect(named.body.status).toBe('needs_review');
    const owned = await gw.admin('POST', '/orgs', {
      name: 'Blue Harbour Logistics',
      country: 'CY',
      tier: 'trial',
      ownership: [{ name: 'Red Star Maritime Trading', country: 'PA', share_pct: 100 }],
    });
    expect(owned.body.status).toBe('needs_review');

    const queue = (await gw.admin('GET', '/vetting/queue')).body.data as Array<{
      org: { id: string };
      application: { screening: { hits: Array<{ entry_id: string; subject: { role: string } }> } };
    }>;
    const queued = queue.find((q) => q.org.id === owned.body.id)!;
    expect(queued.application.screening.hits[0]).toMatchObject({
      entry_id: 'OFAC-SDN:9001',
      subject: { role: 'owner' },
    });
    const review = (await trail(owned.body.id)).find((e) => e.action === 'vetting.needs_review')!;
    expect(review.reason).toMatch(/possible sanctions match/);

    // Not approved means no data plane.
    const key = await gw.admin('POST', `/orgs/${named.body.id}/keys`, {});
    const err = await gw
      .client(key.body.key)
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);

    expect(
      (await gw.admin('POST', `/orgs/${named.body.id}/reject`, { reason: 'confirmed match on the SDN list' })).body
        .status,
    ).toBe('rejected');
    const approved = await gw.admin('POST', `/orgs/${owned.body.id}/approve`, {
      reason: 'owner is a different company, checked the register',
    });
    expect(approved.body).toMatchObject({ status: 'approved', tier: 'trial' });
  });

  it('approves what screening finds nothing in, on the record with what was screened', async () => {
    const res = await gw.admin('POST', '/orgs', {
      name: 'Clean Operator Made GmbH',
      country: 'DE',
      tier: 'strategic',
      ownership: [{ name: 'Hans Gruender', country: 'DE', share_pct: 100 }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'approved', tier: 'strategic' });
    const created = (await trail(res.body.id)).find((e) => e.action === 'org.created')!;
    expect(created.data.checks.sanctions).toMatchObject({
      ran: true,
      list_versions: { ofac_sdn: 1 },
      names_screened: 2,
      hits: [],
    });
    expect(created.reason).toMatch(/approved at tier strategic/);
  });

  it('validates ownership as applications do', async () => {
    const res = await gw.admin('POST', '/orgs', {
      name: 'Overowned Ltd',
      country: 'DE',
      ownership: [
        { name: 'A', country: 'DE', share_pct: 80 },
        { name: 'B', country: 'DE', share_pct: 30 },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('ownership');
    const bad = await gw.admin('POST', '/orgs', {
      name: 'Badly Owned Ltd',
      country: 'DE',
      ownership: [{ name: 'A', country: 'Germany', share_pct: 50 }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('ownership[0].country');
  });
});
