// An incremental HTTP/1.1 response parser for the upstream transport: status line and headers, then a body by
// Content-Length, chunked transfer coding, or read until the connection closes. Body bytes are handed on as
// views of the socket's own chunks, never copied. Strict where leniency would let a reply be misread: a bad
// length, a folded header or a malformed chunk size fails the response instead of guessing.
import { Framing, HttpParseError, MessageParser, type BodySink } from '../../http1/message-parser.ts';
import { isToken } from '../../http1/token.ts';

/**
 * A reply's header fields, read from its head text when asked for: a proxy reads one or two of them, and
 * building an object of every field (a property store and a string internalised per field) cost more than
 * parsing the rest of the reply.
 */
export class ResponseHeaders {
  constructor(
    /** The head without its status line: `name: value` lines separated by CRLF. */
    private readonly fields: string,
  ) {}

  /** The field's value (several fields of one name joined with ", "), or undefined. */
  get(name: string): string | undefined {
    const wanted = name.toLowerCase();
    let found: string | undefined;
    for (let pos = 0; pos < this.fields.length; ) {
      let eol = this.fields.indexOf('\r\n', pos);
      if (eol === -1) eol = this.fields.length;
      const colon = this.fields.indexOf(':', pos);
      if (colon - pos === wanted.length && this.fields.slice(pos, colon).toLowerCase() === wanted) {
        const value = this.fields.slice(colon + 1, eol).trim();
        found = found === undefined ? value : `${found}, ${value}`;
      }
      pos = eol + 2;
    }
    return found;
  }
}

export interface ResponseSink extends BodySink {
  /** `reusable`: whether the connection may carry another request once this response is complete. */
  onHead(status: number, headers: ResponseHeaders, reusable: boolean, keepAliveMs: number | undefined): void;
}

export class ResponseParseError extends HttpParseError {}

const MAX_HEAD_BYTES = 64 * 1024;
const DIGITS = /^\d{1,15}$/;

export class ResponseParser extends MessageParser {
  constructor(private readonly sink: ResponseSink) {
    super(sink, 'response', MAX_HEAD_BYTES, (message) => new ResponseParseError(message));
  }

  /** Reads the head and frames the body; a 1xx head is skipped (the real one follows). */
  protected parseHead(text: string): void {
    let eol = text.indexOf('\r\n');
    if (eol === -1) eol = text.length;
    const minor = statusLineVersion(text, eol);
    const status = minor === -1 ? -1 : Number(text.slice(9, 12));
    if (status === -1) throw new ResponseParseError(`bad status line ${JSON.stringify(text.slice(0, Math.min(eol, 40)))}`);
    const fieldsStart = Math.min(eol + 2, text.length);
    let length: string | undefined;
    let chunked = false;
    let encoded = false;
    let connection = '';
    let keepAlive: string | undefined;
    for (let pos = fieldsStart; pos < text.length; pos = eol + 2) {
      eol = text.indexOf('\r\n', pos);
      if (eol === -1) eol = text.length;
      const colon = text.indexOf(':', pos);
      const lf = text.indexOf('\n', pos);
      if (colon <= pos || colon > eol || (lf !== -1 && lf < eol) || !isToken(text, pos, colon)) {
        throw new ResponseParseError(`bad header line ${JSON.stringify(text.slice(pos, Math.min(eol, pos + 40)))}`);
      }
      // Only the fields that frame the reply are read here; by their length first, to compare few names.
      const size = colon - pos;
      if (size !== 10 && size !== 14 && size !== 17) continue;
      const name = text.slice(pos, colon).toLowerCase();
      const value = text.slice(colon + 1, eol).trim();
      if (name === 'content-length') {
        if (!DIGITS.test(value) || (length !== undefined && length !== value)) throw new ResponseParseError(`bad content-length ${JSON.stringify(value.slice(0, 20))}`);
        length = value;
      } else if (name === 'transfer-encoding') {
        encoded = true;
        chunked = value.toLowerCase().endsWith('chunked');
      } else if (name === 'connection') {
        connection = value.toLowerCase();
      } else if (name === 'keep-alive') {
        keepAlive = value;
      }
    }
    const headers = new ResponseHeaders(text.slice(fieldsStart));
    // 1xx (100 Continue, 103 Early Hints) come before the real response: read on.
    if (status < 200) return;
    let reusable = minor === 0 ? /\bkeep-alive\b/.test(connection) : !/\bclose\b/.test(connection);
    // 204 and 304 have no body, whatever their fields say.
    const bodyless = status === 204 || status === 304;
    if (bodyless) this.frame(Framing.None);
    else if (!this.frameBody(encoded, chunked, length)) reusable = false;
    this.sink.onHead(status, headers, reusable, keepAliveHint(keepAlive));
  }

  /** Sets how the body is read; says whether the connection can carry another request after such a body. */
  private frameBody(encoded: boolean, chunked: boolean, length: string | undefined): boolean {
    if (encoded) {
      // Transfer-Encoding overrides Content-Length (RFC 9112 6.3); a reply that had both, or a coding other
      // than chunked (read until close), leaves a connection not to be reused.
      this.frame(chunked ? Framing.Chunked : Framing.UntilClose);
      return length === undefined && chunked;
    }
    if (length !== undefined) {
      this.frame(Framing.Length, Number(length));
      return true;
    }
    this.frame(Framing.UntilClose);
    return false;
  }
}

/** `HTTP/1.x NNN` at the start of the status line (ending at `eol`): x, or -1 when it is not one. */
function statusLineVersion(text: string, eol: number): number {
  if (eol < 12 || !text.startsWith('HTTP/1.')) return -1;
  const minor = text.charCodeAt(7) - 48;
  if ((minor !== 0 && minor !== 1) || text.charCodeAt(8) !== 32) return -1;
  for (let i = 9; i < 12; i++) if (text.charCodeAt(i) < 48 || text.charCodeAt(i) > 57) return -1;
  return eol === 12 || text.charCodeAt(12) === 32 ? minor : -1;
}

/** The server's `Keep-Alive: timeout=N`, in milliseconds. */
function keepAliveHint(value: string | undefined): number | undefined {
  const m = value ? /timeout=(\d+)/i.exec(value) : null;
  return m ? Number(m[1]) * 1000 : undefined;
}
