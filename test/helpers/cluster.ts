// Cluster-mode tests against this machine's real PostgreSQL, Redis and NATS: a fresh database and a unique cluster
// name per test file (dropped after), gateway nodes in-process or as child processes, and a TCP proxy that can
// pause or cut the way to any server, to simulate an outage without touching the servers others share.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, connect as connectTcp, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { usageStreamNames } from '../../src/store/nats/names.ts';
import { dropClusterKeys } from './redis.ts';
import { startTestGateway, tempDir, writeConfig, type TestGateway } from './gateway.ts';

export const POSTGRES_ADMIN_URL =
  process.env.CONDUIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.CONDUIT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const NATS_URL = process.env.CONDUIT_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

const REPO = join(import.meta.dirname, '..', '..');

/** A name no other test (in this run or another engineer's) uses: letters, digits and "_", starting with a letter. */
export function uniqueName(prefix = 't'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export interface TestDatabase {
  name: string;
  /** postgres://... of the fresh database. */
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty PostgreSQL database of its own; `drop` removes it (closing whatever is still connected). */
export async function createTestDatabase(prefix = 'conduit_test'): Promise<TestDatabase> {
  const name = uniqueName(prefix).toLowerCase();
  await onAdminDatabase((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      onAdminDatabase((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

async function onAdminDatabase<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A simulator-backed catalogue for cluster tests (in-process simulator, one region, models free of charge). */
export function clusterTestConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    regions: [{ id: 'us-east', country: 'US' }],
    vendors: [{ id: 'openai' }],
    providers: [
      {
        id: 'sim-us',
        vendor: 'openai',
        type: 'simulator',
        region: 'us-east',
        models: [{ model: 'gpt-4o' }, { model: 'text-embedding-3-small' }],
      },
    ],
    models: [
      { name: 'gpt-4o', vendor: 'openai' },
      { name: 'text-embedding-3-small', vendor: 'openai', kind: 'embedding' },
    ],
    ...extra,
  };
}

export interface TestCluster {
  /** The cluster name: prefix of this cluster's Redis keys and NATS subjects, unique to this test file. */
  name: string;
  database: TestDatabase;
  /** The key-encryption key every node of this cluster shares (CONDUIT_KEY_ENCRYPTION_KEY). */
  kek: string;
  /** The `cluster` config section: this database and name, and the servers asked for (overridable, e.g. by a proxy). */
  section(overrides?: Partial<ClusterSection>): ClusterSection;
  /** A gateway node in this process (an in-process simulator upstream unless the config says otherwise). */
  startNode(opts?: NodeOptions): Promise<TestGateway>;
  /** A gateway node as its own process (`conduit start`), for kill -9 and restarts. */
  startNodeProcess(opts?: NodeOptions): Promise<NodeProcess>;
  /** Stops the nodes started here and drops the database. */
  close(): Promise<void>;
}

export interface ClusterSection {
  name: string;
  database_url: string;
  redis_url?: string;
  nats_url?: string;
  on_redis_unavailable?: 'fail_open' | 'fail_closed';
}

export interface NodeOptions {
  /** The config without its cluster section (default clusterTestConfig()). */
  config?: Record<string, unknown>;
  /** Overrides of the cluster section (e.g. a proxy's URL in place of a server's). */
  cluster?: Partial<ClusterSection>;
  /** The node's data folder (local outbox, admin token); a fresh one by default. */
  dataDir?: string;
}

/**
 * A cluster for one test file: a fresh database, a unique name and a shared KEK. `servers` says which of Redis and
 * NATS its nodes use (PostgreSQL always). Call `close` in afterAll.
 */
export async function createTestCluster(servers: { redis?: boolean; nats?: boolean } = {}): Promise<TestCluster> {
  const database = await createTestDatabase();
  const name = uniqueName('c');
  // In-process nodes read this process's environment: every cluster of a test file shares the one KEK set there.
  const kek = process.env.CONDUIT_KEY_ENCRYPTION_KEY || randomBytes(32).toString('base64');
  process.env.CONDUIT_KEY_ENCRYPTION_KEY = kek;
  const nodes: Array<{ close(): Promise<void> }> = [];
  const section = (overrides: Partial<ClusterSection> = {}): ClusterSection => ({
    name,
    database_url: database.url,
    ...(servers.redis ? { redis_url: REDIS_URL } : {}),
    ...(servers.nats ? { nats_url: NATS_URL } : {}),
    ...overrides,
  });
  const configOf = (opts: NodeOptions) => ({ ...(opts.config ?? clusterTestConfig()), cluster: section(opts.cluster) });
  return {
    name,
    database,
    kek,
    section,
    async startNode(opts = {}) {
      const node = await startTestGateway({ config: configOf(opts), dataDir: opts.dataDir });
      nodes.push(node);
      return node;
    },
    async startNodeProcess(opts = {}) {
      const node = await startNodeProcess(writeConfig(configOf(opts)), opts.dataDir ?? tempDir(), {
        CONDUIT_KEY_ENCRYPTION_KEY: kek,
      });
      nodes.push({ close: () => node.stop() });
      return node;
    },
    async close() {
      await Promise.allSettled(nodes.map((n) => n.close()));
      if (servers.nats) await dropUsageStreams(name);
      if (servers.redis) await dropClusterKeys(name);
      await database.drop();
    },
  };
}

/** Removes a cluster's usage streams (and so its consumer) from the shared NATS server. */
export async function dropUsageStreams(clusterName: string): Promise<void> {
  const nc = await connect({ servers: NATS_URL, timeout: 5_000 });
  try {
    const jsm = await jetstreamManager(nc);
    const names = usageStreamNames(clusterName);
    for (const stream of [names.stream, names.deadStream]) await jsm.streams.delete(stream).catch(() => false);
  } finally {
    await nc.close();
  }
}

export interface NodeProcess {
  url: string;
  child: ChildProcess;
  dataDir: string;
  adminToken: string;
  /** Everything the process wrote so far (stdout and stderr), for a failing test to show. */
  output(): string;
  /** SIGKILL: no shutdown, no flush. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a graceful exit. */
  stop(): Promise<void>;
}

/** `conduit start --config FILE --port 0 --data DIR` as a child process; resolves once it listens. */
export async function startNodeProcess(
  configFile: string,
  dataDir: string,
  env: Record<string, string> = {},
  // Generous: a 2-core machine shared with other test runs can take this long to start several nodes at once.
  timeoutMs = 60_000,
): Promise<NodeProcess> {
  const adminToken = 'test-admin-token';
  const child = spawn(
    process.execPath,
    [join(REPO, 'bin', 'conduit.mjs'), 'start', '--config', configFile, '--port', '0', '--data', dataDir],
    {
      cwd: REPO,
      env: { ...process.env, CONDUIT_ADMIN_TOKEN: adminToken, CONDUIT_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running behind the failed test.
      child.kill('SIGKILL');
      reject(new Error(`node did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Conduit listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(([code]) => {
      clearTimeout(timer);
      reject(new Error(`node exited (${String(code)}) before listening:\n${output}`));
    });
  });
  const gone = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited;
  };
  return {
    url,
    child,
    dataDir,
    adminToken,
    output: () => output,
    kill: () => gone('SIGKILL'),
    stop: () => gone('SIGTERM'),
  };
}

export type ProxyState = 'open' | 'paused' | 'cut';

/**
 * A TCP proxy on 127.0.0.1 in front of one server. `pause()` holds every byte both ways and leaves new connections
 * waiting (a network partition: nothing is refused, nothing answers); `cut()` resets every connection and refuses
 * new ones (the server is down); `resume()` lets traffic through again.
 */
export class TcpProxy {
  private server: Server;
  private readonly pairs = new Set<{ client: Socket; upstream?: Socket }>();
  private waiting: Array<{ client: Socket }> = [];
  state: ProxyState = 'open';
  port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  /** A proxy to `url`'s host and port; `url(...)` of the proxy gives the same URL pointing at it. */
  static async start(targetUrl: string): Promise<TcpProxy> {
    const target = new URL(targetUrl);
    const proxy = new TcpProxy(target.hostname, Number(target.port));
    proxy.server.listen(0, '127.0.0.1');
    await once(proxy.server, 'listening');
    proxy.port = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  /** `url` with its host and port replaced by the proxy's. */
  url(url: string): string {
    const out = new URL(url);
    out.hostname = '127.0.0.1';
    out.port = String(this.port);
    return out.toString();
  }

  pause(): void {
    this.state = 'paused';
    for (const pair of this.pairs) {
      pair.client.pause();
      pair.upstream?.pause();
    }
  }

  cut(): void {
    this.state = 'cut';
    for (const pair of this.pairs) {
      pair.client.resetAndDestroy();
      pair.upstream?.destroy();
    }
    this.pairs.clear();
    for (const w of this.waiting) w.client.resetAndDestroy();
    this.waiting = [];
  }

  resume(): void {
    this.state = 'open';
    for (const pair of this.pairs) {
      pair.client.resume();
      pair.upstream?.resume();
    }
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) this.forward(w.client);
  }

  async close(): Promise<void> {
    this.cut();
    this.server.close();
    await once(this.server, 'close');
  }

  private accept(client: Socket): void {
    client.on('error', () => {});
    if (this.state === 'cut') return void client.resetAndDestroy();
    if (this.state === 'paused') {
      client.pause();
      this.waiting.push({ client });
      return;
    }
    this.forward(client);
  }

  private forward(client: Socket): void {
    const pair: { client: Socket; upstream?: Socket } = { client };
    const upstream = connectTcp(this.targetPort, this.targetHost);
    pair.upstream = upstream;
    this.pairs.add(pair);
    upstream.on('error', () => client.destroy());
    client.on('close', () => {
      upstream.destroy();
      this.pairs.delete(pair);
    });
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  }
}
