// Stored Responses API responses and their output items, in SQLite. Every key starts with the organisation, so a
// lookup can only find what its organisation stored. A response and its items are written in one transaction.
import type Database from 'better-sqlite3';
import type { ResponseStore, StoredResponse } from '../ports.ts';

type Row = { org_id: string; id: string; created_at: string; input: string; output: string };
type Json = Record<string, unknown>;

export class SqlResponseStore implements ResponseStore {
  private readonly saveTx: (response: StoredResponse) => void;
  private readonly getOne: Database.Statement<[string, string], Row>;
  private readonly getItem: Database.Statement<[string, string], { item: string }>;

  constructor(private readonly raw: Database.Database) {
    const insert = raw.prepare(
      'insert or replace into stored_responses (org_id, id, created_at, input, output) values (?, ?, ?, ?, ?)',
    );
    const insertItem = raw.prepare(
      'insert or replace into stored_response_items (org_id, id, response_id, created_at, item) values (?, ?, ?, ?, ?)',
    );
    this.saveTx = raw.transaction((r: StoredResponse) => {
      insert.run(r.org_id, r.id, r.created_at, JSON.stringify(r.input), JSON.stringify(r.output));
      for (const item of r.output)
        if (typeof item.id === 'string') insertItem.run(r.org_id, item.id, r.id, r.created_at, JSON.stringify(item));
    });
    this.getOne = raw.prepare(
      'select org_id, id, created_at, input, output from stored_responses where org_id = ? and id = ?',
    );
    this.getItem = raw.prepare('select item from stored_response_items where org_id = ? and id = ?');
  }

  async save(response: StoredResponse): Promise<void> {
    this.saveTx(response);
  }

  async get(orgId: string, id: string): Promise<StoredResponse | undefined> {
    const row = this.getOne.get(orgId, id);
    return (
      row && {
        org_id: row.org_id,
        id: row.id,
        created_at: row.created_at,
        input: JSON.parse(row.input) as Json[],
        output: JSON.parse(row.output) as Json[],
      }
    );
  }

  async items(orgId: string, ids: string[]): Promise<Map<string, Json>> {
    const found = new Map<string, Json>();
    for (const id of new Set(ids)) {
      const row = this.getItem.get(orgId, id);
      if (row) found.set(id, JSON.parse(row.item) as Json);
    }
    return found;
  }

  async purge(before: string): Promise<number> {
    const purged = this.raw.transaction(() => {
      this.raw.prepare('delete from stored_response_items where created_at < ?').run(before);
      return this.raw.prepare('delete from stored_responses where created_at < ?').run(before).changes;
    });
    return purged();
  }
}
