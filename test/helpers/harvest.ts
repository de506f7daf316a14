// Prompts for distillation tests: a harvesting campaign (one-shot prompts from one template, each on different
// subjects, never followed up, each asking for all the output a reasoning model will give) and a product's
// conversations (an opening question, then a follow-up on it).
// Subjects are made-up words, so the detector is tested on how the prompts behave, not on what they say.
import Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';

const HEADS = [
  'astra',
  'belo',
  'cirro',
  'dolmi',
  'elvo',
  'fenra',
  'gorvi',
  'halce',
  'istra',
  'jubra',
  'kelmo',
  'lurvi',
];
const TAILS = ['naxis', 'pertine', 'quorel', 'rastem', 'solvane', 'tembrik', 'ulmarin', 'vestal', 'worbane', 'xandrel'];
/** 120 distinct subject words. */
export const SUBJECTS = HEADS.flatMap((h) => TAILS.map((t) => `${h}${t}`));

/** The i-th prompt of a harvesting sweep: the same opening, three subjects of its own. */
export function harvestPrompt(i: number): string {
  const s = (k: number) => SUBJECTS[(3 * i + k) % SUBJECTS.length];
  return `Write a comprehensive, detailed explanation of ${s(0)}, ${s(1)} and ${s(2)}, covering history and applications.`;
}

/** The i-th conversation of a product's users: a question, and a follow-up that reads the answer. */
export function conversation(i: number): [string, string] {
  const s = (k: number) => SUBJECTS[(3 * i + k + 7) % SUBJECTS.length];
  return [
    `Could you tell me about ${s(0)} and how it relates to ${s(1)} or ${s(2)}?`,
    'Thanks. Which part of that should I read about first?',
  ];
}

/** The output budget a harvester asks for: all there is. */
export const HARVEST_BUDGET = 16_000;

/** One harvesting client per wire protocol, each from its own client address (X-Forwarded-For, with trust_proxy). */
export function surfaceClients(url: string, key: string, address: string, openai: (key: string) => OpenAI) {
  const headers = { 'x-forwarded-for': address };
  const client = openai(key);
  const anthropic = new Anthropic({ baseURL: url, apiKey: key, maxRetries: 0, defaultHeaders: headers });
  return {
    chat: async (prompt: string, model: string) => {
      await client.chat.completions.create(
        {
          model,
          messages: [
            { role: 'system', content: 'You are a helpful teacher.' },
            { role: 'user', content: prompt },
          ],
          max_tokens: HARVEST_BUDGET,
        },
        { headers },
      );
    },
    responses: async (prompt: string, model: string) => {
      await client.responses.create(
        { model, instructions: 'You are a helpful teacher.', input: prompt, max_output_tokens: HARVEST_BUDGET },
        { headers },
      );
    },
    anthropic: async (prompt: string, model: string) => {
      await anthropic.messages.create({
        model,
        max_tokens: HARVEST_BUDGET,
        system: 'You are a helpful teacher.',
        messages: [{ role: 'user', content: prompt }],
      });
    },
  };
}
