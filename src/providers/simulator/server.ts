// The SIMULATOR as its own HTTP server: an OpenAI-compatible upstream for tests and benchmarks.
// Control endpoints under /_simulator let a test change faults and read what was actually sent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonObject } from '../../wire/json.ts';
import { FaultDice, simulatorFaultsSchema, type SimulatorFaultsInput } from './faults.ts';
import { sleep } from '../../util/sleep.ts';
import { chatChunks, chatCompletion } from './replies.ts';
import { planChat } from './plan.ts';
import { embeddingsResponse } from './embeddings.ts';
import { planResponse, responseEvents, responseObject } from './responses-api.ts';
import { messagesToChat, messagesRequestSchema } from '../../protocols/anthropic/surface-request.ts';
import { chatToMessage } from '../../protocols/anthropic/surface-reply.ts';
import { ChunksToMessageEvents } from '../../protocols/anthropic/surface-stream.ts';
import { usageFrom } from '../../wire/usage.ts';

export interface SimulatorStats {
  requests: number;
  /** Completion tokens whose chunks were written to the socket (streams) or that a full reply carried. */
  completion_tokens_sent: number;
  faults: Record<string, number>;
}

export interface SimulatorServer {
  url: string;
  port: number;
  server: Server;
  stats: SimulatorStats;
  setFaults(faults: SimulatorFaultsInput): void;
  close(): Promise<void>;
}

