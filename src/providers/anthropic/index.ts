// Anthropic's Messages API as an upstream vendor.
import { z } from 'zod';
import { requiredFor } from '../deployment.ts';
import type { ProviderModule } from '../types.ts';
import { AnthropicAdapter } from './adapter.ts';

export const anthropic = {
  type: 'anthropic',
  configSchema: z.object({ base_url: requiredFor('anthropic') }),
  create: (config) => new AnthropicAdapter(config),
} as const satisfies ProviderModule<'anthropic'>;
