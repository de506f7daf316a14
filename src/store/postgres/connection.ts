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

export interface PostgresConnection {
  db: Kysely<any>;
  pool: pg.Pool;
}

/** `onError` hears about idle connections that failed (the server restarted, say): the pool replaces them. */
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
  return { pool, db: new Kysely<any>({ dialect: new PostgresDialect({ pool }) }) };
}
