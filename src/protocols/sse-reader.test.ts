import { describe, expect, it } from 'vitest';
import { sseBatches } from './sse-reader.ts';

/** Each event's data, one at a time. */
async function* sseData(body: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<string> {
  for await (const datas of sseBatches(body, { batch: (completed) => completed })) yield* datas;
}

async function collect(parts: string[]): Promise<string[]> {
  const out: string[] = [];
  async function* source() {
    for (const p of parts) yield Buffer.from(p);
  }
  for await (const d of sseData(source())) out.push(d);
  return out;
}

describe('sseData', () => {
  it('yields events split across arbitrary chunk boundaries', async () => {
    expect(await collect(['data: {"a"', ':1}\n', '\ndata: [DONE]\n\n'])).toEqual(['{"a":1}', '[DONE]']);
  });
  it('handles CRLF, comments, multi-line data and a missing final blank line', async () => {
    expect(await collect([': keep-alive\r\n\r\nevent: x\r\ndata: one\r\ndata: two\r\n\r\ndata: tail'])).toEqual([
      'one\ntwo',
      'tail',
    ]);
  });
  it('keeps multi-byte characters split between chunks intact', async () => {
    const bytes = Buffer.from('data: héllo ✓\n\n');
    async function* source() {
      for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
    }
    const out: string[] = [];
    for await (const d of sseData(source())) out.push(d);
    expect(out).toEqual(['héllo ✓']);
  });
});

describe('sseData on the edges of the event-stream format', () => {
  it('reads CR-only line ends and a blank line made of mixed ends', async () => {
    expect(await collect(['data: one\r\r', 'data: two\n\r\n', 'data: three\r\n\n'])).toEqual(['one', 'two', 'three']);
  });
  it('skips blocks without data and keeps empty data lines', async () => {
    expect(await collect(['event: ping\n\n', 'id: 7\n\n', 'data:\n\n', 'data\n\n'])).toEqual(['', '']);
  });
  it('refuses an event that never ends instead of buffering it without bound', async () => {
    async function* endless() {
      for (let i = 0; i < 40; i++) yield Buffer.from(`data: ${'x'.repeat(1024 * 1024)}`);
    }
    await expect(
      (async () => {
        for await (const _ of sseData(endless())) void _;
      })(),
    ).rejects.toThrow();
  });
});

describe('sseBatches', () => {
  it("hands the events one read completed to the batcher together, and checks the end after the last one's", async () => {
    const seen: string[][] = [];
    let endedAfter = -1;
    async function* source() {
      yield Buffer.from('data: a\n\ndata: b\n\ndata: c');
      yield Buffer.from('\n\n');
      yield Buffer.from('data: tail');
    }
    const batches: number[] = [];
    for await (const size of sseBatches(source(), {
      batch: (datas) => {
        seen.push([...datas]);
        return datas.length;
      },
      end: () => {
        endedAfter = seen.length;
      },
    }))
      batches.push(size);
    expect(seen).toEqual([['a', 'b'], ['c'], ['tail']]);
    expect(batches).toEqual([2, 1, 1]);
    expect(endedAfter).toBe(3);
  });
  it('stops reading the body when the batcher throws', async () => {
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; i < 10; i++) yield Buffer.from(`data: ${i}\n\n`);
      } finally {
        closed = true;
      }
    }
    const batcher = {
      batch: (datas: readonly string[]) => {
        if (datas[0] === '2') throw new Error('bad event');
        return datas[0];
      },
    };
    const read: Array<string | undefined> = [];
    await expect(
      (async () => {
        for await (const data of sseBatches(source(), batcher)) read.push(data);
      })(),
    ).rejects.toThrow('bad event');
    expect(read).toEqual(['0', '1']);
    expect(closed).toBe(true);
  });
});
