// Screening names against loaded sanctions lists. A trigram index over every name and alias picks a few
// candidates per query (no scan of the whole list); each candidate is then scored word by word.
import type { ListEntry } from './lists.ts';
import { joinSplitWords, nameSimilarity, nameTokens, partialNameSimilarity, skeleton, trigrams } from './normalize.ts';

export interface ScreeningHit {
  entry_id: string;
  source: string;
  listed_name: string;
  matched_name: string;
  score: number;
  programs: string;
  type: string;
  /** A listed person's dates of birth, when the list gives them. */
  dates_of_birth?: string[];
  /** What an export to the listed party needs, when the list says (BIS Entity List: a licence). */
  license_requirement?: string;
  license_policy?: string;
}

interface IndexedName {
  entry: ListEntry;
  name: string;
  tokens: string[];
  /** A person's: the words a shorter name must include (the surname), by position; undefined for entities. */
  required?: number[];
}

const CANDIDATES = 30;
/** Postings read per query at most: the rarest keys first, so common ones ("tra", "ing") cost little. */
const POSTINGS_BUDGET = 8_000;

export class SanctionsScreener {
  private readonly names: IndexedName[] = [];
  private readonly postings = new Map<string, number[]>();
  private counts = new Uint16Array(0);
  private readonly documentFrequency = new Map<string, number>();
  private readonly weight = (token: string) => {
    // Rare words identify a name; words on many listed names ("trading", "bank") count for less.
    const df = this.documentFrequency.get(token) ?? 0;
    return token.length * Math.log(1 + this.names.length / (1 + df));
  };

  constructor(entries: readonly ListEntry[] = []) {
    for (const entry of entries) for (const name of [entry.name, ...entry.aliases]) this.add(entry, name);
    this.counts = new Uint16Array(this.names.length);
  }

  get size(): number {
    return this.names.length;
  }

  /** Hits scoring at least `threshold`, best first, one per list entry. */
  screen(name: string, threshold: number): ScreeningHit[] {
    const tokens = nameTokens(name);
    if (tokens.length === 0) return [];
    const lists = keysOf(tokens)
      .map((g) => this.postings.get(g))
      .filter((l): l is number[] => l !== undefined)
      .sort((a, b) => a.length - b.length);
    const counts = this.counts;
    const touched: number[] = [];
    let read = 0;
    let used = 0;
    for (const list of lists) {
      if (used >= 4 && read + list.length > POSTINGS_BUDGET) break;
      read += list.length;
      used++;
      for (const id of list) {
        if (counts[id] === 0) touched.push(id);
        counts[id]!++;
      }
    }
    const minShared = Math.max(1, Math.floor(used * 0.25));
    const candidates = touched
      .filter((id) => counts[id]! >= minShared)
      .sort((x, y) => counts[y]! - counts[x]!)
      .slice(0, CANDIDATES);
    for (const id of touched) counts[id] = 0;
    const best = new Map<string, ScreeningHit>();
    for (const id of candidates) {
      const indexed = this.names[id]!;
      const score = Math.round(this.similarity(tokens, indexed) * 1000) / 1000;
      if (score < threshold) continue;
      const prior = best.get(indexed.entry.id);
      if (prior && prior.score >= score) continue;
      best.set(indexed.entry.id, {
        entry_id: indexed.entry.id,
        source: indexed.entry.source,
        listed_name: indexed.entry.name,
        matched_name: indexed.name,
        score,
        programs: indexed.entry.programs,
        type: indexed.entry.type,
        ...(indexed.entry.dates_of_birth ? { dates_of_birth: indexed.entry.dates_of_birth } : {}),
        ...(indexed.entry.license_requirement ? { license_requirement: indexed.entry.license_requirement } : {}),
        ...(indexed.entry.license_policy ? { license_policy: indexed.entry.license_policy } : {}),
      });
    }
    return [...best.values()].sort((a, b) => b.score - a.score);
  }

  /** Word by word, then allowing for words joined or split and, for people, a missing given or middle name. */
  private similarity(tokens: string[], indexed: IndexedName): number {
    let score = nameSimilarity(tokens, indexed.tokens, this.weight);
    if (score >= 1) return score;
    const joined = joinSplitWords(tokens, indexed.tokens);
    if (joined) score = Math.max(score, nameSimilarity(joined[0], joined[1], this.weight));
    if (indexed.required)
      score = Math.max(score, partialNameSimilarity(tokens, indexed.tokens, indexed.required, this.weight));
    return score;
  }

  private add(entry: ListEntry, name: string): void {
    const tokens = nameTokens(name);
    if (tokens.length === 0) return;
    const id = this.names.length;
    this.names.push({
      entry,
      name,
      tokens,
      required: entry.type.toLowerCase() === 'individual' ? surnameAt(name, tokens) : undefined,
    });
    for (const t of new Set(tokens)) this.documentFrequency.set(t, (this.documentFrequency.get(t) ?? 0) + 1);
    for (const g of keysOf(tokens)) {
      let list = this.postings.get(g);
      if (!list) this.postings.set(g, (list = []));
      list.push(id);
    }
  }
}

/**
 * Where a person's surname is among a name's words: before the comma in list order (PETROV, Ivan Sergeyevich);
 * otherwise the first and the last word, whichever it is (only inner names may be missing).
 */
function surnameAt(name: string, tokens: readonly string[]): number[] {
  const comma = name.indexOf(',');
  const before = comma > 0 ? nameTokens(name.slice(0, comma)).length : 0;
  if (before > 0 && before < tokens.length) return Array.from({ length: before }, (_, i) => i);
  return tokens.length > 1 ? [0, tokens.length - 1] : [0];
}

/** Index keys: trigrams of each word and of its transliteration skeleton, so variants still share keys. */
function keysOf(tokens: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const t of tokens) {
    for (const g of trigrams(t)) keys.add(g);
    if (t.length >= 3) for (const g of trigrams(skeleton(t))) keys.add(`~${g}`);
  }
  return [...keys];
}
