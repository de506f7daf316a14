// Organisations and API keys in SQL (Kysely; the same queries serve PostgreSQL).
import type { Kysely } from 'kysely';
import type { ApiKeyRecord, KeyStore, LimitsSettings, Org, OrgPatch, OrgStore, RoutingSettings } from '../ports.ts';

// JSON columns: text in both SQLite and PostgreSQL, (de)serialised here.
const JSON_COLUMNS = [
  'routing',
  'ownership',
  'pricing',
  'limits',
  'enforcement',
  'disclosure',
  'preferences',
  'contract',
  'prompt_logging',
] as const;
const toRow = <T extends object>(value: T) => {
  const row: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const c of JSON_COLUMNS) if (c in row) row[c] = row[c] ? JSON.stringify(row[c]) : null;
  return row;
};
const fromRow = <T>(row: Record<string, unknown> | undefined): T | undefined => {
  if (!row) return undefined;
  const out: Record<string, unknown> = { ...row };
  for (const c of JSON_COLUMNS) if (c in out) out[c] = typeof out[c] === 'string' ? JSON.parse(out[c] as string) : null;
  return out as T;
};

export class SqlOrgStore implements OrgStore {
  constructor(private readonly db: Kysely<any>) {}

  async createOrg(org: Org): Promise<void> {
    await this.db.insertInto('orgs').values(toRow(org)).execute();
  }

  async getOrg(id: string): Promise<Org | undefined> {
    return fromRow<Org>(await this.db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst());
  }

  async listOrgs(): Promise<Org[]> {
    return (await this.db.selectFrom('orgs').selectAll().orderBy('created_at').orderBy('id').execute()).map((r) =>
      fromRow<Org>(r)!,
    );
  }

  async updateOrg(id: string, patch: OrgPatch): Promise<Org | undefined> {
    const row = toRow(patch);
    if (Object.keys(row).length > 0) await this.db.updateTable('orgs').set(row).where('id', '=', id).execute();
    return this.getOrg(id);
  }
}

export class SqlKeyStore implements KeyStore {
  constructor(private readonly db: Kysely<any>) {}

  async createKey(key: ApiKeyRecord): Promise<void> {
    await this.db.insertInto('api_keys').values(toRow(key)).execute();
  }

  async findKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    return fromRow<ApiKeyRecord>(
      await this.db.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst(),
    );
  }

  async listKeys(orgId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => fromRow<ApiKeyRecord>(r)!);
  }

  async revokeKey(orgId: string, keyId: string, at: string): Promise<ApiKeyRecord | undefined> {
    await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('org_id', '=', orgId)
      .where('id', '=', keyId)
      .where('revoked_at', 'is', null)
      .execute();
    return this.getKey(orgId, keyId);
  }

  async setKeyRouting(
    orgId: string,
    keyId: string,
    routing: RoutingSettings | null,
  ): Promise<ApiKeyRecord | undefined> {
    await this.db
      .updateTable('api_keys')
      .set({ routing: routing ? JSON.stringify(routing) : null })
      .where('org_id', '=', orgId)
      .where('id', '=', keyId)
      .execute();
    return this.getKey(orgId, keyId);
  }

  async setKeyLimits(orgId: string, keyId: string, limits: LimitsSettings | null): Promise<ApiKeyRecord | undefined> {
    await this.db
      .updateTable('api_keys')
      .set({ limits: limits ? JSON.stringify(limits) : null })
      .where('org_id', '=', orgId)
      .where('id', '=', keyId)
      .execute();
    return this.getKey(orgId, keyId);
  }

  private async getKey(orgId: string, keyId: string): Promise<ApiKeyRecord | undefined> {
    return fromRow<ApiKeyRecord>(
      await this.db
        .selectFrom('api_keys')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', keyId)
        .executeTakeFirst(),
    );
  }
}
