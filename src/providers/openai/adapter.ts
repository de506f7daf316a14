// Any OpenAI-compatible upstream (OpenAI, DeepSeek, vLLM, llama.cpp, Ollama, a simulator server) over a pooled,
// keep-alive undici connection pool. Azure reuses this with its own URL and auth (see ../azure).
import { Pool, errors as undiciErrors } from 'undici';
import type { ProviderConfig } from '../../config/schema.ts';
import { scanContentDelta } from '../../protocols/openai/chunk-scan.ts';
import { sseDataBatches } from '../../protocols/sse-reader.ts';
import { responsesUsageFrom, UpstreamError, usageFrom, type EventStream, type JsonObject, type JsonResult, type ProviderAdapter, type StreamEvent, type UpstreamRequest } from '../types.ts';

export type Operation = 'chat/completions' | 'embeddings' | 'responses';

/** How a stream of one API reports usage and ends. */
interface StreamProtocol {
  usageOf(chunk: JsonObject): StreamEvent['usage'];
  /** True for the event after which the stream is complete (chat: the [DONE] sentinel instead). */
  isFinal(chunk: JsonObject): boolean;
  sentinel: boolean;
}

const chatProtocol: StreamProtocol = { usageOf: (c) => (c.usage ? usageFrom(c.usage) : null), isFinal: () => false, sentinel: true };
const responsesProtocol: StreamProtocol = {
  usageOf: (c) => (c.type === 'response.completed' || c.type === 'response.incomplete' ? responsesUsageFrom((c.response as JsonObject | undefined)?.usage) : null),
  isFinal: (c) => c.type === 'response.completed' || c.type === 'response.incomplete' || c.type === 'response.failed',
  sentinel: false,
};

export interface UpstreamTarget {
  path: string;
  headers: Record<string, string>;
}

/** How a vendor addresses an operation and authenticates; the only part that differs between compatible vendors. */
export interface OpenAIDialect {
  target(operation: Operation, req: UpstreamRequest): UpstreamTarget;
}

export function bearerDialect(config: ProviderConfig, env: NodeJS.ProcessEnv = process.env): OpenAIDialect {
  const basePath = new URL(config.base_url!).pathname.replace(/\/+$/, '');
  const key = config.api_key_env ? env[config.api_key_env] : undefined;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  return { target: (operation) => ({ path: `${basePath}/${operation}`, headers }) };
}

export class OpenAICompatibleAdapter implements ProviderAdapter {
  private readonly pool: Pool;

  constructor(
    readonly config: ProviderConfig,
    private readonly dialect: OpenAIDialect = bearerDialect(config),
  ) {
    const { timeouts } = config;
    this.pool = new Pool(new URL(config.base_url!).origin, {
      connections: config.max_connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connectTimeout: timeouts.connect_ms,
      headersTimeout: timeouts.first_byte_ms,
      bodyTimeout: timeouts.idle_ms,
    });
  }

  async chat(req: UpstreamRequest): Promise<JsonResult> {
    const { value, text } = await readJson(await this.send('chat/completions', req, req.body), this.config.id);
    if (!Array.isArray(value.choices)) throw new UpstreamError('protocol', `${this.config.id}: reply has no choices`);
    return { body: value, text, usage: usageFrom(value.usage) };
  }

  async chatStream(req: UpstreamRequest): Promise<EventStream> {
    // Always ask for usage, so no stream is ever recorded as zero tokens; the caller drops the usage chunk
    // again when its client did not ask for it.
    const streamOptions = { ...((req.body.stream_options as JsonObject | undefined) ?? {}), include_usage: true };
    const body = await this.send('chat/completions', req, { ...req.body, stream: true, stream_options: streamOptions });
    return events(body, this.config.id, chatProtocol);
  }

  async responses(req: UpstreamRequest): Promise<JsonResult> {
    const { value, text } = await readJson(await this.send('responses', req, req.body), this.config.id);
    if (!Array.isArray(value.output)) throw new UpstreamError('protocol', `${this.config.id}: reply has no output`);
    return { body: value, text, usage: responsesUsageFrom(value.usage) };
  }

  async responsesStream(req: UpstreamRequest): Promise<EventStream> {
    return events(await this.send('responses', req, { ...req.body, stream: true }), this.config.id, responsesProtocol);
  }

  async embeddings(req: UpstreamRequest): Promise<JsonResult> {
    const { value, text } = await readJson(await this.send('embeddings', req, req.body), this.config.id);
    if (!Array.isArray(value.data)) throw new UpstreamError('protocol', `${this.config.id}: reply has no data`);
    return { body: value, text, usage: usageFrom({ completion_tokens: 0, ...(value.usage as JsonObject) }) };
  }

