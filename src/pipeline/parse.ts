// Stage: validate the request body for the endpoint and note what the client asked of the stream.
import {
  validateChatRequest,
  validateEmbeddingsRequest,
  validateResponsesRequest,
} from '../protocols/openai/validate.ts';
import type { JsonObject } from '../wire/json.ts';
import type { Stage } from './context.ts';

export const parse: Stage = (ctx) => {
  if (ctx.endpoint === 'embeddings') {
    ctx.body = validateEmbeddingsRequest(ctx.rawBody);
    ctx.stream = false;
    return;
  }
  if (ctx.endpoint === 'responses') {
    ctx.body = validateResponsesRequest(ctx.rawBody);
    ctx.stream = ctx.body.stream === true;
    return;
  }
  const body = validateChatRequest(ctx.rawBody);
  ctx.body = body;
  ctx.stream = body.stream === true;
  ctx.clientWantsUsage = (body.stream_options as JsonObject | undefined)?.include_usage === true;
};
