// The Redis rate limiter against the real server: the contract every limiter keeps, and limits shared by nodes.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { dropClusterKeys, TEST_REDIS_URL, uniqueClusterName } from '../../../test/helpers/redis.ts';
import { rateLimiterContract } from '../../ratelimit/limiter.contract.ts';
import { RedisRateLimits } from './rate-limits.ts';
import { counterScripts } from './scripts.ts';

const name = uniqueClusterName();
const connections: Redis[] = [];
/** A node's limiter: a connection of its own, the cluster's key prefix. */
const node = () => {
  const redis = new Redis(TEST_REDIS_URL);
  connections.push(redis);
  return new RedisRateLimits(counterScripts(redis), `${name}:rl:`, (err) => {
    throw err;
  });
};

afterAll(async () => {
  await dropClusterKeys(name);
  connections.forEach((c) => c.disconnect());
});

describe('RedisRateLimits: the rate limiter contract', () => {
  const limiter = node();
  rateLimiterContract(() => limiter);
});

describe('RedisRateLimits across nodes', () => {
  it('two nodes share one concurrency limit and one request window', async () => {
    const [a, b] = [node(), node()];
    const specs = [{ scope: 'org:shared', concurrent: 5, requestsPerMinute: 8 }];
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).admit(specs, 0)));
    const admitted = outcomes.filter((o) => o.ok);
    expect(admitted).toHaveLength(5);
    for (const o of admitted) if (o.ok) o.release(0);
    // The slots are free again, but the window holds 5 of its 8 requests: 3 more pass, on either node.
    const more = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).admit(specs, 0)));
    expect(more.filter((o) => o.ok)).toHaveLength(3);
    const refused = more.find((o) => !o.ok);
    expect(refused && !refused.ok && refused.message).toMatch(/8 requests per minute/);
  });

  it('keys are prefixed by the cluster name, and a window expires with its minute', async () => {
    const redis = new Redis(TEST_REDIS_URL);
    connections.push(redis);
    await node().admit([{ scope: 'key:k1', requestsPerMinute: 5 }], 0);
    const ttl = await redis.pttl(`${name}:rl:key:k1:requests`);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
