// The SIMULATOR's writer: readable prose on the request's topics, in the form asked for, from the corpus's
// sentence templates. Everything random comes from the seeded generator it is given, so a reply is reproducible.
import type { Shape } from './ask.ts';
import { BODY, CLOSERS, FALLBACK_TOPICS, GENERAL, LIST_ITEMS, OPENERS, REASONING, SECONDARY } from './corpus.ts';

/** Draws templates without repeating one until all have been used. */
class Deck {
  private order: number[] = [];
  constructor(
    private readonly items: readonly string[],
    private readonly random: () => number,
  ) {}

  draw(): string {
    if (this.order.length === 0) {
      this.order = this.items.map((_, i) => i);
      for (let i = this.order.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        [this.order[i], this.order[j]] = [this.order[j]!, this.order[i]!];
      }
    }
    return this.items[this.order.pop()!]!;
  }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export class Prose {
  private readonly topics: string[];
  private readonly decks: Record<'open' | 'body' | 'close' | 'list' | 'reason', Deck>;

  constructor(
    topics: string[],
    private readonly random: () => number,
  ) {
    this.topics = topics.length > 0 ? topics : FALLBACK_TOPICS;
    this.decks = {
      open: new Deck(OPENERS, random),
      body: new Deck(BODY, random),
      close: new Deck(CLOSERS, random),
      list: new Deck(LIST_ITEMS, random),
      reason: new Deck(REASONING, random),
    };
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  /** The main topic most of the time, another one now and then. */
  get topic(): string {
    return this.topics.length > 1 && this.random() < 0.3 ? this.pick(this.topics.slice(1)) : this.topics[0]!;
  }

  sentence(kind: keyof Prose['decks']): string {
    // Openings and conclusions are about the main topic; the sentences between wander a little.
    const main = kind === 'open' || kind === 'close' ? this.topics[0]! : this.topic;
    const others = this.topics.filter((t) => t !== main);
    const filled = this.decks[kind]
      .draw()
      .replaceAll('{T}', () => main)
      .replace('{U}', () => (others.length > 0 ? this.pick(others) : this.pick(SECONDARY)))
      .replace('{G}', () => this.pick(GENERAL));
    return capitalise(filled);
  }

  private sentences(count: number, open: boolean, close: boolean): string {
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const kind = open && i === 0 ? 'open' : close && i === count - 1 && count > 2 ? 'close' : 'body';
      out.push(this.sentence(kind));
    }
    return out.join(' ');
  }

  /** A paragraph of four to seven sentences. */
  paragraph(open = false, close = false): string {
    return this.sentences(4 + Math.floor(this.random() * 4), open, close);
  }

  /** One word: yes or no to a yes/no question, else the word the topic ends on. */
  private oneWord(yesNo: boolean): string {
    if (yesNo) return this.random() < 0.5 ? 'Yes' : 'No';
    return capitalise(this.topics[0]!.replace(/^the /, '').split(' ').at(-1)!);
  }

  /** The reply's text (without the simulator's label). */
  compose(shape: Shape | null, yesNo: boolean): string {
    if (shape === null) return this.sentences(2 + Math.floor(this.random() * 3), true, true);
    switch (shape.kind) {
      case 'words':
        return shape.count === 1 ? this.oneWord(yesNo) : this.words(shape.count);
      case 'sentences':
        return this.sentences(shape.count, shape.count > 1, shape.count > 2);
      case 'paragraphs': {
        const paragraphs: string[] = [];
        for (let i = 0; i < shape.count; i++) paragraphs.push(this.paragraph(i === 0, i === shape.count - 1));
        return paragraphs.join('\n\n');
      }
      case 'list': {
        const intro =
          shape.count === 1
            ? `Here is one point about ${this.topics[0]}:`
            : `Here are ${shape.count} points about ${this.topics[0]}:`;
        const items: string[] = [];
        for (let i = 1; i <= shape.count; i++) items.push(`${i}. ${this.sentence('list')}`);
        return `${intro}\n\n${items.join('\n')}`;
      }
    }
  }

  /** About `count` words: whole sentences, the last one cut short and closed with a full stop. */
  private words(count: number): string {
    const words: string[] = [];
    for (let i = 0; words.length < count; i++) words.push(...this.sentence(i === 0 ? 'open' : 'body').split(' '));
    return `${words
      .slice(0, count)
      .join(' ')
      .replace(/[.,;:!?]$/, '')}.`;
  }

  /** Visible reasoning before an answer: a few sentences of thinking, more for more effort. */
  reasoning(effort: string | undefined): string {
    const count = effort === 'low' || effort === 'minimal' ? 3 : effort === 'high' ? 10 : 6;
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(this.sentence('reason'));
    return out.join(' ');
  }
}
