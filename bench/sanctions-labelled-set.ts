// A labelled screening set, generated from a seed (the same seed, the same set): a synthetic sanctions list of
// people ("SURNAME, Given Patronymic") and entities, queries that are variants of listed names as they turn up in
// applications (a missing middle name or patronymic, words joined or split, a doubled letter, a plural, reordered
// words, typos, transliteration), and unrelated names (fresh ones, and decoys that share words with a listed name
// but not the name). Every name is invented. Used by `npm run bench:sanctions-labelled` and the screener's tests.
import type { ListEntry } from '../src/vetting/sanctions/lists.ts';
import { prng } from '../src/util/prng.ts';

export interface LabelledQuery {
  name: string;
  /** listed: a variant of entry `entry_id`'s name; unrelated: should match nothing. */
  label: 'listed' | 'unrelated';
  entry_id?: string;
  /** How the query was made from the listed name (or, for unrelated names, what kind of name it is). */
  variant: string;
}

export interface LabelledSet {
  entries: ListEntry[];
  queries: LabelledQuery[];
}

const ONSETS = 'b d f g h k l m n p r s t v z sh ch tr st br gr kr dr'.split(' ');
const VOWELS = 'a e i o u'.split(' ');
const CODAS = ['', '', 'n', 'r', 'l', 'k', 's', 'm'];
const ENTITY_KINDS = [
  'Trading',
  'Shipping',
  'Airlines',
  'Industries',
  'Holdings',
  'Petroleum',
  'Electronics',
  'Bank',
  'Logistics',
  'Systems',
  'Metals',
  'Chemicals',
  'Engineering',
  'Investments',
  'Services',
];
const LEGAL = ['LLC', 'Co. Ltd', 'GmbH', 'JSC', 'S.A.', 'Ltd', 'FZE', ''];
const PATRONYMIC = ['ovich', 'evich', 'ovna', 'evna'];
const SURNAME_ENDINGS = ['ov', 'ev', 'in', 'enko', 'ski', 'ian', 'i', ''];
const capital = (w: string) => w[0]!.toUpperCase() + w.slice(1);

