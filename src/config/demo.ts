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
      // The situation this product exists for: vendors' terms per jurisdiction, enforced on every request.
      policy: {
        default: 'allow',
        rules: [
          { id: 'anthropic-no-cn-customers', effect: 'deny', reason: "Anthropic's models are not offered to customers incorporated in China", when: { vendor: ['anthropic'], customer_country: ['CN'] } },
          { id: 'anthropic-no-cn-ownership', effect: 'deny', reason: "Anthropic's models are not offered to customers owned more than 50% from China", when: { vendor: ['anthropic'], owned_from: ['CN'] } },
          { id: 'openai-cn-verified-only', effect: 'deny', reason: "OpenAI's models are offered to customers incorporated in China only at tier verified or above", when: { vendor: ['openai'], customer_country: ['CN'], tier_below: 'verified' } },
          { id: 'openai-cn-from-singapore', effect: 'deny', reason: "OpenAI's models are served to customers incorporated in China only from Singapore", when: { vendor: ['openai'], customer_country: ['CN'], region_country_not_in: ['SG'] } },
          { id: 'no-serving-from-cn', effect: 'deny', reason: 'No model is served from a data centre in China', when: { region_country: ['CN'] } },
          { id: 'no-logprobs-on-trial', effect: 'deny', reason: 'Log probabilities are available from tier verified up', when: { feature: ['logprobs'], tier_below: 'verified' } },
        ],
      },
      vetting: { edd_countries: ['RU', 'BY', 'IR', 'MM', 'VE'] },
      demo: { seed: true },
    },
    'embedded demo configuration',
  );
}
