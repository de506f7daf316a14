import { afterEach, describe, expect, it, vi } from 'vitest';
import { demoConfig } from './demo.ts';
import { ConfigError, validateConfig } from './load.ts';

const base = (cluster?: unknown) => ({
  regions: [{ id: 'sg', country: 'SG' }],
  vendors: [{ id: 'openai' }],
  providers: [{ id: 'a', vendor: 'openai', type: 'simulator', region: 'sg', models: [{ model: 'gpt-4o' }] }],
  models: [{ name: 'gpt-4o', vendor: 'openai' }],
  ...(cluster === undefined ? {} : { cluster }),
});

function problems(raw: unknown): string[] {
  try {
    validateConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

const clean = () => {
  for (const name of ['CONDUIT_DATABASE_URL', 'CONDUIT_REDIS_URL', 'CONDUIT_NATS_URL', 'CONDUIT_CLUSTER_NAME'])
    vi.stubEnv(name, '');
};

describe('cluster configuration', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('is absent by default: the embedded store', () => {
    clean();
    expect(validateConfig(base()).cluster).toBeUndefined();
    expect(demoConfig().cluster).toBeUndefined();
  });

  it('takes the three servers, with defaults for the name and the Redis outage behaviour', () => {
    clean();
    const config = validateConfig(
      base({
        database_url: 'postgres://postgres@127.0.0.1:5432/conduit',
        redis_url: 'redis://127.0.0.1:6379',
        nats_url: 'nats://127.0.0.1:4222',
      }),
    );
    expect(config.cluster).toEqual({
      name: 'conduit',
      database_url: 'postgres://postgres@127.0.0.1:5432/conduit',
      redis_url: 'redis://127.0.0.1:6379',
      nats_url: 'nats://127.0.0.1:4222',
      on_redis_unavailable: 'fail_open',
    });
    expect(Object.isFrozen(config.cluster)).toBe(true);
  });

  it('lists every problem of the section at once, naming each field', () => {
    clean();
    expect(
      problems(
        base({
          name: 'two words',
          database_url: 'mysql://db/conduit',
          redis_url: 'http://127.0.0.1:6379',
          nats_url: 'not a url',
          on_redis_unavailable: 'shrug',
          colour: 'blue',
        }),
      ),
    ).toEqual(
      expect.arrayContaining([
        'cluster: unknown field(s) "colour"',
        'cluster.name: must be 1-64 letters, digits, "-" or "_" (it prefixes Redis keys and NATS names)',
        'cluster.database_url: must be a URL with scheme postgres:// or postgresql://, such as postgres://postgres@127.0.0.1:5432/conduit',
        'cluster.redis_url: must be a URL with scheme redis:// or rediss://, such as redis://127.0.0.1:6379',
        'cluster.nats_url: must be a URL with scheme nats:// or tls://, such as nats://127.0.0.1:4222',
        expect.stringMatching(/^cluster\.on_redis_unavailable: .*"fail_open"/),
      ]),
    );
    expect(problems(base({}))).toEqual([expect.stringMatching(/^cluster\.database_url: /)]);
    expect(problems(base('yes'))).toEqual([expect.stringMatching(/^cluster: /)]);
  });

  it('environment variables override the file, and turn cluster mode on', () => {
    clean();
    vi.stubEnv('CONDUIT_DATABASE_URL', 'postgresql://u@db.internal/conduit');
    vi.stubEnv('CONDUIT_CLUSTER_NAME', 'blue');
    const fromEnv = validateConfig(base());
    expect(fromEnv.cluster).toMatchObject({ name: 'blue', database_url: 'postgresql://u@db.internal/conduit' });
    expect(fromEnv.cluster?.redis_url).toBeUndefined();
    const overridden = validateConfig(
      base({ name: 'green', database_url: 'postgres://127.0.0.1/other', nats_url: 'nats://127.0.0.1:4222' }),
    );
    expect(overridden.cluster).toMatchObject({
      name: 'blue',
      database_url: 'postgresql://u@db.internal/conduit',
      nats_url: 'nats://127.0.0.1:4222',
    });
  });

  it('says which environment variable holds a bad value', () => {
    clean();
    vi.stubEnv('CONDUIT_REDIS_URL', '127.0.0.1:6379');
    expect(problems(base())).toEqual(
      expect.arrayContaining([
        'cluster.redis_url: must be a URL with scheme redis:// or rediss://, such as redis://127.0.0.1:6379 (from CONDUIT_REDIS_URL)',
        expect.stringMatching(/^cluster\.database_url: /),
      ]),
    );
  });
});
