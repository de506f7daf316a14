// Azure OpenAI: OpenAI's wire format at deployment URLs, with `api-version` and an `api-key` header.
import type { ProviderConfig } from '../../config/schema.ts';
import { OpenAICompatibleAdapter, type OpenAIDialect } from '../openai/adapter.ts';

export function azureDialect(config: ProviderConfig, env: NodeJS.ProcessEnv = process.env): OpenAIDialect {
  const key = config.api_key_env ? env[config.api_key_env] : undefined;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers['api-key'] = key;
  const version = encodeURIComponent(config.api_version!);
  return {
    target: (operation, req) => ({
      path: `/openai/deployments/${encodeURIComponent(req.azureDeployment ?? req.model)}/${operation}?api-version=${version}`,
      headers,
    }),
  };
}

export const createAzureAdapter = (config: ProviderConfig) => new OpenAICompatibleAdapter(config, azureDialect(config));