  async probe(path: string, signal: AbortSignal): Promise<void> {
    const basePath = new URL(this.config.base_url!).pathname.replace(/\/+$/, '');
    const { headers } = this.dialect.target('chat/completions', { body: {}, model: '', signal });
    const res = await this.pool.request({ method: 'GET', path: `${basePath}${path}`, headers, signal });
    await res.body.dump();
    if (res.statusCode >= 300) throw new UpstreamError('status', `${this.config.id}: health check answered ${res.statusCode}`, res.statusCode);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async send(operation: Operation, req: UpstreamRequest, payload: JsonObject): Promise<AsyncIterable<Buffer>> {
    const { path, headers } = this.dialect.target(operation, req);
    const deadline = new Deadline(req.signal, this.config.timeouts.total_ms);
    let res;
    try {
      res = await this.pool.request({ method: 'POST', path, headers, body: payload === req.body && req.bodyText ? req.bodyText : JSON.stringify(payload), signal: deadline.signal });
    } catch (err) {
      deadline.clear();
      throw toUpstreamError(err, this.config.id, req.signal);
    }
    if (res.statusCode >= 400) {
      const text = await res.body.text().catch(() => '');
      let errorBody: JsonObject | undefined;
      try {
        errorBody = JSON.parse(text) as JsonObject;
      } catch {
        errorBody = undefined;
      }
      deadline.clear();
      throw new UpstreamError('status', `${this.config.id} answered ${res.statusCode}`, res.statusCode, retryAfterMs(res.headers['retry-after']), errorBody);
    }
    return guard(res.body, this.config.id, req.signal, deadline);
  }
}

/**
 * The client's abort plus the deployment's total time limit, as one signal. (AbortSignal.any and
 * AbortSignal.timeout cost more per request than this on Node 20.)
 */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = () => this.controller.abort();

  constructor(
    private readonly client: AbortSignal,
    ms: number,
  ) {
    this.timer = setTimeout(() => this.controller.abort(new DOMException('total timeout', 'TimeoutError')), ms);
    client.addEventListener('abort', this.onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  clear(): void {
    clearTimeout(this.timer);
    this.client.removeEventListener('abort', this.onAbort);
  }
}

/** Re-throws body errors (idle timeout, reset, abort) as UpstreamError; ends the deadline with the body. */
async function* guard(body: AsyncIterable<Buffer>, provider: string, clientSignal: AbortSignal, deadline: Deadline): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of body) yield chunk;
  } catch (err) {
    throw toUpstreamError(err, provider, clientSignal, 'body');
  } finally {
    deadline.clear();
  }
}

async function readJson(body: AsyncIterable<Buffer>, provider: string): Promise<{ value: JsonObject; text: string }> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(chunk);
  const text = parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts).toString('utf8');
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return { value: value as JsonObject, text };
  } catch {
    // fall through
  }
  throw new UpstreamError('protocol', `${provider}: reply is not valid JSON`);
}

async function* events(body: AsyncIterable<Buffer>, provider: string, protocol: StreamProtocol): AsyncGenerator<StreamEvent[]> {
  let done = false;
  // Read to the end even after the final event: abandoning an undici body early destroys its connection.
  for await (const datas of sseDataBatches(body)) {
    if (done) continue;
    const batch: StreamEvent[] = [];
    for (const data of datas) {
      if (protocol.sentinel && data === '[DONE]') {
        done = true;
        break;
      }
      const text = protocol.sentinel ? scanContentDelta(data) : null;
      if (text !== null) {
        batch.push({ data, text, usage: null });
        continue;
      }
      let chunk: JsonObject;
      try {
        chunk = JSON.parse(data) as JsonObject;
      } catch {
        throw new UpstreamError('protocol', `${provider}: stream carried an event that is not valid JSON`);
      }
      if (chunk.error || chunk.type === 'error') throw new UpstreamError('status', `${provider}: stream failed: ${JSON.stringify(chunk.error ?? chunk).slice(0, 200)}`, 502);
      batch.push({ event: protocol.sentinel ? undefined : (chunk.type as string | undefined), data, chunk, usage: protocol.usageOf(chunk) });
      if (protocol.isFinal(chunk)) {
        done = true;
        break;
      }
    }
    if (batch.length > 0) yield batch;
  }
  if (!done) throw new UpstreamError('protocol', `${provider}: stream ended before it was complete`);
}

export function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(v);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function toUpstreamError(err: unknown, provider: string, clientSignal: AbortSignal, phase: 'request' | 'body' = 'request'): UpstreamError {
  if (err instanceof UpstreamError) return err;
  if (clientSignal.aborted) return new UpstreamError('aborted', `${provider}: client went away`);
  const e = err as { code?: string; name?: string; message?: string };
  if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError || e.name === 'TimeoutError' || e.name === 'AbortError') {
    return new UpstreamError('timeout', `${provider}: timed out (${e.code ?? e.name})`);
  }
  if (e instanceof undiciErrors.ConnectTimeoutError || e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH') {
    return new UpstreamError('connect', `${provider}: cannot connect (${e.code ?? e.name})`);
  }
  if (phase === 'body') return new UpstreamError('protocol', `${provider}: connection lost mid-response (${e.code ?? e.message ?? 'unknown'})`);
  return new UpstreamError('connect', `${provider}: connection failed (${e.code ?? e.message ?? 'unknown'})`);
}
