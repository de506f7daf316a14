// Stored Responses API responses and their output items in PostgreSQL. Every key starts with the organisation, so
// a lookup can only find what its organisation stored. A response and its items are written in one transaction.
import type { Kysely } from 'kysely';
import type { ResponseStore, StoredResponse } from '../ports.ts';

type Json = Record<string, unknown>;

export class PgResponseStore implements ResponseStore {
  constructor(private readonly db: Kysely<any>) {}

  async save(r: StoredResponse): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const input = JSON.stringify(r.input);
      const output = JSON.stringify(r.output);
      await trx
        .insertInto('stored_responses')
        .values({ org_id: r.org_id, id: r.id, created_at: r.created_at, input, output })
        .onConflict((oc) => oc.columns(['org_id', 'id']).doUpdateSet({ created_at: r.created_at, input, output }))
        .execute();
      // Items named twice in one reply keep the last, as SQLite's insert-or-replace does.
      const items = new Map<string, string>();
      for (const item of r.output) if (typeof item.id === 'string') items.set(item.id, JSON.stringify(item));
      if (items.size === 0) return;
      await trx
        .insertInto('stored_response_items')
        .values(
          [...items].map(([id, item]) => ({ org_id: r.org_id, id, response_id: r.id, created_at: r.created_at, item })),
        )
        .onConflict((oc) =>
          oc.columns(['org_id', 'id']).doUpdateSet((eb) => ({
            response_id: eb.ref('excluded.response_id'),
            created_at: eb.ref('excluded.created_at'),
            item: eb.ref('excluded.item'),
          })),
        )
        .execute();
    });
  }

  async get(orgId: string, id: string): Promise<StoredResponse | undefined> {
    const row = await this.db
      .selectFrom('stored_responses')
      .select(['org_id', 'id', 'created_at', 'input', 'output'])
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return (
      row && {
        org_id: String(row.org_id),
        id: String(row.id),
        created_at: String(row.created_at),
        input: JSON.parse(String(row.input)) as Json[],
        output: JSON.parse(String(row.output)) as Json[],
      }
    );
  }

  async items(orgId: string, ids: string[]): Promise<Map<string, Json>> {
    const found = new Map<string, Json>();
    if (ids.length === 0) return found;
    const rows = await this.db
      .selectFrom('stored_response_items')
      .select(['id', 'item'])
      .where('org_id', '=', orgId)
      .where('id', 'in', [...new Set(ids)])
      .execute();
    for (const row of rows) found.set(String(row.id), JSON.parse(String(row.item)) as Json);
    return found;
  }

  async purge(before: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('stored_response_items').where('created_at', '<', before).execute();
      const { numDeletedRows } = await trx
        .deleteFrom('stored_responses')
        .where('created_at', '<', before)
        .executeTakeFirst();
      return Number(numDeletedRows);
    });
  }
}
