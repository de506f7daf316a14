// Private keys at rest: sealed with AES-256-GCM (node:crypto, whole) under a key-encryption key (KEK) that lives
// outside the database: CONDUIT_KEY_ENCRYPTION_KEY (base64, 32 bytes), or else a file generated beside the data.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const KEK_ENV = 'CONDUIT_KEY_ENCRYPTION_KEY';
export const KEK_FILE = 'key-encryption-key';
const PREFIX = 'aes-256-gcm:v1';

export class KeyEncryptionError extends Error {
  override name = 'KeyEncryptionError';
}

/**
 * Seals and opens private keys. A sealed value reads `aes-256-gcm:v1:<kek id>:<iv>:<tag>:<ciphertext>` (base64url
 * parts, 12-byte random IV, 16-byte tag); the additional data binds it to its record (the key id), so a sealed
 * value copied onto another record does not open. The KEK id (a hash prefix) tells which KEK a value needs.
 */
export class KeyEncryption {
  readonly id: string;

  constructor(private readonly kek: Buffer) {
    if (kek.length !== 32)
      throw new KeyEncryptionError(`The key-encryption key must be 32 bytes; this one is ${kek.length}.`);
    this.id = createHash('sha256')
      .update('conduit key-encryption key id\0')
      .update(kek)
      .digest('base64url')
      .slice(0, 11);
  }

  static isSealed(value: string): boolean {
    return value.startsWith(`${PREFIX}:`);
  }

  seal(plaintext: string, boundTo: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.kek, iv);
    cipher.setAAD(Buffer.from(boundTo));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      PREFIX,
      this.id,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      body.toString('base64url'),
    ].join(':');
  }

  open(sealed: string, boundTo: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 6 || `${parts[0]}:${parts[1]}` !== PREFIX)
      throw new KeyEncryptionError(`The signing key '${boundTo}' is not sealed in a form this version reads.`);
    const [, , id, iv, tag, body] = parts as [string, string, string, string, string, string];
    if (id !== this.id) {
      throw new KeyEncryptionError(
        `The signing key '${boundTo}' was sealed with another key-encryption key (id ${id}; the one given has id ${this.id}). Set ${KEK_ENV} to the key it was sealed with, or restore DATA/${KEK_FILE}.`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.kek, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(boundTo));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new KeyEncryptionError(
        `The signing key '${boundTo}' does not open: its sealed value was altered or belongs to another key.`,
      );
    }
  }
}

export interface LoadedKek {
  encryption: KeyEncryption;
  /** Where it came from: the environment, a file in the data folder, or made up for an in-memory store. */
  source: 'environment' | 'file' | 'ephemeral';
  /** Set when the KEK sits beside the data it protects (anyone with a copy of the folder can open the keys). */
  warning?: string;
}

/**
 * The KEK from CONDUIT_KEY_ENCRYPTION_KEY; without it, DATA/key-encryption-key (generated on first start, mode 0600),
 * which protects against a leaked database file but not against a copy of the whole folder: hence the warning.
 */
export function loadKeyEncryptionKey(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
  cluster = false,
): LoadedKek {
  const fromEnv = env[KEK_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '')
    return { encryption: new KeyEncryption(decode(fromEnv.trim(), KEK_ENV)), source: 'environment' };
  // Every node opens the same signing keys from the shared database: one KEK for all, never one per data folder.
  if (cluster)
    throw new KeyEncryptionError(
      `${KEK_ENV} must be set in cluster mode (base64, 32 bytes, e.g. \`openssl rand -base64 32\`), the same on every node: the signing keys in the shared database are sealed with it.`,
    );
  if (dataDir === ':memory:') return { encryption: new KeyEncryption(randomBytes(32)), source: 'ephemeral' };
  const file = join(dataDir, KEK_FILE);
  const warning = `${KEK_ENV} is not set: signing keys are sealed with the key-encryption key in ${file}, beside the data it protects. Keep that file out of backups of the database, or set ${KEK_ENV} (base64, 32 bytes) from a secret store.`;
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return { encryption: new KeyEncryption(decode(readFileSync(file, 'utf8').trim(), file)), source: 'file', warning };
  }
  const kek = randomBytes(32);
  // 'wx': never overwrite a KEK another process just wrote.
  writeFileSync(file, `${kek.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { encryption: new KeyEncryption(kek), source: 'file', warning };
}

function decode(text: string, where: string): Buffer {
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(text)
    ? Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64')
    : Buffer.alloc(0);
  if (bytes.length !== 32)
    throw new KeyEncryptionError(
      `${where}: the key-encryption key must be 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`); this is ${bytes.length === 0 ? 'not base64' : `${bytes.length} bytes`}.`,
    );
  return bytes;
}
