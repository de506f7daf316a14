// Streams end in many ways; every one leaves a usage event, and a client that leaves stops the upstream.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorServer, type SimulatorServer } from '../../src/providers/simulator/server.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { simulatorServerConfig, startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';

let sim: SimulatorServer;
let gw: TestGateway;
beforeAll(async () => {
  sim = await startSimulatorServer({ faults: { token_delay_ms: 15 } });
  gw = await startTestGateway({ config: simulatorServerConfig([{ id: 'sim-slow', url: sim.url }]) });
});
afterAll(async () => {
  await gw.close();
  await sim.close();
});

const until = async (check: () => Promise<boolean>, ms = 3000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
};

describe('client disconnect', () => {
  it('aborting mid-stream cancels the upstream and bills what was delivered, marked estimated', async () => {
    const { orgId, key } = await gw.newOrgKey();
    const controller = new AbortController();
    const stream = await gw.client(key).chat.completions.create(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'a long answer please' }], stream: true },
      { signal: controller.signal },
    );
    let received = 0;
    const sentBefore = sim.stats.completion_tokens_sent;
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) received++;
        if (received === 3) controller.abort();
      }
    } catch (err) {
      expect(err).toBeInstanceOf(OpenAI.APIUserAbortError);
    }
    expect(received).toBe(3);

    expect(await until(async () => (await gw.store.usage.list(orgId, {})).length === 1)).toBe(true);
    const [event] = await gw.store.usage.list(orgId, {});
    expect(event!.status).toBe(499);
    expect(event!.estimated).toBe(true);
    expect(event!.completion_tokens).toBeGreaterThanOrEqual(3);
    // The upstream stopped too: far fewer tokens went out than a full reply (12+ tokens) would send.
    await new Promise((r) => setTimeout(r, 150));
    const sent = sim.stats.completion_tokens_sent - sentBefore;
    expect(sent).toBeLessThan(event!.completion_tokens + 4);
  });
});

describe('durability', () => {
  it('a killed gateway has already stored the event of every response it completed', async () => {
    const dataDir = tempDir();
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn('node', ['bin/conduit.mjs', 'start', '--port', String(port), '--data', dataDir], {
      env: { ...process.env, CONDUIT_ADMIN_TOKEN: 'kill-test', CONDUIT_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let out = '';
      child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
      expect(await until(async () => /Demo organisation API key: (\S+)/.test(out), 15_000)).toBe(true);
      const key = /Demo organisation API key: (\S+)/.exec(out)![1]!;
      const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: key, maxRetries: 0 });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const { response } = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: `q${i}` }] }).withResponse();
        ids.push(response.headers.get('x-request-id')!);
      }
      const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'last' }], stream: true });
      for await (const _ of stream) void _;
      child.kill('SIGKILL');
      await once(child, 'exit');
      // Reopening the store (as the next start does) brings in whatever the outbox held.
      await (await openSqliteStore(dataDir)).close();
      const db = new Database(join(dataDir, 'conduit.sqlite'), { readonly: true });
      const rows = db.prepare('select request_id from usage_events').all() as Array<{ request_id: string }>;
      db.close();
      expect(rows).toHaveLength(6);
      expect(rows.map((r) => r.request_id)).toEqual(expect.arrayContaining(ids));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
