// The data folder holds the database, the usage outbox and secrets: the folder is 0700 and its files 0600, and a
// folder an older version left readable to others is made private at start.
import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';

const mode = (path: string) => statSync(path).mode & 0o777;
let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe('the data folder', () => {
  it('is 0700 with its database, WAL, outbox and key-encryption key 0600, and a folder an older version left lax is fixed', async () => {
    const dataDir = join(tempDir(), 'data');
    gw = await startTestGateway({ dataDir });
    const { key } = await gw.newOrgKey({ country: 'US' });
    await gw.client(key).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello' }] });
    const expectPrivate = () => {
      expect(mode(dataDir)).toBe(0o700);
      for (const f of [
        'conduit.sqlite',
        'conduit.sqlite-wal',
        'conduit.sqlite-shm',
        'usage-outbox.jsonl',
        'key-encryption-key',
      ])
        expect([f, mode(join(dataDir, f))]).toEqual([f, 0o600]);
    };
    expectPrivate();
    await gw.close();
    chmodSync(dataDir, 0o755);
    for (const f of readdirSync(dataDir)) chmodSync(join(dataDir, f), 0o644);
    gw = await startTestGateway({ dataDir });
    expectPrivate();
  });
});
