// The SIMULATOR: in-process, or a simulator server reached at its base_url.
import { z } from 'zod';
import { OpenAICompatibleAdapter } from '../openai/adapter.ts';
import type { ProviderModule } from '../types.ts';
import { InProcessSimulator } from './adapter.ts';

export const simulator = {
  type: 'simulator',
  configSchema: z.object({}),
  // A simulator with a base_url is a simulator server: talk to it like any OpenAI-compatible upstream.
  create: (config) => (config.base_url ? new OpenAICompatibleAdapter(config) : new InProcessSimulator(config)),
} as const satisfies ProviderModule<'simulator'>;
