// Declared uses read as the kind of product they describe (the dev profile's and the variants' declarations).
import { describe, expect, it } from 'vitest';
import { declaredKind } from './declared-use.ts';

describe('declared use', () => {
  it('reads the kind of product a declaration describes', () => {
    const cases: Array<[string, string | undefined]> = [
      ['AI answer engine for our search product', 'answers'],
      ['ask-anything Q&A widget on our publishing site', 'answers'],
      ['internal knowledge-base search', 'answers'],
      ['customer support chatbot for our e-commerce site', 'support'],
      ['support ticket routing with confidence scores', 'classification'],
      ['sentiment classification of customer reviews', 'classification'],
      ['news summarisation for our newsletter', 'summarisation'],
      ['batch summaries of analyst reports', 'summarisation'],
      ['literature review and research summaries', 'research_education'],
      ['step-by-step maths tutoring app for students', 'research_education'],
      ['localisation of support articles', 'translation'],
      ['code completion and review inside our IDE plugin', 'coding'],
      ['workflow automation agent with tool calls', 'automation'],
      ['marketing copy and blog drafts', 'writing'],
      ['synthetic test data for QA teams', 'test_data'],
      ['Übersetzung unserer Produkttexte', 'translation'],
      ['general-purpose assistant', 'answers'],
      ['we will decide later', undefined],
      ['', undefined],
    ];
    for (const [text, kind] of cases) expect(declaredKind(text), text).toBe(kind);
  });
});
