// Issue 24: a periodic review date per risk level (higher risk, sooner; configurable), a list of reviews due, and
// recording a review.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { tokenFor } from '../helpers/principals.ts';

const SDN =
  '9001,"RED STAR MARITIME TRADING CO.","-0- ","FICTIONAL-1","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","Invented entity for tests."\n';
const application = (over: Record<string, unknown> = {}) => ({
  legal_name: 'Tallinn Data OU',
  country: 'EE',
  registration_number: 'EE-1234567',
  address: '1 Old Town Street, Tallinn',
  incorporated_on: '2013-02-01',
  intended_use: 'Invoice extraction for our accounting clients',
  expected_monthly_volume_usd: 2000,
  ...over,
});
/** YYYY-MM of today plus `months` (the day is not checked: short months roll it back). */
const monthFromNow = (months: number) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + months, 1)).toISOString().slice(0, 7);
};

async function start(config?: Record<string, unknown>) {
  const gw = await startTestGateway(config ? { config } : {});
  expect((await gw.admin('POST', '/sanctions/lists', { format: 'ofac_sdn', sdn_csv: SDN })).status).toBe(200);
  return gw;
}
async function apply(gw: TestGateway, body: unknown) {
  const res = await fetch(`${gw.url}/v1/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { org_id: string; status: string };
}
const as = async (gw: TestGateway, actor: string, path: string, body: unknown) =>
  fetch(`${gw.url}/admin/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenFor(gw, actor)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

describe('periodic review by risk level, default intervals', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await start();
  });
  afterAll(() => gw.close());

  it('a clean, established customer is low risk, reviewed in 36 months; a politically exposed one is high, in 6', async () => {
    const low = await apply(gw, application());
    expect(low.status).toBe('approved');
    const lowRecord = (await gw.admin('GET', `/orgs/${low.org_id}/application`)).body;
    expect(lowRecord.kyb.risk.level).toBe('low');
    expect(lowRecord.kyb.next_review_on.slice(0, 7)).toBe(monthFromNow(36));
    const approved = (await gw.admin('GET', `/audit?subject_id=${low.org_id}&action=vetting.approved`)).body.data[0];
    expect(approved.data).toMatchObject({ risk_level: 'low', next_review_on: lowRecord.kyb.next_review_on });

    const pep = await apply(
      gw,
      application({ legal_name: 'Riigi Consulting OU', directors: [{ name: 'Kaja Tamm', pep: true }] }),
    );
    expect(pep.status).toBe('needs_review');
    await as(gw, 'alice', `/orgs/${pep.org_id}/approve`, { reason: 'source of wealth documented' });
    expect((await as(gw, 'bob', `/orgs/${pep.org_id}/approve`, { reason: 'confirmed' })).body.status).toBe('approved');
    const high = (await gw.admin('GET', `/orgs/${pep.org_id}/application`)).body.kyb;
    expect(high.risk.level).toBe('high');
    expect(high.risk.factors.join(' ')).toMatch(/Kaja Tamm \(director\) is a politically exposed person/);
    expect(high.next_review_on.slice(0, 7)).toBe(monthFromNow(6));

    // Operator-created customers get a date too.
    const made = await gw.admin('POST', '/orgs', { name: 'Operator Known OU', country: 'EE', tier: 'verified' });
    expect((await gw.admin('GET', `/orgs/${made.body.id}/application`)).body.kyb.next_review_on.slice(0, 7)).toBe(
      monthFromNow(36),
    );

    // Due: the high-risk one first; nothing is due today.
    const due = (await gw.admin('GET', `/vetting/reviews?due_by=${monthFromNow(40)}-28`)).body.data as Array<{
      org_id: string;
      next_review_on: string;
    }>;
    const ids = due.map((d) => d.org_id);
    expect(ids.indexOf(pep.org_id)).toBeLessThan(ids.indexOf(low.org_id));
    expect((await gw.admin('GET', '/vetting/reviews')).body.data).toEqual([]);
    expect((await gw.admin('GET', '/vetting/reviews?due_by=soon')).body.error.param).toBe('due_by');
  });

  it('records a periodic review: screened again, reassessed, next date from today', async () => {
    const org = await apply(gw, application({ legal_name: 'Reviewed Again OU' }));
    const reviewed = await as(gw, 'carol', `/orgs/${org.org_id}/periodic-review`, { reason: 'annual file review' });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body.org.status).toBe('approved');
    expect(reviewed.body.application.kyb.last_reviewed_at).toBeTruthy();
    const entry = (await gw.admin('GET', `/audit?subject_id=${org.org_id}&action=vetting.periodic_review`)).body
      .data[0];
    expect(entry).toMatchObject({ actor: 'carol', data: { risk_level: 'low' } });
    expect(entry.data.checks.sanctions.ran).toBe(true);
    const pending = await apply(gw, application({ legal_name: 'Red Star Maritime Trading Ltd' }));
    expect(
      (await as(gw, 'carol', `/orgs/${pending.org_id}/periodic-review`, { reason: 'annual file review' })).status,
    ).toBe(409);
  });
});

