// A connection the server drops while a transaction holds it must fail that transaction, not the process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, TcpProxy, type TestDatabase } from '../../../test/helpers/cluster.ts';
import { connectPostgres } from './connection.ts';

let database: TestDatabase;
let proxy: TcpProxy;
beforeAll(async () => {
  database = await createTestDatabase();
  proxy = await TcpProxy.start(database.url);
});
afterAll(async () => {
  await proxy.close();
  await database.drop();
});

describe('PostgreSQL connection', () => {
  it('a connection cut under a transaction fails that transaction and is reported; the pool serves again after', async () => {
    const errors: unknown[] = [];
    const { db, pool } = connectPostgres(proxy.url(database.url), (err) => errors.push(err));
    try {
      const held = db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        proxy.cut();
        await new Promise((r) => setTimeout(r, 300));
        await sql`select 1`.execute(trx);
      });
      await expect(held).rejects.toThrow();
      expect(errors.length).toBeGreaterThan(0);
      proxy.resume();
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end().catch(() => undefined);
    }
  });
});
