// The detector on traffic shapes the shared dev profile lacks (test/fixtures/traffic/builders-variants.mjs): benign
// single-turn products must not be flagged, harvesting must be, and every flag must rest on converging evidence.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  detectAndScore,
  generate,
  profileWith,
  VARIANT_BUILDERS,
  VARIANT_PROFILE,
  type Scored,
} from '../../test/helpers/labelled-traffic.ts';
import { kitAvailable } from '../../test/helpers/traffic-kit.ts';

const families = (v: Scored['verdicts'][number]) => v.evidence.filter((e) => e.weight >= 0.1).map((e) => e.family);

/** Sets the use each organisation declared at onboarding, as orgs.jsonl carries it. */
function declare(dir: string, declared: string | undefined): void {
  const file = join(dir, 'orgs.jsonl');
  const orgs = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ ...JSON.parse(l), declared_use: declared }));
  writeFileSync(file, orgs.map((o) => JSON.stringify(o)).join('\n') + '\n');
}

describe.skipIf(!kitAvailable())('distillation detector on variant traffic', () => {
  it('flags 3,000 templated requests asking for logprobs and n: 4 from one account at a person’s pace', async () => {
    // The reported miss (issue 29): it scored 0.
    const dir = generate({
      profile: profileWith({
        benign: [],
        campaigns: [{ archetype: 'logprob-templated', accounts: 1, requests: [3000, 3000], countries: ['US'] }],
      }),
      builders: VARIANT_BUILDERS,
      seed: 5,
    });
    declare(dir, undefined);
    const { verdicts, requests } = await detectAndScore(dir);
    expect(requests).toBe(3000);
    const [v] = verdicts;
    expect(v).toMatchObject({ flagged: true });
    // What is harvested (token probabilities, several samples) and what is asked (one template, swept) converge.
    expect(families(v!)).toEqual(['harvest', 'content']);
    expect(v!.reasons).toEqual([
      expect.stringMatching(
        /^what is harvested \(weight 0\.30\): 3000 requests .* token log-probabilities.*several samples/,
      ),
      expect.stringMatching(/^what is asked \(weight 0\.\d\d\): .*from 1 opening templates/),
    ]);
    expect(v!.score).toBeCloseTo(
      v!.evidence.reduce((sum, e) => sum + e.weight, 0),
      2,
    );
  });

  it('keeps benign single-turn products unflagged and flags every harvesting shape, on converging evidence', async () => {
    const dir = generate({ profile: VARIANT_PROFILE, builders: VARIANT_BUILDERS, seed: 7, scale: 0.5 });
    const s = await detectAndScore(dir);
    expect(s.recall).toBe(1);
    expect(s.fpr).toBe(0);
    const labelOf = new Map(s.labels.map((l) => [l.org, l]));
    for (const v of s.verdicts) {
      const { label, archetype } = labelOf.get(v.org)!;
      if (label === 'benign') {
        // Answer engines and Q&A widgets are one question, one long answer, over every subject: not by itself a flag.
        expect(v.score, archetype).toBeLessThanOrEqual(0.3);
        continue;
      }
      expect(families(v).length, archetype).toBeGreaterThanOrEqual(2);
      expect(
        v.reasons.every((r) => /\(weight 0\.\d\d\): /.test(r)),
        archetype,
      ).toBe(true);
    }
  });

  it('holds declared use against traffic: a declared answer engine explains it, a mismatch is evidence, never a pass', async () => {
    const widget = generate({
      profile: profileWith({ benign: [{ archetype: 'qa-widget', count: 1, requests: [1200, 1200] }], campaigns: [] }),
      builders: VARIANT_BUILDERS,
      seed: 3,
    });
    const scoreAs = async (dir: string, declared: string | undefined) => {
      declare(dir, declared);
      return (await detectAndScore(dir)).verdicts[0]!;
    };
    const declaredWidget = await scoreAs(widget, 'ask-anything Q&A widget on our news site');
    const undeclared = await scoreAs(widget, undefined);
    const mismatched = await scoreAs(widget, 'support ticket classification');
    expect(declaredWidget.score).toBeLessThan(undeclared.score);
    expect(undeclared.flagged).toBe(false);
    expect(mismatched.flagged).toBe(true);
    expect(mismatched.evidence.map((e) => e.family)).toContain('declared_use');

    const harvest = generate({
      profile: profileWith({
        benign: [],
        campaigns: [{ archetype: 'logprob-sampler', accounts: 1, requests: [800, 800], countries: ['US'] }],
      }),
      builders: VARIANT_BUILDERS,
      seed: 4,
    });
    expect((await scoreAs(harvest, 'AI answer engine for our search product')).flagged).toBe(true);
  });
});
