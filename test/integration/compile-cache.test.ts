// bin/conduit.mjs runs the sources compiled ahead into node_modules/.cache/conduit: an install moved to another
// folder (or a second checkout sharing node_modules) runs from its own folder, never from the paths of the one that
// compiled the same sources first.
import { execFile } from 'node:child_process';
import { cpSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/gateway.ts';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
const cache = join(repo, 'node_modules/.cache/conduit');
const before = new Set(readdirSync(cache, { withFileTypes: false }).map(String));

/** A copy of the install's own files in a new folder, with this checkout's node_modules. */
function install(): string {
  const root = tempDir('conduit-install-');
  for (const part of ['bin', 'src', 'tsconfig.json', 'package.json'])
    cpSync(join(repo, part), join(root, part), { recursive: true });
  // A source of its own, so that the compilation is this test's and not a running checkout's.
  cpSync(join(repo, 'src/version.ts'), join(root, 'src/version-copy.ts'));
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'));
  return root;
}

afterAll(() => {
  for (const name of readdirSync(cache).map(String))
    if (!before.has(name)) rmSync(join(cache, name), { recursive: true, force: true });
});

describe('sources compiled ahead', () => {
  it('run from the folder they are in, after another folder compiled the same sources and went away', async () => {
    const first = install();
    const version = await run('node', [join(first, 'bin/conduit.mjs'), '--version']);
    rmSync(first, { recursive: true, force: true });
    const moved = install();
    const again = await run('node', [join(moved, 'bin/conduit.mjs'), '--version']);
    expect(again.stdout).toBe(version.stdout);
  }, 60_000);
});
