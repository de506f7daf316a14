// Organisations and API keys in SQL (Kysely; the same queries serve PostgreSQL).
import type { Kysely } from 'kysely';
import type { ApiKeyRecord, KeyStore, Org, OrgStore } from '../ports.ts';

export class SqlOrgStore implements OrgStore {
  constructor(private readonly db: Kysely<any>) {}

  async createOrg(org: Org): Promise<void> {
    await this.db.insertInto('orgs').values(org).execute();
  }

  async getOrg(id: string): Promise<Org | undefined> {
    return (await this.db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst()) as Org | undefined;
  }

  async listOrgs(): Promise<Org[]> {
    return (await this.db.selectFrom('orgs').selectAll().orderBy('created_at').orderBy('id').execute()) as Org[];
  }

  async updateOrg(id: string, patch: Partial<Pick<Org, 'name' | 'country' | 'tier' | 'status'>>): Promise<Org | undefined> {
    if (Object.keys(patch).length > 0) await this.db.updateTable('orgs').set(patch).where('id', '=', id).execute();
    return this.getOrg(id);
  }
}

export class SqlKeyStore implements KeyStore {
  constructor(private readonly db: Kysely<any>) {}

  async createKey(key: ApiKeyRecord): Promise<void> {
    await this.db.insertInto('api_keys').values(key).execute();
  }

  async findKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    return (await this.db.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst()) as
      | ApiKeyRecord
      | undefined;
  }

  async listKeys(orgId: string): Promise<ApiKeyRecord[]> {
    return (await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('created_at')
      .orderBy('id')
      .execute()) as ApiKeyRecord[];
  }

  async revokeKey(orgId: string, keyId: string, at: string): Promise<ApiKeyRecord | undefined> {
    await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('org_id', '=', orgId)
      .where('id', '=', keyId)
      .where('revoked_at', 'is', null)
      .execute();
    return (await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', keyId)
      .executeTakeFirst()) as ApiKeyRecord | undefined;
  }
}
