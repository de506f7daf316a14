// What a request asks the SIMULATOR for: how long a reply (one word, two sentences, three paragraphs, a long
// essay, a list of five) and what about (the salient nouns of the latest user message, or of earlier ones).
import type { JsonObject } from '../../wire/json.ts';
import { contentText } from './prompt.ts';
import { STOPWORDS } from './stopwords.ts';

export type Shape =
  | { kind: 'words'; count: number }
  | { kind: 'sentences'; count: number }
  | { kind: 'paragraphs'; count: number }
  | { kind: 'list'; count: number };

export interface Ask {
  /** The form asked for; null when the request names none (the reply is then a few sentences). */
  shape: Shape | null;
  /** Topic phrases, most salient first; empty when the request names none ("hello"). */
  topics: string[];
  /** The latest question expects yes or no ("Is ...?", "Does ...?"). */
  yesNo: boolean;
}

const NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  single: 1,
  'a single': 1,
  couple: 2,
  'a couple of': 2,
  two: 2,
  three: 3,
  few: 3,
  'a few': 3,
  four: 4,
  several: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
};
const NUM = `(\\d{1,5}|a single|a couple of|a few|${Object.keys(NUMBERS)
  .filter((k) => !k.includes(' '))
  .join('|')})`;
const numberOf = (word: string): number => NUMBERS[word] ?? Number(word);

const WORDS = new RegExp(`\\b${NUM}[- ]words?\\b`, 'i');
const SENTENCES = new RegExp(`\\b${NUM} sentences?\\b`, 'i');
const PARAGRAPHS = new RegExp(`\\b${NUM}[- ]paragraphs?\\b`, 'i');
const LIST = new RegExp(
  `\\b${NUM} (?:\\w+ ){0,2}?(?:bullet points?|bullets|items|reasons|ideas|examples|tips|steps|ways|points|facts|things)\\b`,
  'i',
);
const LONG = /\b(?:long|lengthy|in[- ]depth|comprehensive|thorough|extensive|exhaustive)\b/i;
const ESSAY = /\b(?:essay|article|report|guide|story|chapter)\b/i;
const DETAILED = /\b(?:detailed|in detail|at length|elaborate)\b/i;
const SHORT = /\b(?:briefly|brief|short|concise|concisely|quick|quickly|tl;?dr|succinct)\b/i;
const LIST_VERB = /^\s*(?:please\s+)?(?:list|enumerate)\b|\bbullet(?:ed)? (?:points|list)\b/i;
const YES_NO =
  /^\s*(?:is|are|am|was|were|do|does|did|can|could|should|would|will|has|have|had|may|might|must|isn't|aren't|doesn't|don't)\b/i;

const limit = (n: number, max: number) => Math.max(1, Math.min(max, Math.floor(n)));

/** The form a request asks for, read from its text; null when it names none. */
export function shapeOf(text: string): Shape | null {
  let m = WORDS.exec(text);
  if (m) {
    const word = m[1]!.toLowerCase();
    if (word === 'few' || word === 'a few' || word === 'several') return { kind: 'sentences', count: 1 };
    return { kind: 'words', count: limit(numberOf(word), 5000) };
  }
  if ((m = SENTENCES.exec(text))) return { kind: 'sentences', count: limit(numberOf(m[1]!.toLowerCase()), 200) };
  if ((m = PARAGRAPHS.exec(text))) return { kind: 'paragraphs', count: limit(numberOf(m[1]!.toLowerCase()), 50) };
  if ((m = LIST.exec(text))) return { kind: 'list', count: limit(numberOf(m[1]!.toLowerCase()), 50) };
  if (LIST_VERB.test(text)) return { kind: 'list', count: 5 };
  const essay = ESSAY.test(text);
  if (LONG.test(text)) return { kind: 'paragraphs', count: essay ? 8 : 5 };
  if (SHORT.test(text)) return essay ? { kind: 'paragraphs', count: 3 } : { kind: 'sentences', count: 2 };
  if (essay) return { kind: 'paragraphs', count: 5 };
  if (DETAILED.test(text)) return { kind: 'paragraphs', count: 4 };
  if (/\bparagraph\b/i.test(text)) return { kind: 'paragraphs', count: 1 };
  return null;
}

