// Azure OpenAI: OpenAI's API under a resource URL, a deployment name and an api-version.
import { z } from 'zod';
import { requiredFor } from '../deployment.ts';
import type { ProviderModule } from '../types.ts';
import { createAzureAdapter } from './adapter.ts';

export const azure = {
  type: 'azure',
  configSchema: z.object({ base_url: requiredFor('azure'), api_version: requiredFor('azure') }),
  create: createAzureAdapter,
} as const satisfies ProviderModule<'azure'>;
