// Soak: a gateway in this process in front of a simulator server, under steady load on 127.0.0.1 (JSON replies,
// streams read to their end, streams the client aborts part-way) for a bounded time. Compares RSS, the V8 heap
// (after a full GC) and this process's open descriptors (/proc/self/fd) before and after, and checks that no
// socket is left open on either side. `npm run soak` runs it for SOAK_SECONDS (default 150).
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Agent, request } from 'undici';
import { stringify } from 'yaml';
import { startGateway } from '../src/main.ts';
import { startSimulatorServer } from '../src/providers/simulator/server.ts';

export interface SoakFigures {
  seconds: number;
  requests: { json: number; streamed: number; aborted: number; failed: number };
  before: Sample;
  after: Sample;
  /** Connections the gateway's server still holds once the clients have closed theirs. */
  serverConnections: number;
}

interface Sample {
  rssMb: number;
  heapUsedMb: number;
  fds: number;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const sample = (): Sample => {
  gc();
  gc();
  const m = process.memoryUsage();
  return { rssMb: m.rss / 2 ** 20, heapUsedMb: m.heapUsed / 2 ** 20, fds: readdirSync('/proc/self/fd').length };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runSoak(opts: { seconds: number; concurrency?: number }): Promise<SoakFigures> {
  const sim = await startSimulatorServer({ faults: { token_delay_ms: 2 } });
  const dir = mkdtempSync(join(tmpdir(), 'conduit-soak-'));
  const configFile = join(dir, 'soak.yaml');
  writeFileSync(
    configFile,
    stringify({
      regions: [{ id: 'us-east', country: 'US' }],
      vendors: [{ id: 'openai' }],
      providers: [
        {
          id: 'sim',
          vendor: 'openai',
          type: 'simulator',
          region: 'us-east',
          base_url: `${sim.url}/v1`,
          models: [{ model: 'gpt-4o', no_vendor_cost: true }],
        },
      ],
      models: [{ name: 'gpt-4o', vendor: 'openai', free_of_charge: true }],
    }),
  );
  const gw = await startGateway({
    dataDir: dir,
    configFile,
    port: 0,
    host: '127.0.0.1',
    adminToken: 'soak',
    logLevel: 'silent',
  });
  // Set-up calls on an agent of their own, closed after: the check for sockets left open counts every connection.
  const setup = new Agent();
  const admin = async (method: 'POST' | 'PUT', path: string, body: unknown) =>
    (await (
      await request(`${gw.url}/admin/v1${path}`, {
        method,
        dispatcher: setup,
        headers: { authorization: 'Bearer soak', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).body.json()) as Record<string, string>;
  const org = await admin('POST', '/orgs', { name: 'Soak GmbH', country: 'DE', tier: 'strategic' });
  const { key } = await admin('POST', `/orgs/${org.id}/keys`, { name: 'soak' });
  await admin('PUT', `/orgs/${org.id}/limits`, {
    requests_per_minute: 10_000_000,
    tokens_per_minute: 2_000_000_000,
    concurrent: 10_000,
  });
  await setup.close();
  const requests = { json: 0, streamed: 0, aborted: 0, failed: 0 };
  const concurrency = opts.concurrency ?? 32;
  const client = new Agent({ connections: concurrency });
  const body = (i: number, stream: boolean) =>
    JSON.stringify({ model: 'gpt-4o', stream, messages: [{ role: 'user', content: `soak request ${i}` }] });

  const one = async (i: number) => {
    const kind = i % 3;
    const controller = new AbortController();
    try {
      const res = await request(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        dispatcher: client,
        signal: controller.signal,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body(i, kind !== 0),
      });
      if (res.statusCode !== 200) {
        requests.failed++;
        await res.body.dump();
        return;
      }
      if (kind === 2) {
        // Abort after the first chunk: the gateway must cancel upstream and let go of everything it held.
        await new Promise((r) => res.body.once('data', r));
        controller.abort();
        requests.aborted++;
        return;
      }
      await res.body.text();
      if (kind === 0) requests.json++;
      else requests.streamed++;
    } catch (err) {
      if ((err as Error).name !== 'AbortError') requests.failed++;
    }
  };

  const load = async (seconds: number) => {
    const until = Date.now() + seconds * 1000;
    let i = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < until) await one(i++);
      }),
    );
  };

  try {
    // Warm up (compiled code, pools, caches at their working size), then measure, load, settle, measure.
    await load(Math.min(10, Math.max(2, opts.seconds / 10)));
    await sleep(500);
    const before = sample();
    Object.assign(requests, { json: 0, streamed: 0, aborted: 0, failed: 0 });
    await load(opts.seconds);
    await client.close();
    await sleep(1_000);
    const serverConnections = await new Promise<number>((r) => gw.app.server.getConnections((_e, n) => r(n)));
    const after = sample();
    return { seconds: opts.seconds, requests, before, after, serverConnections };
  } finally {
    await client.destroy().catch(() => {});
    await gw.close();
    await sim.close();
  }
}

/** The bounds a soak must keep: what after may exceed before by. */
export const SOAK_BOUNDS = { rssMb: 64, heapUsedMb: 16, fds: 8 };

export function soakProblems(f: SoakFigures): string[] {
  const problems: string[] = [];
  if (f.after.rssMb - f.before.rssMb > SOAK_BOUNDS.rssMb)
    problems.push(`RSS grew by ${(f.after.rssMb - f.before.rssMb).toFixed(1)} MB`);
  if (f.after.heapUsedMb - f.before.heapUsedMb > SOAK_BOUNDS.heapUsedMb)
    problems.push(`heap grew by ${(f.after.heapUsedMb - f.before.heapUsedMb).toFixed(1)} MB`);
  if (f.after.fds - f.before.fds > SOAK_BOUNDS.fds)
    problems.push(`${f.after.fds - f.before.fds} more open descriptors`);
  if (f.serverConnections > 0) problems.push(`${f.serverConnections} client connections left open on the gateway`);
  if (f.requests.failed > 0) problems.push(`${f.requests.failed} requests failed`);
  return problems;
}

export function describeSoak(f: SoakFigures): string {
  const r = f.requests;
  const s = (x: Sample) => `RSS ${x.rssMb.toFixed(1)} MB, heap ${x.heapUsedMb.toFixed(1)} MB, ${x.fds} fds`;
  return [
    `soak ${f.seconds} s: ${r.json} JSON, ${r.streamed} streamed, ${r.aborted} aborted, ${r.failed} failed`,
    `before: ${s(f.before)}`,
    `after:  ${s(f.after)}`,
    `gateway connections left open: ${f.serverConnections}`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await runSoak({ seconds: Number(process.env.SOAK_SECONDS ?? 150) });
  console.log(describeSoak(figures));
  const problems = soakProblems(figures);
  console.log(
    problems.length === 0 ? 'no growth beyond the bounds, no leaked sockets' : `FAILED: ${problems.join('; ')}`,
  );
  process.exit(problems.length === 0 ? 0 : 1);
}
