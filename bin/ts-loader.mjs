// Module hooks for `conduit` where ./compile.mjs cannot write its output, and for worker threads under Vitest and
// tsx: TypeScript sources are compiled with esbuild as they load (types stripped,
// with tsconfig.json's language settings, nothing else changed). tsx does the same for scripts, but it also
// wraps every function it compiles in a name-keeping call, which the gateway would pay on each closure it
// creates per request.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { stop, transform } from 'esbuild';

const { compilerOptions } = JSON.parse(readFileSync(new URL('../tsconfig.json', import.meta.url), 'utf8'));

// esbuild compiles in a child process of its own; once modules stop loading, let it go (a later load starts
// it again) rather than keep a process beside the gateway for its whole life.
// Never while a compile is under way: stopping esbuild mid-transform leaves that import pending for ever (a start
// that waited over a second for a server, then imported a module, exited with 13, "unsettled top-level await").
let idle;
let compiling = 0;
const stopWhenIdle = () => {
  clearTimeout(idle);
  if (compiling > 0) return;
  idle = setTimeout(() => void stop(), 1000);
  idle.unref();
};

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const file = fileURLToPath(url);
  clearTimeout(idle);
  compiling++;
  try {
    const { code } = await transform(await readFile(file, 'utf8'), {
      loader: 'ts',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: file,
      tsconfigRaw: { compilerOptions },
    });
    return { format: 'module', source: code, shortCircuit: true };
  } finally {
    compiling--;
    stopWhenIdle();
  }
}
