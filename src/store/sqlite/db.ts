// Opens the embedded SQLite database (WAL) and brings its schema up to date.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import { migrations } from '../migrations.ts';
import { tuneConnection } from './connection.ts';

export function openSqlite(file: string): { db: Kysely<any>; raw: Database.Database } {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const raw = new Database(file);
  tuneConnection(raw);
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: raw }) });
  return { db, raw };
}

export async function migrate(db: Kysely<any>, extra: Record<string, Migration> = {}): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => ({ ...migrations, ...extra }) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
}
