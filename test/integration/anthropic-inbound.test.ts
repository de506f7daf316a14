// POST /v1/messages with the official @anthropic-ai/sdk: any catalogue model, text and tools, streamed or not.
import { createHash } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
let client: Anthropic;
let orgId: string;
beforeAll(async () => {
  gw = await startTestGateway();
  // Outside the EU: the demo marks EU organisations' outputs (Article 50), and these tests hash the vendor's text.
  const k = await gw.newOrgKey({ country: 'US' });
  orgId = k.orgId;
  client = new Anthropic({ baseURL: gw.url, apiKey: k.key, maxRetries: 0 });
});
afterAll(() => gw.close());

const tools = [
  {
    name: 'get_weather',
    description: 'Weather for a city',
    input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
  },
];

describe('Anthropic Messages API', () => {
  it('answers with text blocks and usage, for an OpenAI-vendor model too', async () => {
    for (const model of ['claude-sonnet-4', 'gpt-4o']) {
      const msg = await client.messages.create({
        model,
        max_tokens: 200,
        system: 'Be brief.',
        messages: [{ role: 'user', content: 'Hello there' }],
      });
      expect(msg.type).toBe('message');
      expect(msg.content[0]!.type).toBe('text');
      expect((msg.content[0] as { text: string }).text).toMatch(/^\[simulated\]/);
      expect(msg.stop_reason).toBe('end_turn');
      expect(msg.usage.output_tokens).toBeGreaterThan(0);
      // The provenance manifest, signed over the text, as an extra field.
      const { provenance } = msg as unknown as { provenance: { manifest: string; content_sha256: string } };
      expect(provenance.content_sha256).toBe(
        createHash('sha256')
          .update((msg.content[0] as { text: string }).text)
          .digest('base64url'),
      );
    }
  });

  it('streams events the SDK assembles into the same message shape', async () => {
    const stream = client.messages.stream({
      model: 'claude-sonnet-4',
      max_tokens: 200,
      messages: [{ role: 'user', content: 'Stream it' }],
    });
    let text = '';
    let provenance: { content_sha256: string } | undefined;
    stream.on('text', (t) => (text += t));
    stream.on('streamEvent', (e) => {
      if (e.type === 'message_delta')
        provenance = (e as unknown as { provenance?: { content_sha256: string } }).provenance;
    });
    const final = await stream.finalMessage();
    expect(text).toMatch(/^\[simulated\]/);
    expect((final.content[0] as { text: string }).text).toBe(text);
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    expect(final.stop_reason).toBe('end_turn');
    // The manifest rides on message_delta (the SDK's stream helper accepts no unknown event types).
    expect(provenance?.content_sha256).toBe(createHash('sha256').update(text).digest('base64url'));
  });

  it('round-trips tool use, streamed and not', async () => {
    const msg = await client.messages.create({
      model: 'claude-sonnet-4',
      max_tokens: 200,
      tools,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    expect(msg.stop_reason).toBe('tool_use');
    const use = msg.content.find((b) => b.type === 'tool_use') as { id: string; name: string; input: { city: string } };
    expect(use.name).toBe('get_weather');
    expect(typeof use.input.city).toBe('string');

    const followUp = await client.messages.create({
      model: 'claude-sonnet-4',
      max_tokens: 200,
      tools,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: msg.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '18°C and sunny' }] },
      ],
    });
    expect(followUp.stop_reason).toBe('end_turn');

    const streamed = await client.messages
      .stream({ model: 'claude-sonnet-4', max_tokens: 200, tools, messages: [{ role: 'user', content: 'Weather?' }] })
      .finalMessage();
    const streamedUse = streamed.content.find((b) => b.type === 'tool_use') as {
      name: string;
      input: { city: string };
    };
    expect(streamedUse.name).toBe('get_weather');
    expect(typeof streamedUse.input.city).toBe('string');
  });

  it("maps errors to the SDK's classes", async () => {
    await expect(
      client.messages.create({ model: 'claude-9', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    const bad = await client.messages
      .create({ model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'x' }] } as never)
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
    expect((bad as { message: string }).message).toMatch(/max_tokens/);
    const wrongKey = new Anthropic({ baseURL: gw.url, apiKey: 'sk-cdt-nope', maxRetries: 0 });
    await expect(
      wrongKey.messages.create({
        model: 'claude-sonnet-4',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it('meters Messages traffic like any other', async () => {
    const before = (await gw.admin('GET', `/orgs/${orgId}/usage`)).body.requests;
    await client.messages.create({
      model: 'claude-sonnet-4',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'count me' }],
    });
    expect((await gw.admin('GET', `/orgs/${orgId}/usage`)).body.requests).toBe(before + 1);
  });
});
