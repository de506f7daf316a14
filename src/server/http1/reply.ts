// One response of the data-plane server, written straight to the socket: the head and a JSON body leave in one
// write; a body of unknown length (a stream) goes out in chunked coding. It offers the part of node:http's
// ServerResponse that the data plane uses (writeHead, write, end, cork, 'drain' and 'close'), so that the
// pipeline's delivery code serves both.
import { EventEmitter } from 'node:events';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { isToken } from '../../http1/token.ts';

export type HeaderValues = Readonly<Record<string, string | number | undefined>>;

/** What the connection learns when a reply is complete: whether the connection may carry the next request. */
export type ReplyDone = (reusable: boolean) => void;

const BAD_VALUE = /[\r\n\0]/;

export class ServerReply extends EventEmitter {
  headersSent = false;
  writableFinished = false;
  private head = '';
  private chunked = false;
  private reusable: boolean;
  /** Between cork() and end(): what was written, to leave with the end in one write. */
  private held: string | undefined;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    keepAlive: boolean,
    private readonly minor: number,
    private readonly keepAliveSeconds: number,
    private readonly onDone: ReplyDone,
  ) {
    super();
    this.reusable = keepAlive;
  }

  get destroyed(): boolean {
    return this.closed || this.socket.destroyed;
  }

  /** For a reply that must close the connection (`connection: close`) whatever the client asked. */
  setHeader(name: string, value: string): void {
    if (name.toLowerCase() === 'connection' && /\bclose\b/i.test(value)) this.reusable = false;
  }

  writeHead(status: number, headers: HeaderValues): this {
    if (this.headersSent || this.head) throw new Error('reply head already written');
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\ndate: ${httpDate()}\r\n`;
    let length = false;
    for (const name in headers) {
      const raw = headers[name];
      if (raw === undefined) continue;
      const value = typeof raw === 'string' ? raw : String(raw);
      const lower = name.toLowerCase();
      // Connection framing is this reply's to decide, from the client's request and the server's state.
      if (lower === 'connection') {
        if (/\bclose\b/i.test(value)) this.reusable = false;
        continue;
      }
      if (lower === 'transfer-encoding') continue;
      if (!isToken(name) || BAD_VALUE.test(value)) throw new Error(`reply header ${JSON.stringify(name)} cannot be sent`);
      if (lower === 'content-length') length = true;
      head += `${name}: ${value}\r\n`;
    }
    if (!length) {
      // HTTP/1.0 has no chunked coding: the body ends when the connection closes.
      if (this.minor === 1) {
        this.chunked = true;
        head += 'transfer-encoding: chunked\r\n';
      } else this.reusable = false;
    }
    this.head = `${head}${this.reusable ? (this.minor === 0 ? `connection: keep-alive\r\nkeep-alive: timeout=${this.keepAliveSeconds}\r\n` : `keep-alive: timeout=${this.keepAliveSeconds}\r\n`) : 'connection: close\r\n'}\r\n`;
    return this;
  }

  /** Writes a piece of the body (the head with the first); false when the socket's buffer is full ('drain' follows). */
  write(text: string): boolean {
    if (this.destroyed) return false;
    const out = this.take() + this.frame(text);
    if (this.held !== undefined) {
      this.held += out;
      return true;
    }
    const flushed = this.socket.write(out);
    if (!flushed) this.socket.once('drain', this.onDrain);
    return flushed;
  }

  /** Holds what is written until end(), to leave in one write. */
  cork(): void {
    this.held ??= '';
  }

  end(text?: string): void {
    if (this.writableFinished) return;
    this.writableFinished = true;
    if (!this.destroyed) {
      let out = this.take() + (this.held ?? '') + (text ? this.frame(text) : '');
      this.held = undefined;
      if (this.chunked) out += '0\r\n\r\n';
      this.socket.write(out);
    }
    this.onDone(this.reusable && !this.destroyed);
  }

  /** Abandons the reply: the connection closes. */
  destroy(): void {
    this.socket.destroy();
  }

  /** The connection closed: a reply not yet finished will never be. */
  socketClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }

  private readonly onDrain = () => this.emit('drain');

  /** The head, the first time; it leaves with the first piece of the body. */
  private take(): string {
    if (this.headersSent) return '';
    if (!this.head) this.writeHead(200, {});
    this.headersSent = true;
    const head = this.head;
    this.head = '';
    return head;
  }

  private frame(text: string): string {
    if (!this.chunked || text === '') return text;
    return `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
  }
}

let dateText = '';
let dateSecond = 0;

/** The Date field's value, made once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}
