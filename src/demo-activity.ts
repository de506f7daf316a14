// The demo's activity, so that a fresh `npm start` (and the console's browser tests) show what the abuse and routing
// pages are for: two look-alike accounts harvesting from one address (a campaign, kept with the abuse state), and
// traffic on the model with a canary (experiment figures live in memory, so they are sent on every start).
// Requests go through the gateway's own pipeline in-process (Fastify's inject), billed like any other.
import type { FastifyInstance } from 'fastify';

/** The campaign's accounts: registered together, similar names, one client address. */
export const DEMO_CAMPAIGN = { names: ['Acme Data 1', 'Acme Data 2'], address: '198.51.100.77', requests: 5 };
/** The model whose canary the demo configuration sets (src/config/demo.ts), and how many requests it gets at least
 * and at most. */
export const DEMO_EXPERIMENT = { model: 'deepseek-reasoner', requests: 12, maxRequests: 40, address: '192.0.2.10' };

const SUBJECTS = ['quorvane', 'peltrix', 'sandomir', 'velthane', 'ormuline', 'triskavel', 'bramothe', 'ceyliant'];
/** A harvesting prompt: one template, new subjects each time, asking for everything. */
const harvestPrompt = (i: number) =>
  `Write a comprehensive, detailed explanation of ${SUBJECTS[i % 8]} and ${SUBJECTS[(i + 3) % 8]}, covering history and applications.`;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export async function seedDemoActivity(
  app: FastifyInstance,
  adminToken: string,
  demoKey: string | undefined,
): Promise<string[]> {
  const call = async (
    method: 'GET' | 'POST',
    url: string,
    token: string,
    payload?: object,
    address?: string,
  ): Promise<Answer> => {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
      ...(address ? { remoteAddress: address } : {}),
    });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };
  const ok = (answer: Answer, what: string) => {
    if (answer.status >= 300)
      throw new Error(`demo activity: ${what} answered ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const chat = (key: string, model: string, content: string, address: string) =>
    call('POST', '/v1/chat/completions', key, { model, messages: [{ role: 'user', content }] }, address);

  const said: string[] = [];
  const orgs = ok(await call('GET', '/admin/v1/orgs', adminToken), 'listing organisations').data as Array<{
    name: string;
  }>;
  // Once per data folder: the campaign is kept with the abuse state.
  if (!orgs.some((o) => DEMO_CAMPAIGN.names.includes(o.name))) {
    for (const name of DEMO_CAMPAIGN.names) {
      const org = ok(
        await call('POST', '/admin/v1/orgs', adminToken, { name, country: 'US', tier: 'verified' }),
        'creating a campaign account',
      );
      const key = ok(
        await call('POST', `/admin/v1/orgs/${String(org.id)}/keys`, adminToken, { name: 'harvest' }),
        'creating its key',
      );
      for (let i = 0; i < DEMO_CAMPAIGN.requests; i++)
        await chat(String(key.key), 'deepseek-chat', harvestPrompt(i), DEMO_CAMPAIGN.address);
    }
    said.push(`Demo: ${DEMO_CAMPAIGN.names.join(' and ')} harvest from one address (a campaign on the abuse page)`);
  }
  if (demoKey) {
    // The canary's share is drawn at random: more requests, up to a bound, until both arms have figures.
    const candidateRequests = async () => {
      const report = ok(await call('GET', '/admin/v1/routing/experiments', adminToken), 'reading experiments');
      const canary = (report.data as Array<{ model: string; candidate_stats?: { requests: number } }>).find(
        (e) => e.model === DEMO_EXPERIMENT.model,
      );
      return canary?.candidate_stats?.requests ?? 0;
    };
    let sent = 0;
    let answered = 0;
    while (sent < DEMO_EXPERIMENT.maxRequests && (sent < DEMO_EXPERIMENT.requests || (await candidateRequests()) < 2)) {
      const question = `Demo question ${sent}: what is a canary release?`;
      if ((await chat(demoKey, DEMO_EXPERIMENT.model, question, DEMO_EXPERIMENT.address)).status === 200) answered++;
      sent++;
    }
    said.push(
      `Demo: ${answered} of ${sent} requests to ${DEMO_EXPERIMENT.model} answered (its canary is on the catalogue page)`,
    );
  }
  return said;
}
