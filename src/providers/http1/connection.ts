// One keep-alive connection of an Http1Pool: its socket's listeners are attached once and serve every request
// it carries. One timer per connection (the socket's own idle timeout) stands for each phase's deadline:
// connecting, waiting for the head, between body chunks, and idle in the pool.
import type { Socket } from 'node:net';
import type { Call, Http1Pool } from './pool.ts';
import { TransportError } from './transport-error.ts';
import { ResponseParseError, ResponseParser, type ResponseHeaders, type ResponseSink } from './response-parser.ts';

const enum Phase {
  Connecting,
  Head,
  Body,
  Idle,
}

/** An idle connection is dropped this long before the server said it would drop it, so no request races its close. */
const KEEP_ALIVE_MARGIN_MS = 1_000;

export class Connection implements ResponseSink {
  private call: Call | undefined;
  private readonly parser = new ResponseParser(this);
  private phase = Phase.Connecting;
  private connected = false;
  private reusable = false;
  private keepAliveMs: number;
  private socketError: (Error & { code?: string }) | undefined;
  /** Requests this connection has carried, the current one included. */
  private carried = 0;

  constructor(
    private readonly pool: Http1Pool,
    readonly socket: Socket,
    secure: boolean,
  ) {
    this.keepAliveMs = pool.options.keepAliveMs;
    socket.setNoDelay(true);
    socket.setTimeout(pool.options.connectTimeoutMs);
    socket.once(secure ? 'secureConnect' : 'connect', this.onConnect);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('timeout', this.onTimeout);
    socket.once('close', this.onClose);
  }

  /** Idle, open and not half-closed by the server. */
  get usable(): boolean {
    return !this.socket.destroyed && this.socket.readable && this.socket.writable;
  }

  start(call: Call): void {
    this.carried++;
    this.call = call;
    call.connection = this;
    this.parser.reset();
    if (this.connected) {
      this.phase = Phase.Head;
      this.socket.setTimeout(this.pool.options.headersTimeoutMs);
      this.socket.ref();
    }
    // The previous reply may have ended while its reader had the socket paused.
    if (call.paused) this.socket.pause();
    else if (this.socket.isPaused()) this.socket.resume();
    this.socket.write(call.wire);
  }

  idle(): void {
    this.phase = Phase.Idle;
    this.socket.setTimeout(this.keepAliveMs);
    if (this.socket.isPaused()) this.socket.resume();
    // An idle connection does not keep the process alive.
    this.socket.unref();
  }

  /** Ends the current request with `err` and closes the connection. */
  fail(err: Error): void {
    const call = this.call;
    this.call = undefined;
    this.socket.destroy();
    if (call && !call.done) {
      call.done = true;
      call.connection = undefined;
      call.handler.onError(err);
    }
  }

  onHead(status: number, headers: ResponseHeaders, reusable: boolean, keepAliveMs: number | undefined): void {
    this.reusable = reusable;
    if (keepAliveMs !== undefined) this.keepAliveMs = Math.min(this.pool.options.keepAliveMs, keepAliveMs - KEEP_ALIVE_MARGIN_MS);
    if (this.keepAliveMs <= 0) this.reusable = false;
    this.phase = Phase.Body;
    this.socket.setTimeout(this.pool.options.bodyTimeoutMs);
    this.call?.handler.onHead(status, headers);
  }

  onBody(chunk: Buffer): void {
    this.call?.handler.onData(chunk);
  }

  onComplete(trailing: boolean): void {
    const call = this.call;
    if (!call) return;
    this.call = undefined;
    call.done = true;
    call.connection = undefined;
    if (this.reusable && !trailing) this.pool.release(this);
    else this.socket.destroy();
    call.handler.onEnd();
  }

  private readonly onConnect = () => {
    this.connected = true;
    if (this.call) {
      this.phase = Phase.Head;
      this.socket.setTimeout(this.pool.options.headersTimeoutMs);
    }
  };

  private readonly onData = (chunk: Buffer) => {
    if (!this.call) return void this.socket.destroy(); // bytes nobody asked for: the connection is not trusted again
    try {
      this.parser.execute(chunk);
    } catch (err) {
      if (!(err instanceof ResponseParseError)) throw err;
      this.fail(new TransportError('PROTOCOL', `malformed reply: ${err.message}`));
    }
  };

  /**
   * A kept-alive connection the server closed just as a request went out on it (its idle timeout raced our
   * reuse, or it dropped idle connections without saying): no byte of a reply came, so the server did not take
   * the request up. It is sent once more on a new connection instead of failing as the upstream's fault.
   */
  private closedWhileIdle(): boolean {
    const call = this.call;
    if (!call || call.resent || this.carried < 2 || this.parser.started) return false;
    this.call = undefined;
    call.connection = undefined;
    call.resent = true;
    this.socket.destroy();
    this.pool.resend(call);
    return true;
  }

  private readonly onEnd = () => {
    if (!this.call || this.closedWhileIdle()) return;
    try {
      this.parser.finish();
    } catch (err) {
      if (!(err instanceof ResponseParseError)) throw err;
      this.fail(new TransportError('CLOSED', err.message, this.socketError?.code));
    }
  };

  private readonly onError = (err: Error & { code?: string }) => {
    this.socketError = err;
  };

  private readonly onTimeout = () => {
    if (this.phase === Phase.Idle) return void this.socket.destroy();
    if (this.phase === Phase.Connecting) return this.fail(new TransportError('CONNECT_TIMEOUT', 'timed out connecting'));
    if (this.phase === Phase.Head) return this.fail(new TransportError('HEADERS_TIMEOUT', 'timed out waiting for the reply'));
    this.fail(new TransportError('BODY_TIMEOUT', 'timed out waiting for the rest of the reply'));
  };

  private readonly onClose = () => {
    if (this.call && !this.closedWhileIdle()) {
      const code = this.socketError?.code;
      if (!this.connected) this.fail(new TransportError('CONNECT_FAILED', `cannot connect (${code ?? this.socketError?.message ?? 'closed'})`, code));
      else this.fail(new TransportError('CLOSED', this.parser.started ? 'connection lost mid-response' : 'connection closed before a response', code));
    }
    this.pool.closed(this);
  };
}
