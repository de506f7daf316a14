// Module hooks for `conduit`: TypeScript sources are compiled with esbuild as they load (types stripped,
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
let idle;
const stopWhenIdle = () => {
  clearTimeout(idle);
  idle = setTimeout(() => void stop(), 1000);
  idle.unref();
};

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const { code } = await transform(await readFile(file, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: file,
    tsconfigRaw: { compilerOptions },
  });
  stopWhenIdle();
  return { format: 'module', source: code, shortCircuit: true };
}
