// HTTP plumbing shared by adapters: a pooled keep-alive undici connection pool per deployment, deadlines,
// reading JSON bodies, and turning transport failures into UpstreamError.
import { Pool, errors as undiciErrors } from 'undici';
import type { ProviderConfig } from '../config/schema.ts';
import { UpstreamError, type JsonObject } from './types.ts';

export class HttpUpstream {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(private readonly config: ProviderConfig) {
    const { timeouts } = config;
    const url = new URL(config.base_url!);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: config.max_connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connectTimeout: timeouts.connect_ms,
      headersTimeout: timeouts.first_byte_ms,
      bodyTimeout: timeouts.idle_ms,
    });
  }

  /** POSTs to base_url + path; resolves with the body once a 2xx status arrived, else throws UpstreamError. */
  async post(path: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<AsyncIterable<Buffer>> {
    const id = this.config.id;
    const deadline = new Deadline(signal, this.config.timeouts.total_ms);
    let res;
    try {
      res = await this.pool.request({ method: 'POST', path: `${this.basePath}${path}`, headers, body, signal: deadline.signal });
    } catch (err) {
      deadline.clear();
      throw toUpstreamError(err, id, signal);
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
      throw new UpstreamError('status', `${id} answered ${res.statusCode}`, res.statusCode, retryAfterMs(res.headers['retry-after']), errorBody);
    }
    return guard(res.body, id, signal, deadline);
  }

  /** GET for active health checks. */
  async probe(path: string, headers: Record<string, string>, signal: AbortSignal): Promise<void> {
    const res = await this.pool.request({ method: 'GET', path: `${this.basePath}${path}`, headers, signal });
    await res.body.dump();
    if (res.statusCode >= 300) throw new UpstreamError('status', `${this.config.id}: health check answered ${res.statusCode}`, res.statusCode);
  }

  close(): Promise<void> {
    return this.pool.close();
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

export async function readJson(body: AsyncIterable<Buffer>, provider: string): Promise<{ value: JsonObject; text: string }> {
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

export function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(v);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

export function toUpstreamError(err: unknown, provider: string, clientSignal: AbortSignal, phase: 'request' | 'body' = 'request'): UpstreamError {
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
