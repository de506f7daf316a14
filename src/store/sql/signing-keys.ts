// Provenance signing keys in SQL (Kysely; the same queries serve SQLite and PostgreSQL).
import type { Kysely } from 'kysely';
import type { SigningKeyRecord, SigningKeyStore } from '../ports.ts';

export class SqlSigningKeyStore implements SigningKeyStore {
  constructor(protected readonly db: Kysely<any>) {}

  async list(): Promise<SigningKeyRecord[]> {
    return (await this.db.selectFrom('signing_keys').selectAll().orderBy('created_at').execute()) as SigningKeyRecord[];
  }

  async save(key: SigningKeyRecord): Promise<void> {
    const changes = {
      retired_at: key.retired_at,
      private_pem: key.private_pem,
      cert_chain_pem: key.cert_chain_pem ?? null,
      revoked_at: key.revoked_at ?? null,
      revocation_reason: key.revocation_reason ?? null,
    };
    await this.db
      .insertInto('signing_keys')
      .values({ kid: key.kid, created_at: key.created_at, ...changes })
      .onConflict((oc) => oc.column('kid').doUpdateSet(changes))
      .execute();
  }
}
