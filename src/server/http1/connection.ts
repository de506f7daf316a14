// One client connection of the data-plane server: requests read one at a time (bytes of a pipelined next request
// wait until the current reply is complete), each handed whole to the handler with a reply to write. A request
// the handler does not take (not a data-plane call) hands the connection to node:http, that request first.
import type { Socket } from 'node:net';
import { ServerReply } from './reply.ts';
import { RequestParseError, RequestParser, type RequestHead, type RequestSink } from './request-parser.ts';

export interface ServerRequest extends RequestHead {
  body: Buffer;
  remoteAddress: string;
}

export interface Http1Handler {
  /** Whether the request is this server's to serve; else the connection goes to node:http with it. */
  accepts(head: RequestHead): boolean;
  /** Bodies larger are refused with 413 (before they are read, when their length is declared). */
  bodyLimit: number;
  handle(request: ServerRequest, reply: ServerReply): void;
  /** A request that cannot be served as sent: the reply says why (err.status); the connection closes after it. */
  reject(head: RequestHead | undefined, err: RequestParseError, reply: ServerReply): void;
}

export interface ConnectionOptions {
  /** An idle connection is closed after this long. */
  keepAliveMs: number;
  /** A request must be read whole within this long of its first byte. */
  requestTimeoutMs: number;
  /** Gives the connection to node:http, its unread bytes put back first. */
  handOff(socket: Socket): void;
}

const enum Phase {
  Reading,
  Serving,
  Gone,
}

/** Bytes of pipelined requests held while one is served, before the socket is paused. */
const MAX_HELD_BYTES = 64 * 1024;

export class ServerConnection implements RequestSink {
  private phase = Phase.Reading;
  private readonly parser = new RequestParser(this);
  private head: RequestHead | undefined;
  private body: Buffer[] = [];
  private bodyBytes = 0;
  private complete = false;
  private handingOff = false;
  /** The current request's bytes as they were fed to the parser: put back when the connection is handed off. */
  private seen: Buffer[] = [];
  /** Bytes that arrived while a request was served. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  private reply: ServerReply | undefined;
  private deadline: NodeJS.Timeout | undefined;
  /** The server is shutting down: no request after the one under way. */
  private draining = false;

  constructor(
    readonly socket: Socket,
    private readonly handler: Http1Handler,
    private readonly options: ConnectionOptions,
  ) {
    socket.setNoDelay(true);
    socket.setTimeout(options.keepAliveMs);
    socket.on('data', this.onData);
    socket.on('end', this.onClientEnd);
    socket.on('timeout', this.onTimeout);
    socket.on('error', this.onError);
    socket.once('close', this.onClose);
  }

  /** Closes the connection now if it is idle, else once the request under way (or arriving) has its reply. */
  drain(): void {
    if (this.draining || this.phase === Phase.Gone) return;
    this.draining = true;
    if (this.phase === Phase.Reading && !this.parser.started && this.held.length === 0) {
      this.phase = Phase.Gone;
      this.socket.end();
    } else this.reply?.setHeader('connection', 'close');
  }

  onHead(head: RequestHead): boolean {
    this.head = head;
    if (!this.handler.accepts(head)) {
      this.handingOff = true;
      return false;
    }
    if (head.bodyLength > this.handler.bodyLimit) throw tooLarge(this.handler.bodyLimit);
    if (head.expectContinue && head.bodyLength !== 0) this.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
    return true;
  }

  onBody(chunk: Buffer): void {
    this.bodyBytes += chunk.length;
    if (this.bodyBytes > this.handler.bodyLimit) throw tooLarge(this.handler.bodyLimit);
    this.body.push(chunk);
  }

  onComplete(): void {
    this.complete = true;
  }

