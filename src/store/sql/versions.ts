// Versions of whole documents (the policy, the price book), one table each, the same code for both.
import type { Kysely } from 'kysely';
import type { VersionedStore, VersionRecord } from '../ports.ts';

export class SqlVersionedStore implements VersionedStore {
  constructor(
    private readonly db: Kysely<any>,
    private readonly table: 'policy_versions' | 'price_books',
    /** The column holding the JSON document. */
    private readonly column: 'policy' | 'book',
  ) {}

  async latest(): Promise<VersionRecord | undefined> {
    const row = await this.db.selectFrom(this.table).selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
    return row
      ? {
          version: Number(row.version),
          created_at: String(row.created_at),
          actor: String(row.actor),
          document: JSON.parse(String(row[this.column])),
        }
      : undefined;
  }

  async save(r: VersionRecord): Promise<boolean> {
    const result = await this.db
      .insertInto(this.table)
      .values({
        version: r.version,
        created_at: r.created_at,
        actor: r.actor,
        [this.column]: JSON.stringify(r.document),
      })
      .onConflict((oc) => oc.column('version').doNothing())
      .executeTakeFirst();
    return result.numInsertedOrUpdatedRows === 1n;
  }
}