describe('configured intervals', () => {
  it('are used, and must put higher risk sooner', async () => {
    const base = {
      regions: [{ id: 'eu-west', country: 'IE' }],
      vendors: [{ id: 'openai' }],
      providers: [{ id: 'sim', vendor: 'openai', type: 'simulator', region: 'eu-west', models: [{ model: 'gpt-4o' }] }],
      models: [{ name: 'gpt-4o', vendor: 'openai' }],
    };
    await expect(
      startTestGateway({ config: { ...base, vetting: { review_interval_months: { low: 6, medium: 12, high: 24 } } } }),
    ).rejects.toThrow(/review_interval_months: a higher risk is reviewed sooner/);
    const gw = await start({ ...base, vetting: { review_interval_months: { low: 24, medium: 6, high: 3 } } });
    try {
      const org = await apply(gw, application());
      expect((await gw.admin('GET', `/orgs/${org.org_id}/application`)).body.kyb.next_review_on.slice(0, 7)).toBe(
        monthFromNow(24),
      );
    } finally {
      await gw.close();
    }
  });
});

describe('adverse media', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await start();
  });
  afterAll(() => gw.close());

  it('a reviewer attaches a note; a serious one raises the risk and brings the review forward', async () => {
    const org = await apply(gw, application({ legal_name: 'Press Coverage OU' }));
    expect(org.status).toBe('approved');
    const minor = await as(gw, 'dana', `/orgs/${org.org_id}/adverse-media`, {
      summary: 'Late filing of annual accounts reported in local press',
      severity: 'low',
      source_url: 'https://news.example/late-filing',
      published_on: '2025-11-02',
    });
    expect(minor.status).toBe(201);
    expect(minor.body).toMatchObject({ severity: 'low', actor: 'dana', risk_level: 'low' });
    expect(minor.body.next_review_on.slice(0, 7)).toBe(monthFromNow(36));

    const serious = await as(gw, 'dana', `/orgs/${org.org_id}/adverse-media`, {
      summary: 'Named in an investigation into resale of model outputs',
      severity: 'high',
      source_url: 'https://news.example/investigation',
    });
    expect(serious.body).toMatchObject({ severity: 'high', risk_level: 'high' });
    expect(serious.body.next_review_on.slice(0, 7)).toBe(monthFromNow(6));
    const record = (await gw.admin('GET', `/orgs/${org.org_id}/application`)).body;
    expect(record.kyb.adverse_media.map((m: { severity: string }) => m.severity)).toEqual(['low', 'high']);
    expect(record.kyb.risk.factors.join(' ')).toMatch(/adverse media \(high\): Named in an investigation/);
    const entry = (await gw.admin('GET', `/audit?subject_id=${org.org_id}&action=vetting.adverse_media_noted`)).body
      .data[0];
    expect(entry).toMatchObject({
      actor: 'dana',
      data: { severity: 'high', risk_level: 'high', previous_risk_level: 'low' },
    });
  });

  it('validates the note and the organisation', async () => {
    const org = await apply(gw, application({ legal_name: 'Validated Notes OU' }));
    const bad = await as(gw, 'dana', `/orgs/${org.org_id}/adverse-media`, {
      summary: 'x',
      severity: 'dire',
      source_url: 'not a url',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { param: string }) => d.param)).toEqual([
      'summary',
      'severity',
      'source_url',
    ]);
    expect(
      (await as(gw, 'dana', '/orgs/org_nope/adverse-media', { summary: 'Something reported', severity: 'low' })).status,
    ).toBe(404);
  });
});
