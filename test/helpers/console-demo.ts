// A gateway with the embedded demo (demo.seed) and a business's worth of data behind it, for the console's browser
// tests: customers in several countries with traffic, an applicant in review over a sanctions hit, a harvesting
// account the distillation detector flagged, a campaign of look-alike accounts and a canary experiment (the activity
// `npm start` sends too), and principals of each role.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoConfig } from '../../src/config/demo.ts';
import { DEMO_CAMPAIGN, seedDemoActivity } from '../../src/demo-activity.ts';
import { harvestPrompt } from './harvest.ts';
import { startTestGateway, type TestGateway } from './gateway.ts';
import { tokenFor } from './principals.ts';

export interface ConsoleDemo {
  gw: TestGateway;
  tokens: { admin: string; compliance: string; finance: string; viewer: string };
  /** The applicant waiting in the vetting queue with a sanctions hit. */
  applicant: { id: string; name: string };
  /** A trial customer from Hong Kong: Anthropic and OpenAI are denied to it. */
  deniedCustomer: { id: string; name: string };
  /** The customer the detector flagged for harvesting. */
  harvester: { id: string; name: string };
  /** The look-alike accounts harvesting from one address (src/demo-activity.ts). */
  campaign: Array<{ id: string; name: string }>;
  /** A customer with traffic this month (an invoice to download) and a reply it was served. */
  customer: { id: string; name: string; servedText: string };
}

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/sanctions', name), 'utf8');

const application = (name: string, country: string) => ({
  legal_name: name,
  country,
  registration_number: 'HRB 4711',
  address: '1 Harbour Street',
  website: 'https://applicant.example',
  incorporated_on: '2012-03-01',
  ownership: [{ name: 'Founders', country, share_pct: 100 }],
  intended_use: 'Customer-support summarisation',
  expected_monthly_volume_usd: 20000,
  requested_tier: 'verified',
});

export async function startConsoleDemo(opts: { consoleDir?: string } = {}): Promise<ConsoleDemo> {
  // The embedded demo, with client addresses from X-Forwarded-For (each customer its own) and the DeepSeek
  // deployment answering at a real model's length, so that harvesting looks like harvesting.
  const config = structuredClone(demoConfig()) as any;
  config.server.trust_proxy = true;
  // The validated book holds micro-units (as BigInt, which YAML writes as integers).
  config.pricing.amount_unit = 'micros';
  config.providers.find((p: { id: string }) => p.id === 'sim-deepseek-sg').simulator = { reply_tokens: 700 };
  const gw = await startTestGateway({ config, consoleDir: opts.consoleDir });
  const ok = (res: { status: number; body: unknown }, what: string) => {
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as any;
  };
  ok(
    await gw.admin('POST', '/sanctions/lists', {
      format: 'ofac_sdn',
      sdn_csv: fixture('sdn.csv'),
      alt_csv: fixture('alt.csv'),
    }),
    'sanctions list',
  );
  const tokens = {
    admin: gw.adminToken,
    compliance: await tokenFor(gw, 'Carla Compliance', 'compliance'),
    finance: await tokenFor(gw, 'Finn Finance', 'finance'),
    viewer: await tokenFor(gw, 'Vera Viewer', 'viewer'),
  };

  const customers = [
    { name: 'Fjord Analytics AS', country: 'NO', model: 'gpt-4o', requests: 6 },
    { name: 'Berlin Robotics GmbH', country: 'DE', model: 'claude-sonnet-4', requests: 4 },
    { name: 'Lion City Logistics Pte. Ltd.', country: 'SG', model: 'deepseek-chat', requests: 5 },
    { name: 'Hudson Legal LLC', country: 'US', model: 'gpt-4o-mini', requests: 3 },
  ];
  let customer: ConsoleDemo['customer'] | undefined;
  for (const [n, c] of customers.entries()) {
    const { orgId, key } = await gw.newOrgKey({ name: c.name, country: c.country, tier: 'verified' });
    const client = gw.client(key, { headers: { 'x-forwarded-for': `198.51.100.${n + 1}` } });
    for (let i = 0; i < c.requests; i++) {
      const reply = await client.chat.completions.create({
        model: c.model,
        messages: [{ role: 'user', content: `Summarise ticket ${i} of ${c.name} for the support team, please.` }],
      });
      customer ??= { id: orgId, name: c.name, servedText: reply.choices[0]!.message.content ?? '' };
    }
  }

  const hk = ok(await gw.admin('POST', '/orgs', { name: 'Kowloon Trading Ltd', country: 'HK', tier: 'trial' }), 'org');

  const harvester = await gw.newOrgKey({ name: 'Harvest Data Labs Ltd', country: 'GB', tier: 'verified' });
  const harvestClient = gw.client(harvester.key, { headers: { 'x-forwarded-for': '203.0.113.9' } });
  // Until the detector throttles it (its 429 ends the sweep).
  for (let i = 0; i < 60; i++) {
    const sent = await harvestClient.chat.completions
      .create({
        model: 'deepseek-chat',
        messages: [
          { role: 'system', content: 'You are a helpful teacher.' },
          { role: 'user', content: harvestPrompt(i) },
        ],
      })
      .catch((err: { status?: number }) => {
        if (err.status === 429) return undefined;
        throw err;
      });
    if (!sent) break;
  }

  const applied = await fetch(`${gw.url}/v1/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(application('Northern Light Shipping GmbH', 'DE')),
  });
  const applicant = (await applied.json()) as { org_id: string; status: string };
  if (applicant.status !== 'needs_review') throw new Error(`applicant not in review: ${JSON.stringify(applicant)}`);

  // What `conduit start` sends with the demo: the campaign, and traffic on the model with a canary.
  await seedDemoActivity(gw.app, gw.adminToken, gw.demoKey);
  const orgs = ok(await gw.admin('GET', '/orgs'), 'orgs').data as Array<{ id: string; name: string }>;
  const campaign = DEMO_CAMPAIGN.names.map((name) => orgs.find((o) => o.name === name)!);

  return {
    gw,
    tokens,
    campaign,
    applicant: { id: applicant.org_id, name: 'Northern Light Shipping GmbH' },
    deniedCustomer: { id: hk.id, name: 'Kowloon Trading Ltd' },
    harvester: { id: harvester.orgId, name: 'Harvest Data Labs Ltd' },
    customer: customer!,
  };
}
