// An audit append on SQLite reads the chain's head and then writes after it: it must hold the write lock from its
// start, or another connection's commit in between (the usage writer thread's, in the gateway) fails it with
// SQLITE_BUSY_SNAPSHOT, which no busy wait cures: a 500 for whoever's action was being audited.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../ports.ts';
import { migrate, openSqlite } from '../sqlite/db.ts';
import { SqlAuditStore } from './audit.ts';

const after = (head: AuditRecord | undefined, subject: string): AuditRecord => ({
  seq: (head?.seq ?? 0) + 1,
  ts: new Date().toISOString(),
  actor: 'test',
  action: 'test.appended',
  subject_type: 'test',
  subject_id: subject,
  reason: null,
  data: null,
  prev_hash: head?.hash ?? 'genesis',
  hash: `hash-${subject}`,
});

const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** The store's database, and a second connection to the same file that does not wait for locks. */
async function twoConnections() {
  const file = join(mkdtempSync(join(tmpdir(), 'conduit-audit-')), 'db.sqlite');
  const { db } = openSqlite(file);
  await migrate(db);
  const other = new Database(file);
  other.pragma('busy_timeout = 0');
  closers.push(
    () => other.close(),
    () => db.destroy(),
  );
  // Another writer's entry, as another connection would commit it while the append is under way.
  const otherWrites = () => {
    try {
      other
        .prepare(
          "insert into audit_log (seq, ts, actor, action, subject_type, subject_id, prev_hash, hash) values (1000, '', 'other', 'x', 'x', 'x', '', '')",
        )
        .run();
      return 'written';
    } catch (err) {
      return (err as { code?: string }).code;
    }
  };
  return { db, otherWrites };
}

describe('audit append on SQLite', () => {
  it('holds the write lock from its start: a write from another connection meanwhile waits, the append commits', async () => {
    const { db, otherWrites } = await twoConnections();
    const store = new SqlAuditStore(db, undefined, { beginImmediate: true });
    let other: string | undefined;
    const entry = await store.appendNext((head) => {
      other = otherWrites();
      return after(head, 'first');
    });
    expect(other).toBe('SQLITE_BUSY');
    expect(entry.seq).toBe(1);
    expect((await store.all()).map((e) => e.subject_id)).toEqual(['first']);
    // The lock is released on commit.
    expect(otherWrites()).toBe('written');
  });

  it('(the hazard) a deferred transaction lets the other write in, and then cannot write itself', async () => {
    const { db, otherWrites } = await twoConnections();
    const store = new SqlAuditStore(db);
    let other: string | undefined;
    const append = store.appendNext((head) => {
      other = otherWrites();
      return after(head, 'first');
    });
    await expect(append).rejects.toMatchObject({ code: 'SQLITE_BUSY_SNAPSHOT' });
    expect(other).toBe('written');
  });
});
