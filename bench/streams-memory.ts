// Memory at 1,000 open streams: the gateway (bin/conduit.mjs, as `npm start` runs it) in front of a simulator
// process whose streams are slow (one token every STREAM_TOKEN_MS), and this process as the client, holding
// STREAMS streams open at once. Samples the gateway's RSS from /proc while they are open and reports idle RSS and
// the peak; then, through the gateway's inspector (bench/inspector.ts, attached only after the samples), where the
// memory goes: file-backed and anonymous RSS, and each thread's V8 heap.
//   npm run bench:streams-memory                      # 1,000 streams
//   STREAMS=200 SNAPSHOT=1 npm run bench:streams-memory  # heap snapshots at idle and with the streams open, compared
//                                                        # (bench/heap.ts); the RSS figures then include the first's cost
//   AFTER_ABORT=1 npm run bench:streams-memory       # then where the memory goes 2 and 12 s after every client left
//                                                    # (AFTER_ABORT=60: and 60 s after)
//   ALLOCATIONS=5000 npm run bench:streams-memory     # then what the gateway allocates per token, by site, over 5 s
//   NODE_FLAGS="--max-semi-space-size=16" npm run bench:streams-memory  # extra node flags for the gateway
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, request } from 'undici';
import { benchBodies, startGateway } from './gateway.ts';
import { freePort, startProcess } from './processes.ts';
import { Inspector, inspectorUrl, type ThreadMemory } from './inspector.ts';
import { compareSnapshots, printAllocations, printMemory } from './heap-report.ts';

const STREAMS = Number(process.env.STREAMS ?? 1_000);
const TOKEN_MS = Number(process.env.STREAM_TOKEN_MS ?? 1_000);
const root = resolve(new URL('..', import.meta.url).pathname);
const dir = mkdtempSync(join(tmpdir(), 'conduit-streams-memory-'));

const status = (pid: number) => readFileSync(`/proc/${pid}/status`, 'utf8');
const statusMb = (pid: number, field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status(pid))![1]) / 1024;
const rssMb = (pid: number) => statusMb(pid, 'VmRSS');
const threads = (pid: number) => Number(/Threads:\s+(\d+)/.exec(status(pid))![1]);
const fds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const simPort = await freePort();
const gwPort = await freePort();
// Each stream lasts long enough for all of them to be open together: tens of tokens, TOKEN_MS apart.
const simulator = await startProcess(
  [
    'bin/conduit.mjs',
    'simulator',
    '--port',
    String(simPort),
    '--faults',
    JSON.stringify({ token_delay_ms: TOKEN_MS, reply_tokens: 600 }),
  ],
  {},
  /listening on/,
  join(dir, 'simulator.log'),
);
const extraFlags = (process.env.NODE_FLAGS ?? '').split(' ').filter(Boolean);
const gateway = await startGateway({
  root,
  port: gwPort,
  dir,
  sim: `http://127.0.0.1:${simPort}`,
  // The inspector's port is chosen now, but it starts only when asked (SIGUSR1, in openInspector): a gateway run
  // with --inspect keeps an inspector thread and its buffers from the start, which `npm start` does not.
  nodeFlags: [...extraFlags, '--inspect-port=127.0.0.1:0'],
  env: { CONDUIT_LOG_LEVEL: 'warn' },
  maxConnections: STREAMS + 16,
  log: join(dir, 'gateway.log'),
});
const pid = gateway.process.pid!;
const client = new Agent({ connections: STREAMS + 16, pipelining: 1 });
const post = () =>
  request(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    dispatcher: client,
    headers: { authorization: `Bearer ${gateway.key}`, 'content-type': 'application/json' },
    body: benchBodies.stream,
  });

