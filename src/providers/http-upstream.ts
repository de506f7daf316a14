// HTTP plumbing shared by adapters: a keep-alive undici Pool per deployment (llhttp reads the framing), deadlines,
// reading JSON bodies, and turning transport failures into UpstreamError. Nothing here sends a request twice:
// undici's Pool does not retry, and a POST that failed after it went out fails.
import { Pool } from './undici.ts';
import type { DeploymentConfig } from './deployment.ts';
import { UpstreamError } from './types.ts';
import type { CancelSignal } from '../wire/cancel.ts';
import type { JsonObject } from '../wire/json.ts';
import { UpstreamExchange } from './upstream-exchange.ts';

export interface UpstreamTlsOptions {
  /** PEM of the CA that signed an https upstream's private certificate (the system's CAs otherwise). */
  ca?: string | Buffer;
}

interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export class HttpUpstream {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(
    private readonly config: DeploymentConfig,
    tls: UpstreamTlsOptions = {},
  ) {
    const { timeouts } = config;
    const url = new URL(config.base_url!);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: config.max_connections,
      // One request per connection at a time: a reply is read to its end before the connection carries another.
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connectTimeout: timeouts.connect_ms,
      // A backstop: the exchange holds the first-byte deadline itself, absolute from dispatch.
      headersTimeout: timeouts.first_byte_ms,
      bodyTimeout: timeouts.idle_ms,
      connect: tls.ca === undefined ? undefined : { ca: tls.ca },
    });
  }

  /** POSTs to base_url + path and reads the whole reply; resolves with its JSON once a 2xx reply is in, else throws UpstreamError. */
  async postJson(
    path: string,
    headers: Record<string, string>,
    body: string,
    signal: CancelSignal,
  ): Promise<{ value: JsonObject; text: string }> {
    return parseJsonReply((await this.exchange(path, headers, body, signal, false)) as string, this.config.id);
  }

  /** POSTs to base_url + path; resolves with the body's chunks as they arrive once a 2xx status is in, else throws UpstreamError. */
  async postStream(
    path: string,
    headers: Record<string, string>,
    body: string,
    signal: CancelSignal,
  ): Promise<AsyncIterable<Buffer>> {
    return (await this.exchange(path, headers, body, signal, true)) as AsyncIterable<Buffer>;
  }

  private exchange(
    path: string,
    headers: Record<string, string>,
    body: string,
    signal: CancelSignal,
    streaming: boolean,
  ): Promise<string | AsyncIterable<Buffer>> {
    return this.send({ method: 'POST', path: `${this.basePath}${path}`, headers, body }, signal, streaming).result;
  }

  private send(request: HttpRequest, signal: CancelSignal, streaming: boolean): UpstreamExchange {
    const exchange = new UpstreamExchange(this.config.id, signal, this.config.timeouts, streaming);
    // A request the pool refuses (closed, a header that cannot be sent) comes back through onResponseError.
    this.pool.dispatch(request, exchange);
    return exchange;
  }

  /** GET for active health checks: a 2xx reply passes, whatever its body. */
  async probe(path: string, headers: Record<string, string>, signal: AbortSignal): Promise<void> {
    const exchange = this.send({ method: 'GET', path: `${this.basePath}${path}`, headers }, signal, false);
    await exchange.result;
    if (exchange.statusCode >= 300)
      throw new UpstreamError(
        'status',
        `${this.config.id}: health check answered ${exchange.statusCode}`,
        exchange.statusCode,
      );
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** Closes at once, abandoning requests in flight. */
  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}

/** A request's headers with its trace context added, when it has one. */
export function withTraceHeaders(
  headers: Record<string, string>,
  trace: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  return trace ? { ...headers, ...trace } : headers;
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
