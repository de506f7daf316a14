// Storage that fails under a running gateway: faults are reported and retried, never fatal; what cannot be
// recorded is refused; nothing recorded is lost or billed twice.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { startTestGateway, tempDir } from '../helpers/gateway.ts';
import { spawnGateway } from '../helpers/spawned-gateway.ts';

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

/** A gateway of its own (the demo catalogue on the in-process simulator), so that what ends it can be seen. */
async function startChild(dataDir: string): Promise<{ client: OpenAI; exited: () => boolean; stderr: () => string }> {
  const gateway = await spawnGateway({ dataDir, captureStderr: true, env: { CONDUIT_LOG_LEVEL: 'error' } });
  const proc = gateway.process;
  child = proc;
  return {
    client: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: gateway.demoKey!, maxRetries: 0 }),
    exited: () => proc.exitCode !== null || proc.signalCode !== null,
    stderr: gateway.errors,
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
  it.skipIf(!canPin)(
    'is reported and retried, not fatal: requests are refused meanwhile, and nothing recorded is lost',
    async () => {
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
        const refused = await gw.client.chat.completions
          .create({ model: 'gpt-4o', messages })
          .catch((err: unknown) => err);
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
    },
    45_000,
  );
});

describe('a database that cannot take usage events in', () => {
  it('leaves usage, ledger and budget reads complete (the outbox holds the events), and exact once it recovers', async () => {
    const dataDir = tempDir();
    const gw = await startTestGateway({ dataDir });
    const db = new Database(join(dataDir, 'conduit.sqlite'));
    try {
      const { orgId, key } = await gw.newOrgKey();
      const client = gw.client(key);
      const messages = [{ role: 'user' as const, content: 'count me' }];
      await client.chat.completions.create({ model: 'gpt-4o', messages });
      // From here every load of usage events into the table fails, as on a disk SQLite cannot write.
      await gw.admin('GET', `/orgs/${orgId}/usage`);
      for (const op of ['insert', 'update'])
        db.exec(
          `create trigger refuse_usage_${op} before ${op} on usage_events begin select raise(abort, 'disk I/O error'); end`,
        );
      for (let i = 0; i < 6; i++) await client.chat.completions.create({ model: 'gpt-4o', messages });
      for (let i = 0; i < 2; i++)
        for await (const _ of await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true })) void _;
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
      const inTable = () =>
        (db.prepare('select count(*) as n from usage_events where org_id = ?').get(orgId) as { n: number }).n;
      expect(inTable()).toBe(1);

      const read = async () => {
        const usage = (await gw.admin('GET', `/orgs/${orgId}/usage`)).body;
        const [ledger] = (await gw.admin('GET', `/ledger?org_id=${orgId}`)).body.data;
        const byModel = (await gw.admin('GET', `/ledger?org_id=${orgId}&group_by=model,endpoint`)).body.data;
        const events = await gw.store.usage.list(orgId, {});
        const spent = await gw.store.ledger.spent(orgId, '2000-01-01T00:00:00.000Z');
        return { usage, ledger, byModel, events, spent };
      };
      const during = await read();
      expect(during.usage.requests).toBe(10);
      expect(during.ledger.requests).toBe(10);
      expect(during.byModel.map((r: { model: string; requests: number }) => [r.model, r.requests])).toEqual([
        ['gpt-4o', 9],
        ['gpt-4o-mini', 1],
      ]);
      expect(during.events).toHaveLength(10);
      // The streams' final events replaced their interim records, in the reads as they will in the table.
      expect(during.events.filter((e) => e.interim !== undefined)).toEqual([]);
      const priced = during.events.reduce((sum, e) => sum + BigInt(e.price_micros), 0n);
      expect(priced).toBeGreaterThan(0n);
      expect(during.ledger.price_micros).toBe(String(priced));
      expect(during.spent).toBe(priced);
      expect(inTable()).toBe(1);

      for (const op of ['insert', 'update']) db.exec(`drop trigger refuse_usage_${op}`);
      await gw.store.ledger.aggregate({ group_by: [] });
      expect(inTable()).toBe(10);
      const after = await read();
      expect(after.usage).toEqual(during.usage);
      expect(after.ledger).toEqual(during.ledger);
      expect(after.byModel).toEqual(during.byModel);
      expect(after.spent).toBe(priced);
    } finally {
      db.close();
      await gw.close();
    }
  }, 30_000);
});
