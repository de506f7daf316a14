// Labelled traffic from the shared generator (../shared/traffic/gen.mjs), with this repository's own archetypes
// (test/fixtures/traffic/builders-variants.mjs, variant-profile.json), and the detector's verdicts scored against
// the labels by the shared scorer (score.mjs).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeTraffic } from '../../src/abuse/offline.ts';
import type { Verdict } from '../../src/abuse/detector.ts';
import { tempDir } from './gateway.ts';
import { trafficKit } from './traffic-kit.ts';

const fixtures = resolve(new URL('../fixtures/traffic', import.meta.url).pathname);
export const VARIANT_BUILDERS = join(fixtures, 'builders-variants.mjs');
export const VARIANT_PROFILE = join(fixtures, 'variant-profile.json');
export const DEV_PROFILE = () => join(trafficKit(), 'dev-profile.json');
/**
 * Campaigns that turn the shared generator's evasion knobs the dev profile leaves off: human (diurnal) pacing or
 * noisy scripts, no n, no max_tokens, a faked earlier turn, paraphrased templates, questions without a reasoning cue.
 */
export const EVASIVE_CAMPAIGNS = join(fixtures, 'evasive-campaigns.json');

export interface Generate {
  profile: string;
  seed: number;
  builders?: string;
  scale?: number;
}

/** Writes traffic.jsonl, orgs.jsonl and labels.jsonl into a new temporary folder, and returns it. */
export function generate(opts: Generate): string {
  const dir = tempDir(`conduit-traffic-${opts.seed}-`);
  const args = [join(trafficKit(), 'gen.mjs'), '--profile', opts.profile, '--seed', String(opts.seed), '--out', dir];
  if (opts.builders) args.push('--builders', opts.builders);
  if (opts.scale !== undefined) args.push('--scale', String(opts.scale));
  execFileSync('node', args, { stdio: 'ignore' });
  return dir;
}

/** A profile of one's own: a profile's vocabulary (the variant profile's by default) with other organisations in it. */
export function profileWith(overrides: { benign?: unknown[]; campaigns?: unknown[] }, base = VARIANT_PROFILE): string {
  const profile = { ...JSON.parse(readFileSync(base, 'utf8')), ...overrides };
  const file = join(tempDir('conduit-profile-'), 'profile.json');
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

export interface Scored {
  recall: number;
  fpr: number;
  /** Median hours from an organisation's first request to its flag (null: none flagged). */
  medianHours: number | null;
  verdicts: Verdict[];
  labels: Array<{ org: string; label: 'benign' | 'distill'; archetype: string; campaign: string | null }>;
  requests: number;
  seconds: number;
}

/** Runs the offline detector over a generated folder and scores its verdicts with the shared scorer. */
export async function detectAndScore(dir: string): Promise<Scored> {
  const out = join(dir, 'verdicts.jsonl');
  const result = await analyzeTraffic({
    trafficPath: join(dir, 'traffic.jsonl'),
    orgsPath: join(dir, 'orgs.jsonl'),
    outPath: out,
  });
  let text: string;
  try {
    text = execFileSync('node', [join(trafficKit(), 'score.mjs'), '--dir', dir, '--verdicts', out], {
      encoding: 'utf8',
    });
  } catch (err) {
    text = (err as { stdout: string }).stdout;
  }
  const m = /recall ([\d.]+) .* fpr ([\d.]+)/.exec(text)!;
  const h = /median hours from first request to flag: ([\d.]+|n\/a)/.exec(text)!;
  const labels = readFileSync(join(dir, 'labels.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Scored['labels'][number]);
  return {
    recall: Number(m[1]),
    fpr: Number(m[2]),
    medianHours: h[1] === 'n/a' ? null : Number(h[1]),
    verdicts: result.verdicts,
    labels,
    requests: result.requests,
    seconds: result.seconds,
  };
}
