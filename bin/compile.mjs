// Compiles the TypeScript sources once, ahead of running them: esbuild bundles src/cli/main.ts and each worker
// thread's module (code splitting keeps every dynamic import a chunk of its own, loaded only when imported;
// packages stay imports from node_modules) into node_modules/.cache/conduit/<hash of the sources>/, with linked
// source maps so that stack traces still point into the sources. A later start with the same sources reuses it.
//
// Why not compile each module as it loads (./ts-loader.mjs)? Node 20 runs module hooks on a thread of their own,
// a V8 isolate for the process's life (21 MB of RSS), and every worker thread registers its own (14 MB more
// each). Compiled ahead, neither exists (issue 27: memory at 1,000 open streams).
//
// Each module's import.meta.url is its source file's URL, as under the hooks, so files found beside a module
// (package.json, console/dist, worker modules) are found alike; src/util/worker.ts starts a worker from its bundle.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const WORKER = /startWorker\(\s*new URL\(\s*'([^']+\.ts)',\s*import\.meta\.url\s*\)/g;

/** The sources that run (tests aside), with their text. */
function sources() {
  return readdirSync(src, { recursive: true })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort()
    .map((f) => ({ path: join(src, f), text: readFileSync(join(src, f), 'utf8') }));
}

/**
 * The compiled entry point's URL, compiling first when the sources changed; undefined where it cannot be written
 * (no node_modules beside the sources, a read-only install), in which case the caller compiles as modules load.
 */
export async function compiledEntry() {
  const cacheRoot = join(root, 'node_modules', '.cache', 'conduit');
  if (!existsSync(join(root, 'node_modules'))) return undefined;
  const files = sources();
  const esbuildVersion = JSON.parse(readFileSync(join(root, 'node_modules/esbuild/package.json'), 'utf8')).version;
  // The folder too: the compiled code names its sources' paths (import.meta.url), so an install moved elsewhere or
  // a second checkout sharing node_modules compiles its own.
  const hash = createHash('sha256').update(`${esbuildVersion}\0${root}\0${readFileSync(join(root, 'tsconfig.json'))}`);
  for (const { path, text } of files) hash.update(`\0${relative(src, path)}\0${text}`);
  const outdir = join(cacheRoot, hash.digest('hex').slice(0, 16));
  const entry = join(outdir, 'cli', 'main.js');
  if (existsSync(entry)) return pathToFileURL(entry).href;
  try {
    await build(files, outdir);
  } catch (err) {
    if (err?.code === 'EACCES' || err?.code === 'EROFS' || err?.code === 'EPERM') return undefined;
    throw err;
  }
  pruneOld(cacheRoot, outdir);
  return pathToFileURL(entry).href;
}

async function build(files, outdir) {
  const { build: esbuild, stop } = await import('esbuild');
  const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
  const workers = new Set();
  for (const { path, text } of files)
    for (const [, file] of text.matchAll(WORKER)) workers.add(join(dirname(path), file));
  // Built beside the final folder and renamed into place: a start running at the same time sees all or nothing.
  const staging = `${outdir}.${process.pid}.tmp`;
  mkdirSync(staging, { recursive: true });
  try {
    await esbuild({
      absWorkingDir: root,
      entryPoints: [join(src, 'cli/main.ts'), ...workers],
      outbase: src,
      outdir: staging,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
      // The map points at the sources; their text stays in the files, not in every process's memory.
      sourcesContent: false,
      tsconfigRaw: { compilerOptions },
      define: { CONDUIT_COMPILED: JSON.stringify({ src: pathToFileURL(src).href, out: pathToFileURL(outdir).href }) },
      logLevel: 'error',
      plugins: [sourceUrls],
    });
    try {
      renameSync(staging, outdir);
    } catch (err) {
      // Another start compiled the same sources first.
      if (!existsSync(join(outdir, 'cli', 'main.js'))) throw err;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
    await stop();
  }
}

/** Each module's import.meta.url is its source file's. */
const sourceUrls = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: 'ts',
    }));
  },
};

/** Compilations of older sources, a day unused: a process started before may still load chunks from its own. */
function pruneOld(cacheRoot, keep) {
  const dayAgo = Date.now() - 86_400_000;
  for (const name of readdirSync(cacheRoot)) {
    const dir = join(cacheRoot, name);
    if (dir !== keep && statSync(dir).mtimeMs < dayAgo) rmSync(dir, { recursive: true, force: true });
  }
}
