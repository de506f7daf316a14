// When a vendor reports no usage (a stream cut short, an upstream that never sends any), Conduit bills what it
// delivered, counted by its own tokenizer, marks the usage estimated, and gives the client the same figures.
import { countPromptTokens, countTextTokens } from './delivered-tokens.ts';
import type { JsonObject } from '../wire/json.ts';
import { NO_USAGE, promptTokensDetails, type Usage } from '../wire/usage.ts';
import type { Endpoint } from '../wire/endpoint.ts';
import type { MeteredRequest } from './metered-request.ts';

/** Sets the request's usage to our count of its prompt and of `delivered`, marked estimated. */
export async function estimateUsage(ctx: MeteredRequest, delivered: string): Promise<Usage> {
  const usage: Usage = {
    ...NO_USAGE,
    prompt_tokens: await countPromptTokens(ctx.body!),
    completion_tokens: await countTextTokens(delivered),
  };
  ctx.usage = usage;
  ctx.usageEstimated = true;
  return usage;
}

/** `usage` in the shape the endpoint's replies carry it (chat and embeddings: OpenAI's; the Responses API: its own). */
export function usageField(endpoint: Endpoint, u: Usage): JsonObject {
  if (endpoint === 'embeddings') return { prompt_tokens: u.prompt_tokens, total_tokens: u.prompt_tokens };
  const total_tokens = u.prompt_tokens + u.completion_tokens;
  if (endpoint === 'responses') {
    return {
      input_tokens: u.prompt_tokens,
      input_tokens_details: promptTokensDetails(u),
      output_tokens: u.completion_tokens,
      output_tokens_details: { reasoning_tokens: u.reasoning_tokens },
      total_tokens,
    };
  }
  return { prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens, total_tokens };
}
