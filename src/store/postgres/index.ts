// The cluster's system of record: every store on one PostgreSQL database, which any number of nodes share.
// The queries that Kysely writes for both dialects live in ../sql/; what SQLite does through its own handle has
// its PostgreSQL counterpart here.
import { sql } from 'kysely';
import type { Store } from '../ports.ts';
import { migrate } from '../sql/migrate.ts';
import { SqlAuditStore } from '../sql/audit.ts';
import { SqlKeyStore, SqlOrgStore } from '../sql/tenancy.ts';
import { SqlPrincipalStore } from '../sql/principals.ts';
import { SqlPromptLogStore } from '../sql/prompt-logs.ts';
import { SqlVersionedStore } from '../sql/versions.ts';
import { SqlVettingStore } from '../sql/vetting.ts';
import { PgAbuseStore } from './abuse.ts';
import { PgBillingStore } from './billing.ts';
import { connectPostgres, ensureDatabase } from './connection.ts';
import { PgFingerprintStore } from './fingerprints.ts';
import { PgLedgerStore } from './ledger.ts';
import { PgResponseStore } from './responses.ts';
import { PgSigningKeyStore } from './signing-keys.ts';
import { PgUsageStore } from './usage.ts';

/** An advisory lock key of its own (within this database): appends to the audit chain take it in turn. */
const AUDIT_CHAIN_LOCK = 0x636f6e64; // "cond"

/**
 * Connects, brings the schema up to date (once, whatever the number of nodes starting together), and returns the
 * stores. `onError` hears about idle connections that failed.
 */
export async function openPostgresStore(
  url: string,
  onError: (err: unknown) => void = (err) => console.error(err),
): Promise<Store & { usage: PgUsageStore }> {
  await ensureDatabase(url);
  const { db, pool } = connectPostgres(url, onError);
  try {
    await migrate(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const usage = new PgUsageStore(db);
  return {
    readiness: {
      name: 'postgres',
      check: async () => {
        await sql`select 1`.execute(db);
      },
    },
    abuse: new PgAbuseStore(db),
    orgs: new SqlOrgStore(db),
    keys: new SqlKeyStore(db),
    usage,
    audit: new SqlAuditStore(db, async (trx) => {
      await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`.execute(trx);
    }),
    ledger: new PgLedgerStore(db),
    billing: new PgBillingStore(db),
    priceBooks: new SqlVersionedStore(db, 'price_books', 'book'),
    signingKeys: new PgSigningKeyStore(db, pool),
    fingerprints: new PgFingerprintStore(db),
    vetting: new SqlVettingStore(db),
    policy: new SqlVersionedStore(db, 'policy_versions', 'policy'),
    responses: new PgResponseStore(db),
    principals: new SqlPrincipalStore(db),
    promptLogs: new SqlPromptLogStore(db),
    async close() {
      await db.destroy();
    },
  };
}
