// An organisation's distillation history outlives a restart: scores, reasons, alerts, campaigns and the
// evidence behind them are stored (counters and hashed sketches, addresses as keyed hashes, no text), and new
// traffic adds to them rather than starting afresh.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { harvestPrompt, SUBJECTS, surfaceClients } from '../helpers/harvest.ts';
import { startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';
import { abuseTestConfig } from '../helpers/abuse-config.ts';

const dataDir = tempDir();
const config = abuseTestConfig(['chat-model', 'reasoning-model']);
let gw: TestGateway | undefined;
afterAll(() => gw?.close());

type Risk = {
  org: string;
  score: number;
  flagged: boolean;
  first_flagged_at: string | null;
  reasons: string[];
  campaign: string | null;
};
const risk = async () => (await gw!.admin('GET', '/abuse/risk')).body.data as Risk[];
const harvest = async (key: string, address: string, from: number, to: number) => {
  const send = surfaceClients(gw!.url, key, address, (k) => gw!.client(k)).chat;
  for (let i = from; i < to; i++) await send(harvestPrompt(i), 'reasoning-model');
};

describe('distillation monitoring across a restart', () => {
  it('keeps risk, alerts and campaigns, and goes on accumulating', async () => {
    gw = await startTestGateway({ config, dataDir });
    const slow = await gw.newOrgKey({ name: 'Slow Harvest Ltd', country: 'US' });
    const fast = await gw.newOrgKey({ name: 'Fast Harvest Ltd', country: 'US' });
    await harvest(slow.key, '203.0.113.1', 0, 30);
    await harvest(fast.key, '203.0.113.2', 0, 60);
    // Two fresh accounts behind one address: a campaign.
    const members = [
      await gw.newOrgKey({ name: 'Alpha Analytics', country: 'US' }),
      await gw.newOrgKey({ name: 'Beta Bureau', country: 'US' }),
    ];
    for (const m of members) await harvest(m.key, '198.51.100.9', 0, 5);

    const before = await risk();
    const alertsBefore = (await gw.admin('GET', '/abuse/alerts')).body.data as Array<{ org: string }>;
    const of = (verdicts: Risk[], org: string) => verdicts.find((v) => v.org === org);
    expect(of(before, slow.orgId)!.flagged).toBe(false);
    expect(of(before, fast.orgId)!.flagged).toBe(true);
    expect(alertsBefore.map((a) => a.org)).toContain(fast.orgId);
    const campaign = of(before, members[0]!.orgId)!.campaign;
    expect(campaign).not.toBeNull();

    await gw.close();
    // What is on disk: counters and hashes, no prompt words, no client address.
    const db = new Database(join(dataDir, 'conduit.sqlite'), { readonly: true });
    const stored = db.prepare('select state, sketch from abuse_profiles').all() as Array<{
      state: string;
      sketch: Buffer;
    }>;
    db.close();
    expect(stored.length).toBeGreaterThanOrEqual(4);
    const text = stored.map((r) => r.state + r.sketch.toString('latin1')).join('\n');
    for (const leak of ['203.0.113', '198.51.100', SUBJECTS[0]!, SUBJECTS[1]!, 'comprehensive'])
      expect(text).not.toContain(leak);

    gw = await startTestGateway({ config, dataDir });
    const after = await risk();
    for (const v of before) expect(of(after, v.org), v.org).toEqual(v);
    expect((await gw.admin('GET', '/abuse/alerts')).body.data).toEqual(alertsBefore);

    // Evidence goes on accumulating: 30 more requests flag what 30 alone did not.
    await harvest(slow.key, '203.0.113.1', 30, 60);
    const later = await risk();
    expect(of(later, slow.orgId)!.flagged).toBe(true);
    expect(of(later, slow.orgId)!.score).toBeGreaterThan(of(before, slow.orgId)!.score);
    // The flagged organisation is not alerted on again for the same action.
    await harvest(fast.key, '203.0.113.2', 60, 70);
    const alertsAfter = (await gw.admin('GET', '/abuse/alerts')).body.data as Array<{ org: string }>;
    expect(alertsAfter.filter((a) => a.org === fast.orgId)).toHaveLength(
      alertsBefore.filter((a) => a.org === fast.orgId).length,
    );
    // The campaign's addresses are remembered: a third fresh account behind them joins it.
    const third = await gw.newOrgKey({ name: 'Gamma Group', country: 'US' });
    await harvest(third.key, '198.51.100.9', 0, 5);
    const joined = await risk();
    expect(of(joined, third.orgId)!.campaign).not.toBeNull();
    expect(of(joined, third.orgId)!.campaign).toBe(of(joined, members[0]!.orgId)!.campaign);
  });
});
