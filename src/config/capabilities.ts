// A deployment's effective capabilities for one model: the served model's overrides, then the provider's,
// then defaults for the provider type.
import type { Capabilities, ProviderConfig } from './schema.ts';

const DEFAULTS: Capabilities = {
  chat: true,
  embeddings: true,
  streaming: true,
  tools: true,
  vision: false,
  responses: false,
  context_length: 128_000,
};

const BY_TYPE: Record<ProviderConfig['type'], Partial<Capabilities>> = {
  openai: { responses: true },
  azure: { responses: true },
  simulator: { responses: true },
  anthropic: { embeddings: false, vision: true, context_length: 200_000 },
};

export function capabilitiesOf(provider: ProviderConfig, served: ProviderConfig['models'][number]): Capabilities {
  const strip = (o: object | undefined) =>
    Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined));
  return {
    ...DEFAULTS,
    ...BY_TYPE[provider.type],
    ...strip(provider.capabilities),
    ...strip(served.capabilities),
  } as Capabilities;
}
