// A file database's bulk writes: a few run inline on the gateway's connection with no thread started; past their
// budget of event-loop time they go to the writer thread, which stops again once idle.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/gateway.ts';
import { usageEvent } from '../../../test/helpers/usage-event.ts';
import { migrate, openSqlite } from './db.ts';
import { AdaptiveWrites, WriterThread } from './writer-thread.ts';

async function open(inlineMs: number) {
  const file = join(tempDir('conduit-writes-'), 'conduit.sqlite');
  const { db, raw } = openSqlite(file);
  await migrate(db);
  const thread = new WriterThread(file, 100);
  const writes = new AdaptiveWrites(raw, thread, { inlineMs, windowMs: 60_000 });
  const rows = () => (raw.prepare('select count(*) as n from usage_events').get() as { n: number }).n;
  return { db, raw, thread, writes, rows };
}
const lines = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `${JSON.stringify(usageEvent(`req_${from + i}`))}\n`).join('');

describe('adaptive bulk writes', () => {
  it('writes small batches inline, starting no thread, and a large one on the thread', async () => {
    const { db, thread, writes, rows } = await open(10_000);
    for (let i = 0; i < 5; i++) expect(await writes.insertUsage(lines(i, 1))).toBe(1);
    expect(await writes.insertUsage(lines(5, 8))).toBe(8);
    expect(rows()).toBe(13);
    expect(thread.running).toBe(false);
    expect(await writes.insertUsage(lines(13, 9))).toBe(9);
    expect(thread.running).toBe(true);
    expect(rows()).toBe(22);
    await writes.close();
    await db.destroy();
  });

  it('sends writes past the budget to the writer thread, which stops once idle', async () => {
    const { db, thread, writes, rows } = await open(0.01);
    // The first write spends the budget inline; the rest go to the thread, committed before they resolve.
    await writes.insertUsage(lines(0, 10));
    expect(await Promise.all([writes.insertUsage(lines(10, 10)), writes.insertUsage(lines(20, 10))])).toEqual([10, 10]);
    expect(thread.running).toBe(true);
    expect(rows()).toBe(30);
    for (let i = 0; i < 100 && thread.running; i++) await new Promise((r) => setTimeout(r, 20));
    expect(thread.running).toBe(false);
    // A new thread takes the next writes.
    await writes.insertUsage(lines(30, 1));
    expect(rows()).toBe(31);
    await writes.close();
    await db.destroy();
  });

  it("writes on the thread while the gateway's connection is inside a transaction, whatever becomes of it", async () => {
    const { db, raw, thread, writes, rows } = await open(10_000);
    raw.exec('begin');
    const written = writes.insertUsage(lines(0, 1));
    expect(thread.running).toBe(true);
    raw.exec('rollback');
    expect(await written).toBe(1);
    expect(rows()).toBe(1);
    await writes.close();
    await db.destroy();
  });

  it('purges on the thread whatever the budget', async () => {
    const { db, thread, writes } = await open(10_000);
    expect(await writes.purgeFingerprints('2026-01-01T00:00:00.000Z')).toBe(0);
    expect(thread.running).toBe(true);
    await writes.close();
    expect(thread.running).toBe(false);
    await db.destroy();
  });
});
