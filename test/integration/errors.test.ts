// Every error class the SDK maps, produced by the real server, each with an OpenAI-shaped body.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorServer, type SimulatorServer } from '../../src/providers/simulator/server.ts';
import { simulatorServerConfig, startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
let sim: SimulatorServer;
let key: string;
let keyId: string;
let orgId: string;
const messages = [{ role: 'user' as const, content: 'hello' }];

beforeAll(async () => {
  sim = await startSimulatorServer();
  gw = await startTestGateway({
    config: { ...simulatorServerConfig([{ id: 'sim-a', url: sim.url }]), server: { body_limit_bytes: 64 * 1024 } },
  });
  ({ key, keyId, orgId } = await gw.newOrgKey());
});
afterEach(() => sim.setFaults({}));
afterAll(async () => {
  await gw.close();
  await sim.close();
});

async function errorOf(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof OpenAI.APIError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('client errors', () => {
  it('401 for a missing or unknown key', async () => {
    const err = await errorOf(
      gw.client('sk-cdt-not-a-real-key').chat.completions.create({ model: 'gpt-4o', messages }),
    );
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.code).toBe('invalid_api_key');
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe('missing_api_key');
  });

  it('404 model_not_found for an unknown model', async () => {
    const err = await errorOf(gw.client(key).chat.completions.create({ model: 'gpt-9', messages }));
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.code).toBe('model_not_found');
    expect(err.param).toBe('model');
  });

  it('400 naming the field for wrong types and missing fields', async () => {
    const client = gw.client(key);
    const missing = await errorOf(client.chat.completions.create({ model: 'gpt-4o' } as never));
    expect(missing).toBeInstanceOf(OpenAI.BadRequestError);
    expect(missing.param).toBe('messages');
    const wrong = await errorOf(
      client.chat.completions.create({ model: 'gpt-4o', messages, temperature: 'hot' } as never),
    );
    expect(wrong.param).toBe('temperature');
    const role = await errorOf(
      client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'robot', content: 'x' }] } as never),
    );
    expect(role.param).toBe('messages[0].role');
    const embed = await errorOf(client.embeddings.create({ model: 'text-embedding-3-small', input: [] }));
    expect(embed.param).toBe('input');
    const kind = await errorOf(client.embeddings.create({ model: 'gpt-4o', input: 'x' }));
    expect(kind.code).toBe('model_not_supported');
  });

  it('400 for malformed JSON, never a 500', async () => {
    for (const body of ['{"model":', 'null', '[1,2]', '"text"', '']) {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body,
      });
      expect(res.status, body).toBe(400);
      const json = (await res.json()) as any;
      expect(json.error.type).toBe('invalid_request_error');
      expect(JSON.stringify(json)).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('413 for a body over the limit', async () => {
    const big = 'x'.repeat(100 * 1024);
    const err = await errorOf(
      gw.client(key).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: big }] }),
    );
    expect(err.status).toBe(413);
    expect(err.code).toBe('request_too_large');
  });

  it('413 for a chunked body that grows over the limit, and the gateway keeps serving', async () => {
    // No Content-Length: the limit is enforced while the body streams in.
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(((await res.json()) as any).error.code).toBe('request_too_large');
    expect(
      (await gw.client(key).chat.completions.create({ model: 'gpt-4o', messages })).choices[0]!.message.content,
    ).toBeTruthy();
  });

  it('400 invalid_json for a body that is not JSON, with the request id', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions?api-version=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: '{"model": "gpt-4o", "messages": [',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    const err = ((await res.json()) as any).error;
    expect(err.code).toBe('invalid_json');
    expect(err.message).toMatch(/could not parse the JSON body/);
  });

  it('404 in OpenAI shape for unknown URLs', async () => {
    const res = await fetch(`${gw.url}/v1/nothing-here`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(((await res.json()) as any).error.message).toMatch(/Unknown request URL/);
  });

  it('every reply carries its request id: Fastify-written ones and a stream refused before it began', async () => {
    const health = await fetch(`${gw.url}/healthz`);
    expect(health.headers.get('x-request-id')).toMatch(/^req_/);
    const refused = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'no-such-model', messages, stream: true }),
    });
    expect(refused.status).toBe(404);
    expect(refused.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('403 for a suspended organisation, at once', async () => {
    const other = await gw.newOrgKey({ name: 'Soon Suspended' });
    await gw.client(other.key).chat.completions.create({ model: 'gpt-4o', messages });
    await gw.tenancy.updateOrg(other.orgId, { status: 'suspended' });
    const err = await errorOf(gw.client(other.key).chat.completions.create({ model: 'gpt-4o', messages }));
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(err.code).toBe('org_suspended');
  });
});

describe('upstream failures map to 502/503/504', () => {
  it('500 from the vendor → 502, 429 → 503 with Retry-After, hang → 504, garbage → 502', async () => {
    const client = gw.client(key);
    sim.setFaults({ error_rate: 1 });
    expect((await errorOf(client.chat.completions.create({ model: 'gpt-4o', messages }))).status).toBe(502);
    sim.setFaults({ rate_limit_rate: 1, retry_after_s: 7 });
    const limited = await errorOf(client.chat.completions.create({ model: 'gpt-4o', messages }));
    expect(limited.status).toBe(503);
    expect(limited.headers?.get('retry-after')).toBe('7');
    sim.setFaults({ hang_rate: 1 });
    expect((await errorOf(client.chat.completions.create({ model: 'gpt-4o', messages }))).status).toBe(504);
    sim.setFaults({ malformed_rate: 1 });
    const garbage = await errorOf(client.chat.completions.create({ model: 'gpt-4o', messages }));
    expect(garbage.status).toBe(502);
    expect(garbage.code).toBe('upstream_invalid_response');
    sim.setFaults({});
  });

  it('a stream cut mid-way ends with an error event, not a clean finish', async () => {
    sim.setFaults({ truncate_rate: 1 });
    const stream = await gw.client(key).chat.completions.create({ model: 'gpt-4o', messages, stream: true });
    const err = await (async () => {
      try {
        for await (const _ of stream) void _;
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    sim.setFaults({});
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err!.message).toMatch(/upstream/i);
  });

  it('a stream cut mid-way ends with its error and no [DONE], which means complete', async () => {
    sim.setFaults({ truncate_rate: 1 });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages, stream: true }),
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const frames = text.split('\n\n').filter(Boolean);
    expect(frames.some((f) => f.includes('"content"'))).toBe(true);
    expect(JSON.parse(frames.at(-1)!.replace(/^data: /, '')).error.code).toBe('upstream_invalid_response');
    expect(text).not.toContain('[DONE]');
  });
});

describe('keys', () => {
  it('a revoked key stops working at once', async () => {
    const k = await gw.newOrgKey({ name: 'Revoker' });
    await gw.client(k.key).chat.completions.create({ model: 'gpt-4o', messages });
    const revoked = await gw.admin('DELETE', `/orgs/${k.orgId}/keys/${k.keyId}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).toBeTruthy();
    const err = await errorOf(gw.client(k.key).chat.completions.create({ model: 'gpt-4o', messages }));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('a key sees only its own organisation', async () => {
    const list = await gw.admin('GET', `/orgs/${orgId}/keys`);
    expect(list.body.data.map((k: { id: string }) => k.id)).toContain(keyId);
    expect(list.body.data.every((k: Record<string, unknown>) => !('hash' in k) && !('key' in k))).toBe(true);
  });
});
