// `npm run bench:sanctions-labelled`: recall and precision of sanctions screening on a seeded labelled set (see
// sanctions-labelled-set.ts): 20,000 listed names, 5,000 variants of listed names, 5,000 unrelated names.
// SEED=n changes the set; the default is the one the README's figures come from.
import { SanctionsScreener } from '../src/vetting/sanctions/screener.ts';
import { labelledSet, score } from './sanctions-labelled-set.ts';

const seed = Number(process.env.SEED ?? 1);
const set = labelledSet({ seed, entries: 20_000, listed: 5_000, unrelated: 5_000 });
const screener = new SanctionsScreener(set.entries);
const t0 = performance.now();
const results = score(set, (name) => screener.screen(name, 0.7), [0.8, 0.85, 0.9]);
const seconds = (performance.now() - t0) / 1000;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
console.log(
  `seed ${seed}: ${set.entries.length} listed names, ${set.queries.length} queries screened in ${seconds.toFixed(1)} s`,
);
for (const r of results) {
  console.log(
    `threshold ${r.threshold}: recall ${pct(r.recall)}, precision ${pct(r.precision)}, unrelated names flagged ${pct(r.falsePositiveRate)}`,
  );
}
const at = results.find((r) => r.threshold === 0.85)!;
console.log('at 0.85 (the default vetting.sanctions_threshold), by variant:');
for (const [variant, recall] of Object.entries(at.recallByVariant))
  console.log(`  listed    ${variant.padEnd(32)} found   ${pct(recall)}`);
for (const [variant, rate] of Object.entries(at.falsePositivesByVariant))
  console.log(`  unrelated ${variant.padEnd(32)} flagged ${pct(rate)}`);
