// The embedded store: one SQLite file in the data folder.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../ports.ts';
import { migrate, openSqlite } from './db.ts';
import { makeDataFolderPrivate } from './file-modes.ts';
import { SqlAbuseStore } from './abuse.ts';
import { SqlAuditStore } from '../sql/audit.ts';
import { SqlBillingStore } from './billing.ts';
import { SqlLedgerStore } from './ledger.ts';
import { SqlVersionedStore } from '../sql/versions.ts';
import { SqlFingerprintStore, SqliteSigningKeyStore } from './provenance.ts';
import { SqlKeyStore, SqlOrgStore } from '../sql/tenancy.ts';
import { SqlPrincipalStore } from '../sql/principals.ts';
import { SqlPromptLogStore } from '../sql/prompt-logs.ts';
import { SqlVettingStore } from '../sql/vetting.ts';
import { SqlResponseStore } from './responses.ts';
import { SqlUsageStore } from './usage.ts';
import { inlineWrites, WriterThread } from './writer-thread.ts';

/** `onError` hears about background writes that failed (they are retried, and nothing is lost). */
export async function openSqliteStore(
  dataDir: string,
  onError: (err: unknown) => void = (err) => console.error(err),
): Promise<Store & { usage: SqlUsageStore }> {
  const file = dataDir === ':memory:' ? ':memory:' : join(dataDir, 'conduit.sqlite');
  if (file !== ':memory:')
    for (const problem of makeDataFolderPrivate(dataDir, ['conduit.sqlite', 'usage-outbox.jsonl']))
      onError(new Error(problem));
  const { db, raw } = openSqlite(file);
  await migrate(db);
  // Bulk writes run on a thread of their own; an in-memory database is visible to this connection only.
  const writes = file === ':memory:' ? inlineWrites(raw) : new WriterThread(file);
  const fingerprints = new SqlFingerprintStore(raw, writes);
  const outboxFile =
    dataDir === ':memory:'
      ? join(mkdtempSync(join(tmpdir(), 'conduit-')), 'usage-outbox.jsonl')
      : join(dataDir, 'usage-outbox.jsonl');
  const usage = new SqlUsageStore(raw, outboxFile, writes, onError);
  return {
    abuse: new SqlAbuseStore(raw, writes),
    orgs: new SqlOrgStore(db),
    keys: new SqlKeyStore(db),
    usage,
    audit: new SqlAuditStore(db, undefined, { beginImmediate: true }),
    ledger: new SqlLedgerStore(raw, usage),
    billing: new SqlBillingStore(raw),
    priceBooks: new SqlVersionedStore(db, 'price_books', 'book'),
    signingKeys: new SqliteSigningKeyStore(db, raw),
    fingerprints,
    vetting: new SqlVettingStore(db),
    policy: new SqlVersionedStore(db, 'policy_versions', 'policy'),
    responses: new SqlResponseStore(raw),
    principals: new SqlPrincipalStore(db),
    promptLogs: new SqlPromptLogStore(db),
    queueDepths: () => ({
      usage_outbox: usage.pendingCount(),
      writer_thread: writes instanceof WriterThread ? writes.queued : 0,
    }),
    async close() {
      await usage.close();
      await writes.close();
      await db.destroy();
    },
  };
}
