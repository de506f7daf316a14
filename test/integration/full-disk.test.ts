// A disk that cannot take the usage event: the reply is withheld (JSON) or does not end complete (stream),
// so no response reaches a client complete without its bill on record, and only what was delivered is billed.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorServerConfig, startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';
import { startSimulatorServer, type SimulatorServer } from '../../src/providers/simulator/server.ts';

let sim: SimulatorServer;
let gw: TestGateway;
const dataDir = tempDir();
const messages = [{ role: 'user' as const, content: 'Is the disk full?' }];

beforeAll(async () => {
  sim = await startSimulatorServer();
  gw = await startTestGateway({ dataDir, config: simulatorServerConfig([{ id: 'sim', url: sim.url }]) });
});
afterAll(async () => {
  await gw.close();
  await sim.close();
});

/**
 * Runs `work` while this (forked) test process cannot grow a file past 100 bytes more than the usage outbox
 * holds: its next write gets part of a line on disk and then fails, as a write to a full disk does.
 */
async function withFullDisk<T>(orgId: string, work: () => Promise<T>): Promise<T> {
  // Reading usage first moves what the outbox holds into the database and waits for the commit: the outbox
  // file is not set aside during `work`, and the database writes nothing then.
  await gw.admin('GET', `/orgs/${orgId}/usage`);
  const limit = (soft: string) => execFileSync('prlimit', ['--pid', String(process.pid), `--fsize=${soft}:unlimited`]);
  limit(String(statSync(join(dataDir, 'usage-outbox.jsonl')).size + 100));
  try {
    return await work();
  } finally {
    limit('unlimited');
  }
}

describe('a full disk', () => {
  it('withholds replies whose usage event it cannot take, and bills only what was delivered', async () => {
    const { orgId, key } = await gw.newOrgKey();
    const client = gw.client(key);
    await client.chat.completions.create({ model: 'gpt-4o', messages });

    const refused = await withFullDisk(orgId, () =>
      client.chat.completions.create({ model: 'gpt-4o', messages }).catch((err: unknown) => err),
    );
    expect(refused).toBeInstanceOf(APIError);
    expect((refused as APIError).status).toBe(503);
    expect((refused as APIError).code).toBe('usage_not_recorded');

    // A stream is refused the same way, before anything is served: its opening record could not be made durable.
    const streamed: string[] = [];
    const refusedStream = await withFullDisk(orgId, async () => {
      try {
        const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
        for await (const chunk of stream) streamed.push(chunk.choices[0]?.delta?.content ?? '');
      } catch (err) {
        return err;
      }
      return undefined;
    });
    expect(refusedStream).toBeInstanceOf(APIError);
    expect((refusedStream as APIError).status).toBe(503);
    expect((refusedStream as APIError).code).toBe('usage_not_recorded');
    expect(streamed).toEqual([]);

    // Space again: the next requests are served and recorded whole, next to the torn line the failures left.
    await client.chat.completions.create({ model: 'gpt-4o', messages });
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
    for await (const _ of stream) void _;
    const usage = await gw.admin('GET', `/orgs/${orgId}/usage`);
    expect(usage.body.requests).toBe(3);
  });
});

describe('a disk that fills while a stream is under way', () => {
  it('ends the stream with the error (no [DONE]), and bills what was delivered once there is space again', async () => {
    const { orgId, key } = await gw.newOrgKey();
    sim.setFaults({ token_delay_ms: 5 });
    try {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o', messages, stream: true }),
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      let text = new TextDecoder().decode((await reader.read()).value);
      await withFullDisk(orgId, async () => {
        for (let i = 0; i < 1000; i++) {
          const { done, value } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
      });
      expect(text).toMatch(/"content"/);
      expect(text).toMatch(/recorded for billing/);
      expect(text).not.toContain('[DONE]');
    } finally {
      sim.setFaults({});
    }
    // The final event, refused then, is recorded once it can be (within a few of the interim records' ticks).
    let events = await gw.store.usage.list(orgId, {});
    for (let i = 0; i < 100 && events[0]?.interim !== undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      events = await gw.store.usage.list(orgId, {});
    }
    expect(events).toHaveLength(1);
    expect(events[0]!.interim).toBeUndefined();
    expect(events[0]!.estimated).toBe(false);
    expect(events[0]!.completion_tokens).toBeGreaterThan(0);
  });
});
