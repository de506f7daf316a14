// The PostgreSQL connection pool and its Kysely instance.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

const INT8 = 20;

/**
 * int8 columns (tokens, micro-units of one request, counts) as numbers: each is far below 2^53. Sums of them are
 * `numeric`, which stays a string, for the ledger to read as bigint.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const INVALID_CATALOG_NAME = '3D000';
/** The database exists: said as such, or (two nodes creating it at once) as the catalogue's unique index refusing. */
const DATABASE_EXISTS = new Set(['42P04', '23505']);

/**
 * Creates the URL's database when it does not exist (its user needs CREATEDB), through the server's `postgres`
 * database; a node that loses the race to create it finds it made.
 */
export async function ensureDatabase(url: string): Promise<void> {
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await probe.connect();
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== INVALID_CATALOG_NAME) throw err;
  } finally {
    await probe.end().catch(() => {});
  }
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const server = new URL(url);
  server.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: server.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } catch (err) {
    if (!DATABASE_EXISTS.has((err as { code?: string }).code ?? '')) throw err;
  } finally {
    await admin.end().catch(() => {});
  }
}

export interface PostgresConnection {
  db: Kysely<any>;
  pool: pg.Pool;
}

/**
 * `onError` hears about connections that failed (the server restarted, say): idle ones the pool replaces; one a
 * transaction holds fails that transaction. A pg client emits 'error' when its socket drops, and an 'error' event
 * with no listener would end the process.
 */
export function connectPostgres(url: string, onError: (err: unknown) => void): PostgresConnection {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types,
    // An unreachable server fails a query rather than holding a request (and its caller) forever.
    connectionTimeoutMillis: 5_000,
    query_timeout: 60_000,
    application_name: 'conduit',
  });
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return { pool, db: new Kysely<any>({ dialect: new PostgresDialect({ pool }) }) };
}
