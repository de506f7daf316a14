// Onboarding through the API: self-service applications, screening against loaded lists, review, enhanced
// due diligence, tiers, suspension, and re-screening when a list changes.
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { tokenFor } from '../helpers/principals.ts';

let gw: TestGateway;
const fixture = (f: string) => readFileSync(new URL(`../fixtures/sanctions/${f}`, import.meta.url), 'utf8');
const application = (over: Record<string, unknown> = {}) => ({
  legal_name: 'Fjord Analytics AS',
  country: 'NO',
  registration_number: 'NO-998877',
  address: '1 Harbour Street, Bergen',
  website: 'https://fjord.example',
  incorporated_on: '2015-03-01',
  ownership: [{ name: 'Founders', country: 'NO', share_pct: 100 }],
  intended_use: 'Customer-support summarisation for our SaaS product',
  expected_monthly_volume_usd: 20000,
  requested_tier: 'verified',
  ...over,
});
const apply = async (body: unknown) => {
  const res = await fetch(`${gw.url}/v1/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};
/** A decision by the principal `actor` (its own token); `note` is what x-conduit-actor says, which decides nothing. */
const decide = async (orgId: string, verb: string, body: unknown, actor = 'alice', note?: string) => {
  const headers = {
    authorization: `Bearer ${await tokenFor(gw, actor)}`,
    'content-type': 'application/json',
    ...(note ? { 'x-conduit-actor': note } : {}),
  };
  const res = await fetch(`${gw.url}/admin/v1/orgs/${orgId}/${verb}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  gw = await startTestGateway();
  const loaded = await gw.admin('POST', '/sanctions/lists', {
    format: 'ofac_sdn',
    sdn_csv: fixture('sdn.csv'),
    alt_csv: fixture('alt.csv'),
  });
  expect(loaded.status).toBe(200);
});
afterAll(() => gw.close());

