// Deterministic pseudo-English for robustness measurements: a few thousand invented words in sentences.
import { prng } from '../util/prng.ts';

let vocabulary: string[] | undefined;

function words(): string[] {
  if (!vocabulary) {
    const r = prng(99);
    const syl =
      'ba be bi bo bu da de di do du fa fe fi ka ke ki ko la le li lo lu ma me mi mo na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi wa ye zo'.split(
        ' ',
      );
    const set = new Set<string>([
      'the',
      'a',
      'of',
      'and',
      'to',
      'in',
      'is',
      'that',
      'for',
      'it',
      'with',
      'as',
      'on',
      'by',
      'this',
    ]);
    while (set.size < 3000)
      set.add(Array.from({ length: 1 + Math.floor(r() * 3) }, () => syl[Math.floor(r() * syl.length)]).join(''));
    vocabulary = [...set];
  }
  return vocabulary;
}

/** A text of `sentences` sentences, the same for the same seed. Common words appear as often as in English. */
export function pseudoText(seed: number, sentences: number): string {
  const r = prng(seed);
  const v = words();
  const out: string[] = [];
  for (let s = 0; s < sentences; s++) {
    const n = 8 + Math.floor(r() * 14);
    const ws = Array.from({ length: n }, () =>
      r() < 0.3 ? v[Math.floor(r() * 15)]! : v[15 + Math.floor(Math.pow(r(), 1.5) * (v.length - 15))]!,
    );
    ws[0] = ws[0]![0]!.toUpperCase() + ws[0]!.slice(1);
    out.push(`${ws.join(' ')}.`);
  }
  return out.join(' ');
}

export function replaceWords(text: string, share: number, seed: number): string {
  const r = prng(seed);
  const v = words();
  return text.replace(/[\p{L}]+/gu, (w) => (r() < share ? v[Math.floor(r() * v.length)]! : w));
}

export function shuffleSentences(text: string, seed: number): string {
  const r = prng(seed);
  const s = text.split(/(?<=\.)\s+/);
  for (let i = s.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  return s.join(' ');
}
