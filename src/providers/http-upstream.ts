// HTTP plumbing shared by adapters: a pooled keep-alive HTTP/1.1 connection pool per deployment (./http1),
// deadlines, reading JSON bodies, and turning transport failures into UpstreamError.
import type { ProviderConfig } from '../config/schema.ts';
import { Http1Pool, type HttpRequest } from './http1/pool.ts';
import { UpstreamError, type CancelSignal, type JsonObject } from './types.ts';
import { UpstreamExchange } from './upstream-exchange.ts';

export class HttpUpstream {
  private readonly pool: Http1Pool;
  private readonly basePath: string;

  constructor(private readonly config: ProviderConfig) {
    const { timeouts } = config;
    const url = new URL(config.base_url!);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Http1Pool(url, {
      connections: config.max_connections,
      keepAliveMs: 30_000,
      connectTimeoutMs: timeouts.connect_ms,
      headersTimeoutMs: timeouts.first_byte_ms,
      bodyTimeoutMs: timeouts.idle_ms,
    });
  }

  /** POSTs to base_url + path and reads the whole reply; resolves with its JSON once a 2xx reply is in, else throws UpstreamError. */
  async postJson(path: string, headers: Record<string, string>, body: string, signal: CancelSignal): Promise<{ value: JsonObject; text: string }> {
    return parseJsonReply((await this.exchange(path, headers, body, signal, false)) as string, this.config.id);
  }

  /** POSTs to base_url + path; resolves with the body's chunks as they arrive once a 2xx status is in, else throws UpstreamError. */
  async postStream(path: string, headers: Record<string, string>, body: string, signal: CancelSignal): Promise<AsyncIterable<Buffer>> {
    return (await this.exchange(path, headers, body, signal, true)) as AsyncIterable<Buffer>;
  }

  private exchange(path: string, headers: Record<string, string>, body: string, signal: CancelSignal, streaming: boolean): Promise<string | AsyncIterable<Buffer>> {
    return this.send({ method: 'POST', path: `${this.basePath}${path}`, headers, body }, signal, streaming).result;
  }

  private send(request: HttpRequest, signal: CancelSignal, streaming: boolean): UpstreamExchange {
    const exchange = new UpstreamExchange(this.config.id, signal, this.config.timeouts.total_ms, streaming);
    try {
      exchange.attach(this.pool.dispatch(request, exchange));
    } catch (err) {
      // A request the pool cannot send at all fails like any other: through the exchange.
      exchange.onError(err as Error);
    }
    return exchange;
  }

  /** GET for active health checks: a 2xx reply passes, whatever its body. */
  async probe(path: string, headers: Record<string, string>, signal: AbortSignal): Promise<void> {
    const exchange = this.send({ method: 'GET', path: `${this.basePath}${path}`, headers }, signal, false);
    await exchange.result;
    if (exchange.statusCode >= 300) throw new UpstreamError('status', `${this.config.id}: health check answered ${exchange.statusCode}`, exchange.statusCode);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** Closes at once, abandoning requests in flight. */
  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}

function parseJsonReply(text: string, provider: string): { value: JsonObject; text: string } {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return { value: value as JsonObject, text };
  } catch {
    // fall through
  }
  throw new UpstreamError('protocol', `${provider}: reply is not valid JSON`);
}
