// What the detector keeps per organisation: counters and bounded word-frequency sketches, never text.
import type { RequestFeatures } from './features.ts';

const MAX_WORDS = 20_000;

export class WordCounts {
  readonly counts = new Map<number, number>();
  docs = 0;

  add(words: Uint32Array): void {
    this.docs++;
    for (const w of words) {
      const c = this.counts.get(w);
      if (c !== undefined) this.counts.set(w, c + 1);
      else if (this.counts.size < MAX_WORDS) this.counts.set(w, 1);
    }
  }

  /** Distinct words that each appear in under `share` of the documents: the varying, topical part of templated prompts. */
  spread(share = 0.05): number {
    const limit = Math.max(1, this.docs * share);
    let n = 0;
    for (const c of this.counts.values()) if (c < limit) n++;
    return n;
  }
}

/** The counters that add up: merging two profiles (a campaign's members) sums them. */
export const ADDITIVE_COUNTERS = [
  'requests',
  'singleTurn',
  'harvest',
  'logprobs',
  'multiSample',
  'reasoning',
  'completionTokens',
  'promptTokens',
  'followedUp',
  'generative',
  'repeats',
  'logprobTokens',
  'sampleTokens',
  'maxLength',
] as const;
/** The plain counters of a profile, as a snapshot keeps them. */
const COUNTERS = [...ADDITIVE_COUNTERS, 'firstTs', 'lastTs', 'lastHarvestTs'] as const;
/** Log inter-arrival statistics of all requests and of the long one-shot answers: [count, sum, sum of squares]. */
const GAP_STREAMS = ['gaps', 'harvestGaps'] as const;
/** The hashed sketches of a profile: maps as [hash, count] pairs, sets as their members. */
export const SKETCHES = [
  'harvestWords',
  'logprobWords',
  'templates',
  'openHarvests',
  'seenPrompts',
  'threads',
  'harvestSystems',
  'otherSystems',
] as const;

/** A profile as data (for a snapshot that outlives the process): counters, and its sketches as 32-bit numbers. */
export interface ProfileState {
  counters: Record<(typeof COUNTERS)[number] | 'harvestDocs' | 'logprobDocs', number>;
  gaps: Record<(typeof GAP_STREAMS)[number], number[]>;
  hours: number[];
  harvestHours: number[];
  /** Client addresses (pseudonymised online) and API key ids, at most 64 of each. */
  ips: string[];
  keys: string[];
  sketches: Record<(typeof SKETCHES)[number], Uint32Array>;
}

export class OrgProfile {
  requests = 0;
  singleTurn = 0;
  harvest = 0;
  logprobs = 0;
  multiSample = 0;
  reasoning = 0;
  completionTokens = 0;
  promptTokens = 0;
  readonly hours = new Uint32Array(24);
  readonly harvestHours = new Uint32Array(24);
  readonly harvestWords = new WordCounts();
  readonly logprobWords = new WordCounts();
  readonly templates = new Map<number, number>();
  /** System prompts (by systemKey) of the long one-shot answers, and of the other requests. */
  readonly harvestSystems = new Map<number, number>();
  readonly otherSystems = new Map<number, number>();
  readonly ips = new Set<string>();
  readonly keys = new Set<string>();
  /** Long one-shot answers the customer then followed up in the same conversation: a person reading. */
  followedUp = 0;
  /** One-shot prompts answered at twice their length or more (RequestFeatures.generative). */
  generative = 0;
  /** One-shot prompts this organisation had sent before (popular questions come back; sweeps do not repeat). */
  repeats = 0;
  /** Completion tokens of the requests that asked for token log-probabilities, and of those asking for n > 1. */
  logprobTokens = 0;
  sampleTokens = 0;
  /** Substantial answers that ran into their budget or were given a very large one. */
  maxLength = 0;
  lastHarvestTs = 0;
  /** How regular the pacing is: log inter-arrival seconds, [count, sum, sum of squares]. */
  readonly gaps = [0, 0, 0];
  readonly harvestGaps = [0, 0, 0];
  private readonly openHarvests = new Set<number>();
  /** Prompts this organisation sent before: a real conversation's history is made of them, a fabricated one is not. */
  private readonly seenPrompts = new Set<number>();
  /** The prompt each Responses API reply answered, by the reply's id: a follow-up names the reply, not the prompt. */
  private readonly threads = new Map<number, number>();
  firstTs = 0;
  lastTs = 0;

  constructor(readonly org: string) {}

  /** The commonest opening templates of the generative one-shot prompts, by hash (hex), with how many requests used each. */
  topTemplates(n = 20): Array<{ sketch: string; requests: number }> {
    return [...this.templates.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([sketch, requests]) => ({ sketch: sketch.toString(16), requests }));
  }

  state(): ProfileState {
    const counters = {
      harvestDocs: this.harvestWords.docs,
      logprobDocs: this.logprobWords.docs,
    } as ProfileState['counters'];
    for (const k of COUNTERS) counters[k] = this[k];
    return {
      counters,
      gaps: { gaps: this.gaps.slice(), harvestGaps: this.harvestGaps.slice() },
      hours: Array.from(this.hours),
      harvestHours: Array.from(this.harvestHours),
      ips: [...this.ips],
      keys: [...this.keys],
      sketches: {
        harvestWords: pairs(this.harvestWords.counts),
        logprobWords: pairs(this.logprobWords.counts),
        templates: pairs(this.templates),
        openHarvests: Uint32Array.from(this.openHarvests),
        seenPrompts: Uint32Array.from(this.seenPrompts),
        threads: pairs(this.threads),
        harvestSystems: pairs(this.harvestSystems),
        otherSystems: pairs(this.otherSystems),
      },
    };
  }

