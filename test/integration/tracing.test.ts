// OpenTelemetry traces: with observability.tracing on, requests through the official SDK to a simulator server
// produce a span tree exported over OTLP/HTTP to a receiver this test runs on 127.0.0.1; the caller's traceparent
// is continued, and the upstream receives a traceparent of the upstream call's span.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorServer, type SimulatorServer } from '../../src/providers/simulator/server.ts';
import { simulatorServerConfig, startTestGateway, type TestGateway } from '../helpers/gateway.ts';

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
}
interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean | undefined>;
  status?: { code?: number };
}

/** An OTLP/HTTP receiver (JSON encoding): every span it was sent. */
async function startOtlpReceiver(): Promise<{ url: string; spans: ExportedSpan[]; server: Server }> {
  const spans: ExportedSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      const body = JSON.parse(text) as {
        resourceSpans: Array<{
          scopeSpans: Array<{
            spans: Array<Omit<ExportedSpan, 'attributes'> & { attributes?: Array<{ key: string; value: OtlpValue }> }>;
          }>;
        }>;
      };
      for (const rs of body.resourceSpans)
        for (const ss of rs.scopeSpans)
          for (const s of ss.spans)
            spans.push({
              ...s,
              attributes: Object.fromEntries(
                (s.attributes ?? []).map(({ key, value }) => [
                  key,
                  value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : value.boolValue),
                ]),
              ),
            });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, spans, server };
}

let sim: SimulatorServer;
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let gw: TestGateway;
let key: string;
/** The traceparent header of each request the simulator received. */
const upstreamTraceparents: Array<string | undefined> = [];

beforeAll(async () => {
  sim = await startSimulatorServer();
  sim.server.prependListener('request', (req) => {
    if (req.method === 'POST') upstreamTraceparents.push(req.headers.traceparent as string | undefined);
  });
  receiver = await startOtlpReceiver();
  gw = await startTestGateway({
    config: simulatorServerConfig([{ id: 'sim-a', url: sim.url }], {
      observability: { tracing: { enabled: true, otlp_endpoint: receiver.url, service_name: 'conduit-test' } },
    }),
  });
  ({ key } = await gw.newOrgKey());
});
afterAll(async () => {
  await gw.close();
  await sim.close();
  receiver.server.close();
});

/** The spans of one trace, once exported (flushed, then bounded polling). */
async function traceOf(traceId: string, atLeast: number): Promise<ExportedSpan[]> {
  for (let i = 0; i < 50; i++) {
    await gw.tracer!.flush();
    const found = receiver.spans.filter((s) => s.traceId === traceId);
    if (found.length >= atLeast) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  return receiver.spans.filter((s) => s.traceId === traceId);
}

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

describe('tracing', () => {
  it('continues the caller trace: a server span, phase spans, and the upstream call passed on in traceparent', async () => {
    const before = upstreamTraceparents.length;
    const client = gw.client(key, { headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` } });
    const reply = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    const spans = await traceOf(CALLER_TRACE, 8);
    const server = spans.find((s) => s.kind === 2)!;
    expect(server).toBeDefined();
    expect(server.name).toBe('POST /v1/chat/completions');
    expect(server.parentSpanId).toBe(CALLER_SPAN);
    expect(server.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o',
      'gen_ai.provider.name': 'openai',
      'gen_ai.usage.input_tokens': reply.usage!.prompt_tokens,
      'gen_ai.usage.output_tokens': reply.usage!.completion_tokens,
      'http.response.status_code': 200,
      'conduit.deployment': 'sim-a',
    });

    const childrenOf = (parent: ExportedSpan) => spans.filter((s) => s.parentSpanId === parent.spanId);
    const phases = childrenOf(server).map((s) => s.name);
    for (const phase of ['authenticate', 'route', 'admit', 'forward', 'label', 'meter'])
      expect(phases).toContain(`conduit.${phase}`);
    const forward = spans.find((s) => s.name === 'conduit.forward')!;
    const [upstream] = childrenOf(forward);
    expect(upstream).toMatchObject({ name: 'chat gpt-4o', kind: 3 });
    expect(upstream!.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'server.address': '127.0.0.1',
      'conduit.deployment': 'sim-a',
    });

    // The simulator was sent the upstream span's context: same trace, the upstream span as parent.
    expect(upstreamTraceparents.length).toBe(before + 1);
    expect(upstreamTraceparents.at(-1)).toBe(`00-${CALLER_TRACE}-${upstream!.spanId}-01`);
  });

  it('starts a trace of its own without a traceparent, and traces a stream to its end', async () => {
    const stream = await gw.client(key).chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Tell me a story' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let completionTokens = 0;
    for await (const chunk of stream) completionTokens = chunk.usage?.completion_tokens ?? completionTokens;
    const sent = upstreamTraceparents.at(-1)!;
    const [, traceId] = sent.split('-');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe(CALLER_TRACE);
    const spans = await traceOf(traceId!, 9);
    const server = spans.find((s) => s.kind === 2)!;
    expect(server.parentSpanId ?? '').toBe('');
    expect(server.attributes['gen_ai.usage.output_tokens']).toBe(completionTokens);
    const upstream = spans.find((s) => s.kind === 3)!;
    // The upstream span of a stream ends with the stream, and knows its usage.
    expect(upstream.attributes['gen_ai.usage.output_tokens']).toBe(completionTokens);
    expect(spans.map((s) => s.name)).toContain('conduit.meter_interim');
  });

  it('records a refused request as such: a 401 on the server span, the failed phase in error', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer sk-not-a-key',
        'content-type': 'application/json',
        traceparent: `00-${'1'.repeat(32)}-${CALLER_SPAN}-01`,
      },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(401);
    const spans = await traceOf('1'.repeat(32), 2);
    const server = spans.find((s) => s.kind === 2)!;
    expect(server.attributes).toMatchObject({ 'http.response.status_code': 401, 'error.type': 'invalid_api_key' });
    const auth = spans.find((s) => s.name === 'conduit.authenticate')!;
    expect(auth.attributes['error.type']).toBe('invalid_api_key');
    expect(auth.status?.code).toBe(2);
  });

  it('honours an unsampled caller: nothing exported, the flag passed on', async () => {
    const traceId = '2'.repeat(32);
    await gw.client(key, { headers: { traceparent: `00-${traceId}-${CALLER_SPAN}-00` } }).chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(upstreamTraceparents.at(-1)).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    await gw.tracer!.flush();
    expect(receiver.spans.filter((s) => s.traceId === traceId)).toEqual([]);
  });
});
