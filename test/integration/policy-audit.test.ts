// The demo policy (the CN situation), explanations, what-if, policy changes, and the tamper-evident audit log.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
const dataDir = tempDir();
const msg = [{ role: 'user' as const, content: 'hello' }];
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
  );

beforeAll(async () => {
  gw = await startTestGateway({ dataDir });
});
afterAll(() => gw.close());

async function orgWith(body: Record<string, unknown>) {
  const org = await gw.admin('POST', '/orgs', body);
  if (body.ownership) await gw.tenancy.updateOrg(org.body.id, { ownership: body.ownership as never });
  const key = await gw.admin('POST', `/orgs/${org.body.id}/keys`, {});
  return { id: org.body.id as string, client: gw.client(key.body.key) };
}

describe("demo policy: vendors' terms for customers incorporated in China", () => {
  it('refuses Anthropic, serves OpenAI from Singapore only at tier verified, serves DeepSeek', async () => {
    const cn = await orgWith({ name: 'Shanghai Robotics Co', country: 'CN', tier: 'verified' });
    const denied = await errorOf(cn.client.chat.completions.create({ model: 'claude-sonnet-4', messages: msg }));
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(denied!.code).toBe('policy_denied');
    expect(denied!.message).toMatch(/anthropic-no-cn-customers/);
    for (let i = 0; i < 3; i++) {
      const { response } = await cn.client.chat.completions.create({ model: 'gpt-4o', messages: msg }).withResponse();
      expect(response.headers.get('x-conduit-region')).toBe('sg');
    }
    await cn.client.chat.completions.create({ model: 'deepseek-chat', messages: msg });
    const ids = [];
    for await (const m of cn.client.models.list()) ids.push(m.id);
    expect(ids).toContain('gpt-4o');
    expect(ids).not.toContain('claude-sonnet-4');

    const trial = await orgWith({ name: 'Small CN Startup', country: 'CN', tier: 'trial' });
    expect((await errorOf(trial.client.chat.completions.create({ model: 'gpt-4o', messages: msg })))!.message).toMatch(
      /openai-cn-verified-only/,
    );
  });

  it('looks through the ownership chain', async () => {
    // Incorporated outside Greater China (an HK address is itself inside the demo's line): only ownership puts it there.
    const hk = await orgWith({
      name: 'Harbour Holdings Ltd',
      country: 'SG',
      tier: 'verified',
      ownership: [
        {
          name: 'Kowloon Parent Ltd',
          country: 'HK',
          share_pct: 60,
          owners: [{ name: 'Beijing Group', country: 'CN', share_pct: 100 }],
        },
        { name: 'Public float', country: 'US', share_pct: 40 },
      ],
    });
    expect(
      (await errorOf(hk.client.chat.completions.create({ model: 'claude-sonnet-4', messages: msg })))!.message,
    ).toMatch(/anthropic-no-cn-ownership/);
    const minority = await orgWith({
      name: 'Mostly Local Ltd',
      country: 'SG',
      tier: 'verified',
      ownership: [{ name: 'CN fund', country: 'CN', share_pct: 30 }],
    });
    await minority.client.chat.completions.create({ model: 'claude-sonnet-4', messages: msg });
  });

  it('gates features too: no logprobs below tier verified', async () => {
    const trial = await orgWith({ name: 'Trial Co', country: 'DE', tier: 'trial' });
    await trial.client.chat.completions.create({ model: 'gpt-4o', messages: msg });
    expect(
      (await errorOf(trial.client.chat.completions.create({ model: 'gpt-4o', messages: msg, logprobs: true })))!
        .message,
    ).toMatch(/no-logprobs-on-trial/);
  });
});

