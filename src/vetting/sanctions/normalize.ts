// Name normalisation for screening: what survives case, punctuation, diacritics, legal suffixes,
// transliteration variants and word order.

const LEGAL_SUFFIXES = new Set([
  'co',
  'company',
  'corp',
  'corporation',
  'inc',
  'incorporated',
  'ltd',
  'limited',
  'llc',
  'llp',
  'lp',
  'plc',
  'gmbh',
  'ag',
  'kg',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'ab',
  'as',
  'oy',
  'pte',
  'pty',
  'jsc',
  'ojsc',
  'cjsc',
  'pjsc',
  'oao',
  'zao',
  'ooo',
  'pao',
  'fze',
  'fzco',
  'fzc',
  'dmcc',
  'sdn',
  'bhd',
  'kk',
  'the',
  'group',
  'holding',
  'holdings',
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
 * Aleksandr / Alexander → alksndr, Petroff / Petrov → ptrv): phonetic folds, doubled letters collapsed, inner
 * vowels dropped.
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
    .replace(/([oe])ff$/, '$1v')
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
  return (
    s[0]! +
    s
      .slice(1)
      .replace(/[aeiou]/g, '')
      .replace(/(.)\1+/g, '$1')
  );
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
  // The skeleton scores at most 0.93: only worth computing when the spelling scores less.
  if (a.length < 3 || b.length < 3 || plain >= 0.93) return plain;
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
 * Names where words are joined in one and apart in the other (AEROCARIBBEAN / Aero Caribbean): the pair of words
 * is joined when together they match a word of the other name, better than either does alone. Undefined when no
 * pair joins.
 */
export function joinSplitWords(
  a: readonly string[],
  b: readonly string[],
): [readonly string[], readonly string[]] | undefined {
  const joinedA = joinToward(a, b);
  const joinedB = joinToward(b, a);
  return joinedA === a && joinedB === b ? undefined : [joinedA, joinedB];
}

function joinToward(x: readonly string[], y: readonly string[]): readonly string[] {
  if (x.length < 2) return x;
  const out: string[] = [];
  let joinedAny = false;
  for (let i = 0; i < x.length; i++) {
    if (i + 1 < x.length && joinsInto(x[i]!, x[i + 1]!, y)) {
      out.push(x[i]! + x[i + 1]!);
      joinedAny = true;
      i++;
    } else out.push(x[i]!);
  }
  return joinedAny ? out : x;
}

function joinsInto(first: string, second: string, y: readonly string[]): boolean {
  const joined = first + second;
  for (const t of y) {
    // Cheap tests first: a joined pair starts like the word it stands for and is about as long.
    if (
      t.length < 6 ||
      t.charCodeAt(0) !== joined.charCodeAt(0) ||
      Math.abs(t.length - joined.length) > 2 + (joined.length >> 3)
    )
      continue;
    const together = tokenSimilarity(joined, t);
    if (together >= 0.85 && together > Math.max(tokenSimilarity(first, t), tokenSimilarity(second, t))) return true;
  }
  return false;
}

/**
 * How well two names match, in [0, 1], whatever their word order: each word paired with its best counterpart,
 * weighted by `weight` (by default its length; the screener also weighs rare words above common ones).
 */
export function nameSimilarity(
  a: readonly string[],
  b: readonly string[],
  weight: (token: string) => number = (t) => t.length,
): number {
  if (a.length === 0 || b.length === 0) return 0;
  // Each pair of words is compared once, for both directions.
  const n = a.length * b.length;
  const sims = n <= pairScores.length ? pairScores : new Float64Array(n);
  for (let i = 0; i < a.length; i++)
    for (let j = 0; j < b.length; j++) sims[i * b.length + j] = tokenSimilarity(a[i]!, b[j]!);
  let weighted = 0;
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    let best = 0;
    for (let j = 0; j < b.length; j++) best = Math.max(best, sims[i * b.length + j]!);
    const w = weight(a[i]!);
    weighted += best * w;
    total += w;
  }
  const aToB = weighted / total;
  weighted = 0;
  total = 0;
  for (let j = 0; j < b.length; j++) {
    let best = 0;
    for (let i = 0; i < a.length; i++) best = Math.max(best, sims[i * b.length + j]!);
    const w = weight(b[j]!);
    weighted += best * w;
    total += w;
  }
  return (aToB + weighted / total) / 2;
}

const pairScores = new Float64Array(1024);

/** A name with a word missing scores this much of what its words match: below the full name, above the threshold. */
const PARTIAL_NAME_FACTOR = 0.95;

/**
 * A person's name with a given name, middle name or patronymic missing on one side (PETROV, Ivan Sergeyevich / Ivan
 * Petrov): each word of the shorter name must match a different word of the longer one, and when the listed name is
 * the longer, its `required` words (the surname) must be among them. Scores the shorter name's weighted match, a
 * little below the full name's; 0 when the names do not fit that pattern.
 */
export function partialNameSimilarity(
  query: readonly string[],
  listed: readonly string[],
  required: readonly number[],
  weight: (token: string) => number = (t) => t.length,
): number {
  const listedLonger = listed.length > query.length;
  const short = listedLonger ? query : listed;
  const long = listedLonger ? listed : query;
  if (short.length < 2 || short.length === long.length || long.length > 31) return 0;
  let used = 0;
  let weighted = 0;
  let total = 0;
  for (const t of short) {
    let best = 0;
    let at = -1;
    for (let j = 0; j < long.length; j++) {
      if (used & (1 << j)) continue;
      const s = tokenSimilarity(t, long[j]!);
      if (s > best) [best, at] = [s, j];
    }
    if (best < 0.8) return 0;
    used |= 1 << at;
    const w = weight(t);
    weighted += best * w;
    total += w;
  }
  if (listedLonger) for (const r of required) if (!(used & (1 << r))) return 0;
  return (weighted / total) * PARTIAL_NAME_FACTOR;
}
