import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/gateway.ts';
import type { UsageEvent } from '../ports.ts';
import { UsageOutbox } from './usage-outbox.ts';

const event = (id: string): UsageEvent => ({
  request_id: id, ts: '2026-11-25T00:00:00.000Z', org_id: 'org', key_id: 'key', endpoint: 'chat', model: 'm', vendor: 'v', deployment: 'd', region: 'r',
  prompt_tokens: 1, completion_tokens: 2, cached_tokens: 0, reasoning_tokens: 0, estimated: false, status: 200, latency_ms: 1,
  cost_micros: 10, list_price_micros: 20, price_micros: 18, customer_country: 'DE',
});

describe('usage outbox', () => {
  it('has an event on disk when record() resolves, and loads it into the database later', async () => {
    const file = join(tempDir(), 'outbox.jsonl');
    const loaded: string[] = [];
    const outbox = new UsageOutbox(file, (events) => loaded.push(...events.map((e) => e.request_id)), { loadEveryMs: 60_000, loadAtCount: 1000 });
    await Promise.all([outbox.record(event('a')), outbox.record(event('b'))]);
    expect(readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).request_id)).toEqual(['a', 'b']);
    expect(loaded).toEqual([]);
    outbox.loadNow();
    expect(loaded).toEqual(['a', 'b']);
    expect(readFileSync(file, 'utf8')).toBe('');
    outbox.close();
  });

  it('writes a lone event at once, and the events that follow in the same turn together', async () => {
    const file = join(tempDir(), 'outbox.jsonl');
    const outbox = new UsageOutbox(file, () => {}, { loadEveryMs: 60_000, loadAtCount: 1000 });
    const ids = () => readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).request_id);
    const first = outbox.record(event('a'));
    expect(ids()).toEqual(['a']);
    const rest = [outbox.record(event('b')), outbox.record(event('c'))];
    expect(ids()).toEqual(['a']);
    await Promise.all([first, ...rest]);
    expect(ids()).toEqual(['a', 'b', 'c']);
    outbox.close();
  });

  it('replays what a crashed process left, skipping a torn last line', async () => {
    const file = join(tempDir(), 'outbox.jsonl');
    const first = new UsageOutbox(file, () => {}, { loadEveryMs: 60_000, loadAtCount: 1000 });
    await first.record(event('x'));
    await first.record(event('y'));
    // Simulate a crash: the process dies without loading (no close()), and a write was torn.
    const { appendFileSync } = await import('node:fs');
    appendFileSync(file, '{"request_id":"z","ts"');
    const replayed: string[] = [];
    const second = new UsageOutbox(file, (events) => replayed.push(...events.map((e) => e.request_id)));
    expect(replayed).toEqual(['x', 'y']);
    expect(readFileSync(file, 'utf8')).toBe('');
    second.close();
  });
});
