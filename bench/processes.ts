// Child processes for the benchmark: each server runs in its own process, as it would in production.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
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

/** Starts a server process; once it is ready, its output goes to logFile so reading it costs the load generator nothing. */
export async function startProcess(args: string[], env: Record<string, string>, ready: RegExp, logFile: string): Promise<ChildProcess> {
  const child = spawn('node', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start:\n${out}`)), 30_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        const log = createWriteStream(logFile);
        child.stdout!.pipe(log);
        child.stderr!.pipe(log);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${out}`)));
  });
  return child;
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
