// Azure OpenAI: OpenAI's wire format at deployment URLs, with `api-version` and an `api-key` header.
import type { DeploymentConfig } from '../deployment.ts';
import { OpenAICompatibleAdapter, type OpenAIDialect } from '../openai/adapter.ts';
import type { JsonResult, UpstreamRequest } from '../types.ts';
import type { EventStream } from '../../wire/stream.ts';
import { contentFilterRefusal } from './content-filter.ts';

export function azureDialect(config: DeploymentConfig, env: NodeJS.ProcessEnv = process.env): OpenAIDialect {
  const key = config.api_key_env ? env[config.api_key_env] : undefined;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers['api-key'] = key;
  const version = encodeURIComponent(config.api_version!);
  return {
    target: (operation, req) => ({
      // Chat and embeddings are served per deployment; the Responses API once per resource (the model names the deployment).
      path:
        operation === 'responses'
          ? `/openai/responses?api-version=${version}`
          : `/openai/deployments/${encodeURIComponent(req.azureDeployment ?? req.model)}/${operation}?api-version=${version}`,
      headers,
    }),
  };
}

/** The shared OpenAI-compatible adapter, with Azure's content-filter refusals made plain to the client. */
export class AzureOpenAIAdapter extends OpenAICompatibleAdapter {
  override chat(req: UpstreamRequest): Promise<JsonResult> {
    return super.chat(req).catch(refused('messages'));
  }

  override chatStream(req: UpstreamRequest): Promise<EventStream> {
    return super.chatStream(req).catch(refused('messages'));
  }

  override responses(req: UpstreamRequest): Promise<JsonResult> {
    return super.responses(deploymentAsModel(req)).catch(refused('input'));
  }

  override responsesStream(req: UpstreamRequest): Promise<EventStream> {
    return super.responsesStream(deploymentAsModel(req)).catch(refused('input'));
  }
}

/** Azure's Responses API takes the deployment's name as the model. */
function deploymentAsModel(req: UpstreamRequest): UpstreamRequest {
  const model = req.azureDeployment ?? req.model;
  return req.body.model === model ? req : { ...req, body: { ...req.body, model }, bodyText: undefined };
}

const refused =
  (param: 'messages' | 'input') =>
  (err: unknown): never => {
    throw contentFilterRefusal(err, param);
  };

export const createAzureAdapter = (config: DeploymentConfig) => new AzureOpenAIAdapter(config, azureDialect(config));
