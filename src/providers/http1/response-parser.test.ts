// The upstream reply parser: every framing a server may use, split at every byte (a reply arrives in
// whatever pieces the network makes), and the malformed replies it must refuse rather than misread.
import { describe, expect, it } from 'vitest';
import { ResponseHeaders, ResponseParseError, ResponseParser } from './response-parser.ts';

interface Parsed {
  status: number;
  headers: ResponseHeaders;
  reusable: boolean;
  keepAliveMs: number | undefined;
  body: string;
  complete: boolean;
  trailing: boolean;
}

/** Parses `wire` delivered in the given pieces; `closed` says the connection ended after the last. */
function parse(pieces: Buffer[], closed = false): Parsed {
  const out: Parsed = { status: 0, headers: new ResponseHeaders(''), reusable: false, keepAliveMs: undefined, body: '', complete: false, trailing: false };
  const chunks: Buffer[] = [];
  const parser = new ResponseParser({
    onHead: (status, headers, reusable, keepAliveMs) => Object.assign(out, { status, headers, reusable, keepAliveMs }),
    onBody: (chunk) => void chunks.push(Buffer.from(chunk)),
    onComplete: (trailing) => Object.assign(out, { complete: true, trailing }),
  });
  for (const piece of pieces) parser.execute(piece);
  if (closed) parser.finish();
  out.body = Buffer.concat(chunks).toString('utf8');
  return out;
}

/** Every way of cutting `wire` in two, plus byte by byte. */
function splits(wire: string): Buffer[][] {
  const b = Buffer.from(wire);
  const ways: Buffer[][] = [[b], [...b].map((x) => Buffer.from([x]))];
  for (let i = 1; i < b.length; i++) ways.push([b.subarray(0, i), b.subarray(i)]);
  return ways;
}

describe('ResponseParser', () => {
  it('reads a Content-Length body however the bytes arrive', () => {
    const body = '{"ok":"ünï"}';
    const wire = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nKeep-Alive: timeout=65\r\n\r\n${body}`;
    for (const pieces of splits(wire)) {
      const r = parse(pieces);
      expect(r).toMatchObject({ status: 200, reusable: true, keepAliveMs: 65_000, body: '{"ok":"ünï"}', complete: true, trailing: false });
      expect(r.headers.get('Content-Type')).toBe('application/json');
      expect(r.headers.get('x-absent')).toBeUndefined();
    }
  });

  it('decodes chunked bodies with extensions and trailers, split anywhere', () => {
    const wire = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\nB\r\ndata: 1\n\nxy\r\n0\r\nX-Trailer: t\r\n\r\n';
    for (const pieces of splits(wire)) expect(parse(pieces)).toMatchObject({ status: 200, reusable: true, body: 'hello data: 1\n\nxy', complete: true });
  });

  it('limits the trailers of each reply, not of every reply a connection carried', () => {
    const parser = new ResponseParser({ onHead: () => {}, onBody: () => {}, onComplete: () => {} });
    const reply = Buffer.from(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Trace: ${'t'.repeat(40_000)}\r\n\r\n`);
    for (let i = 0; i < 3; i++) {
      parser.reset();
      expect(() => parser.execute(reply)).not.toThrow();
    }
  });

  it('skips 1xx interim replies and reads the final one', () => {
    const r = parse([Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok')]);
    expect(r).toMatchObject({ status: 201, body: 'ok', complete: true });
  });

  it('reads a body without a length until the connection closes, and does not reuse that connection', () => {
    const pieces = [Buffer.from('HTTP/1.1 200 OK\r\n\r\npart one, '), Buffer.from('part two')];
    expect(parse(pieces)).toMatchObject({ complete: false });
    expect(parse(pieces, true)).toMatchObject({ status: 200, body: 'part one, part two', complete: true, reusable: false });
  });

  it('knows which replies leave the connection reusable', () => {
    const head = (lines: string) => parse([Buffer.from(`${lines}\r\n\r\n`)]);
    expect(head('HTTP/1.1 204 No Content')).toMatchObject({ complete: true, reusable: true });
    expect(head('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0')).toMatchObject({ complete: true, reusable: false });
    expect(head('HTTP/1.0 200 OK\r\nContent-Length: 0')).toMatchObject({ reusable: false });
    expect(head('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0')).toMatchObject({ reusable: true });
  });

  it('notices bytes after the end of a reply', () => {
    expect(parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n')])).toMatchObject({ body: 'ok', complete: true, trailing: true });
  });

  it('refuses malformed replies instead of guessing', () => {
    const bad = [
      'HTTP/2 200 OK\r\n\r\n',
      'ICY 200 OK\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
      'HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\nContent-Length: 0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\nhi\r\n0\r\n\r\n',
      `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`,
    ];
    for (const wire of bad) expect(() => parse([Buffer.from(wire)]), wire.slice(0, 60)).toThrow(ResponseParseError);
  });

  it('says when the connection closed before or during a reply', () => {
    expect(() => parse([], true)).toThrow('connection closed before a response');
    expect(() => parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')], true)).toThrow('connection closed mid-response');
  });
});
