// Applications and sanctions lists in SQL (JSON documents in text columns).
import type { Kysely } from 'kysely';
import type { ApplicationRecord, SanctionsListRecord, VettingStore } from '../ports.ts';

const application = (row: Record<string, unknown>): ApplicationRecord => ({
  org_id: String(row.org_id),
  submitted_at: String(row.submitted_at),
  data: JSON.parse(String(row.data)),
  screening: row.screening ? JSON.parse(String(row.screening)) : null,
  approvals: JSON.parse(String(row.approvals)),
  kyb: row.kyb ? JSON.parse(String(row.kyb)) : null,
});

export class SqlVettingStore implements VettingStore {
  constructor(private readonly db: Kysely<any>) {}

  async saveApplication(r: ApplicationRecord): Promise<void> {
    const row = {
      org_id: r.org_id,
      submitted_at: r.submitted_at,
      data: JSON.stringify(r.data),
      screening: r.screening ? JSON.stringify(r.screening) : null,
      approvals: JSON.stringify(r.approvals),
      kyb: r.kyb ? JSON.stringify(r.kyb) : null,
    };
    await this.db
      .insertInto('applications')
      .values(row)
      .onConflict((oc) =>
        oc
          .column('org_id')
          .doUpdateSet({ data: row.data, screening: row.screening, approvals: row.approvals, kyb: row.kyb }),
      )
      .execute();
  }

  async getApplication(orgId: string): Promise<ApplicationRecord | undefined> {
    const row = await this.db.selectFrom('applications').selectAll().where('org_id', '=', orgId).executeTakeFirst();
    return row ? application(row) : undefined;
  }

  async listApplications(): Promise<ApplicationRecord[]> {
    return (await this.db.selectFrom('applications').selectAll().orderBy('submitted_at').execute()).map(application);
  }

  async saveList(list: SanctionsListRecord): Promise<void> {
    const row = {
      source: list.source,
      version: list.version,
      loaded_at: list.loaded_at,
      entries: JSON.stringify(list.entries),
    };
    await this.db
      .insertInto('sanctions_lists')
      .values(row)
      .onConflict((oc) =>
        oc.column('source').doUpdateSet({ version: row.version, loaded_at: row.loaded_at, entries: row.entries }),
      )
      .execute();
  }

  async lists(): Promise<SanctionsListRecord[]> {
    const rows = await this.db.selectFrom('sanctions_lists').selectAll().execute();
    return rows.map((r) => ({
      source: String(r.source),
      version: Number(r.version),
      loaded_at: String(r.loaded_at),
      entries: JSON.parse(String(r.entries)),
    }));
  }
}
