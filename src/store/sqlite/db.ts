// Opens the embedded SQLite database (WAL) and brings its schema up to date.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import { tuneConnection } from './connection.ts';

export { migrate } from '../sql/migrate.ts';

export function openSqlite(file: string): { db: Kysely<any>; raw: Database.Database } {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const raw = new Database(file);
  tuneConnection(raw);
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: raw }) });
  return { db, raw };
}