try {
  // Warm up (code paths compiled, pools open), then let the gateway settle: that is idle.
  const warm = await Promise.all(
    Array.from({ length: 20 }, async () => {
      const res = await post();
      return { status: res.statusCode, bytes: (await res.body.text()).length };
    }),
  );
  console.log(
    `warm-up: 20 streams, ${warm.filter((w) => w.status === 200).length} answered 200, ${warm[0]!.bytes} bytes each`,
  );
  await sleep(3_000);
  const idle = { rss: rssMb(pid), fds: fds(pid), threads: threads(pid) };
  console.log(`gateway pid ${pid}; logs in ${dir}`);
  console.log(`idle: RSS ${idle.rss.toFixed(1)} MB, ${idle.fds} fds, ${idle.threads} threads`);
  // The inspector is attached only to take snapshots: a session and its snapshots cost memory of their own.
  const inspector = process.env.SNAPSHOT ? await openInspector() : undefined;
  const idleSnapshots = inspector ? await saveSnapshots(inspector, 'idle') : undefined;

  let open = 0;
  let firstBytes = 0;
  let failed = 0;
  const streams: Array<Promise<void>> = [];
  const controller = new AbortController();
  for (let i = 0; i < STREAMS; i++) {
    streams.push(
      (async () => {
        try {
          const res = await request(`${gateway.url}/v1/chat/completions`, {
            method: 'POST',
            dispatcher: client,
            signal: controller.signal,
            headers: { authorization: `Bearer ${gateway.key}`, 'content-type': 'application/json' },
            body: benchBodies.stream,
          });
          if (res.statusCode !== 200) {
            failed++;
            await res.body.dump();
            return;
          }
          open++;
          let first = true;
          for await (const chunk of res.body) {
            if (first && chunk.length > 0) {
              firstBytes++;
              first = false;
            }
          }
        } catch {
          // aborted at the end
        } finally {
          open = Math.max(0, open - 1);
        }
      })(),
    );
  }
  let peak = 0;
  let atPeak = { open: 0 };
  const sampleUntil = Date.now() + 60_000;
  while (Date.now() < sampleUntil) {
    const rss = rssMb(pid);
    if (rss > peak) {
      peak = rss;
      atPeak = { open };
    }
    if (firstBytes >= STREAMS - failed && open >= STREAMS - failed) break;
    await sleep(100);
  }
  // Hold them open a few seconds more, still sampling: the peak with every stream flowing.
  for (const until = Date.now() + 5_000; Date.now() < until; await sleep(100)) {
    const rss = rssMb(pid);
    if (rss > peak) {
      peak = rss;
      atPeak = { open };
    }
  }
  const held = { open, fds: fds(pid), threads: threads(pid), rss: rssMb(pid) };
  const rssSplit = { file: statusMb(pid, 'RssFile'), anon: statusMb(pid, 'RssAnon') };
  console.log(
    `${STREAMS} streams: ${held.open} open (${failed} refused), gateway RSS now ${held.rss.toFixed(1)} MB, peak ${peak.toFixed(1)} MB (with ${atPeak.open} open), ${held.fds} fds, ${held.threads} threads`,
  );
  console.log(
    `peak - idle: ${(peak - idle.rss).toFixed(1)} MB, ${(((peak - idle.rss) * 1024) / STREAMS).toFixed(1)} KB per stream`,
  );
  // Where it goes, with the streams still open.
  const attached = inspector ?? (await openInspector());
  const memory: ThreadMemory[] = await attached.memory();
  printMemory(rssSplit, memory);
  if (idleSnapshots) compareSnapshots(idleSnapshots, await saveSnapshots(attached, 'open'), STREAMS);
  if (process.env.ALLOCATIONS) {
    // What the gateway allocates per token while the streams flow (a token a stream each STREAM_TOKEN_MS).
    const ms = Number(process.env.ALLOCATIONS) || 5_000;
    printAllocations(await attached.allocations(ms), (STREAMS * ms) / TOKEN_MS, 'token', `over ${ms} ms`, 30);
  }
  controller.abort();
  await Promise.allSettled(streams);
  await sleep(2_000);
  console.log(`after abort: RSS ${rssMb(pid).toFixed(1)} MB, ${fds(pid)} fds`);
  if (process.env.AFTER_ABORT) {
    // Where the spike of every client leaving at once goes, and what of it stays.
    // AFTER_ABORT=S also looks S seconds after (when S > 12): whether V8 and malloc give the spike back.
    const last = Number(process.env.AFTER_ABORT);
    let at = 2;
    for (const seconds of last > 12 ? [2, 12, last] : [2, 12]) {
      await sleep((seconds - at) * 1000);
      at = seconds;
      console.log(`${seconds} s after abort: RSS ${rssMb(pid).toFixed(1)} MB`);
      printMemory({ file: statusMb(pid, 'RssFile'), anon: statusMb(pid, 'RssAnon') }, await attached.memory());
    }
  }
  attached.close();
} finally {
  await client.close().catch(() => {});
  gateway.process.kill('SIGKILL');
  simulator.kill('SIGKILL');
}
process.exit(0);

/** Starts the gateway's inspector (node does so on SIGUSR1) and attaches to it. */
async function openInspector(): Promise<Inspector> {
  process.kill(pid, 'SIGUSR1');
  return Inspector.connect(await inspectorUrl(join(dir, 'gateway.log')));
}

/** Heap snapshots of every thread, written to the log folder as THREAD-LABEL.heapsnapshot; their paths by thread. */
async function saveSnapshots(inspector: Inspector, label: string): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const [thread, json] of await inspector.snapshots()) {
    const path = join(dir, `${thread}-${label}.heapsnapshot`);
    writeFileSync(path, json);
    paths.set(thread, path);
  }
  return paths;
}
