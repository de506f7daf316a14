// Signing keys on PostgreSQL: the shared Kysely store, and a lock across nodes for making and rotating keys.
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { SqlSigningKeyStore } from '../sql/signing-keys.ts';

/** An advisory lock key of its own (within this database). */
const SIGNING_KEYS_LOCK = 0x6b657973; // "keys"

export class PgSigningKeyStore extends SqlSigningKeyStore {
  constructor(
    db: Kysely<any>,
    private readonly pool: pg.Pool,
  ) {
    super(db);
  }

  /** Holds a session advisory lock on a connection of its own while `work` runs (on the pool's others). */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [SIGNING_KEYS_LOCK]);
      try {
        return await work();
      } finally {
        await client.query('select pg_advisory_unlock($1)', [SIGNING_KEYS_LOCK]);
      }
    } finally {
      client.release();
    }
  }
}
