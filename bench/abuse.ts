// `npm run bench:abuse`: the detector's accuracy on labelled traffic (recall, false-positive rate, median time to
// flag), on the shared dev profile and on this repository's variants, and its cost online and offline.
//
//   npm run bench:abuse                                       dev profile, variants, evasive; seeds 7, 11, 23
//   npm run bench:abuse -- --profile P.json [--builders B.mjs] [--seeds 7,11] [--scale 1] [--no-cost]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Detector } from '../src/abuse/detector.ts';
import { extract } from '../src/abuse/features.ts';
import { analyzeTraffic } from '../src/abuse/offline.ts';
import type { TrafficRecord } from '../src/abuse/record.ts';
import { packCampaign, packOrg } from '../src/abuse/snapshot.ts';
import {
  detectAndScore,
  DEV_PROFILE,
  EVASIVE_CAMPAIGNS,
  generate,
  profileWith,
  VARIANT_BUILDERS,
  VARIANT_PROFILE,
  type Generate,
} from '../test/helpers/labelled-traffic.ts';

const { values } = parseArgs({
  options: {
    profile: { type: 'string' },
    builders: { type: 'string' },
    seeds: { type: 'string', default: '7,11,23' },
    scale: { type: 'string' },
    'no-cost': { type: 'boolean', default: false },
  },
});
const seeds = values.seeds.split(',').map(Number);
const scale = values.scale === undefined ? undefined : Number(values.scale);
const sets: Array<{ name: string } & Omit<Generate, 'seed'>> = values.profile
  ? [{ name: values.profile, profile: values.profile, builders: values.builders, scale }]
  : [
      { name: 'dev profile', profile: DEV_PROFILE(), scale },
      { name: 'variants', profile: VARIANT_PROFILE, builders: VARIANT_BUILDERS, scale },
      {
        name: 'evasive',
        profile: profileWith(
          { campaigns: JSON.parse(readFileSync(EVASIVE_CAMPAIGNS, 'utf8')) as unknown[] },
          DEV_PROFILE(),
        ),
        scale,
      },
    ];

const rows: string[][] = [
  [
    'traffic',
    'seed',
    'orgs',
    'distilling',
    'requests',
    'recall',
    'fpr',
    'median h to flag',
    'top benign',
    'low distill',
  ],
];
for (const set of sets) {
  for (const seed of seeds) {
    const s = await detectAndScore(generate({ ...set, seed }));
    const label = new Map(s.labels.map((l) => [l.org, l.label]));
    const scores = (which: string) => s.verdicts.filter((v) => label.get(v.org) === which).map((v) => v.score);
    const benign = scores('benign');
    const distill = scores('distill');
    rows.push([
      set.name,
      String(seed),
      String(s.labels.length),
      String(distill.length),
      String(s.requests),
      s.recall.toFixed(3),
      s.fpr.toFixed(3),
      s.medianHours === null ? 'n/a' : s.medianHours.toFixed(2),
      benign.length ? Math.max(...benign).toFixed(2) : '-',
      distill.length ? Math.min(...distill).toFixed(2) : '-',
    ]);
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
console.log(
  '(top benign: the highest score of a benign organisation; low distill: the lowest score of a distilling one, at the end; flag at 0.5)',
);

if (!values['no-cost']) {
  const dir = generate({ profile: DEV_PROFILE(), seed: 7, scale: 3 });
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
}
