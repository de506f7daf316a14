// The provider registry: one line per vendor folder. Adding a vendor is a folder plus one line here; the config
// file's provider schema (its `type` values and what each type requires) is built from this list.
import { z } from 'zod';
import { anthropic } from './anthropic/index.ts';
import { azure } from './azure/index.ts';
import { deploymentSchema, type DeploymentConfig } from './deployment.ts';
import { openai } from './openai/index.ts';
import { simulator } from './simulator/index.ts';
import type { ProviderAdapter, ProviderModule } from './types.ts';

const providers = [openai, azure, anthropic, simulator] as const;

export type ProviderType = (typeof providers)[number]['type'];
export const providerTypes = providers.map((p) => p.type) as [ProviderType, ...ProviderType[]];

const byType = new Map<string, ProviderModule>(providers.map((p) => [p.type, p]));

/** One deployment in the config file: the fields every deployment has, then what its type requires. */
export const providerConfigSchema = deploymentSchema(z.enum(providerTypes)).superRefine((provider, ctx) => {
  const required = byType.get(provider.type)?.configSchema.safeParse(provider);
  for (const issue of required?.error?.issues ?? [])
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});

export function createAdapter(config: DeploymentConfig): ProviderAdapter {
  const provider = byType.get(config.type);
  if (!provider) throw new Error(`no provider of type "${config.type}"`);
  return provider.create(config);
}
