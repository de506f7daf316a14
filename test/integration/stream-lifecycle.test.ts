// Streams end in many ways; every one leaves a usage event, and a client that leaves stops the upstream.
import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorServer, type SimulatorServer } from '../../src/providers/simulator/server.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { simulatorServerConfig, startTestGateway, tempDir, writeConfig, type TestGateway } from '../helpers/gateway.ts';
import { spawnGateway } from '../helpers/spawned-gateway.ts';

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

const until = async (check: () => Promise<boolean>, ms = 15_000) => {
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
    const stream = await gw
      .client(key)
      .chat.completions.create(
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

    // Its final event, which replaces the interim record it had from its first byte.
    expect(
      await until(
        async () => (await gw.store.usage.list(orgId, {})).filter((e) => e.interim === undefined).length === 1,
      ),
    ).toBe(true);
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
    const gateway = await spawnGateway({ dataDir, env: { CONDUIT_LOG_LEVEL: 'silent' } });
    const child = gateway.process;
    try {
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: gateway.demoKey!, maxRetries: 0 });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const { response } = await client.chat.completions
          .create({ model: 'gpt-4o', messages: [{ role: 'user', content: `q${i}` }] })
          .withResponse();
        ids.push(response.headers.get('x-request-id')!);
      }
      const stream = await client.chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'last' }],
        stream: true,
      });
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
  }, 45_000);
});

describe('streams under way when the gateway dies', () => {
  it('are billed after a restart for about what they delivered, marked estimated, and a replay bills them once', async () => {
    const slow = await startSimulatorServer({ faults: { token_delay_ms: 20 } });
    const dataDir = tempDir();
    const base = simulatorServerConfig([{ id: 'sim', url: slow.url }]);
    base.providers[0]!.timeouts.total_ms = 60_000;
    const config = {
      ...base,
      pricing: {
        currency: 'USD',
        versions: [
          {
            effective_from: '2026-01-01',
            vendor_costs: [{ deployment: 'sim', input: '2.50', output: '10.00' }],
            list_prices: [{ model: 'gpt-4o', input: '3.00', output: '12.00' }],
          },
        ],
      },
    };
    const gateway = await spawnGateway({
      dataDir,
      configFile: writeConfig(config),
      env: { CONDUIT_LOG_LEVEL: 'silent' },
    });
    const child = gateway.process;
    const readers: Array<Promise<void>> = [];
    try {
      const admin = async (path: string, body: unknown) =>
        (
          await fetch(`${gateway.url}/admin/v1${path}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${gateway.adminToken}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          })
        ).json() as Promise<{ id: string; key: string }>;
      const org = await admin('/orgs', { name: 'Cut Ltd', country: 'DE', tier: 'verified' });
      const { key } = await admin(`/orgs/${org.id}/keys`, { name: 'k' });
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });
      const chunks = Array.from({ length: 8 }, () => 0);
      for (let i = 0; i < 8; i++) {
        // 400 tokens, 20 ms apart: each stream is still under way when the gateway dies.
        const body = {
          model: 'gpt-4o',
          messages: [{ role: 'user' as const, content: `tell me a long story ${i}` }],
          stream: true as const,
          max_tokens: 400,
          simulator_exact_length: true,
        };
        const stream = await client.chat.completions.create(body);
        readers.push(
          (async () => {
            try {
              for await (const chunk of stream) if (chunk.choices[0]?.delta.content) chunks[i]!++;
            } catch {
              // the gateway dies under it
            }
          })(),
        );
      }
      // Each stream has delivered a dozen chunks or more, and an interim record (about once a second) followed.
      const interimRows = () => {
        const db = new Database(join(dataDir, 'conduit.sqlite'), { readonly: true });
        try {
          return (
            db
              .prepare('select count(*) as n from usage_events where interim >= 1 and completion_tokens >= 12')
              .get() as { n: number }
          ).n;
        } finally {
          db.close();
        }
      };
      expect(await until(async () => chunks.every((n) => n >= 12) && interimRows() === 8, 15_000)).toBe(true);
      // Records are about a second apart.
      await new Promise((r) => setTimeout(r, 1500));
      child.kill('SIGKILL');
      await once(child, 'exit');
      const delivered = [...chunks];
      await Promise.all(readers);
      // The next start replays the outbox; a second replay (or start) changes nothing.
      await (await openSqliteStore(dataDir)).close();
      const read = () => {
        const db = new Database(join(dataDir, 'conduit.sqlite'), { readonly: true });
        const rows = db.prepare('select * from usage_events order by completion_tokens').all() as Array<
          Record<string, number | string | null>
        >;
        db.close();
        return rows;
      };
      const rows = read();
      expect(rows).toHaveLength(8);
      for (const row of rows) {
        expect(row.estimated).toBe(1);
        expect(row.interim).toBeGreaterThanOrEqual(1);
        // What was delivered by the last interim record (at most a second before the kill).
        expect(row.completion_tokens).toBeGreaterThanOrEqual(12);
        expect(row.prompt_tokens).toBeGreaterThan(0);
        expect(Number(row.price_micros)).toBeGreaterThan(0);
      }
      // About what was delivered: one token for each chunk that carried text (the simulator's chunk is one token), never
      // more than was sent, and the last record is up to a second or so older than the kill (50 tokens a second a stream).
      const billed = rows.reduce((sum, r) => sum + Number(r.completion_tokens), 0);
      expect(billed).toBeLessThanOrEqual(slow.stats.completion_tokens_sent);
      expect(billed).toBeGreaterThanOrEqual(delivered.reduce((sum, n) => sum + n, 0) - 8 * 75);
      await (await openSqliteStore(dataDir)).close();
      expect(read()).toEqual(rows);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await slow.close();
    }
  }, 60_000);
});
