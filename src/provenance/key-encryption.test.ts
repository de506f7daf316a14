import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/gateway.ts';
import { KEK_FILE, KeyEncryptionError, loadKeyEncryptionKey } from './key-encryption.ts';

describe('key-encryption key in cluster mode', () => {
  it('comes from CONDUIT_KEY_ENCRYPTION_KEY: the same on every node, whatever their data folders', () => {
    const kek = randomBytes(32).toString('base64');
    const a = loadKeyEncryptionKey(tempDir(), { CONDUIT_KEY_ENCRYPTION_KEY: kek }, true);
    const b = loadKeyEncryptionKey(tempDir(), { CONDUIT_KEY_ENCRYPTION_KEY: kek }, true);
    expect(a.source).toBe('environment');
    expect(b.encryption.open(a.encryption.seal('secret', 'kid-1'), 'kid-1')).toBe('secret');
  });

  it('is refused when unset, rather than each node generating its own into its data folder', () => {
    const dir = tempDir();
    expect(() => loadKeyEncryptionKey(dir, {}, true)).toThrow(KeyEncryptionError);
    expect(() => loadKeyEncryptionKey(dir, { CONDUIT_KEY_ENCRYPTION_KEY: ' ' }, true)).toThrow(
      /CONDUIT_KEY_ENCRYPTION_KEY must be set in cluster mode/,
    );
    expect(existsSync(join(dir, KEK_FILE))).toBe(false);
    // The embedded default still generates one beside its data.
    expect(loadKeyEncryptionKey(dir, {}).source).toBe('file');
  });
});
