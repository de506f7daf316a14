// Admin principals in SQL (Kysely; the same queries serve PostgreSQL).
import type { Kysely } from 'kysely';
import type { AdminPrincipalRecord, PrincipalStore } from '../ports.ts';

export class SqlPrincipalStore implements PrincipalStore {
  constructor(private readonly db: Kysely<any>) {}

  async createPrincipal(record: AdminPrincipalRecord): Promise<void> {
    await this.db.insertInto('admin_principals').values(record).execute();
  }

  async findPrincipalByHash(hash: string): Promise<AdminPrincipalRecord | undefined> {
    return (await this.db.selectFrom('admin_principals').selectAll().where('hash', '=', hash).executeTakeFirst()) as
      AdminPrincipalRecord | undefined;
  }

  async listPrincipals(): Promise<AdminPrincipalRecord[]> {
    return (await this.db
      .selectFrom('admin_principals')
      .selectAll()
      .where('deleted_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute()) as AdminPrincipalRecord[];
  }

  async deletePrincipal(id: string, at: string): Promise<AdminPrincipalRecord | undefined> {
    const { numUpdatedRows } = await this.db
      .updateTable('admin_principals')
      .set({ deleted_at: at })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (numUpdatedRows === 0n) return undefined;
    return (await this.db.selectFrom('admin_principals').selectAll().where('id', '=', id).executeTakeFirst()) as
      AdminPrincipalRecord | undefined;
  }
}
