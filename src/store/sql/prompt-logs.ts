// Prompt logs in SQL (Kysely; the same queries serve SQLite and PostgreSQL). Keyed by organisation first: a lookup
// can only find what its own organisation logged.
import type { Kysely } from 'kysely';
import type { PromptLogEntry, PromptLogQuery, PromptLogStore } from '../ports.ts';

export class SqlPromptLogStore implements PromptLogStore {
  constructor(private readonly db: Kysely<any>) {}

  async record(entry: PromptLogEntry): Promise<void> {
    await this.db
      .insertInto('prompt_logs')
      .values(entry)
      .onConflict((oc) => oc.columns(['org_id', 'request_id']).doNothing())
      .execute();
  }

  async list(orgId: string, query: PromptLogQuery): Promise<PromptLogEntry[]> {
    let select = this.db.selectFrom('prompt_logs').selectAll().where('org_id', '=', orgId);
    if (query.before !== undefined) select = select.where('created_at', '<', query.before);
    if (query.request_id !== undefined) select = select.where('request_id', '=', query.request_id);
    const rows = await select.orderBy('created_at', 'desc').orderBy('request_id', 'desc').limit(query.limit).execute();
    return rows.map((r) => ({ ...r, status: Number(r.status) }) as PromptLogEntry);
  }

  async purgeExpired(now: string): Promise<number> {
    const { numDeletedRows } = await this.db.deleteFrom('prompt_logs').where('expires_at', '<', now).executeTakeFirst();
    return Number(numDeletedRows);
  }
}