describe('self-service onboarding', () => {
  it('approves a clean, established applicant at the tier it asked for, on the record', async () => {
    const res = await apply(application());
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('approved');
    const org = await gw.admin('GET', `/orgs/${res.body.org_id}`);
    expect(org.body.tier).toBe('verified');
    const trail = await gw.admin('GET', `/audit?subject_id=${res.body.org_id}`);
    expect(trail.body.data.map((e: { action: string }) => e.action).reverse()).toEqual([
      'application.submitted',
      'vetting.screening',
      'vetting.screened',
      'vetting.approved',
    ]);
  });

  it('rejects invalid applications precisely, creating nothing', async () => {
    const before = (await gw.admin('GET', '/orgs')).body.data.length;
    const res = await apply(
      application({
        incorporated_on: 'last year',
        ownership: [
          { name: 'X', country: 'NO', share_pct: 80 },
          { name: 'Y', country: 'DE', share_pct: 30 },
        ],
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('incorporated_on');
    const shares = await apply(
      application({
        ownership: [
          { name: 'X', country: 'NO', share_pct: 80 },
          { name: 'Y', country: 'DE', share_pct: 30 },
        ],
      }),
    );
    expect(shares.body.error.param).toBe('ownership');
    expect((await gw.admin('GET', '/orgs')).body.data.length).toBe(before);
  });

  it('sends a sanctions match to review; not approved means no data plane', async () => {
    const res = await apply(application({ legal_name: 'Red Star Maritime Trading Ltd', country: 'PA' }));
    expect(res.body.status).toBe('needs_review');
    const queue = await gw.admin('GET', '/vetting/queue');
    const entry = queue.body.data.find((q: { org: { id: string } }) => q.org.id === res.body.org_id);
    expect(entry.application.screening.hits[0]).toMatchObject({ entry_id: 'OFAC-SDN:9001' });
    const key = await gw.admin('POST', `/orgs/${res.body.org_id}/keys`, {});
    const err = await gw
      .client(key.body.key)
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((err as { code: string }).code).toBe('org_not_approved');
    expect((await decide(res.body.org_id, 'reject', { reason: 'confirmed match on the SDN list' })).body.status).toBe(
      'rejected',
    );
    expect((await decide(res.body.org_id, 'approve', { reason: 'oops' })).status).toBe(409);
  });

  it('needs a second, different approver for enhanced due diligence jurisdictions', async () => {
    const res = await apply(application({ legal_name: 'Neva Data LLC', country: 'RU' }));
    expect(res.body.status).toBe('needs_review');
    const first = await decide(res.body.org_id, 'approve', { reason: 'documents checked' }, 'alice');
    expect(first.body.status).toBe('needs_review');
    expect((await decide(res.body.org_id, 'approve', { reason: 'again' }, 'alice')).body.error.code).toBe(
      'second_approver_required',
    );
    const second = await decide(res.body.org_id, 'approve', { reason: 'confirmed' }, 'bob');
    expect(second.body.status).toBe('approved');
  });

  it('compares principals, not names: one token calling itself alice, then bob, is one approver', async () => {
    const res = await apply(application({ legal_name: 'Ural Compute LLC', country: 'RU' }));
    expect(res.body.status).toBe('needs_review');
    expect(
      (await decide(res.body.org_id, 'approve', { reason: 'documents checked' }, 'carol', 'alice')).body.status,
    ).toBe('needs_review');
    const again = await decide(res.body.org_id, 'approve', { reason: 'confirmed' }, 'carol', 'bob');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('second_approver_required');
    const trail = (await gw.admin('GET', `/audit?subject_id=${res.body.org_id}&action=vetting.first_approval`)).body
      .data;
    expect(trail.map((e: { actor: string }) => e.actor)).toEqual(['carol']);
    // The bootstrap token is a principal of its own (admin): a second, different approver.
    expect(
      (await gw.admin('POST', `/orgs/${res.body.org_id}/approve`, { reason: 'confirmed by the administrator' })).body
        .status,
    ).toBe('approved');
  });

  it('holds tiers to the configured rules: by default every tier needs an established customer', async () => {
    const res = await apply(
      application({
        legal_name: 'Fresh Start GmbH',
        country: 'DE',
        incorporated_on: new Date(Date.now() - 200 * 86400_000).toISOString().slice(0, 10),
      }),
    );
    expect(res.body.status).toBe('needs_review');
    const strategic = await decide(res.body.org_id, 'approve', { reason: 'big customer', tier: 'strategic' });
    expect(strategic.status).toBe(422);
    expect(strategic.body.error.message).toMatch(/not established/);
    const trial = await decide(res.body.org_id, 'approve', { reason: 'small start', tier: 'trial' });
    expect(trial.status).toBe(422);
    expect(trial.body.error.message).toMatch(/not established/);
    expect((await decide(res.body.org_id, 'reject', { reason: 'not established yet' })).body.status).toBe('rejected');
  });

  it('suspends at once and reinstates', async () => {
    const { orgId, key } = await gw.newOrgKey({ name: 'Suspendable' });
    const client = gw.client(key);
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect((await decide(orgId, 'suspend', { reason: 'distillation evidence under review' })).body.status).toBe(
      'suspended',
    );
    await expect(
      client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((await decide(orgId, 'reinstate', { reason: 'cleared' })).body.status).toBe('approved');
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect((await decide(orgId, 'suspend', { reason: '' })).body.error.param).toBe('reason');
  });
});

describe('sanctions list updates', () => {
  it('re-screen every customer and report the new hits', async () => {
    const res = await apply(application({ legal_name: 'Helios Aerospace Components Ltd', country: 'GB' }));
    expect(res.body.status).toBe('approved');
    const loaded = await gw.admin('POST', '/sanctions/lists', { format: 'csl', csv: fixture('consolidated.csv') });
    expect(loaded.status, JSON.stringify(loaded.body)).toBe(200);
    expect(loaded.body.version).toBe(1);
    expect(loaded.body.new_hits.map((h: { org_id: string }) => h.org_id)).toContain(res.body.org_id);
    expect((await gw.admin('GET', `/orgs/${res.body.org_id}`)).body.status).toBe('needs_review');
  });

  it('reject a malformed list with the line, changing nothing', async () => {
    const before = (await gw.admin('GET', '/sanctions/lists')).body.data;
    const bad = await gw.admin('POST', '/sanctions/lists', {
      format: 'ofac_sdn',
      sdn_csv: `${fixture('sdn.csv')}9005,"HALF A ROW"\n`,
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toMatch(/line 5: expected 12 columns/);
    expect((await gw.admin('GET', '/sanctions/lists')).body.data).toEqual(before);
  });
});
