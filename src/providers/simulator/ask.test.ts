import { describe, expect, it } from 'vitest';
import { readAsk, shapeOf, topicsOf } from './ask.ts';

describe('what a request asks the simulator for', () => {
  it('reads the form asked for', () => {
    expect(shapeOf('Write three paragraphs about harbours and ships')).toEqual({ kind: 'paragraphs', count: 3 });
    expect(shapeOf('Answer in one word: what colour is the sky?')).toEqual({ kind: 'words', count: 1 });
    expect(shapeOf('Describe it in 50 words')).toEqual({ kind: 'words', count: 50 });
    expect(shapeOf('Summarise this in two sentences.')).toEqual({ kind: 'sentences', count: 2 });
    expect(shapeOf('Give me five tips for learning the violin')).toEqual({ kind: 'list', count: 5 });
    expect(shapeOf('Write a long essay on the printing press')).toEqual({ kind: 'paragraphs', count: 8 });
    expect(shapeOf('Explain the CAP theorem briefly.')).toEqual({ kind: 'sentences', count: 2 });
    expect(shapeOf('What is the CAP theorem?')).toBeNull();
  });

  it('finds the topics, most salient first, keeping proper nouns and acronyms as written', () => {
    expect(topicsOf('Write three paragraphs about harbours and ships')).toEqual(['harbours', 'ships']);
    expect(topicsOf('Explain the CAP theorem briefly.')).toEqual(['the CAP theorem']);
    expect(topicsOf('Summarise the benefits of connection pooling in two sentences.')[0]).toBe('connection pooling');
    expect(topicsOf('What is the capital of France?')[0]).toBe('France');
    expect(topicsOf('hello, thanks!')).toEqual([]);
    expect(topicsOf("What's the weather going to be in Lisbon? I don't know.")).toEqual(['the weather', 'Lisbon']);
    expect(topicsOf("Describe Lisbon's trams")).toEqual(['Lisbon trams']);
  });

  it('falls back to earlier turns for a follow-up that names no topic', () => {
    const ask = readAsk([
      { role: 'user', content: 'Tell me about lighthouses.' },
      { role: 'assistant', content: '...' },
      { role: 'user', content: 'Tell me more, in three sentences.' },
    ]);
    expect(ask.topics).toEqual(['lighthouses']);
    expect(ask.shape).toEqual({ kind: 'sentences', count: 3 });
  });
});
