// `npm run bench:ab -- REV`: the working tree's Conduit against the one at git revision REV (default HEAD),
// both in front of one simulator process, taking turns round by round in a random order, so that a noisy
// stretch of this shared machine falls on both alike. Prints each round's throughput ratio (working tree / REV)
// and CPU per request, then their medians: the way to tell whether a change made the gateway cheaper when
// whole `npm run bench` runs swing by ±20% between them. BENCH_ONLY (json|stream, 1|64; default json,64),
// BENCH_ROUNDS (default 8), BENCH_SECONDS (3) and BENCH_WARMUP (5) as for `npm run bench`; AB_TREE_NODE_FLAGS gives
// the working tree's gateway node flags of its own, AB_TREE_ENV=NAME=value an environment variable (ablations),
// AB_REV_ENV the same for the revision's. AB_CPU_PROF=DIR writes each gateway's CPU profile under DIR/rev and
// DIR/tree (compare them by function: a profile's shares hold on a noisy machine where its timings do not).
import { execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchBodies, startGateway } from './gateway.ts';
import { load } from './load.ts';
import { cpuMs, freePort, startProcess } from './processes.ts';

const rev = process.argv[2] ?? 'HEAD';
const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS ?? 8);
const warmup = Number(process.env.BENCH_WARMUP ?? 5);
const only = (process.env.BENCH_ONLY ?? 'json,64').split(',');
const mode = only.includes('stream') ? 'stream' : 'json';
const connections = only.includes('1') ? 1 : 64;

// The revision is exported inside the checkout, so that its imports resolve to this checkout's node_modules.
const revRoot = join('.bench-ab', execFileSync('git', ['rev-parse', '--short', rev], { encoding: 'utf8' }).trim());
rmSync(revRoot, { recursive: true, force: true });
mkdirSync(revRoot, { recursive: true });
execFileSync('sh', ['-c', `git archive ${rev} src bin tsconfig.json package.json | tar -x -C ${revRoot}`]);
// Its own node_modules (this checkout's): a revision that compiles its sources ahead runs compiled, as it would
// installed, not through the slower as-they-load path that a missing node_modules falls back to.
symlinkSync(resolve('node_modules'), join(revRoot, 'node_modules'));

const children: ChildProcess[] = [];
process.on('exit', () => {
  children.forEach((c) => c.kill('SIGKILL'));
  rmSync(revRoot, { recursive: true, force: true });
});
const dir = mkdtempSync(join(tmpdir(), 'conduit-ab-'));
const simPort = await freePort();
const sim = `http://127.0.0.1:${simPort}`;
children.push(
  await startProcess(
    ['bin/conduit.mjs', 'simulator', '--port', String(simPort)],
    {},
    /listening/,
    join(dir, 'simulator.log'),
  ),
);
/** `NAME=value` as an environment for one gateway. */
const envOf = (spec: string | undefined): Record<string, string> | undefined => {
  const at = spec?.indexOf('=') ?? -1;
  return spec && at > 0 ? { [spec.slice(0, at)]: spec.slice(at + 1) } : undefined;
};
const profile = (name: string) =>
  process.env.AB_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', join(process.env.AB_CPU_PROF, name)] : [];
const gateways = {
  [rev]: await startGateway({
    root: revRoot,
    port: await freePort(),
    dir: mkdtempSync(join(dir, 'rev-')),
    sim,
    log: join(dir, 'rev.log'),
    nodeFlags: profile('rev'),
    env: envOf(process.env.AB_REV_ENV),
  }),
  'working tree': await startGateway({
    root: '.',
    port: await freePort(),
    dir: mkdtempSync(join(dir, 'tree-')),
    sim,
    log: join(dir, 'tree.log'),
    nodeFlags: [...profile('tree'), ...(process.env.AB_TREE_NODE_FLAGS?.split(' ').filter(Boolean) ?? [])],
    env: envOf(process.env.AB_TREE_ENV),
  }),
};
for (const g of Object.values(gateways)) children.push(g.process);
console.log(
  `${mode} c=${connections}: working tree vs ${rev}; ${warmup}s warm-up each, ${rounds} rounds of ${seconds}s (logs in ${dir})`,
);

const run = async (name: string, secs: number) => {
  const g = gateways[name]!;
  const cpu0 = cpuMs(g.process.pid!);
  const r = await load({
    url: `${g.url}/v1/chat/completions`,
    headers: { authorization: `Bearer ${g.key}` },
    body: benchBodies[mode],
    connections,
    seconds: secs,
  });
  if (r.errors + r.non2xx > 0) throw new Error(`${name}: ${r.errors} errors, ${r.non2xx} non-2xx replies`);
  return { rps: r.rps, p50: r.p50, cpu: ((cpuMs(g.process.pid!) - cpu0) * 1000) / r.requests };
};
for (const name of Object.keys(gateways)) await run(name, warmup);
const ratios: number[] = [];
const cpu: Record<string, number[]> = { [rev]: [], 'working tree': [] };
const p50: Record<string, number[]> = { [rev]: [], 'working tree': [] };
for (let round = 0; round < rounds; round++) {
  const order = Math.random() < 0.5 ? [rev, 'working tree'] : ['working tree', rev];
  const result: Record<string, Awaited<ReturnType<typeof run>>> = {};
  for (const name of order) result[name] = await run(name, seconds);
  const [a, b] = [result[rev]!, result['working tree']!];
  ratios.push(b.rps / a.rps);
  cpu[rev]!.push(a.cpu);
  cpu['working tree']!.push(b.cpu);
  p50[rev]!.push(a.p50);
  p50['working tree']!.push(b.p50);
  console.log(
    `round ${round + 1}: ${rev} ${a.rps.toFixed(0)} req/s ${a.cpu.toFixed(0)} µs/req, working tree ${b.rps.toFixed(0)} req/s ${b.cpu.toFixed(0)} µs/req: ${(b.rps / a.rps).toFixed(3)}x`,
  );
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
console.log(
  `\nthroughput, working tree / ${rev}: median ${median(ratios).toFixed(3)}x (won ${ratios.filter((r) => r > 1).length} of ${rounds} rounds)`,
);
for (const name of [rev, 'working tree'])
  console.log(
    `${name.padEnd(12)} CPU ${median(cpu[name]!).toFixed(0)} µs/req, p50 ${median(p50[name]!).toFixed(3)} ms`,
  );
// A profile is written when its process exits of itself: a gateway stops on SIGTERM.
if (process.env.AB_CPU_PROF)
  await Promise.all(
    Object.values(gateways).map((g) => {
      const exited = once(g.process, 'exit');
      g.process.kill('SIGTERM');
      return exited;
    }),
  );
process.exit(0);