export async function startSimulatorServer(
  opts: { port?: number; host?: string; faults?: SimulatorFaultsInput } = {},
): Promise<SimulatorServer> {
  const dice = new FaultDice(simulatorFaultsSchema.parse(opts.faults ?? {}));
  const stats: SimulatorStats = { requests: 0, completion_tokens_sent: 0, faults: {} };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 65_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    if (req.method === 'GET' && url === '/v1/models') return json(res, 200, { object: 'list', data: [] });
    if (req.method === 'GET' && url === '/_simulator/stats') return json(res, 200, stats);
    const raw = await readBody(req);
    if (req.method === 'POST' && url === '/_simulator/faults') {
      const parsed = simulatorFaultsSchema.safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return json(res, 400, { error: { message: parsed.error.message } });
      dice.set(parsed.data);
      return json(res, 200, parsed.data);
    }
    let body: JsonObject;
    try {
      body = JSON.parse(raw) as JsonObject;
    } catch {
      return json(res, 400, {
        error: { message: 'invalid JSON', type: 'invalid_request_error', param: null, code: null },
      });
    }
    stats.requests++;
    const fault = dice.roll();
    stats.faults[fault] = (stats.faults[fault] ?? 0) + 1;
    const aborted = new AbortController();
    res.on('close', () => aborted.abort());
    await sleep(dice.faults.first_byte_ms, aborted.signal);
    if (fault === 'hang') return; // the caller's timeout or abort ends this
    if (fault === 'error')
      return json(res, 500, {
        error: { message: 'simulated upstream failure', type: 'server_error', param: null, code: null },
      });
    if (fault === 'rate_limit') {
      res.setHeader('retry-after', String(dice.faults.retry_after_s));
      return json(res, 429, {
        error: { message: 'simulated rate limit', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' },
      });
    }
    if (url.startsWith('/v1/embeddings') || url.includes('/embeddings'))
      return json(res, 200, embeddingsResponse(body));
    if (url.endsWith('/responses')) return respond(res, body, fault, aborted.signal);
    if (url.endsWith('/messages')) return anthropicMessages(res, body, fault, aborted.signal);
    if (!url.includes('/chat/completions'))
      return json(res, 404, {
        error: { message: `no route ${url}`, type: 'invalid_request_error', param: null, code: null },
      });

    const plan = planChat(body);
    if (body.stream !== true) {
      const text = JSON.stringify(chatCompletion(plan));
      if (fault === 'malformed') return send(res, 200, text.slice(0, text.length >> 1) + '<html>');
      if (fault === 'truncate') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(text.length) });
        res.write(text.slice(0, text.length >> 1), () => setTimeout(() => res.destroy(), 5));
        return;
      }
      stats.completion_tokens_sent += Number(plan.usage.completion_tokens);
      return send(res, 200, text);
    }

    const withUsage = (body.stream_options as JsonObject | undefined)?.include_usage === true;
    const chunks = [...chatChunks(plan, withUsage)];
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const cutAt = fault === 'truncate' ? chunks.length >> 1 : -1;
    for (let i = 0; i < chunks.length; i++) {
      if (aborted.signal.aborted) return;
      if (i === cutAt) {
        // Let what was written reach the wire before the connection drops, as a real mid-stream failure would.
        await new Promise<void>((resolve) => res.write('', () => resolve()));
        return void setTimeout(() => res.destroy(), 5);
      }
      if (fault === 'malformed' && i === 2) {
        res.write('data: {"id": "broken", "choices": [\n\n');
        continue;
      }
      const chunk = chunks[i]!;
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      stats.completion_tokens_sent += tokensIn(chunk);
      if (dice.faults.token_delay_ms > 0) await sleep(dice.faults.token_delay_ms, aborted.signal);
    }
    res.end('data: [DONE]\n\n');
  }

  /** POST /v1/messages: the simulator speaking Anthropic's Messages API (the same engine, translated). */
  async function anthropicMessages(
    res: ServerResponse,
    body: JsonObject,
    fault: string,
    signal: AbortSignal,
  ): Promise<void> {
    const parsed = messagesRequestSchema.safeParse(body);
    if (!parsed.success)
      return json(res, 400, {
        type: 'error',
        error: { type: 'invalid_request_error', message: parsed.error.issues[0]!.message },
      });
    const chat = messagesToChat(parsed.data);
    const plan = planChat(chat);
    if (body.stream !== true) {
      const text = JSON.stringify(chatToMessage(chatCompletion(plan), String(body.model)));
      if (fault === 'malformed') return send(res, 200, text.slice(0, text.length >> 1));
      stats.completion_tokens_sent += Number(plan.usage.completion_tokens);
      return send(res, 200, text);
    }
    const translator = new ChunksToMessageEvents(String(body.model), plan.id.replace('chatcmpl-', 'msg_'));
    const events = [...chatChunks(plan, true)].flatMap((chunk) =>
      translator.translate([{ data: '', chunk, usage: chunk.usage ? usageFrom(chunk.usage) : null }]),
    );
    events.push(...translator.end());
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (let i = 0; i < events.length; i++) {
      if (signal.aborted) return;
      if (fault === 'truncate' && i === events.length >> 1) return void setTimeout(() => res.destroy(), 5);
      res.write(`event: ${events[i]!.event}\ndata: ${events[i]!.data}\n\n`);
      if (dice.faults.token_delay_ms > 0) await sleep(dice.faults.token_delay_ms, signal);
    }
    res.end();
  }

  /** POST /v1/responses (OpenAI Responses API). */
  async function respond(res: ServerResponse, body: JsonObject, fault: string, signal: AbortSignal): Promise<void> {
    const plan = planResponse(body);
    if (body.stream !== true) {
      const text = JSON.stringify(responseObject(plan, body));
      if (fault === 'malformed') return send(res, 200, text.slice(0, text.length >> 1));
      stats.completion_tokens_sent += Number((plan.usage as JsonObject).completion_tokens);
      return send(res, 200, text);
    }
    const events = [...responseEvents(plan, body)];
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (let i = 0; i < events.length; i++) {
      if (signal.aborted) return;
      if (fault === 'truncate' && i === events.length >> 1) return void setTimeout(() => res.destroy(), 5);
      const event = events[i]!;
      res.write(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
      if (event.type === 'response.output_text.delta') stats.completion_tokens_sent++;
      if (dice.faults.token_delay_ms > 0) await sleep(dice.faults.token_delay_ms, signal);
    }
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    stats,
    setFaults: (faults) => dice.set(simulatorFaultsSchema.parse(faults)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One content or visible reasoning piece is one simulator token (hidden reasoning is not streamed). */
function tokensIn(chunk: JsonObject): number {
  const choice = (chunk.choices as JsonObject[])[0];
  const delta = choice?.delta as JsonObject | undefined;
  if (!delta) return 0;
  if (typeof delta.content === 'string' && delta.content.length > 0) return 1;
  if (typeof delta.reasoning_content === 'string' && delta.reasoning_content.length > 0) return 1;
  return 0;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON.stringify(body));
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}
