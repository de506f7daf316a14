// `conduit start` as its own process, as an operator runs it: its stdout (the JSON log and the announcements) is
// collected, and it can be sent signals.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { tempDir } from './gateway.ts';

export interface SpawnedGateway {
  url: string;
  process: ChildProcess;
  adminToken: string;
  /** The demo organisation's key (the demo is seeded when no config file is given). */
  demoKey?: string;
  /** Everything written to stdout so far. */
  output(): string;
  /** Everything written to stderr so far (empty unless `captureStderr`: the test's own stderr shows it). */
  errors(): string;
  /** The JSON log lines so far, parsed (announcements and other text left out). */
  logLines(): Array<Record<string, unknown>>;
  /** Resolves with the first log line `match` accepts, within `ms`. */
  waitForLine(match: (line: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  configFile?: string;
  /** The data folder; a new one by default. */
  dataDir?: string;
  /** Keep stderr for the test to read instead of passing it through. */
  captureStderr?: boolean;
  env?: Record<string, string>;
}

export async function spawnGateway(opts: SpawnOptions = {}) {
  const adminToken = 'spawned-admin-token';
  const child = spawn(
    'node',
    [
      'bin/conduit.mjs',
      'start',
      '--port',
      '0',
      '--data',
      opts.dataDir ?? tempDir(),
      ...(opts.configFile ? ['--config', opts.configFile] : []),
    ],
    {
      env: { ...process.env, CONDUIT_ADMIN_TOKEN: adminToken, CONDUIT_LOG_LEVEL: 'info', ...opts.env },
      stdio: ['ignore', 'pipe', opts.captureStderr ? 'pipe' : 'inherit'],
    },
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in 30 s: ${out}`)), 30_000);
    const look = () => {
      const found = /Conduit listening on (http:\/\/\S+)/.exec(out)?.[1];
      // The demo's key is announced after the listening line, perhaps in a later chunk.
      if (!found || (!opts.configFile && !/Demo organisation API key: \S+\n/.test(out))) return;
      clearTimeout(timer);
      child.stdout!.off('data', look);
      resolve(found);
    };
    child.stdout!.on('data', look);
    child.once('exit', (code) => reject(new Error(`conduit start exited (${code}): ${out}`)));
  });
  const logLines = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const gateway: SpawnedGateway = {
    url,
    process: child,
    adminToken,
    demoKey: /Demo organisation API key: (\S+)/.exec(out)?.[1],
    output: () => out,
    errors: () => err,
    logLines,
    async waitForLine(match, ms = 10_000) {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        const line = logLines().find(match);
        if (line) return line;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no matching log line in ${ms} ms:\n${out}`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
  return gateway;
}
