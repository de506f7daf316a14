// The distillation detector sees every wire protocol alike: the same harvesting through chat completions, the
// Responses API and Anthropic's Messages API scores the same, and a product's conversations continued with
// previous_response_id score as low as the same conversations sent with their history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversation, harvestPrompt, surfaceClients } from '../helpers/harvest.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { abuseTestConfig } from '../helpers/abuse-config.ts';
import type { Evidence } from '../../src/abuse/score.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ config: abuseTestConfig(['chat-model', 'reasoning-model']) });
});
afterAll(() => gw.close());

type Risk = { org: string; score: number; flagged: boolean; reasons: string[]; evidence: Evidence[] };
/** The score but for pacing: a test's back-to-back requests are paced by the machine's load, not the surface. */
const untimed = (v: Risk) => v.score - (v.evidence.find((e) => e.family === 'pacing')?.weight ?? 0);
/**
 * Each family's strength but pacing's. Stricter than the score less pacing's weight, which shifts when the machine's
 * load moves pacing's rank: a family's weight depends on its rank among the others.
 */
const strengths = (v: Risk) =>
  Object.fromEntries(v.evidence.filter((e) => e.family !== 'pacing').map((e) => [e.family, e.strength]));
const risk = async () => (await gw.admin('GET', '/abuse/risk')).body.data as Risk[];

describe('distillation features from every surface', () => {
  it('scores the same harvesting alike through chat completions, Responses and Anthropic messages', async () => {
    const orgs: Record<string, string> = {};
    let address = 10;
    for (const surface of ['chat', 'responses', 'anthropic'] as const) {
      const { orgId, key } = await gw.newOrgKey({ name: `Harvest via ${surface}`, country: 'US' });
      orgs[surface] = orgId;
      const send = surfaceClients(gw.url, key, `203.0.113.${address++}`, (k) => gw.client(k))[surface];
      for (let i = 0; i < 60; i++) await send(harvestPrompt(i), 'reasoning-model');
    }
    const verdicts = await risk();
    const scoreOf = (surface: string) => verdicts.find((v) => v.org === orgs[surface]);
    expect(scoreOf('chat')).toMatchObject({ flagged: true });
    expect(scoreOf('chat')!.score).toBeGreaterThanOrEqual(0.5);
    for (const surface of ['responses', 'anthropic']) {
      expect(scoreOf(surface), surface).toMatchObject({ flagged: true });
      const [seen, viaChat] = [strengths(scoreOf(surface)!), strengths(scoreOf('chat')!)];
      expect(Object.keys(seen).sort(), surface).toEqual(Object.keys(viaChat).sort());
      for (const family of Object.keys(viaChat))
        expect(Math.abs(seen[family]! - viaChat[family]!), `${surface} ${family}`).toBeLessThanOrEqual(0.05);
    }
  });

  it('counts a Responses follow-up by previous_response_id as a follow-up, streamed or not', async () => {
    const withHistory = await gw.newOrgKey({ name: 'Tutor app (chat)', country: 'US' });
    const chat = gw.client(withHistory.key);
    const chatHeaders = { headers: { 'x-forwarded-for': '198.51.100.1' } };
    for (let i = 0; i < 40; i++) {
      const [question, followUp] = conversation(i);
      const first = await chat.chat.completions.create(
        { model: 'chat-model', messages: [{ role: 'user', content: question }] },
        chatHeaders,
      );
      await chat.chat.completions.create(
        {
          model: 'chat-model',
          messages: [
            { role: 'user', content: question },
            { role: 'assistant', content: first.choices[0]!.message.content },
            { role: 'user', content: followUp },
          ],
        },
        chatHeaders,
      );
    }
    const byReference: Record<string, string> = {};
    for (const stream of [false, true]) {
      const { orgId, key } = await gw.newOrgKey({
        name: `Tutor app (responses${stream ? ', streamed' : ''})`,
        country: 'US',
      });
      byReference[String(stream)] = orgId;
      const client = gw.client(key);
      const headers = { headers: { 'x-forwarded-for': stream ? '198.51.100.3' : '198.51.100.2' } };
      for (let i = 0; i < 40; i++) {
        const [question, followUp] = conversation(i);
        let id = '';
        if (stream) {
          for await (const event of await client.responses.create(
            { model: 'chat-model', input: question, stream: true },
            headers,
          ))
            if (event.type === 'response.completed') id = event.response.id;
        } else {
          id = (await client.responses.create({ model: 'chat-model', input: question }, headers)).id;
        }
        await client.responses.create({ model: 'chat-model', input: followUp, previous_response_id: id }, headers);
      }
    }
    const verdicts = await risk();
    const chatVerdict = verdicts.find((v) => v.org === withHistory.orgId)!;
    expect(chatVerdict.flagged).toBe(false);
    for (const stream of ['false', 'true']) {
      const verdict = verdicts.find((v) => v.org === byReference[stream])!;
      expect(verdict.flagged, `streamed: ${stream}`).toBe(false);
      expect(Math.abs(untimed(verdict) - untimed(chatVerdict)), `streamed: ${stream}`).toBeLessThanOrEqual(0.05);
    }
  });
});
