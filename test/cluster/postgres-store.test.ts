// What the PostgreSQL store must do because several nodes share it: migrate once when they start together, keep
// one audit chain under concurrent appends, hold 64-bit values, and take usage batches idempotently.
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { verifyChain } from '../../src/audit/chain.ts';
import { migrations } from '../../src/store/migrations.ts';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import { connectPostgres } from '../../src/store/postgres/connection.ts';
import { migrate } from '../../src/store/sql/migrate.ts';
import pg from 'pg';
import { createTestDatabase, POSTGRES_ADMIN_URL, type TestDatabase } from '../helpers/cluster.ts';
import { usageEvent } from '../helpers/usage-event.ts';

const databases: TestDatabase[] = [];
const fresh = async () => {
  const db = await createTestDatabase();
  databases.push(db);
  return db;
};
afterAll(async () => {
  for (const db of databases) await db.drop();
});

describe('PostgreSQL store shared by several nodes', () => {
  it('three nodes starting together on a fresh database apply each migration exactly once', async () => {
    const database = await fresh();
    const nodes = [0, 1, 2].map(() => connectPostgres(database.url, () => {}));
    // A migration of the test's own, after the real ones, that counts how many times it ran.
    const counted = {
      '9999_count_runs': {
        async up(db: Parameters<(typeof migrations)[string]['up']>[0]) {
          await sql`create table if not exists migration_runs (at timestamptz not null default now())`.execute(db);
          await sql`insert into migration_runs default values`.execute(db);
        },
      },
    };
    const results = await Promise.allSettled(nodes.map((n) => migrate(n.db, counted)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const db = nodes[0]!.db;
    const { rows: runs } = await sql<{ n: number }>`select count(*) as n from migration_runs`.execute(db);
    expect(runs[0]!.n).toBe(1);
    const { rows: applied } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    expect(applied.map((r) => r.name)).toEqual([...Object.keys(migrations), '9999_count_runs'].sort());
    for (const n of nodes) await n.db.destroy();
  });

  it('every integer column that holds money, tokens, hashes or ids is 64-bit', async () => {
    const database = await fresh();
    const store = await openPostgresStore(database.url);
    const { db } = connectPostgres(database.url, () => {});
    const { rows } = await sql<{ column: string; type: string }>`select table_name || '.' || column_name as column,
      data_type as type from information_schema.columns where table_schema = 'public' and data_type = 'integer'
      and table_name not like 'kysely_%' order by 1`.execute(db);
    // Only small counts and codes stay 32-bit.
    expect(rows.map((r) => r.column)).toEqual([
      'document_sequences.last_value',
      'policy_versions.version',
      'price_books.version',
      // An HTTP status code.
      'prompt_logs.status',
      'provenance_fingerprints_recent.generation',
      'provenance_outputs.fingerprint_count',
      'sanctions_lists.version',
      'usage_events.estimated',
      'usage_events.interim',
      'usage_events.latency_ms',
      'usage_events.status',
    ]);
    // A request's tokens past 2^31 are kept as they are.
    const event = usageEvent('big-tokens', { prompt_tokens: 3_000_000_000, completion_tokens: 2 ** 40 });
    await store.usage.record(event);
    expect(await store.usage.list('org', {})).toEqual([event]);
    await db.destroy();
    await store.close();
  });

  it('the audit log stays one hash chain when two nodes append at once', async () => {
    const database = await fresh();
    const [a, b] = await Promise.all([openPostgresStore(database.url), openPostgresStore(database.url)]);
    const logs = [new AuditLog(a.audit), new AuditLog(b.audit)];
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        logs[i % 2]!.append({
          actor: `node-${i % 2}`,
          action: 'test.append',
          subject_type: 'test',
          subject_id: `${i}`,
        }),
      ),
    );
    const entries = await a.audit.all();
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(new Set(entries.map((e) => e.actor))).toEqual(new Set(['node-0', 'node-1']));
    expect(verifyChain(entries).ok).toBe(true);
    await a.close();
    await b.close();
  });

  it('usage batches are idempotent by request id: duplicates within a batch, a replayed batch, two writers', async () => {
    const database = await fresh();
    const [a, b] = await Promise.all([openPostgresStore(database.url), openPostgresStore(database.url)]);
    const events = Array.from({ length: 3_000 }, (_, i) => usageEvent(`r${i}`, { price_micros: i }));
    const opening = { ...events[0]!, interim: 0, price_micros: 0 };
    // The batch holds the stream's opening record and its final event: the final one is kept.
    await a.usage.recordBatch([opening, ...events.slice(0, 2_000)]);
    await Promise.all([b.usage.recordBatch(events), a.usage.recordBatch(events.slice(1_000)), b.usage.record(opening)]);
    expect(await a.ledger.aggregate({ group_by: [] })).toEqual([
      expect.objectContaining({ requests: 3_000, price_micros: BigInt((2_999 * 3_000) / 2) }),
    ]);
    expect((await a.usage.list('org', { limit: 1, to: '2026-12-05T10:00:00.001Z' }))[0]).not.toHaveProperty('interim');
    await a.close();
    await b.close();
  });
});

describe('PostgreSQL store on a database that does not exist yet', () => {
  it('creates it, once, when nodes start together', async () => {
    const name = `conduit_test_missing_${Date.now().toString(36)}`;
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${name}`;
    databases.push({ name, url: url.toString(), drop: () => dropDatabase(name) });
    const stores = await Promise.all([openPostgresStore(url.toString()), openPostgresStore(url.toString())]);
    expect((await stores[0].orgs.listOrgs()).length).toBe(0);
    for (const s of stores) await s.close();
  });
});

async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.end();
}
