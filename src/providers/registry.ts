// Provider type → adapter factory. Adding a vendor is a folder plus one line here.
import type { ProviderConfig } from '../config/schema.ts';
import { AnthropicAdapter } from './anthropic/adapter.ts';
import { createAzureAdapter } from './azure/adapter.ts';
import { OpenAICompatibleAdapter } from './openai/adapter.ts';
import { InProcessSimulator } from './simulator/adapter.ts';
import type { ProviderAdapter } from './types.ts';

type Factory = (config: ProviderConfig) => ProviderAdapter;

const factories: Record<ProviderConfig['type'], Factory> = {
  openai: (config) => new OpenAICompatibleAdapter(config),
  azure: createAzureAdapter,
  // A simulator with a base_url is a simulator server: talk to it like any OpenAI-compatible upstream.
  simulator: (config) => (config.base_url ? new OpenAICompatibleAdapter(config) : new InProcessSimulator(config)),
  anthropic: (config) => new AnthropicAdapter(config),
};

export function createAdapter(config: ProviderConfig): ProviderAdapter {
  return factories[config.type](config);
}