describe('explain and what-if', () => {
  it('explains a decision per deployment with the rules behind it', async () => {
    const cn = await orgWith({ name: 'Explain Me Co', country: 'CN', tier: 'verified' });
    const res = await gw.admin('GET', `/policy/explain?org=${cn.id}&model=gpt-4o`);
    expect(res.body.allowed).toBe(true);
    const byRegion = Object.fromEntries(res.body.decisions.map((d: { region: string }) => [d.region, d]));
    expect(byRegion.sg).toMatchObject({ allowed: true, rule: 'default' });
    expect(byRegion['us-east']).toMatchObject({ allowed: false, rule: 'openai-cn-from-singapore' });
    const claude = await gw.admin('GET', `/policy/explain?org=${cn.id}&model=claude-sonnet-4&region=eu-west`);
    expect(claude.body.decisions).toHaveLength(1);
    expect(claude.body.decisions[0].matched).toEqual(['anthropic-no-cn-customers']);
  });

  it('lists who gains and loses what before a change is applied, and applies it on the record', async () => {
    const cn = await orgWith({ name: 'What If Co', country: 'CN', tier: 'verified' });
    const current = (await gw.admin('GET', '/policy')).body;
    const proposed = {
      ...current.policy,
      rules: current.policy.rules.filter((r: { id: string }) => !r.id.startsWith('anthropic-')),
    };
    const whatIf = await gw.admin('POST', '/policy/what-if', { policy: proposed });
    expect(whatIf.body.data).toContainEqual(
      expect.objectContaining({ org: cn.id, model: 'claude-sonnet-4', change: 'gained' }),
    );
    expect(whatIf.body.data.every((c: { change: string }) => c.change === 'gained')).toBe(true);
    // Nothing changed yet.
    await expect(cn.client.chat.completions.create({ model: 'claude-sonnet-4', messages: msg })).rejects.toBeInstanceOf(
      OpenAI.PermissionDeniedError,
    );

    const bad = await gw.admin('PUT', '/policy', {
      reason: 'typo',
      policy: {
        rules: [
          { id: 'x', effect: 'deny', reason: 'r', when: { customer_country: ['CN'], customer_country_not_in: ['CN'] } },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('policy.rules[0].when.customer_country_not_in');
    const unknown = await gw.admin('PUT', '/policy', {
      reason: 'typo',
      policy: { rules: [{ id: 'x', effect: 'deny', reason: 'r', when: { contry: ['CN'] } }] },
    });
    expect(unknown.body.error.message).toMatch(/contry/);

    const applied = await gw.admin('PUT', '/policy', { reason: 'vendor contract amended', policy: proposed });
    expect(applied.body.version).toBe(current.version + 1);
    await cn.client.chat.completions.create({ model: 'claude-sonnet-4', messages: msg });
    await gw.admin('PUT', '/policy', { reason: 'restore', policy: current.policy });
  });
});

describe('audit log', () => {
  it('records admin actions in a chain that detects alteration, removal and reordering', async () => {
    await gw.admin('POST', '/orgs', { name: 'Audited Ltd', country: 'FR' });
    expect((await gw.admin('GET', '/audit/verify')).body).toMatchObject({ ok: true });
    const list = await gw.admin('GET', '/audit?action=org.created&limit=5');
    expect(list.body.data[0]).toMatchObject({ action: 'org.created', actor: 'admin' });

    const db = new Database(join(dataDir, 'conduit.sqlite'));
    try {
      const seq = (
        db.prepare("select seq from audit_log where action = 'org.created' order by seq limit 1").get() as {
          seq: number;
        }
      ).seq;
      db.prepare("update audit_log set reason = 'nothing to see here' where seq = ?").run(seq);
      const altered = (await gw.admin('GET', '/audit/verify')).body;
      expect(altered).toMatchObject({ ok: false, problem: { seq, kind: 'altered' } });
      db.prepare('delete from audit_log where seq = ?').run(seq);
      const removed = (await gw.admin('GET', '/audit/verify')).body;
      expect(removed.ok).toBe(false);
      expect(removed.problem.kind).toBe('removed_or_reordered');
    } finally {
      db.close();
    }
  });
});
