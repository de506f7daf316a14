// A vendor's refusal of the request itself (a 4xx about what was asked) reaches the client with the vendor's reason;
// one about Conduit's own credentials or configuration (401, 403, 404) is a 502 that says nothing of them.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { startLocalUpstream, type LocalUpstream } from '../helpers/local-upstream.ts';

let refusal = { status: 400, body: '' };
let upstream: LocalUpstream;
let gw: TestGateway;
beforeAll(async () => {
  upstream = await startLocalUpstream((_, res) =>
    res.writeHead(refusal.status, { 'content-type': 'application/json' }).end(refusal.body),
  );
  gw = await startTestGateway({
    config: {
      regions: [{ id: 'us-east', country: 'US' }],
      vendors: [{ id: 'openai' }],
      providers: [
        {
          id: 'strict',
          vendor: 'openai',
          type: 'openai',
          region: 'us-east',
          base_url: upstream.url,
          models: [{ model: 'gpt-4o' }],
        },
      ],
      models: [{ name: 'gpt-4o', vendor: 'openai' }],
      routing: { retry: { max_attempts: 1 } },
    },
  });
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

async function refused(status: number, body: unknown) {
  refusal = { status, body: typeof body === 'string' ? body : JSON.stringify(body) };
  const { key } = await gw.newOrgKey();
  return (await gw
    .client(key)
    .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'A very long prompt' }] })
    .then(
      () => undefined,
      (e: unknown) => e,
    )) as InstanceType<typeof OpenAI.APIError>;
}

describe('a vendor refusing the request', () => {
  it('about what was asked: its status class, code, parameter and reason reach the client', async () => {
    const err = await refused(400, {
      error: {
        message: "This model's maximum context length is 128000 tokens.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    });
    expect([err.status, err.code, err.param]).toEqual([400, 'context_length_exceeded', 'messages']);
    expect(err.message).toMatch(/maximum context length is 128000 tokens/);
    const tooLarge = await refused(413, 'Request Entity Too Large');
    expect([tooLarge.status, tooLarge.code]).toEqual([413, 'upstream_rejected']);
  });

  it('with a reason of any length: the client gets it cut to 2,000 characters', async () => {
    const err = await refused(400, { error: { message: 'why '.repeat(50_000), code: 'x'.repeat(500) } });
    expect(err.status).toBe(400);
    expect((err.error as { message: string }).message).toHaveLength(2_000);
    expect(err.code).toHaveLength(100);
  });

  it("about Conduit's own key or deployment: a 502 that names neither", async () => {
    for (const status of [401, 403, 404]) {
      const err = await refused(status, {
        error: { message: 'Incorrect API key provided: sk-proj-abc***xyz', code: 'invalid_api_key' },
      });
      expect([err.status, err.code]).toEqual([502, 'upstream_error']);
      expect(err.message).not.toMatch(/sk-proj|API key/);
    }
  });
});
