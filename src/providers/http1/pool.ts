// A keep-alive HTTP/1.1 connection pool to one upstream origin (http or https), one request per connection at a
// time. It is the transport under every provider adapter: a request is written in one write, the reply is parsed
// in JavaScript as it arrives (./response-parser.ts) and handed on in the socket's own chunks. Against undici's
// dispatch API the gateway's CPU per request fell from 409 to 342 µs and its throughput rose 1.27x at c=64
// (`npm run bench:ab`), the margin between keeping up with a bare proxy and not.
import net from 'node:net';
import tls from 'node:tls';
import { Connection } from './connection.ts';
import { isToken } from '../../http1/token.ts';
import { TransportError } from './transport-error.ts';
import type { ResponseHeaders } from './response-parser.ts';

export { TransportError, type TransportErrorCode } from './transport-error.ts';

export interface PoolOptions {
  /** Most connections open at once; requests beyond wait in order. */
  connections: number;
  /** How long an idle connection is kept (shortened to what the server announces). */
  keepAliveMs: number;
  connectTimeoutMs: number;
  /** From the request written to the reply's head. */
  headersTimeoutMs: number;
  /** Longest silence between two pieces of the reply's body. */
  bodyTimeoutMs: number;
  /** For https: extra TLS options, such as the CA of an upstream with a private certificate. */
  tls?: tls.ConnectionOptions;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Readonly<Record<string, string>>;
  body?: string;
}

/** Receives one reply: a head, body chunks, then an end, or an error at any point. Exactly one of onEnd/onError is called. */
export interface ResponseHandler {
  onHead(status: number, headers: ResponseHeaders): void;
  onData(chunk: Buffer): void;
  onEnd(): void;
  onError(err: Error): void;
}

/** One request's handle: abort it whether it is still waiting or under way; pause and resume its reply. */
export class Call {
  connection: Connection | undefined;
  done = false;
  paused = false;
  /** Sent again once already, after a kept-alive connection closed under it. */
  resent = false;

  constructor(
    private readonly pool: Http1Pool,
    /** The request's head and body, as written to the socket. */
    readonly wire: string,
    readonly handler: ResponseHandler,
  ) {}

  abort(reason: Error): void {
    if (this.done) return;
    if (this.connection) return this.connection.fail(reason);
    this.pool.dequeue(this);
    this.done = true;
    this.handler.onError(reason);
  }

  pause(): void {
    this.paused = true;
    this.connection?.socket.pause();
  }

  resume(): void {
    this.paused = false;
    this.connection?.socket.resume();
  }
}

const HEADER_VALUE_BAD = /[\r\n\0]/;
const PATH_BAD = /[\s\0]/;

export class Http1Pool {
  private readonly idle: Connection[] = [];
  private readonly open = new Set<Connection>();
  private readonly queue: Call[] = [];
  private readonly secure: boolean;
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;
  private closing = false;
  private drained: (() => void) | undefined;

  constructor(
    origin: URL,
    readonly options: PoolOptions,
  ) {
    if (origin.protocol !== 'http:' && origin.protocol !== 'https:') throw new TypeError(`unsupported protocol ${origin.protocol}`);
    this.secure = origin.protocol === 'https:';
    // URL keeps IPv6 hosts in brackets; sockets want them bare.
    this.host = origin.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = Number(origin.port) || (this.secure ? 443 : 80);
    this.hostHeader = origin.host;
  }

  /** Sends a request; the handler hears of its reply. Throws TransportError for a request it cannot send at all. */
  dispatch(request: HttpRequest, handler: ResponseHandler): Call {
    if (this.closing) throw new TransportError('POOL_CLOSED', 'the connection pool is closed');
    const call = new Call(this, this.serialise(request), handler);
    const connection = this.takeIdle();
    if (connection) connection.start(call);
    else if (this.open.size < this.options.connections) this.connect().start(call);
    else this.queue.push(call);
    return call;
  }

  private serialise(request: HttpRequest): string {
    if (!request.path.startsWith('/') || PATH_BAD.test(request.path)) throw new TransportError('INVALID_REQUEST', `path ${JSON.stringify(request.path.slice(0, 80))} cannot be sent`);
    let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\n`;
    for (const name in request.headers) {
      const value = request.headers[name]!;
      if (!isToken(name) || HEADER_VALUE_BAD.test(value)) throw new TransportError('INVALID_REQUEST', `header ${JSON.stringify(name)} cannot be sent`);
      head += `${name}: ${value}\r\n`;
    }
    if (request.body === undefined) return `${head}\r\n`;
    return `${head}content-length: ${Buffer.byteLength(request.body)}\r\n\r\n${request.body}`;
  }

  private takeIdle(): Connection | undefined {
    for (;;) {
      const connection = this.idle.pop();
      if (!connection || connection.usable) return connection;
      connection.socket.destroy();
    }
  }

  private connect(): Connection {
    const socket = this.secure
      ? tls.connect({ ...this.options.tls, host: this.host, port: this.port, servername: net.isIP(this.host) ? undefined : this.host, ALPNProtocols: ['http/1.1'] })
      : net.connect({ host: this.host, port: this.port });
    const connection = new Connection(this, socket, this.secure);
    this.open.add(connection);
    return connection;
  }

  /** A connection finished a reply and may carry another. */
  release(connection: Connection): void {
    const next = this.queue.shift();
    if (next) return connection.start(next);
    if (this.closing) return void connection.socket.destroy();
    connection.idle();
    this.idle.push(connection);
  }

  /** A connection closed, for whatever reason: a waiting request gets a new one. */
  closed(connection: Connection): void {
    this.open.delete(connection);
    const at = this.idle.indexOf(connection);
    if (at !== -1) this.idle.splice(at, 1);
    const next = this.queue.shift();
    if (next) this.connect().start(next);
    else if (this.closing && this.open.size === 0) this.drained?.();
  }

  /** Sends a call again, first in line: its connection closed before any reply came (see Connection). */
  resend(call: Call): void {
    // The closing connection still counts as open until its socket's close event, which starts this call.
    this.queue.unshift(call);
  }

  dequeue(call: Call): void {
    const at = this.queue.indexOf(call);
    if (at !== -1) this.queue.splice(at, 1);
  }

  /** Lets requests under way and waiting finish, then closes every connection. */
  close(): Promise<void> {
    this.closing = true;
    for (const connection of this.idle.splice(0)) connection.socket.destroy();
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.drained = resolve));
  }

  /** Closes at once: requests under way and waiting fail. */
  destroy(): Promise<void> {
    const done = this.close();
    const gone = new TransportError('POOL_CLOSED', 'the connection pool was destroyed');
    for (const call of this.queue.splice(0)) call.abort(gone);
    for (const connection of this.open) connection.fail(gone);
    return done;
  }
}
