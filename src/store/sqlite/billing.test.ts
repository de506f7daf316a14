// Issuing a numbered document reads the sequence and then writes it: on SQLite it must hold the write lock from its
// start, so that another connection committing meanwhile (the usage writer thread) waits, rather than failing the
// issue with SQLITE_BUSY_SNAPSHOT.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openSqlite } from './db.ts';
import { SqlBillingStore } from './billing.ts';

const file = join(mkdtempSync(join(tmpdir(), 'conduit-billing-')), 'db.sqlite');
const { db, raw } = openSqlite(file);
const other = new Database(file);
other.pragma('busy_timeout = 0');
afterAll(async () => {
  other.close();
  await db.destroy();
});

describe('issuing a document on SQLite', () => {
  it('holds the write lock from its start: another connection’s write waits, the number is taken once', async () => {
    await migrate(db);
    const store = new SqlBillingStore(raw);
    let otherWrite: string | undefined;
    const issued = await store.issue('invoice', 'INV-2026', (sequence) => {
      try {
        other.prepare("insert into document_sequences (series, last_value) values ('CN-2026', 7)").run();
        otherWrite = 'written';
      } catch (err) {
        otherWrite = (err as { code?: string }).code;
      }
      return {
        number: `INV-2026-${String(sequence).padStart(6, '0')}`,
        org_id: 'org_1',
        month: '2026-11',
        issued_at: '2026-12-01T00:00:00.000Z',
        invoice_number: null,
        document: { total: '1' },
      };
    });
    expect(otherWrite).toBe('SQLITE_BUSY');
    expect(issued?.number).toBe('INV-2026-000001');
    expect((await store.invoice('org_1', '2026-11'))?.number).toBe('INV-2026-000001');
  });
});
