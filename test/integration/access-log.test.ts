// The JSON log as an operator reads it from `conduit start`: one access line per request, with its request id,
// organisation, model, status and durations; and no prompt or reply text in it.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawned-gateway.ts';

let gw: SpawnedGateway;
beforeAll(async () => {
  gw = await spawnGateway();
}, 40_000);
afterAll(() => gw?.stop());

describe('access log', () => {
  it('says who asked for what, where it went and how long it took; never the prompt or the reply', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.demoKey!, maxRetries: 0 });
    const secret = 'Quarterly numbers for PURPLE-ELEPHANT-4242';
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: secret }] })
      .withResponse();
    const requestId = response.headers.get('x-request-id')!;
    const line = await gw.waitForLine((l) => l.reqId === requestId);
    expect(line).toMatchObject({
      level: 30,
      msg: 'request',
      method: 'POST',
      url: '/v1/chat/completions',
      status: 200,
      model: 'gpt-4o',
      stream: false,
      tries: 1,
      input_tokens: data.usage!.prompt_tokens,
      output_tokens: data.usage!.completion_tokens,
    });
    expect(line.org).toMatch(/^org_/);
    expect(typeof line.key).toBe('string');
    expect(typeof line.deployment).toBe('string');
    expect(typeof line.region).toBe('string');
    expect(line.ms).toBeGreaterThanOrEqual(0);
    expect(line.upstream_ms).toBeGreaterThanOrEqual(0);

    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: secret }],
      stream: true,
    });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
    const streamLine = await gw.waitForLine((l) => l.stream === true && l.status === 200);
    expect(streamLine.first_token_ms).toBeGreaterThanOrEqual(0);
    expect(streamLine.org).toBe(line.org);

    await expect(
      client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: secret }] }),
    ).rejects.toThrow();
    const refused = await gw.waitForLine((l) => l.status === 404);
    expect(refused).toMatchObject({ error: 'model_not_found', org: line.org });

    const reply = data.choices[0]!.message.content!;
    const log = gw.output();
    expect(log).not.toContain('PURPLE-ELEPHANT');
    expect(log).not.toContain(reply.slice(0, 40));
    expect(log).not.toContain(streamed.slice(0, 40));
  }, 30_000);
});
