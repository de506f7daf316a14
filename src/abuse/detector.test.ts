// The detector against generated, labelled traffic (../shared/traffic): recall, false positives and time to
// flag on the development profile with several seeds.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/gateway.ts';
import { trafficKit as findTrafficKit } from '../../test/helpers/traffic-kit.ts';
import { actionFor, abuseConfigSchema } from './enforcement.ts';
import { analyzeTraffic } from './offline.ts';

const trafficKit = findTrafficKit();

function generate(seed: number): string {
  const dir = tempDir(`conduit-traffic-${seed}-`);
  execFileSync(
    'node',
    [
      join(trafficKit, 'gen.mjs'),
      '--profile',
      join(trafficKit, 'dev-profile.json'),
      '--seed',
      String(seed),
      '--out',
      dir,
    ],
    { stdio: 'ignore' },
  );
  return dir;
}

function score(dir: string, verdicts: string): { recall: number; fpr: number; medianHours: number } {
  let out: string;
  try {
    out = execFileSync('node', [join(trafficKit, 'score.mjs'), '--dir', dir, '--verdicts', verdicts], {
      encoding: 'utf8',
    });
  } catch (err) {
    out = (err as { stdout: string }).stdout;
  }
  const m = /recall ([\d.]+) .* fpr ([\d.]+)/.exec(out)!;
  const h = /median hours from first request to flag: ([\d.]+)/.exec(out)!;
  return { recall: Number(m[1]), fpr: Number(m[2]), medianHours: Number(h[1]) };
}

describe.skipIf(!existsSync(join(trafficKit, 'gen.mjs')))('distillation detector on labelled traffic', () => {
  for (const seed of [7, 11, 23]) {
    it(`seed ${seed}: recall >= 0.95, false-positive rate <= 0.02, median time to flag < 6 h`, async () => {
      const dir = generate(seed);
      const out = join(dir, 'verdicts.jsonl');
      const result = await analyzeTraffic({
        trafficPath: join(dir, 'traffic.jsonl'),
        orgsPath: join(dir, 'orgs.jsonl'),
        outPath: out,
      });
      expect(result.badLines).toEqual([]);
      const s = score(dir, out);
      expect(s.recall).toBeGreaterThanOrEqual(0.95);
      expect(s.fpr).toBeLessThanOrEqual(0.02);
      expect(s.medianHours).toBeLessThan(6);
      const flagged = result.verdicts.filter((v) => v.flagged);
      expect(flagged.every((v) => v.reasons.length > 0 && v.first_flagged_at !== null)).toBe(true);
      expect(flagged.some((v) => v.campaign !== null)).toBe(true);
    });
  }
});

describe('offline analysis input', () => {
  it('reports bad lines by number and carries on', async () => {
    const dir = tempDir();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      join(dir, 't.jsonl'),
      '{"ts":"2026-03-02T00:00:00Z","org":"a","key":"k","ip":"1","request":{"model":"m","messages":[]},"response":{}}\nnot json\n{"org":"b"}\n',
    );
    const r = await analyzeTraffic({ trafficPath: join(dir, 't.jsonl'), outPath: join(dir, 'v.jsonl') });
    expect(r.requests).toBe(1);
    expect(r.badLines.map((b) => b.line)).toEqual([2, 3]);
  });
});

describe('graded enforcement', () => {
  it('acts in proportion: flag, throttle, then re-vetting, suspending only when allowed', () => {
    const config = abuseConfigSchema.parse({});
    expect(actionFor(0.3, config)).toBe('none');
    expect(actionFor(0.55, config)).toBe('flag');
    expect(actionFor(0.75, config)).toBe('throttle');
    expect(actionFor(0.95, config)).toBe('require_revetting');
    expect(actionFor(0.95, abuseConfigSchema.parse({ auto_suspend: true }))).toBe('suspend');
    expect(actionFor(0.95, abuseConfigSchema.parse({ mode: 'alert_only' }))).toBe('flag');
    expect(() => abuseConfigSchema.parse({ flag_threshold: 0.8, throttle_threshold: 0.6 })).toThrow(
      /thresholds must rise/,
    );
  });
});
