// `npm run bench:sanctions`: names screened per second against a 20,000-entry list (synthetic, invented names).
import { SanctionsScreener } from '../src/vetting/sanctions/screener.ts';
import type { ListEntry } from '../src/vetting/sanctions/lists.ts';

let seed = 7;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
// ~600 syllables (onset + vowel + optional coda), roughly the variety of real company names.
const syllables = 'b d f g h k l m n p r s t v z sh ch tr st br'
  .split(' ')
  .flatMap((c) => 'a e i o u'.split(' ').flatMap((v) => ['', 'n', 'r', 'l', 'k', 's'].map((k) => c + v + k)));
const word = () =>
  Array.from({ length: 2 + Math.floor(random() * 2) }, () => syllables[Math.floor(random() * syllables.length)]).join(
    '',
  );
const kinds = ['Trading', 'Shipping', 'Industries', 'Holdings', 'Petroleum', 'Electronics', 'Bank', 'Logistics'];
const suffixes = ['LLC', 'Co. Ltd', 'GmbH', 'JSC', 'S.A.', ''];
const entryName = () =>
  `${word()} ${word()} ${kinds[Math.floor(random() * kinds.length)]} ${suffixes[Math.floor(random() * suffixes.length)]}`.trim();

const entries: ListEntry[] = Array.from({ length: 20_000 }, (_, i) => ({
  id: `SYN:${i}`,
  source: 'synthetic',
  name: entryName(),
  aliases: random() < 0.3 ? [entryName()] : [],
  type: 'entity',
  programs: 'SYN',
}));
let t0 = performance.now();
const screener = new SanctionsScreener(entries);
console.log(`indexed ${screener.size} names in ${(performance.now() - t0).toFixed(0)} ms`);

// Half the queries are variants of listed names (typo, reordered words), half are unrelated names.
const queries = Array.from({ length: 10_000 }, (_, i) => {
  if (i % 2) return entryName();
  const words = entries[Math.floor(random() * entries.length)]!.name.split(' ');
  const w = Math.floor(random() * words.length);
  words[w] = words[w]!.slice(0, -1) + 'x';
  return words.reverse().join(' ');
});
for (const q of queries.slice(0, 500)) screener.screen(q, 0.85); // warm-up
t0 = performance.now();
const hit = queries.map((q) => screener.screen(q, 0.8));
const seconds = (performance.now() - t0) / 1000;
console.log(
  `screened ${queries.length} names in ${seconds.toFixed(2)} s: ${(queries.length / seconds).toFixed(0)} names/s (target >= 2,000)`,
);
for (const threshold of [0.8, 0.85, 0.9]) {
  const found = (odd: number) =>
    hit.filter((h, i) => i % 2 === odd && h.some((x) => x.score >= threshold)).length / (queries.length / 2);
  console.log(
    `threshold ${threshold}: variants of listed names found ${(found(0) * 100).toFixed(1)}%, unrelated names flagged ${(found(1) * 100).toFixed(1)}%`,
  );
}
