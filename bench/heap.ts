// `npm run bench:heap -- FILE.heapsnapshot [BASELINE.heapsnapshot [STREAMS]]`: where a heap snapshot's memory goes
// (classes, largest retainers, bytes by script) and, given a baseline, what grew since, per stream when STREAMS is
// given. Snapshots come from `SNAPSHOT=1 npm run bench:streams-memory` (the log folder it prints), DevTools, or
// node --heapsnapshot-signal.
import { readFileSync } from 'node:fs';
import { HeapSnapshot } from './heap-snapshot.ts';
import { compareSnapshots, describeSnapshot } from './heap-report.ts';

const [file, baseline, streams] = process.argv.slice(2);
if (!file) {
  console.error('usage: npm run bench:heap -- FILE.heapsnapshot [BASELINE.heapsnapshot [STREAMS]]');
  process.exit(2);
}
describeSnapshot(HeapSnapshot.parse(readFileSync(file, 'utf8')));
if (baseline) compareSnapshots(new Map([['heap', baseline]]), new Map([['heap', file]]), Number(streams ?? 1));
