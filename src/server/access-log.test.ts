import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { accessLogTo, batchedPerTurn } from './access-log.ts';

describe('access log', () => {
  it('writes the line pino would write for the same fields, and nothing above info level', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const logger = pino({ level: 'info' }, sink);
    const url = '/v1/chat/completions?x="quoted"';
    logger.info({ reqId: 'req_1', method: 'POST', url, status: 200, ms: 3 }, 'request');
    accessLogTo(logger, (line) => lines.push(line))('req_1', 'POST', url, 200, 3);
    const [fromPino, ours] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(ours!)).toEqual(Object.keys(fromPino!));
    expect({ ...ours, time: 0 }).toEqual({ ...fromPino, time: 0 });
    expect(lines[1]!.endsWith('\n')).toBe(true);

    logger.level = 'warn';
    accessLogTo(logger, (line) => lines.push(line))('req_2', 'POST', url, 200, 1);
    expect(lines).toHaveLength(2);
  });

  it('hands the lines of one event-loop turn to the destination as one write, in order, after the turn', async () => {
    const writes: string[] = [];
    const line = batchedPerTurn((text) => writes.push(text));
    line('a\n');
    line('b\n');
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    line('c\n');
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(['a\nb\n', 'c\n']);
  });
});
