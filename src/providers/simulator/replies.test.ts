import { describe, expect, it } from 'vitest';
import { chatChunks, chatCompletion, planChat } from './replies.ts';

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
