// Printing where a gateway's memory goes: RSS split into file-backed (the node binary, shared libraries) and
// anonymous memory, each thread's V8 heap, what heap snapshots say (bench/heap-snapshot.ts), and what was
// allocated (the sampling heap profiler).
import { readFileSync } from 'node:fs';
import { growth, HeapSnapshot, kb, mb } from './heap-snapshot.ts';
import type { ThreadMemory } from './inspector.ts';

const MB = 1_048_576;
const pad = (text: string, width: number) => text.padEnd(width);
const num = (bytes: number) => (bytes / MB).toFixed(1).padStart(7);

export function printMemory(rss: { file: number; anon: number }, threads: ThreadMemory[]): void {
  console.log(
    `RSS ${(rss.file + rss.anon).toFixed(1)} MB: file-backed ${rss.file.toFixed(1)} MB (node binary and libraries),`,
  );
  console.log(`  anonymous ${rss.anon.toFixed(1)} MB, of which V8 heaps (committed, by thread):`);
  console.log(`  ${pad('thread', 24)}   used  total  new (of committed)  old (of committed)   code  large  (MB)`);
  let heaps = 0;
  for (const t of threads) {
    heaps += t.heapTotal;
    const large = (t.spaces.large_object_space ?? 0) + (t.spaces.code_large_object_space ?? 0);
    console.log(
      `  ${pad(t.thread, 24)}${num(t.heapUsed)}${num(t.heapTotal)}${num(t.spaces.new_space ?? 0)} (${num(t.committed.new_space ?? 0)})${num(t.spaces.old_space ?? 0)} (${num(t.committed.old_space ?? 0)})${num(t.spaces.code_space ?? 0)}${num(large)}`,
    );
  }
  const main = threads[0]!;
  console.log(
    `  V8 heaps ${mb(heaps)}; outside them ${mb(rss.anon * MB - heaps)}: external ${mb(main.external)} (array buffers ${mb(main.arrayBuffers)}), V8's own malloc ${mb(threads.reduce((sum, t) => sum + t.mallocedMemory, 0))}, malloc, thread stacks, sockets, SQLite`,
  );
}

/** Each thread's snapshots at idle and with `streams` open: what grew, by class, per stream. */
export function compareSnapshots(idle: Map<string, string>, open: Map<string, string>, streams: number): void {
  for (const [thread, openPath] of open) {
    const idlePath = idle.get(thread);
    if (!idlePath) continue;
    const before = HeapSnapshot.parse(readFileSync(idlePath, 'utf8'));
    const after = HeapSnapshot.parse(readFileSync(openPath, 'utf8'));
    const grown = after.totalSize() - before.totalSize();
    console.log(
      `\n${thread}: live heap ${mb(before.totalSize())} idle, ${mb(after.totalSize())} open (+${kb(grown / streams)} per stream)`,
    );
    if (grown < MB) continue;
    console.log(`  grew by class (count and bytes per stream):`);
    for (const row of growth(before.byClass(), after.byClass()).slice(0, 15))
      console.log(
        `    ${pad(row.name.slice(0, 48), 50)}${(row.count / streams).toFixed(1).padStart(6)}  ${kb(row.selfSize / streams)}`,
      );
  }
}

/** The summary of one snapshot: classes, largest retainers, bytes by script. */
export function describeSnapshot(snapshot: HeapSnapshot, top = 20): void {
  console.log(`live heap ${mb(snapshot.totalSize())} in ${snapshot.nodeCount} objects`);
  console.log(`\nby class (self size):`);
  for (const row of snapshot.byClass().slice(0, top))
    console.log(`  ${pad(row.name.slice(0, 48), 50)}${String(row.count).padStart(8)}  ${mb(row.selfSize)}`);
  console.log(`\nlargest retainers (retained size; dominated by):`);
  for (const r of snapshot.topRetainers(top))
    console.log(
      `  ${mb(r.retainedSize).padStart(9)}  ${r.name.slice(0, 40)}${r.path ? `  < ${r.path.slice(0, 110)}` : ''}`,
    );
  console.log(`\nby script (source, bytecode and code of its functions):`);
  for (const row of snapshot.byScript().slice(0, top))
    console.log(`  ${mb(row.bytes).padStart(9)}  ${String(row.functions).padStart(5)} fns  ${row.script}`);
}

/**
 * What was allocated (Inspector.allocations), as a total and by site, divided by `per` units of work (`unit`: token,
 * req): the first `limit` sites.
 */
export function printAllocations(
  sites: Array<{ site: string; bytes: number }>,
  per: number,
  unit: string,
  heading: string,
  limit: number,
): void {
  const total = sites.reduce((sum, s) => sum + s.bytes, 0);
  console.log(
    `${heading}: ${(total / 2 ** 20).toFixed(1)} MB allocated, ${(total / per / 1024).toFixed(1)} KB per ${unit}; by function:`,
  );
  for (const { site, bytes } of sites.slice(0, limit))
    console.log(
      `  ${Math.round(bytes / per)
        .toString()
        .padStart(6)} B/${unit}  ${site}`,
    );
}