  static fromState(org: string, s: ProfileState): OrgProfile {
    const p = new OrgProfile(org);
    for (const k of COUNTERS) p[k] = s.counters[k];
    for (const k of GAP_STREAMS) s.gaps[k].forEach((v, i) => (p[k][i] = v));
    p.harvestWords.docs = s.counters.harvestDocs;
    p.logprobWords.docs = s.counters.logprobDocs;
    p.hours.set(s.hours);
    p.harvestHours.set(s.harvestHours);
    for (const ip of s.ips) p.ips.add(ip);
    for (const key of s.keys) p.keys.add(key);
    unpair(s.sketches.harvestWords, p.harvestWords.counts);
    unpair(s.sketches.logprobWords, p.logprobWords.counts);
    unpair(s.sketches.templates, p.templates);
    unpair(s.sketches.threads, p.threads);
    unpair(s.sketches.harvestSystems, p.harvestSystems);
    unpair(s.sketches.otherSystems, p.otherSystems);
    for (const k of s.sketches.openHarvests) p.openHarvests.add(k);
    for (const k of s.sketches.seenPrompts) p.seenPrompts.add(k);
    return p;
  }

  add(f: RequestFeatures, ip: string, key: string): void {
    if (this.requests === 0) this.firstTs = f.t;
    // The distance either way: another node's requests arrive a little late, out of order with this node's own.
    else addGap(this.gaps, Math.abs(f.t - this.lastTs));
    this.lastTs = f.t;
    this.requests++;
    this.promptTokens += f.promptTokens;
    this.completionTokens += f.completionTokens;
    this.hours[f.hour]!++;
    if (f.singleTurn) this.singleTurn++;
    if (f.logprobs) {
      this.logprobs++;
      this.logprobTokens += f.completionTokens;
      this.logprobWords.add(f.words);
    }
    if (f.multiSample) {
      this.multiSample++;
      this.sampleTokens += f.completionTokens;
    }
    if (f.maxLength) this.maxLength++;
    if (f.reasoning) this.reasoning++;
    let continues = false;
    for (const k of f.historyKeys) {
      if (this.seenPrompts.has(k)) continues = true;
      if (this.openHarvests.delete(k)) this.followedUp++;
    }
    // A stored conversation the vendor holds (previous_response_id): the request continues it, as one that
    // carries its history does, and follows up the prompt that reply answered.
    if (f.previousKey !== undefined) {
      continues = true;
      const answered = this.threads.get(f.previousKey);
      if (answered !== undefined && this.openHarvests.delete(answered)) this.followedUp++;
    }
    if (f.threadKey !== undefined) {
      if (this.threads.size >= 50_000) this.threads.clear();
      this.threads.set(f.threadKey, f.promptKey);
    }
    if (f.singleTurn && this.seenPrompts.has(f.promptKey)) this.repeats++;
    if (this.seenPrompts.size >= 100_000) this.seenPrompts.clear();
    this.seenPrompts.add(f.promptKey);
    if (f.generative && !continues) {
      this.generative++;
      if (this.templates.size < 5000 || this.templates.has(f.templateKey))
        this.templates.set(f.templateKey, (this.templates.get(f.templateKey) ?? 0) + 1);
    }
    // A long answer to a prompt that opens a conversation (any earlier turns were never really sent).
    if (f.longAnswer && !continues) {
      if (this.openHarvests.size < 50_000) this.openHarvests.add(f.promptKey);
      this.harvest++;
      this.harvestHours[f.hour]!++;
      if (this.lastHarvestTs) addGap(this.harvestGaps, Math.abs(f.t - this.lastHarvestTs));
      this.lastHarvestTs = f.t;
      this.harvestWords.add(f.words);
      countKey(this.harvestSystems, f.systemKey);
    } else {
      countKey(this.otherSystems, f.systemKey);
    }
    if (this.ips.size < 64) this.ips.add(ip);
    if (this.keys.size < 64) this.keys.add(key);
  }
}

/** Counts a key in a map of at most 256 keys (a product has a handful of system prompts). */
export function countKey(map: Map<number, number>, key: number): void {
  const c = map.get(key);
  if (c !== undefined) map.set(key, c + 1);
  else if (map.size < 256) map.set(key, 1);
}

function pairs(map: Map<number, number>): Uint32Array {
  const out = new Uint32Array(map.size * 2);
  let i = 0;
  for (const [k, v] of map) {
    out[i++] = k;
    out[i++] = v;
  }
  return out;
}

function unpair(from: Uint32Array, to: Map<number, number>): void {
  for (let i = 0; i + 1 < from.length; i += 2) to.set(from[i]!, from[i + 1]!);
}

/** Adds an inter-arrival gap (ms) to [count, sum, sum of squares] of its log seconds (a millisecond at least). */
function addGap(stats: number[], ms: number): void {
  const x = Math.log(Math.max(0.001, ms / 1000));
  stats[0]! += 1;
  stats[1]! += x;
  stats[2]! += x * x;
}

/** Spread of the log inter-arrival times: about 1.3 for independent arrivals (people), near 0 for a timer. */
export function gapSpread(stats: readonly number[]): number {
  const [n, sum, sq] = stats as [number, number, number];
  if (n < 2) return Infinity;
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sq / n - mean * mean));
}

/** How evenly requests spread over the 24 hours of the day: 1 = the same every hour (a script), lower = a working day. */
export function hourEvenness(hours: Uint32Array): number {
  let total = 0;
  for (const h of hours) total += h;
  if (total === 0) return 0;
  let entropy = 0;
  for (const h of hours) if (h > 0) entropy -= (h / total) * Math.log(h / total);
  return entropy / Math.log(24);
}
