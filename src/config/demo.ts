// The embedded default: a demo catalogue served entirely by the in-process simulator (no vendor is called).
import { validateConfig } from './load.ts';
import type { ConduitConfig } from './schema.ts';

const sim = (id: string, vendor: string, region: string, models: string[]) => ({
  id,
  vendor,
  type: 'simulator' as const,
  region,
  models: models.map((model) => ({ model })),
});

export function demoConfig(): Readonly<ConduitConfig> {
  return validateConfig(
    {
      regions: [
        { id: 'sg', name: 'Singapore', country: 'SG' },
        { id: 'us-east', name: 'US East', country: 'US' },
        { id: 'eu-west', name: 'EU West (Ireland)', country: 'IE' },
      ],
      vendors: [
        { id: 'openai', name: 'OpenAI' },
        { id: 'anthropic', name: 'Anthropic' },
        { id: 'deepseek', name: 'DeepSeek (self-hosted open weights)' },
      ],
      providers: [
        sim('sim-openai-us-east', 'openai', 'us-east', ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']),
        sim('sim-openai-sg', 'openai', 'sg', ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']),
        sim('sim-anthropic-eu-west', 'anthropic', 'eu-west', ['claude-sonnet-4']),
        sim('sim-anthropic-us-east', 'anthropic', 'us-east', ['claude-sonnet-4']),
        sim('sim-deepseek-sg', 'deepseek', 'sg', ['deepseek-chat', 'deepseek-reasoner']),
        sim('sim-deepseek-eu-west', 'deepseek', 'eu-west', ['deepseek-chat', 'deepseek-reasoner']),
      ],
      models: [
        { name: 'gpt-4o', vendor: 'openai', description: 'Simulated stand-in for OpenAI gpt-4o' },
        { name: 'gpt-4o-mini', vendor: 'openai' },
        { name: 'text-embedding-3-small', vendor: 'openai', kind: 'embedding' },
        { name: 'claude-sonnet-4', aliases: ['claude-sonnet-4-0'], vendor: 'anthropic' },
        { name: 'deepseek-chat', aliases: ['deepseek-v3'], vendor: 'deepseek' },
        { name: 'deepseek-reasoner', aliases: ['deepseek-r1'], vendor: 'deepseek' },
      ],
      demo: { seed: true },
    },
    'embedded demo configuration',
  );
}
