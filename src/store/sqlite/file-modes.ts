// The data folder holds the database, the usage outbox and secrets (admin token, key-encryption key): the folder is
// the service user's alone (0700) and so are its files (0600), whatever the umask and whatever an older version left.
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Files of ours in the data folder (a name, or a prefix ending in '*'). Anything else there is left alone. */
const OURS = [
  'conduit.sqlite*',
  'usage-outbox.jsonl*',
  'admin-token',
  'demo-key',
  'key-encryption-key',
  'gateway-url',
  'audit-checkpoints.jsonl*',
];

const ours = (name: string) => OURS.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));

/**
 * Makes the folder 0700 and our files in it 0600, and creates `create` (empty, 0600) where missing: SQLite gives its
 * -wal and -shm files the database file's mode, and the outbox keeps the mode of the file it appends to. Returns what
 * could not be changed (a folder owned by another user, say), for a warning.
 */
export function makeDataFolderPrivate(dataDir: string, create: readonly string[]): string[] {
  const problems: string[] = [];
  const chmod = (path: string, mode: number) => {
    try {
      chmodSync(path, mode);
    } catch (err) {
      problems.push(
        `cannot make ${path} private (mode ${mode.toString(8)}): ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
  };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmod(dataDir, 0o700);
  for (const name of create) closeSync(openSync(join(dataDir, name), 'a', 0o600));
  for (const entry of readdirSync(dataDir, { withFileTypes: true }))
    if (entry.isFile() && ours(entry.name)) chmod(join(dataDir, entry.name), 0o600);
  return problems;
}
