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
  readonly ips = new Set<string>();
  readonly keys = new Set<string>();
  /** Long one-shot answers the customer then followed up in the same conversation: a person reading. */
  followedUp = 0;
  private readonly openHarvests = new Set<number>();
  /** Prompts this organisation sent before: a real conversation's history is made of them, a fabricated one is not. */
  private readonly seenPrompts = new Set<number>();
  /** The prompt each Responses API reply answered, by the reply's id: a follow-up names the reply, not the prompt. */
  private readonly threads = new Map<number, number>();
  firstTs = 0;
  lastTs = 0;

  constructor(readonly org: string) {}

  add(f: RequestFeatures, ip: string, key: string): void {
    if (this.requests === 0) this.firstTs = f.t;
    this.lastTs = f.t;
    this.requests++;
    this.promptTokens += f.promptTokens;
    this.completionTokens += f.completionTokens;
    this.hours[f.hour]!++;
    if (f.singleTurn) this.singleTurn++;
    if (f.logprobs) {
      this.logprobs++;
      this.logprobWords.add(f.words);
    }
    if (f.multiSample) this.multiSample++;
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
    if (this.seenPrompts.size >= 100_000) this.seenPrompts.clear();
    this.seenPrompts.add(f.promptKey);
    // A long answer to a prompt that opens a conversation (any earlier turns were never really sent).
    if (f.longAnswer && !continues) {
      if (this.openHarvests.size < 50_000) this.openHarvests.add(f.promptKey);
      this.harvest++;
      this.harvestHours[f.hour]!++;
      this.harvestWords.add(f.words);
      if (this.templates.size < 5000 || this.templates.has(f.templateKey)) this.templates.set(f.templateKey, (this.templates.get(f.templateKey) ?? 0) + 1);
    }
    if (this.ips.size < 64) this.ips.add(ip);
    if (this.keys.size < 64) this.keys.add(key);
  }
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
