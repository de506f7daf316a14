// Name normalisation for screening: what survives case, punctuation, diacritics, legal suffixes,
// transliteration variants and word order.

const LEGAL_SUFFIXES = new Set([
  'co', 'company', 'corp', 'corporation', 'inc', 'incorporated', 'ltd', 'limited', 'llc', 'llp', 'lp', 'plc', 'gmbh', 'ag', 'kg',
  'sa', 'sas', 'sarl', 'srl', 'spa', 'bv', 'nv', 'ab', 'as', 'oy', 'pte', 'pty', 'jsc', 'ojsc', 'cjsc', 'pjsc', 'oao', 'zao', 'ooo',
  'pao', 'fze', 'fzco', 'fzc', 'dmcc', 'sdn', 'bhd', 'kk', 'the', 'group', 'holding', 'holdings',
]);

/** Lowercase words without diacritics, punctuation or legal suffixes. */
export function nameTokens(name: string): string[] {
  const folded = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  if (!folded) return [];
  const tokens = folded.split(' ');
  const kept = tokens.filter((t) => !LEGAL_SUFFIXES.has(t));
  return kept.length > 0 ? kept : tokens;
}

/**
 * A consonant skeleton that makes common transliteration variants collide (Mohammed / Muhammad → mhmd,
 * Aleksandr / Alexander → alksndr): phonetic folds, doubled letters collapsed, inner vowels dropped.
 */
const skeletons = new Map<string, string>();

export function skeleton(token: string): string {
  let cached = skeletons.get(token);
  if (cached === undefined) {
    cached = computeSkeleton(token);
    if (skeletons.size > 200_000) skeletons.clear();
    skeletons.set(token, cached);
  }
  return cached;
}

function computeSkeleton(token: string): string {
  let s = token
    .replace(/ph/g, 'f')
    .replace(/kh/g, 'h')
    .replace(/ck/g, 'k')
    .replace(/x/g, 'ks')
    .replace(/q/g, 'k')
    .replace(/w/g, 'v')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/c/g, 'k')
    .replace(/z/g, 's')
    .replace(/([dtg])h/g, '$1')
    .replace(/j/g, 'i')
    .replace(/y/g, 'i');
  s = s.replace(/(.)\1+/g, '$1');
  return s[0]! + s.slice(1).replace(/[aeiou]/g, '').replace(/(.)\1+/g, '$1');
}

export function trigrams(text: string): string[] {
  const padded = `  ${text} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return [...out];
}

/** Similarity of two words in [0, 1]: edit distance, with transliteration variants treated as near-equal. */
export function tokenSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const plain = 1 - levenshtein(a, b) / Math.max(a.length, b.length);
  if (a.length < 3 || b.length < 3) return plain;
  const sa = skeleton(a);
  const sb = skeleton(b);
  const folded = sa === sb ? 0.93 : 0.93 * (1 - levenshtein(sa, sb) / Math.max(sa.length, sb.length));
  return Math.max(plain, folded);
}

const rowA = new Uint16Array(256);
const rowB = new Uint16Array(256);

export function levenshtein(a: string, b: string): number {
  if (a.length < b.length) [a, b] = [b, a];
  if (b.length >= 255) return slowLevenshtein(a, b);
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

function slowLevenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/**
 * How well two names match, in [0, 1], whatever their word order: each word paired with its best counterpart,
 * weighted by `weight` (by default its length; the screener also weighs rare words above common ones).
 */
export function nameSimilarity(a: readonly string[], b: readonly string[], weight: (token: string) => number = (t) => t.length): number {
  if (a.length === 0 || b.length === 0) return 0;
  const direction = (x: readonly string[], y: readonly string[]) => {
    let weighted = 0;
    let total = 0;
    for (const t of x) {
      let best = 0;
      for (const u of y) best = Math.max(best, tokenSimilarity(t, u));
      const w = weight(t);
      weighted += best * w;
      total += w;
    }
    return weighted / total;
  };
  return (direction(a, b) + direction(b, a)) / 2;
}
