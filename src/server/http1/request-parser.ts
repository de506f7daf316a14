// An incremental HTTP/1.1 request parser for the data-plane server: request line and header fields, then the
// body by Content-Length or chunked coding (../../http1/message-parser.ts). Strict where leniency lets two
// parties read one byte stream as different requests (request smuggling): a request with both Content-Length
// and Transfer-Encoding, a coding other than chunked, two different lengths, a folded or malformed field line,
// or a bare CR or LF is refused with the status that says why, and its connection is closed.
import { Framing, HttpParseError, MessageParser, type BodySink } from '../../http1/message-parser.ts';
import { isToken } from '../../http1/token.ts';

export interface RequestHead {
  method: string;
  /** The request target as sent: path and query. */
  url: string;
  /** 1 for HTTP/1.1, 0 for HTTP/1.0. */
  minor: number;
  /** Field names in lower case; a repeated field's values joined with ", ", but the first of a single-valued one. */
  headers: Record<string, string>;
  /** Whether the client lets the connection carry another request after this one. */
  keepAlive: boolean;
  /** The declared body length; -1 for a chunked body. */
  bodyLength: number;
  /** The client waits for 100 Continue before it sends the body. */
  expectContinue: boolean;
}

/** A request that cannot be read as sent; `status` is the answer (400, 413, 417, 431, 501, 505, 408). */
export class RequestParseError extends HttpParseError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RequestSink extends BodySink {
  /** The head is in; false stops the parser before the body (the request is not this server's to read). */
  onHead(head: RequestHead): boolean;
}

/** As node:http's default: a client that sends more is not one of ours. */
export const MAX_REQUEST_HEAD_BYTES = 16 * 1024;
const DIGITS = /^\d{1,15}$/;
/** Fields that carry one value: a repeat keeps the first, as node:http does, instead of joining them. */
const SINGLE = new Set(['authorization', 'x-api-key', 'host', 'content-type', 'user-agent', 'x-forwarded-for', 'anthropic-version']);

export class RequestParser extends MessageParser {
  constructor(private readonly sink: RequestSink) {
    super(sink, 'request', MAX_REQUEST_HEAD_BYTES, (message) => new RequestParseError(message.includes('too large') ? 431 : 400, message));
  }

  protected parseHead(text: string): void {
    let eol = text.indexOf('\r\n');
    if (eol === -1) eol = text.length;
    const { method, url, minor } = requestLine(text, eol);
    const headers: Record<string, string> = {};
    let length: string | undefined;
    let coding: string | undefined;
    for (let pos = eol + 2; pos < text.length; pos = eol + 2) {
      eol = text.indexOf('\r\n', pos);
      if (eol === -1) eol = text.length;
      const colon = text.indexOf(':', pos);
      if (colon <= pos || colon > eol || !isToken(text, pos, colon)) throw bad(`malformed header line ${JSON.stringify(text.slice(pos, Math.min(eol, pos + 40)))}`);
      const value = text.slice(colon + 1, eol).trim();
      if (!isFieldValue(value)) throw bad(`header ${JSON.stringify(text.slice(pos, colon))} has a character not allowed in a field value`);
      const name = text.slice(pos, colon).toLowerCase();
      if (name === 'content-length') {
        if (!DIGITS.test(value) || (length !== undefined && length !== value)) throw bad(`invalid content-length ${JSON.stringify(value.slice(0, 20))}`);
        length = value;
      } else if (name === 'transfer-encoding') {
        coding = coding === undefined ? value : `${coding}, ${value}`;
      }
      const previous = headers[name];
      if (previous === undefined) {
        // A field named __proto__ would set the object's prototype instead of a field.
        if (name !== '__proto__') headers[name] = value;
      } else if (!SINGLE.has(name)) headers[name] = `${previous}, ${value}`;
    }
    const connection = headers.connection?.toLowerCase() ?? '';
    const keepAlive = minor === 1 ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    const expect = headers.expect?.toLowerCase();
    if (expect !== undefined && expect !== '100-continue') throw new RequestParseError(417, `expectation ${JSON.stringify(expect.slice(0, 40))} is not supported`);
    let bodyLength: number;
    if (coding !== undefined) {
      if (length !== undefined) throw bad('a request cannot have both content-length and transfer-encoding');
      if (minor === 0) throw bad('transfer-encoding is not allowed in HTTP/1.0');
      if (coding.toLowerCase() !== 'chunked') throw new RequestParseError(501, `transfer-encoding ${JSON.stringify(coding.slice(0, 40))} is not supported; send chunked or a content-length`);
      bodyLength = -1;
    } else {
      bodyLength = length === undefined ? 0 : Number(length);
    }
    const head: RequestHead = { method, url, minor, headers, keepAlive, bodyLength, expectContinue: expect !== undefined && minor === 1 };
    if (!this.sink.onHead(head)) return this.halt();
    if (bodyLength === -1) this.frame(Framing.Chunked);
    else this.frame(Framing.Length, bodyLength);
  }
}

const bad = (message: string) => new RequestParseError(400, message);

/** `METHOD SP request-target SP HTTP/1.x`, ending at `eol`. */
function requestLine(text: string, eol: number): { method: string; url: string; minor: number } {
  const sp1 = text.indexOf(' ');
  const sp2 = sp1 === -1 ? -1 : text.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 === -1 || sp2 > eol || !isToken(text, 0, sp1) || sp2 === sp1 + 1) throw bad(`malformed request line ${JSON.stringify(text.slice(0, Math.min(eol, 60)))}`);
  const version = text.slice(sp2 + 1, eol);
  if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') {
    if (/^HTTP\/\d\.\d$/.test(version)) throw new RequestParseError(505, `HTTP version ${version.slice(5)} is not supported; use HTTP/1.1`);
    throw bad(`malformed request line ${JSON.stringify(text.slice(0, Math.min(eol, 60)))}`);
  }
  for (let i = sp1 + 1; i < sp2; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c >= 127) throw bad('the request target has a character that must be percent-encoded');
  }
  return { method: text.slice(0, sp1), url: text.slice(sp1 + 1, sp2), minor: version === 'HTTP/1.1' ? 1 : 0 };
}

/** Visible characters, spaces and tabs, and bytes from 0x80 (RFC 9110 field-vchar and obs-text); no CR, LF or NUL. */
function isFieldValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 127) return false;
  }
  return true;
}
