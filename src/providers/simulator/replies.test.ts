import { describe, expect, it } from 'vitest';
import { chatChunks, chatCompletion } from './replies.ts';
import { planChat } from './plan.ts';

const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };

describe('simulator replies', () => {
  it('are deterministic for the same request and labelled as simulated', () => {
    const a = chatCompletion(planChat(body)) as any;
    const b = chatCompletion(planChat(body)) as any;
    expect(a.choices[0].message.content).toBe(b.choices[0].message.content);
    expect(a.choices[0].message.content).toMatch(/^\[simulated\]/);
    expect(a.system_fingerprint).toBe('conduit-simulator');
  });

  it('stream chunks add up to the reply and the usage matches the content pieces', () => {
    const plan = planChat(body);
    const chunks = [...chatChunks(plan, true)] as any[];
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe((chatCompletion(plan) as any).choices[0].message.content);
    const pieces = chunks.filter((c) => c.choices[0]?.delta?.content).length;
    expect(chunks.at(-1).usage.completion_tokens).toBe(pieces);
  });

  it('honours max_tokens with finish_reason length', () => {
    const reply = chatCompletion(planChat({ ...body, max_tokens: 3 })) as any;
    expect(reply.choices[0].finish_reason).toBe('length');
    expect(reply.usage.completion_tokens).toBe(3);
  });
});

describe('simulator reasoning models', () => {
  const ask = { messages: [{ role: 'user', content: 'Why is the sea salty?' }] };

  it('bill hidden reasoning for OpenAI o-series, and show it DeepSeek-style for the reasoner', () => {
    const o = chatCompletion(planChat({ ...ask, model: 'o3-mini' })) as any;
    expect(o.usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(o.choices[0].message.reasoning_content).toBeUndefined();
    const r1 = chatCompletion(planChat({ ...ask, model: 'deepseek-reasoner' })) as any;
    expect(r1.choices[0].message.reasoning_content.length).toBeGreaterThan(0);
    expect(r1.usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
  });

  it('count reasoning against max_completion_tokens: a budget it uses up leaves no answer', () => {
    const r = chatCompletion(planChat({ ...ask, model: 'deepseek-reasoner', max_completion_tokens: 10 })) as any;
    expect(r.choices[0].finish_reason).toBe('length');
    expect(r.choices[0].message.content).toBe('');
    expect(r.usage.completion_tokens).toBe(10);
    expect(r.usage.completion_tokens_details.reasoning_tokens).toBe(10);
  });
});

describe('simulator exact lengths (reply_tokens)', () => {
  it('make a reply of exactly that many tokens, however long', () => {
    for (const n of [1, 7, 700, 5000]) {
      const r = chatCompletion(planChat({ ...body, max_tokens: n, simulator_exact_length: true })) as any;
      expect(r.usage.completion_tokens).toBe(n);
      expect(r.choices[0].message.content).toMatch(/^\[simulated\]/);
    }
  });
});
