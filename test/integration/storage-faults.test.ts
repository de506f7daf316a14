// Storage that fails under a running gateway: faults are reported and retried, never fatal; what cannot be
// recorded is refused; nothing recorded is lost or billed twice.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { tempDir } from '../helpers/gateway.ts';

const until = async (check: () => boolean | Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
};

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

/** A gateway of its own (the demo catalogue on the in-process simulator), so that what ends it can be seen. */
async function startChild(dataDir: string): Promise<{ client: OpenAI; exited: () => boolean; stderr: () => string }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const proc = spawn('node', ['bin/conduit.mjs', 'start', '--port', String(port), '--host', '127.0.0.1', '--data', dataDir], {
    env: { ...process.env, CONDUIT_ADMIN_TOKEN: 'fault-test', CONDUIT_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let out = '';
  let err = '';
  proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  expect(await until(() => /Demo organisation API key: (\S+)/.test(out), 15_000)).toBe(true);
  const key = /Demo organisation API key: (\S+)/.exec(out)![1]!;
  return {
    client: new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: key, maxRetries: 0 }),
    exited: () => proc.exitCode !== null || proc.signalCode !== null,
    stderr: () => err,
  };
}

function chattr(flag: '+i' | '-i', file: string): boolean {
  try {
    execFileSync('chattr', [flag, file], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const canPin = (() => {
  const dir = tempDir();
  execFileSync('touch', [join(dir, 'probe')]);
  const ok = chattr('+i', join(dir, 'probe'));
  if (ok) chattr('-i', join(dir, 'probe'));
  return ok;
})();

describe('an outbox file that cannot be written or moved', () => {
  it.skipIf(!canPin)('is reported and retried, not fatal: requests are refused meanwhile, and nothing recorded is lost', async () => {
    const dataDir = tempDir();
    const outbox = join(dataDir, 'usage-outbox.jsonl');
    const gw = await startChild(dataDir);
    const messages = [{ role: 'user' as const, content: 'hello' }];
    const ids: string[] = [];
    const { response: first } = await gw.client.chat.completions.create({ model: 'gpt-4o', messages }).withResponse();
    ids.push(first.headers.get('x-request-id')!);
    expect(chattr('+i', outbox)).toBe(true);
    try {
      // The outbox's load timer (every 200 ms) tries to set the file aside: it used to end the process.
      await new Promise((r) => setTimeout(r, 1200));
      expect(gw.exited(), gw.stderr()).toBe(false);
      const refused = await gw.client.chat.completions.create({ model: 'gpt-4o', messages }).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(OpenAI.APIError);
      expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
      expect((refused as InstanceType<typeof OpenAI.APIError>).code).toBe('usage_not_recorded');
    } finally {
      chattr('-i', outbox);
    }
    const { response: last } = await gw.client.chat.completions.create({ model: 'gpt-4o', messages }).withResponse();
    ids.push(last.headers.get('x-request-id')!);
    expect(gw.exited()).toBe(false);
    child!.kill('SIGKILL');
    await once(child!, 'exit');
    await (await openSqliteStore(dataDir)).close();
    const db = new Database(join(dataDir, 'conduit.sqlite'), { readonly: true });
    const rows = db.prepare('select request_id from usage_events').all() as Array<{ request_id: string }>;
    db.close();
    expect(rows.map((r) => r.request_id).sort()).toEqual(ids.sort());
  }, 30_000);
});
