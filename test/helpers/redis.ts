// Tests against this machine's real Redis, shared with other engineers' tests: every test file works under a
// cluster name of its own and deletes its keys after (never FLUSHALL).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.CONDUIT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A cluster name no other test uses: it prefixes every key the test makes. */
export const uniqueClusterName = () => `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

/** Deletes every key under `name:` (SCAN, bounded by what the test made). */
export async function dropClusterKeys(name: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    for (let i = 0; i < 10_000; i++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${name}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
}
