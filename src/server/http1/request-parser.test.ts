// The data-plane server's request parser on bytes as a client sends them: whole, split anywhere, chunked, and
// the malformed and ambiguous requests it must refuse (with the status that says why) rather than guess at.
import { describe, expect, it } from 'vitest';
import { prng } from '../../util/prng.ts';
import { RequestParseError, RequestParser, type RequestHead } from './request-parser.ts';

function parse(pieces: Buffer[], accept = true) {
  const got = { heads: [] as RequestHead[], body: [] as Buffer[], complete: 0, used: [] as number[] };
  const parser = new RequestParser({
    onHead: (head) => (got.heads.push(head), accept),
    onBody: (chunk) => got.body.push(chunk),
    onComplete: () => got.complete++,
  });
  for (const piece of pieces) got.used.push(parser.execute(piece));
  return { ...got, text: Buffer.concat(got.body).toString() };
}

const refusal = (wire: string): number => {
  try {
    parse([Buffer.from(wire)]);
  } catch (err) {
    if (err instanceof RequestParseError) return err.status;
    throw err;
  }
  return 0;
};

describe('RequestParser', () => {
  it('reads the request line, fields by lower-case name, and a Content-Length body split at every byte', () => {
    const wire = 'POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer k1\r\nAuthorization: Bearer k2\r\nAccept: a\r\nAccept: b\r\nContent-Length: 10\r\n\r\n{"a":"é"}';
    const bytes = Buffer.from(wire);
    for (let cut = 1; cut < bytes.length; cut++) {
      const got = parse([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(got.complete, `cut at ${cut}`).toBe(1);
      expect(got.text).toBe('{"a":"é"}');
    }
    const { heads } = parse([bytes]);
    expect(heads[0]).toMatchObject({ method: 'POST', url: '/v1/chat/completions?x=1', minor: 1, keepAlive: true, bodyLength: 10, expectContinue: false });
    // A single-valued field keeps its first value; others are joined.
    expect(heads[0]!.headers).toMatchObject({ host: 'gw', authorization: 'Bearer k1', accept: 'a, b', 'content-length': '10' });
  });

  it('decodes a chunked body, with extensions and trailers', () => {
    const got = parse([Buffer.from('POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n')]);
    expect(got.heads[0]!.bodyLength).toBe(-1);
    expect(got.text).toBe('hello world');
    expect(got.complete).toBe(1);
  });

  it('says how much of a chunk was its request, so that a pipelined one after it waits its turn', () => {
    const first = 'POST /a HTTP/1.1\r\ncontent-length: 2\r\n\r\nhi';
    const got = parse([Buffer.from(`${first}GET /b HTTP/1.1\r\n\r\n`)]);
    expect(got.used[0]).toBe(Buffer.byteLength(first));
    expect(got.heads).toHaveLength(1);
  });

  it('stops after the head of a request it is not to read, leaving its body unread', () => {
    const got = parse([Buffer.from('GET /v1/models HTTP/1.1\r\ncontent-length: 3\r\n\r\nabc')], false);
    expect(got.heads).toHaveLength(1);
    expect(got.body).toHaveLength(0);
    expect(got.complete).toBe(0);
  });

  it('keeps HTTP/1.0 connections only when asked, and HTTP/1.1 ones unless told to close', () => {
    const head = (wire: string) => parse([Buffer.from(wire)]).heads[0]!;
    expect(head('GET / HTTP/1.0\r\n\r\n').keepAlive).toBe(false);
    expect(head('GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n').keepAlive).toBe(true);
    expect(head('GET / HTTP/1.1\r\nConnection: close\r\n\r\n').keepAlive).toBe(false);
    expect(head('POST / HTTP/1.1\r\nExpect: 100-continue\r\ncontent-length: 1\r\n\r\n').expectContinue).toBe(true);
  });

  it('refuses what two parties could read as different requests, and what it cannot read, with the status that says why', () => {
    const cases: Array<[string, number]> = [
      ['POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n', 400],
      ['POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', 501],
      ['POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n', 501],
      ['POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', 400],
      ['POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n', 400],
      ['POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n', 400],
      ['POST / HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n', 400],
      ['POST / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n', 400],
      ['POST / HTTP/1.1\r\nX-A : 1\r\n\r\n', 400],
      ['POST / HTTP/1.1\r\nX-A: 1\nX-B: 2\r\n\r\n', 400],
      ['POST / HTTP/1.1\r\nX-A: a\rb\r\n\r\n', 400],
      ['POST / HTTP/1.1\r\nX-A: a\u0000b\r\n\r\n', 400],
      ['POST /a b HTTP/1.1\r\n\r\n', 400],
      ['POST  / HTTP/1.1\r\n\r\n', 400],
      ['P(ST / HTTP/1.1\r\n\r\n', 400],
      ['POST / HTTP/2.0\r\n\r\n', 505],
      ['POST / FTP/1.1\r\n\r\n', 400],
      ['hello\r\n\r\n', 400],
      ['POST / HTTP/1.1\r\nExpect: something\r\n\r\n', 417],
      [`POST / HTTP/1.1\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`, 431],
      ['POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400],
      ['POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n', 400],
    ];
    for (const [wire, status] of cases) expect(refusal(wire), JSON.stringify(wire.slice(0, 70))).toBe(status);
  });

  it('reads mangled bytes the same however they are split: the same requests, or the same refusal, never another error', () => {
    // Self-consistency is what smuggling needs to fail: one byte stream is one reading, whatever the reads.
    const seeds = [
      'POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Length: 11\r\n\r\n{"a":"bcd"}',
      'POST /v1/embeddings HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;x=y\r\nefg\r\n0\r\nT: 1\r\n\r\n',
      'GET /v1/models HTTP/1.0\r\nConnection: keep-alive\r\n\r\nPOST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi',
    ].map((wire) => Buffer.from(wire));
    const alphabet = Buffer.from('\r\n :;0123456789abcdefABCDEF-\t\u0000\u007f\u00ffPOST/HTTP1.chunked');
    const reading = (pieces: Buffer[]): string => {
      try {
        const got = parse(pieces);
        // Bytes a request did not use are the next request's: what counts is where the first request ended.
        let consumed = 0;
        for (const [i, used] of got.used.entries()) {
          consumed += used;
          if (used < pieces[i]!.length) break;
        }
        return JSON.stringify({ heads: got.heads, text: got.text, complete: got.complete, consumed });
      } catch (err) {
        if (err instanceof RequestParseError) return `refused ${err.status}`;
        throw err;
      }
    };
    const random = prng(2026);
    const pick = (n: number) => Math.floor(random() * n);
    for (let round = 0; round < 3000; round++) {
      let bytes = Buffer.from(seeds[round % seeds.length]!);
      for (let edits = 1 + pick(3); edits > 0; edits--) {
        const at = pick(bytes.length);
        const byte = Buffer.of(alphabet[pick(alphabet.length)]!);
        const op = pick(3);
        if (op === 0) bytes[at] = byte[0]!;
        else if (op === 1) bytes = Buffer.concat([bytes.subarray(0, at), byte, bytes.subarray(at)]);
        else bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
      }
      const whole = reading([bytes]);
      const cuts = [pick(bytes.length), pick(bytes.length)].sort((a, b) => a - b);
      const split = reading([bytes.subarray(0, cuts[0]), bytes.subarray(cuts[0], cuts[1]), bytes.subarray(cuts[1])]);
      expect(split, JSON.stringify(bytes.toString('latin1'))).toBe(whole);
    }
  });

  it('does not let a field named __proto__ change the fields object', () => {
    const { headers } = parse([Buffer.from('GET / HTTP/1.1\r\n__proto__: x\r\nhost: h\r\n\r\n')]).heads[0]!;
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(headers.host).toBe('h');
  });
});