export function labelledSet(opts: { seed: number; entries: number; listed: number; unrelated: number }): LabelledSet {
  const random = prng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const chance = (p: number) => random() < p;
  const syllable = () => pick(ONSETS) + pick(VOWELS) + pick(CODAS);
  const word = (min = 2, max = 3) =>
    Array.from({ length: min + Math.floor(random() * (max - min + 1)) }, syllable).join('');
  // Given names come from a pool (as in life, many people share them); surnames and company words are rarer.
  const givenNames = Array.from({ length: 400 }, () => word(2, 2));

  interface Person {
    kind: 'person';
    surname: string;
    given: string;
    middle: string;
  }
  /** `cut`: where the first word is a compound of two (AERO|CARIBBEAN), if it is. */
  interface Entity {
    kind: 'entity';
    words: string[];
    type: string;
    legal: string;
    cut?: number;
  }
  const person = (): Person => {
    const given = pick(givenNames);
    const middle = chance(0.7) ? pick(givenNames) + pick(PATRONYMIC) : pick(givenNames);
    return { kind: 'person', surname: word(2, 3) + pick(SURNAME_ENDINGS), given, middle };
  };
  const entity = (): Entity => {
    // A third of the names have a compound first word, the way AEROCARIBBEAN is AERO + CARIBBEAN.
    if (chance(0.33)) {
      const head = word(2, 2);
      return {
        kind: 'entity',
        words: chance(0.5) ? [head + word(2, 3)] : [head + word(2, 3), word()],
        type: pick(ENTITY_KINDS),
        legal: pick(LEGAL),
        cut: head.length,
      };
    }
    return {
      kind: 'entity',
      words: chance(0.5) ? [word()] : [word(), word()],
      type: pick(ENTITY_KINDS),
      legal: pick(LEGAL),
    };
  };
  const listedName = (n: Person | Entity) =>
    n.kind === 'person'
      ? `${n.surname.toUpperCase()}, ${capital(n.given)} ${capital(n.middle)}`
      : `${[...n.words, n.type].join(' ').toUpperCase()} ${n.legal.toUpperCase()}`.trim();

  const names: Array<Person | Entity> = [];
  const entries: ListEntry[] = [];
  const listedKeys = new Set<string>();
  for (let i = 0; i < opts.entries; i++) {
    const n = chance(0.4) ? person() : entity();
    names.push(n);
    listedKeys.add(key(n));
    entries.push({
      id: `LAB:${i}`,
      source: 'labelled',
      name: listedName(n),
      aliases: [],
      type: n.kind === 'person' ? 'individual' : 'entity',
      programs: 'SYN',
    });
  }

  // Spelling variants of one word.
  const doubled = (w: string) => {
    const pairs = [...w.matchAll(/([b-df-hj-np-tv-z])\1/g)];
    if (pairs.length > 0) return w.slice(0, pairs[0]!.index) + w.slice(pairs[0]!.index + 1); // caribbean -> caribean
    const at = [...w.matchAll(/[aeiou]([b-df-hj-np-tv-z])[aeiou]/g)];
    if (at.length === 0) return w + w.at(-1);
    const m = pick(at);
    return w.slice(0, m.index + 2) + m[1] + w.slice(m.index + 2); // carribean from caribean
  };
  const plural = (w: string) => (w.endsWith('ies') ? `${w.slice(0, -3)}y` : w.endsWith('s') ? w.slice(0, -1) : `${w}s`);
  const typo = (w: string) => {
    const i = 1 + Math.floor(random() * (w.length - 1));
    return chance(0.5) ? w.slice(0, i) + pick(VOWELS) + w.slice(i + 1) : w.slice(0, i) + w.slice(i + 1);
  };
  const translit = (w: string) => {
    const swaps: Array<[RegExp, string]> = [
      [/v/, 'w'],
      [/ks/, 'x'],
      [/i$/, 'y'],
      [/f/, 'ph'],
      [/k/, 'kh'],
      [/ch/, 'tch'],
      [/sh/, 'ch'],
      [/ov$/, 'off'],
      [/e/, 'ye'],
    ];
    for (const [from, to] of swaps.sort(() => random() - 0.5)) if (from.test(w)) return w.replace(from, to);
    return typo(w);
  };
  const title = (s: string) =>
    chance(0.5)
      ? s
          .split(' ')
          .map((w) => (/^[a-z]/.test(w) ? capital(w) : w))
          .join(' ')
      : s.toUpperCase();

  const personVariants: Record<string, (p: Person) => string> = {
    no_middle: (p) => `${p.given} ${p.surname}`,
    no_middle_surname_first: (p) => `${p.surname} ${p.given}`,
    no_middle_translit: (p) => `${p.given} ${translit(p.surname)}`,
    no_middle_doubled: (p) => `${p.given} ${doubled(p.surname)}`,
    full_reordered: (p) => `${p.given} ${p.middle} ${p.surname}`,
    typo: (p) => `${p.given} ${p.middle} ${typo(p.surname)}`,
  };
  // Joined words (for names of two words) or a compound split (for names that have one).
  const rejoin = (e: Entity) =>
    e.cut !== undefined
      ? [e.words[0]!.slice(0, e.cut), e.words[0]!.slice(e.cut), ...e.words.slice(1)]
      : [e.words.join('')];
  const entityVariants: Record<string, (e: Entity) => string> = {
    joined_or_split: (e) => [...rejoin(e), e.type].join(' ') + (chance(0.5) ? ` ${pick(LEGAL)}` : ''),
    doubled_letter: (e) => [...e.words.map((w, i) => (i === 0 ? doubled(w) : w)), e.type, e.legal].join(' '),
    plural: (e) => [...e.words, plural(e.type.toLowerCase()), pick(LEGAL)].join(' '),
    combined: (e) => {
      // Split the compound (or join the words), double or undouble a letter, toggle a plural: "Aero Carribean Airline S.A."
      const ws = rejoin(e);
      const i = Math.floor(random() * ws.length);
      ws[i] = doubled(ws[i]!);
      return [...ws, plural(e.type.toLowerCase()), pick(LEGAL)].join(' ');
    },
    reordered_typo: (e) => [e.type, ...e.words.map((w, i) => (i === e.words.length - 1 ? typo(w) : w))].join(' '),
  };

  const queries: LabelledQuery[] = [];
  for (let i = 0; i < opts.listed; i++) {
    const at = Math.floor(random() * names.length);
    const n = names[at]!;
    const variants = n.kind === 'person' ? personVariants : entityVariants;
    const kinds = Object.keys(variants).filter(
      (v) =>
        n.kind === 'person' ||
        n.cut !== undefined ||
        n.words.length > 1 ||
        (v !== 'joined_or_split' && v !== 'combined'),
    );
    const variant = pick(kinds);
    const name = title((variants[variant] as (x: Person | Entity) => string)(n).replace(/\s+/g, ' ').trim());
    queries.push({ name, label: 'listed', entry_id: entries[at]!.id, variant: `${n.kind}:${variant}` });
  }
  while (queries.length < opts.listed + opts.unrelated) {
    // Half fresh names; half decoys: a listed name with its distinctive word changed (same given and middle name,
    // another surname; the same trade and one word kept, another replaced).
    let n: Person | Entity;
    let variant: string;
    if (chance(0.5)) {
      n = chance(0.4) ? person() : entity();
      variant = `${n.kind}:fresh`;
    } else {
      const listed = names[Math.floor(random() * names.length)]!;
      if (listed.kind === 'person') n = { ...listed, surname: word(2, 3) + pick(SURNAME_ENDINGS) };
      else {
        const words = [...listed.words];
        words[Math.floor(random() * words.length)] = word();
        n = { ...listed, words };
      }
      variant = `${n.kind}:decoy`;
    }
    if (listedKeys.has(key(n))) continue;
    const name =
      n.kind === 'person'
        ? chance(0.5)
          ? `${n.given} ${n.surname}`
          : `${n.given} ${n.middle} ${n.surname}`
        : [...n.words, n.type, n.legal].join(' ');
    queries.push({ name: title(name.trim()), label: 'unrelated', variant });
  }
  return { entries, queries };
}