const TOKEN = /[\p{L}][\p{L}\p{N}'’-]*|\p{N}+|[.!?:;\n]/gu;
const LEADS_TOPIC = new Set(['about', 'on', 'of', 'regarding', 'concerning', 'for']);
const ARTICLES = new Set(['the', 'a', 'an']);
const UPPER = /\p{Lu}/u;

/**
 * Topic phrases: runs of words that are not function or request words, at most three long, scored by how often
 * they recur, their length, and whether a preposition introduces them ("about harbours", "of connection pooling").
 */
export function topicsOf(text: string): string[] {
  const scored = new Map<string, { phrase: string; score: number; order: number }>();
  let run: string[] = [];
  let sentenceStart = true;
  let lead = 0;
  let article = false;
  let previous = '';
  let beforeArticle = '';
  const flush = () => {
    if (run.length > 0) {
      const words = run.length > 3 ? run.slice(0, 3) : run;
      const key = words.join(' ').toLowerCase();
      const entry = scored.get(key);
      if (entry) entry.score += 2;
      else
        scored.set(key, {
          phrase: (article ? 'the ' : '') + words.join(' '),
          score: 2 + words.length + lead,
          order: scored.size,
        });
      run = [];
    }
  };
  for (const [word] of text.matchAll(TOKEN)) {
    // "what's" is "what", "Lisbon's" is "Lisbon"; "don't" and its kind say nothing.
    const apostrophe = word.search(/['’]/);
    const token = apostrophe > 0 ? word.slice(0, apostrophe) : word;
    if (apostrophe > 0 && /['’]t$/i.test(word)) {
      flush();
      previous = '';
      continue;
    }
    const first = token.charCodeAt(0);
    if (token.length === 1 && '.!?:;\n'.includes(token)) {
      flush();
      sentenceStart = token !== ';';
      previous = '';
      continue;
    }
    const lower = token.toLowerCase();
    if (token.length < 3 || (first >= 48 && first <= 57) || STOPWORDS.has(lower)) {
      flush();
      beforeArticle = previous;
      previous = lower;
      sentenceStart = false;
      continue;
    }
    if (run.length === 0) {
      lead = LEADS_TOPIC.has(previous) || (ARTICLES.has(previous) && LEADS_TOPIC.has(beforeArticle)) ? 2 : 0;
      article = previous === 'the';
    }
    // A capital inside a word (CAP, iPhone) or away from a sentence's start (Lisbon) is kept; else lower case.
    const keepCase = lower !== token && (!sentenceStart || UPPER.test(token.slice(1)));
    run.push(keepCase ? token : lower);
    previous = lower;
    sentenceStart = false;
  }
  flush();
  return [...scored.values()]
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, 4)
    .map((e) => e.phrase);
}

/** Reads the latest user message (then earlier ones, then the system prompt) for the form and the topics. */
export function readAsk(messages: JsonObject[]): Ask {
  const users = messages.filter((m) => m.role === 'user').map((m) => contentText(m.content));
  const system = messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => contentText(m.content))
    .join('\n');
  const latest = users.at(-1) ?? '';
  let topics = topicsOf(latest);
  for (let i = users.length - 2; topics.length === 0 && i >= 0; i--) topics = topicsOf(users[i]!);
  if (topics.length === 0) topics = topicsOf(system);
  return {
    shape: shapeOf(latest) ?? shapeOf(system),
    topics,
    yesNo: YES_NO.test(latest) && /\?\s*$/.test(latest.split(/(?<=\?)/)[0] ?? ''),
  };
}
