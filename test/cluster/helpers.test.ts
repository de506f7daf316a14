// The cluster test helper itself: fresh databases are created and dropped, and the proxy pauses, cuts and resumes.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, POSTGRES_ADMIN_URL, TcpProxy, uniqueName } from '../helpers/cluster.ts';

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

const query = async (url: string, timeoutMs = 1_000): Promise<string> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ n: string }>('SELECT 41 + 1 AS n');
    return String(rows[0]!.n);
  } finally {
    await client.end().catch(() => {});
  }
};

describe('cluster test helper', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanup) await c();
  });

  it('names are unique and usable as identifiers', () => {
    const a = uniqueName();
    expect(a).toMatch(/^t_[a-z0-9]+_[0-9a-f]{8}$/);
    expect(uniqueName()).not.toBe(a);
  });

  it('creates a fresh database and drops it, connections and all', async () => {
    const db = await createTestDatabase();
    expect(await databaseExists(db.name)).toBe(true);
    const held = new pg.Client({ connectionString: db.url });
    held.on('error', () => {});
    await held.connect();
    await db.drop();
    expect(await databaseExists(db.name)).toBe(false);
    await held.end().catch(() => {});
  });

  it('proxies PostgreSQL, and pauses, cuts and resumes the way to it', async () => {
    const db = await createTestDatabase();
    cleanup.push(() => db.drop());
    const proxy = await TcpProxy.start(db.url);
    cleanup.push(() => proxy.close());
    const via = proxy.url(db.url);
    expect(await query(via)).toBe('42');

    proxy.cut();
    await expect(query(via)).rejects.toThrow();

    proxy.pause();
    const started = Date.now();
    await expect(query(via, 500)).rejects.toThrow(/timeout/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);

    // A connection made while paused goes through once resumed.
    const pending = query(via, 5_000);
    await new Promise((r) => setTimeout(r, 200));
    proxy.resume();
    expect(await pending).toBe('42');
  });
});
