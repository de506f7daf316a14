// Child processes for the benchmark: each server runs in its own process, as it would in production.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts a server process writing its output straight to logFile, and resolves once that shows `ready`. The
 * load generator never reads a server's output: piping it through this process (a gateway writes an access
 * line per request) would spend the load generator's CPU on the target's logging.
 */
export async function startProcess(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  logFile: string,
): Promise<ChildProcess> {
  const fd = openSync(logFile, 'w');
  const child = spawn('node', args, { env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  for (const started = Date.now(); ; await new Promise((r) => setTimeout(r, 50))) {
    const out = readFileSync(logFile, 'utf8');
    if (ready.test(out)) return child;
    if (exited !== undefined) throw new Error(`${args.join(' ')} exited with ${exited}:\n${out}`);
    if (Date.now() - started > 30_000) {
      child.kill('SIGKILL');
      throw new Error(`${args.join(' ')} did not start:\n${out}`);
    }
  }
}

export async function waitHttp(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not come up`);
}

/** CPU time (user + system) a process has used, in ms, from /proc: the cost per request whatever the noise. */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    if (process.env.BENCH_THREADS) {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const f = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = f.slice(f.indexOf('(') + 1, f.indexOf(')'));
        const x = f.split(') ')[1]!.split(' ');
        console.log(`   thread ${tid} ${name}: user ${Number(x[11]) * 10} ms, sys ${Number(x[12]) * 10} ms`);
      }
    }
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}