  private readonly onData = (chunk: Buffer) => {
    if (this.phase === Phase.Reading) return this.feed(chunk);
    if (this.phase === Phase.Gone) return;
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes > MAX_HELD_BYTES) this.socket.pause();
  };

  /** Reads `chunk` into the current request; serves it once whole. Bytes after it are held for the next one. */
  private feed(chunk: Buffer): void {
    const first = !this.parser.started;
    this.seen.push(chunk);
    let used: number;
    try {
      used = this.parser.execute(chunk);
    } catch (err) {
      if (!(err instanceof RequestParseError)) throw err;
      return this.refuse(err);
    }
    if (this.handingOff) return this.handOff();
    if (!this.complete) {
      // A request that did not arrive in one piece must still arrive in time (slow clients hold connections).
      if (first) this.deadline = setTimeout(this.onDeadline, this.options.requestTimeoutMs);
      return;
    }
    if (used < chunk.length) {
      this.held.unshift(chunk.subarray(used));
      this.heldBytes += chunk.length - used;
    }
    this.serve();
  }

  private serve(): void {
    const head = this.head!;
    clearTimeout(this.deadline);
    this.phase = Phase.Serving;
    this.socket.setTimeout(0);
    const body = this.body.length === 1 ? this.body[0]! : Buffer.concat(this.body);
    const request: ServerRequest = Object.assign(head, { body, remoteAddress: this.socket.remoteAddress ?? '' });
    this.next();
    const reply = (this.reply = new ServerReply(this.socket, head.keepAlive && !this.draining, head.minor, Math.round(this.options.keepAliveMs / 1000), this.onReplyDone));
    this.handler.handle(request, reply);
  }

  /** Ready for the next request's first byte. */
  private next(): void {
    this.parser.reset();
    this.head = undefined;
    this.body = [];
    this.bodyBytes = 0;
    this.complete = false;
    this.seen = [];
  }

  private readonly onReplyDone = (reusable: boolean) => {
    if (this.phase === Phase.Gone) return;
    this.reply = undefined;
    if (!reusable || this.draining) {
      this.phase = Phase.Gone;
      this.socket.end();
      return;
    }
    this.phase = Phase.Reading;
    this.socket.setTimeout(this.options.keepAliveMs);
    // Not from inside the reply's end(): a pipelined request served at once would nest in it.
    if (this.held.length > 0) queueMicrotask(this.readHeld);
    else if (this.socket.isPaused()) this.socket.resume();
  };

  private readonly readHeld = () => {
    while (this.phase === Phase.Reading && this.held.length > 0) {
      const chunk = this.held.shift()!;
      this.heldBytes -= chunk.length;
      this.feed(chunk);
    }
    if (this.phase === Phase.Reading && this.socket.isPaused()) this.socket.resume();
  };

  /** Answers a request that cannot be served (malformed, too large, too slow) and closes the connection. */
  private refuse(err: RequestParseError): void {
    clearTimeout(this.deadline);
    this.phase = Phase.Serving;
    this.socket.setTimeout(0);
    const reply = (this.reply = new ServerReply(this.socket, false, this.head?.minor ?? 1, 0, this.onReplyDone));
    this.handler.reject(this.head, err, reply);
  }

  private handOff(): void {
    clearTimeout(this.deadline);
    this.phase = Phase.Gone;
    const { socket } = this;
    socket.off('data', this.onData);
    socket.off('end', this.onClientEnd);
    socket.off('timeout', this.onTimeout);
    socket.off('error', this.onError);
    socket.off('close', this.onClose);
    socket.setTimeout(0);
    socket.pause();
    socket.unshift(Buffer.concat([...this.seen, ...this.held]));
    this.seen = [];
    this.held = [];
    this.options.handOff(socket);
  }

  private readonly onDeadline = () => {
    if (this.phase === Phase.Reading) this.refuse(new RequestParseError(408, `the request was not received within ${this.options.requestTimeoutMs} ms`));
  };

  private readonly onTimeout = () => {
    // Idle past the keep-alive time, or silent in the middle of a request.
    if (this.phase !== Phase.Reading) return;
    if (this.parser.started) this.refuse(new RequestParseError(408, 'the client stopped sending its request'));
    else this.socket.destroy();
  };

  private readonly onClientEnd = () => {
    // A client that ends its side while its reply is under way has gone (node:http reads it so too): the work
    // behind the reply stops. Between requests, the connection simply closes.
    if (this.phase === Phase.Serving) return void this.socket.destroy();
    this.phase = Phase.Gone;
    this.socket.end();
  };

  private readonly onError = () => {
    // 'close' follows.
  };

  private readonly onClose = () => {
    clearTimeout(this.deadline);
    this.phase = Phase.Gone;
    this.reply?.socketClosed();
  };
}

function tooLarge(limit: number): RequestParseError {
  return new RequestParseError(413, `The request body is larger than the ${limit} byte limit.`);
}
