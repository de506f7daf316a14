// Recorded tokens against what the simulator actually sent, for every way a stream can end: never zero,
// exact when the vendor reports usage, estimated (and marked so) from what was delivered when it cannot.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorServer, type SimulatorServer } from '../../src/providers/simulator/server.ts';
import type { UsageEvent } from '../../src/store/ports.ts';
import { simulatorServerConfig, startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let sim: SimulatorServer;
let gw: TestGateway;
beforeAll(async () => {
  sim = await startSimulatorServer();
  gw = await startTestGateway({
    config: { ...simulatorServerConfig([{ id: 'sim', url: sim.url }]), routing: { retry: { max_attempts: 1 } } },
  });
});
afterEach(() => sim.setFaults({}));
afterAll(async () => {
  await gw.close();
  await sim.close();
});

const messages = [{ role: 'user' as const, content: 'Tell me something long about gateways and streams.' }];

async function scenario(
  run: (client: OpenAI) => Promise<string>,
): Promise<{ event: UsageEvent; sent: number; delivered: string }> {
  const { orgId, key } = await gw.newOrgKey();
  const before = sim.stats.completion_tokens_sent;
  const delivered = await run(gw.client(key));
  // The usage event lands after delivery (an aborted stream's only after the abort reaches the gateway, and once
  // the token-counting thread has built its tokenizer, seconds for the first); until then a stream has an interim
  // record.
  let [event] = await gw.store.usage.list(orgId, {});
  for (const deadline = Date.now() + 10_000; (!event || event.interim !== undefined) && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 20));
    [event] = await gw.store.usage.list(orgId, {});
  }
  return { event: event!, sent: sim.stats.completion_tokens_sent - before, delivered };
}

async function drain(
  stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>,
  stopAfter = Infinity,
): Promise<string> {
  let text = '';
  let n = 0;
  try {
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (++n >= stopAfter) break;
    }
  } catch {
    // the stream ended badly: what arrived is what counts
  }
  return text;
}

describe('stream accounting', () => {
  it('complete, usage asked for: exactly what the vendor reported and sent', async () => {
    const r = await scenario(async (c) =>
      drain(
        await c.chat.completions.create({
          model: 'gpt-4o',
          messages,
          stream: true,
          stream_options: { include_usage: true },
        }),
      ),
    );
    expect(r.event.estimated).toBe(false);
    expect(r.event.completion_tokens).toBe(r.sent);
  });

  it('complete, usage not asked for: still exact (Conduit asked the vendor itself)', async () => {
    const r = await scenario(async (c) =>
      drain(await c.chat.completions.create({ model: 'gpt-4o', messages, stream: true })),
    );
    expect(r.event.estimated).toBe(false);
    expect(r.event.completion_tokens).toBe(r.sent);
    expect(r.event.completion_tokens).toBeGreaterThan(0);
  });

  it('client disconnects mid-way: estimated from what was delivered, never zero', async () => {
    sim.setFaults({ token_delay_ms: 10 });
    const controller = new AbortController();
    const r = await scenario(async (c) => {
      const stream = await c.chat.completions.create(
        { model: 'gpt-4o', messages, stream: true },
        { signal: controller.signal },
      );
      let text = '';
      let n = 0;
      try {
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta.content ?? '';
          if (++n === 6) controller.abort();
        }
      } catch {
        // aborted
      }
      return text;
    });
    expect(r.event.estimated).toBe(true);
    expect(r.event.status).toBe(499);
    expect(r.event.completion_tokens).toBeGreaterThan(0);
    // Our tokenizer counts what reached the client; the simulator counts its own pieces: close, not equal.
    expect(Math.abs(r.event.completion_tokens - r.sent)).toBeLessThanOrEqual(Math.max(3, r.sent * 0.5));
  });

  it('upstream dies mid-stream: estimated from what was delivered, never zero', async () => {
    sim.setFaults({ truncate_rate: 1 });
    const r = await scenario(async (c) =>
      drain(await c.chat.completions.create({ model: 'gpt-4o', messages, stream: true })),
    );
    expect(r.event.estimated).toBe(true);
    expect(r.delivered.length).toBeGreaterThan(0);
    expect(r.event.completion_tokens).toBeGreaterThan(0);
    expect(Math.abs(r.event.completion_tokens - r.sent)).toBeLessThanOrEqual(Math.max(3, r.sent * 0.5));
  });

  it('upstream sends garbage in its first read: a clean 502, no garbage delivered, nothing billed', async () => {
    sim.setFaults({ malformed_rate: 1 });
    let status = 0;
    const r = await scenario(async (c) => {
      try {
        return await drain(await c.chat.completions.create({ model: 'gpt-4o', messages, stream: true }));
      } catch (err) {
        status = (err as InstanceType<typeof OpenAI.APIError>).status ?? 0;
        return '';
      }
    });
    expect(status).toBe(502);
    expect(r.event.status).toBe(502);
    expect(r.event.completion_tokens).toBe(0);
    expect(r.event.price_micros).toBe(0);
  });

  it('non-streamed replies bill exactly what the vendor reported', async () => {
    const r = await scenario(
      async (c) => (await c.chat.completions.create({ model: 'gpt-4o', messages })).choices[0]!.message.content!,
    );
    expect(r.event.estimated).toBe(false);
    expect(r.event.completion_tokens).toBe(r.sent);
  });
});