function key(
  n:
    | { kind: 'person'; surname: string; given: string; middle: string }
    | { kind: 'entity'; words: string[]; type: string },
): string {
  return n.kind === 'person' ? `p:${n.surname}:${n.given}` : `e:${n.words.join('')}:${n.type}`;
}

export interface LabelledScore {
  threshold: number;
  /** Listed-name variants whose own entry was among the hits. */
  recall: number;
  /** Of all queries with a hit, those that hit the entry they are a variant of. */
  precision: number;
  /** Unrelated names with any hit. */
  falsePositiveRate: number;
  recallByVariant: Record<string, number>;
  falsePositivesByVariant: Record<string, number>;
}

/** Scores a screening function (name → hits, each with its entry id and score) on a labelled set. */
export function score(
  set: LabelledSet,
  hitsOf: (name: string) => Array<{ entry_id: string; score: number }>,
  thresholds: number[],
): LabelledScore[] {
  const results = set.queries.map((q) => ({ q, hits: hitsOf(q.name) }));
  return thresholds.map((threshold) => {
    let truePositives = 0;
    let flagged = 0;
    let unrelatedFlagged = 0;
    const byVariant = new Map<string, { n: number; ok: number }>();
    for (const { q, hits } of results) {
      const above = hits.filter((h) => h.score >= threshold);
      if (above.length > 0) flagged++;
      const ok = q.label === 'listed' ? above.some((h) => h.entry_id === q.entry_id) : above.length === 0;
      if (q.label === 'listed' && ok) truePositives++;
      if (q.label === 'unrelated' && !ok) unrelatedFlagged++;
      const v = byVariant.get(q.variant) ?? { n: 0, ok: 0 };
      v.n++;
      if (ok) v.ok++;
      byVariant.set(q.variant, v);
    }
    const listed = set.queries.filter((q) => q.label === 'listed').length;
    const unrelated = set.queries.length - listed;
    const recallByVariant: Record<string, number> = {};
    const falsePositivesByVariant: Record<string, number> = {};
    for (const [variant, v] of [...byVariant].sort()) {
      if (set.queries.find((q) => q.variant === variant)!.label === 'listed') recallByVariant[variant] = v.ok / v.n;
      else falsePositivesByVariant[variant] = (v.n - v.ok) / v.n;
    }
    return {
      threshold,
      recall: truePositives / listed,
      precision: flagged === 0 ? 1 : truePositives / flagged,
      falsePositiveRate: unrelatedFlagged / unrelated,
      recallByVariant,
      falsePositivesByVariant,
    };
  });
}
