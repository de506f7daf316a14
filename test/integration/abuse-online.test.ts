// A slice of generated traffic replayed through the running gateway: the online verdicts agree with the
// offline detector's over the same requests, and flagged customers are dealt with on the record.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Detector } from '../../src/abuse/detector.ts';
import type { TrafficRecord } from '../../src/abuse/record.ts';
import type { Evidence } from '../../src/abuse/score.ts';
import { startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';
import { abuseTestConfig } from '../helpers/abuse-config.ts';
import { trafficKit } from '../helpers/traffic-kit.ts';

const kit = trafficKit();
const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ config: abuseTestConfig(['chat-model', 'reasoning-model']) });
});
afterAll(() => gw.close());

describe.skipIf(!existsSync(join(kit, 'gen.mjs')))('online distillation monitoring', () => {
  it('agrees with the offline detector on replayed traffic, and acts on what it flags', async () => {
    const dir = tempDir('conduit-replay-');
    execFileSync(
      'node',
      [join(kit, 'gen.mjs'), '--profile', join(kit, 'dev-profile.json'), '--seed', '7', '--out', dir],
      { stdio: 'ignore' },
    );
    const labels = lines(join(dir, 'labels.jsonl')) as Array<{ org: string; label: string; archetype: string }>;
    const pick = (archetype: string) => labels.find((l) => l.archetype === archetype)!.org;
    const chosen = [
      'logprob-harvest',
      'cot-harvest',
      'support-bot',
      'batch-classifier',
      'research-assistant',
      'exam-solver',
    ].map(pick);
    const perOrg = new Map<string, number>();
    const slice = (lines(join(dir, 'traffic.jsonl')) as TrafficRecord[]).filter((r) => {
      if (!chosen.includes(r.org) || (perOrg.get(r.org) ?? 0) >= 220) return false;
      perOrg.set(r.org, (perOrg.get(r.org) ?? 0) + 1);
      return true;
    });

    const clients = new Map<string, { id: string; client: OpenAI }>();
    for (const org of chosen) {
      const { orgId, key } = await gw.newOrgKey({ name: `replay ${org}`, country: 'US', tier: 'verified' });
      clients.set(org, { id: orgId, client: gw.client(key) });
    }
    const offline = new Detector();
    for (const r of slice) {
      const { id, client } = clients.get(r.org)!;
      const body = {
        ...r.request,
        model: /o\d|r1|gpt-5|reason/.test(String(r.request.model)) ? 'reasoning-model' : 'chat-model',
      } as Record<string, unknown>;
      delete body.reasoning_effort;
      const res = await client.chat.completions.create(body as never, { headers: { 'x-forwarded-for': r.ip } });
      // The offline detector sees the same requests with the usage the gateway recorded.
      offline.observe({
        ...r,
        org: id,
        request: { ...r.request },
        response: {
          usage: { prompt_tokens: res.usage!.prompt_tokens, completion_tokens: res.usage!.completion_tokens },
        },
      });
    }
    const online = (await gw.admin('GET', '/abuse/risk')).body.data as Array<{
      org: string;
      flagged: boolean;
      score: number;
      reasons: string[];
      evidence: Evidence[];
    }>;
    const offlineVerdicts = offline.verdicts();
    const flaggedOnline = online
      .filter((v) => v.flagged)
      .map((v) => v.org)
      .sort();
    const flaggedOffline = offlineVerdicts
      .filter((v) => v.flagged)
      .map((v) => v.org)
      .sort();
    expect(flaggedOnline).toEqual(flaggedOffline);
    const harvesters = [clients.get(chosen[0]!)!.id, clients.get(chosen[1]!)!.id].sort();
    expect(flaggedOnline).toEqual(harvesters);
    // The same evidence but for pacing: the replay sends in seconds what the recording spread over hours.
    const untimed = (evidence: Evidence[]) => evidence.filter((e) => e.family !== 'pacing');
    const pacing = (evidence: Evidence[]) => evidence.find((e) => e.family === 'pacing')?.weight ?? 0;
    for (const v of online) {
      const twin = offlineVerdicts.find((o) => o.org === v.org)!;
      expect(untimed(v.evidence).map((e) => e.family)).toEqual(untimed(twin.evidence).map((e) => e.family));
      expect(Math.abs(v.score - twin.score)).toBeLessThan(0.2 + pacing(twin.evidence) + pacing(v.evidence));
    }

    // Flags land in the audit log with their evidence; the reviewer can clear them.
    const alerts = (await gw.admin('GET', '/abuse/alerts')).body.data as Array<{ org: string; action: string }>;
    expect(alerts.map((a) => a.org)).toEqual(expect.arrayContaining(harvesters));
    const trail = (await gw.admin('GET', `/audit?subject_id=${harvesters[0]}`)).body.data as Array<{
      action: string;
      data: { reasons: string[]; evidence: Evidence[] };
    }>;
    const flagEntry = trail.find((e) => e.action.startsWith('abuse.'))!;
    expect(flagEntry.data.reasons.length).toBeGreaterThan(0);
    // The families the flag rests on, each with the weight it had: two at least.
    expect(flagEntry.data.evidence.filter((e) => e.weight >= 0.1).length).toBeGreaterThanOrEqual(2);
    const cleared = await gw.admin('POST', `/abuse/orgs/${harvesters[0]}/review`, {
      decision: 'clear',
      reason: 'false alarm after review',
    });
    expect(cleared.body.status).toBe('approved');
  }, 60_000);

  it('a suspended customer sees a clear 403, and a throttled one a 429', async () => {
    const { orgId, key } = await gw.newOrgKey();
    await gw.admin('POST', `/abuse/orgs/${orgId}/review`, {
      decision: 'throttle',
      reason: 'slow down pending review',
      requests_per_minute: 1,
    });
    const client = gw.client(key);
    await client.chat.completions.create({ model: 'chat-model', messages: [{ role: 'user', content: 'one' }] });
    await expect(
      client.chat.completions.create({ model: 'chat-model', messages: [{ role: 'user', content: 'two' }] }),
    ).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await gw.admin('POST', `/abuse/orgs/${orgId}/review`, { decision: 'suspend', reason: 'confirmed distillation' });
    const err = await client.chat.completions
      .create({ model: 'chat-model', messages: [{ role: 'user', content: 'three' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((err as { code: string }).code).toBe('org_suspended');
  });
});
