// `npm run bench:abuse`: online feature extraction + scoring cost per request, and offline analysis rate.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Detector } from '../src/abuse/detector.ts';
import { extract } from '../src/abuse/features.ts';
import { analyzeTraffic } from '../src/abuse/offline.ts';
import type { TrafficRecord } from '../src/abuse/record.ts';
import { packCampaign, packOrg } from '../src/abuse/snapshot.ts';
import { tempDir } from '../test/helpers/gateway.ts';
import { trafficKit } from '../test/helpers/traffic-kit.ts';

const kit = trafficKit();
const dir = tempDir('conduit-bench-abuse-');
execFileSync(
  'node',
  [join(kit, 'gen.mjs'), '--profile', join(kit, 'dev-profile.json'), '--seed', '7', '--scale', '3', '--out', dir],
  { stdio: 'ignore' },
);
const records = readFileSync(join(dir, 'traffic.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as TrafficRecord);

let t = performance.now();
for (const r of records) extract(r);
const extractUs = ((performance.now() - t) * 1000) / records.length;
const detector = new Detector();
t = performance.now();
for (const r of records) detector.observe(r);
const observeUs = ((performance.now() - t) * 1000) / records.length;
console.log(
  `online: feature extraction ${extractUs.toFixed(1)} µs/request; extraction + profile update + periodic re-scoring ${observeUs.toFixed(1)} µs/request (target <= 20 µs), off the request path`,
);

// The snapshot a running monitor takes every minute: every profile changed (here: all of them), packed for storage.
t = performance.now();
const changes = detector.takeChanges();
const packed = [
  ...changes.orgs.map((o) => packOrg({ ...o, action: 'none' }, 'now')),
  ...changes.campaigns.map((c) => packCampaign(c, 'now')),
];
const snapshotMs = performance.now() - t;
const bytes = packed.reduce((sum, r) => sum + r.sketch.byteLength + JSON.stringify(r.state).length, 0);
console.log(
  `snapshot: ${changes.orgs.length} organisations and ${changes.campaigns.length} campaigns (${records.length} requests) packed in ${snapshotMs.toFixed(1)} ms, ${Math.round(bytes / 1024)} KiB, at most once a minute (written on the SQLite writer thread)`,
);

const result = await analyzeTraffic({
  trafficPath: join(dir, 'traffic.jsonl'),
  orgsPath: join(dir, 'orgs.jsonl'),
  outPath: join(dir, 'verdicts.jsonl'),
});
console.log(
  `offline: ${result.requests} requests in ${result.seconds.toFixed(2)} s = ${Math.round(result.requests / result.seconds)} requests/s including JSON parsing (target >= 20,000)`,
);
