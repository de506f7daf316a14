// The audit log in SQL (append-only by convention; the hash chain makes any edit detectable).
import type { Kysely } from 'kysely';
import type { AuditFilter, AuditRecord, AuditStore } from '../ports.ts';

const fromRow = (row: Record<string, unknown>): AuditRecord => ({
  ...(row as unknown as AuditRecord),
  seq: Number(row.seq),
  data: row.data ? JSON.parse(String(row.data)) : null,
});

export class SqlAuditStore implements AuditStore {
  constructor(private readonly db: Kysely<any>) {}

  async append(entry: AuditRecord): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({ ...entry, data: entry.data ? JSON.stringify(entry.data) : null })
      .execute();
  }

  async last(): Promise<AuditRecord | undefined> {
    const row = await this.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async list(f: AuditFilter): Promise<AuditRecord[]> {
    let q = this.db.selectFrom('audit_log').selectAll();
    if (f.actor) q = q.where('actor', '=', f.actor);
    if (f.action) q = q.where('action', '=', f.action);
    if (f.subject_type) q = q.where('subject_type', '=', f.subject_type);
    if (f.subject_id) q = q.where('subject_id', '=', f.subject_id);
    if (f.from) q = q.where('ts', '>=', f.from);
    if (f.to) q = q.where('ts', '<', f.to);
    return (
      await q
        .orderBy('seq', 'desc')
        .limit(f.limit ?? 100)
        .execute()
    ).map(fromRow);
  }

  async all(): Promise<AuditRecord[]> {
    return (await this.db.selectFrom('audit_log').selectAll().orderBy('seq').execute()).map(fromRow);
  }
}
