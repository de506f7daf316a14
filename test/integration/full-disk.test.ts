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

    const refused = await withFullDisk(orgId, () => client.chat.completions.create({ model: 'gpt-4o', messages }).catch((err: unknown) => err));
    expect(refused).toBeInstanceOf(APIError);
    expect((refused as APIError).status).toBe(503);
    expect((refused as APIError).code).toBe('usage_not_recorded');

    // A stream has sent its text as it came, but it ends with the error instead of ending complete.
    const streamed: string[] = [];
    const cut = await withFullDisk(orgId, async () => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
      try {
        for await (const chunk of stream) streamed.push(chunk.choices[0]?.delta?.content ?? '');
      } catch (err) {
        return err;
      }
      return undefined;
    });
    expect(streamed.join('')).not.toBe('');
    expect(cut).toBeInstanceOf(APIError);
    expect((cut as APIError).message).toMatch(/recorded for billing/);

    // Space again: the next requests are served and recorded whole, next to the torn line the failures left.
    await client.chat.completions.create({ model: 'gpt-4o', messages });
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
    for await (const _ of stream) void _;
    const usage = await gw.admin('GET', `/orgs/${orgId}/usage`);
    expect(usage.body.requests).toBe(3);
  });
});
