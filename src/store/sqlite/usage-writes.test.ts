import { describe, expect, it } from 'vitest';
import { usageEvent } from '../../../test/helpers/usage-event.ts';
import type { UsageEvent } from '../ports.ts';
import { migrate, openSqlite } from './db.ts';
import { usageColumnNames, usageWrites } from './usage-writes.ts';

const event = (id: string): UsageEvent => usageEvent(id, { estimated: true, price_micros: 18 });

describe('usage writes', () => {
  it('fills every column the migrations give usage_events, and only those', async () => {
    const { db, raw } = openSqlite(':memory:');
    await migrate(db);
    const columns = raw.prepare("select name from pragma_table_info('usage_events')").pluck().all() as string[];
    expect([...usageColumnNames].sort()).toEqual(columns.sort());
    await db.destroy();
  });

  it('inserts the events of outbox lines once each, skipping a torn line', async () => {
    const { db, raw } = openSqlite(':memory:');
    await migrate(db);
    const insert = usageWrites(raw);
    const line = (id: string) => `${JSON.stringify(event(id))}\n`;
    insert(line('a') + line('b') + '{"request_id":"c","ts"\n');
    // A replay of the same lines (a crash between commit and deleting the segment) adds nothing.
    insert(line('a') + line('b'));
    const rows = raw.prepare('select request_id, estimated, price_micros from usage_events order by request_id').all();
    expect(rows).toEqual([
      { request_id: 'a', estimated: 1, price_micros: 18 },
      { request_id: 'b', estimated: 1, price_micros: 18 },
    ]);
    await db.destroy();
  });

  it('inserts an outbox line an earlier version wrote, without cache writes, as writing none', async () => {
    const { db, raw } = openSqlite(':memory:');
    await migrate(db);
    const { cache_write_tokens: _, cache_write_1h_tokens: __, ...earlier } = usageEvent('old', { cached_tokens: 3 });
    const now = usageEvent('new', { cache_write_tokens: 7, cache_write_1h_tokens: 2 });
    usageWrites(raw)(`${JSON.stringify(earlier)}\n${JSON.stringify(now)}\n`);
    const rows = raw
      .prepare(
        'select request_id, cached_tokens, cache_write_tokens, cache_write_1h_tokens from usage_events order by 1',
      )
      .all();
    expect(rows).toEqual([
      { request_id: 'new', cached_tokens: 0, cache_write_tokens: 7, cache_write_1h_tokens: 2 },
      { request_id: 'old', cached_tokens: 3, cache_write_tokens: 0, cache_write_1h_tokens: 0 },
    ]);
    await db.destroy();
  });

  it("replaces a stream's interim records by later ones and by its final event, never the other way round", async () => {
    const { db, raw } = openSqlite(':memory:');
    await migrate(db);
    const insert = usageWrites(raw);
    const line = (e: UsageEvent) => `${JSON.stringify(e)}\n`;
    const at = (interim: number | undefined, completion: number): UsageEvent => ({
      ...event('s'),
      interim,
      completion_tokens: completion,
      estimated: interim !== undefined,
    });
    const row = () =>
      raw.prepare("select interim, completion_tokens, estimated from usage_events where request_id = 's'").get();
    insert(line(at(0, 0)));
    insert(line(at(2, 20)) + line(at(1, 10)));
    expect(row()).toEqual({ interim: 2, completion_tokens: 20, estimated: 1 });
    insert(line(at(undefined, 25)));
    expect(row()).toEqual({ interim: null, completion_tokens: 25, estimated: 0 });
    // A replay of the outbox, in any order, leaves the final event be.
    insert(line(at(3, 22)) + line(at(0, 0)) + line(at(undefined, 25)));
    expect(row()).toEqual({ interim: null, completion_tokens: 25, estimated: 0 });
    expect(raw.prepare('select count(*) as n from usage_events').get()).toEqual({ n: 1 });
    await db.destroy();
  });
});
