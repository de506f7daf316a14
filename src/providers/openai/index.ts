// OpenAI and OpenAI-compatible servers (vLLM, llama.cpp, DeepSeek, ...): the chat API as OpenAI documents it.
import { z } from 'zod';
import { requiredFor } from '../deployment.ts';
import type { ProviderModule } from '../types.ts';
import { OpenAICompatibleAdapter } from './adapter.ts';

export const openai = {
  type: 'openai',
  configSchema: z.object({ base_url: requiredFor('openai') }),
  create: (config) => new OpenAICompatibleAdapter(config),
} as const satisfies ProviderModule<'openai'>;
