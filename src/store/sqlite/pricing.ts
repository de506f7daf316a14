// Price book versions in SQL.
import type { Kysely } from 'kysely';
import type { PriceBookRecord, PriceBookStore } from '../ports.ts';

export class SqlPriceBookStore implements PriceBookStore {
  constructor(private readonly db: Kysely<any>) {}

  async latest(): Promise<PriceBookRecord | undefined> {
    const row = await this.db.selectFrom('price_books').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
    return row ? { version: Number(row.version), created_at: String(row.created_at), actor: String(row.actor), book: JSON.parse(String(row.book)) } : undefined;
  }

  async save(r: PriceBookRecord): Promise<void> {
    await this.db.insertInto('price_books').values({ ...r, book: JSON.stringify(r.book) }).execute();
  }
}
